KIND = "destination"
NAME = "Broken"

def on_track(event, settings)
    return event
