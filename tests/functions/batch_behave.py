"""A destination function with on_batch whose per-event results each test event chooses with
``properties.do``: "ok" (200), "reject" (400), "busy" (500), or "explode" (the whole batch raises
ValidationError). It records nothing and calls no API, so outcomes depend only on the batches."""

from segfn.runtime import ValidationError

KIND = "destination"
NAME = "Batch Behave"

STATUS = {"ok": 200, "reject": 400, "busy": 500}


def on_track(event, settings):
    return "single"


def on_identify(event, settings):
    return "single"


def on_batch(events, settings):
    wants = [(e.get("properties") or {}).get("do", "ok") for e in events]
    if "explode" in wants:
        raise ValidationError(f"a batch of {len(events)} with an event that explodes")
    return [{"status": STATUS.get(w, 200), "errormessage": w} for w in wants]
