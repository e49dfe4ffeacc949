"""A key read through a loop over a literal tuple, its value tried as a date: the ``except`` is
reached only when a field the loop reads holds a string that is not one."""

from datetime import datetime

from segfn.runtime import Setting

KIND = "insert"
NAME = "Loop keys"
SETTINGS = [Setting("note", label="Note")]


async def on_identify(event, settings):
    for key in ("signupDate", "trialEnd"):
        value = event.get(key)
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                return {**event, "invalid": key}
    return event
