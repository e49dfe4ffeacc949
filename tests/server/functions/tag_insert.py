"""An insert function that tags every event (the debugger's diff shows the change)."""

KIND = "insert"
NAME = "Tag"
SETTINGS = []


def tag(event, settings):
    event.setdefault("properties", {})["tagged"] = True
    return event


on_track = on_identify = on_page = on_screen = on_group = on_alias = tag
