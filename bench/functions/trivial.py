"""The benchmark's destination function: does nothing, so the pipeline's own cost shows."""

from segfn.runtime import Setting

KIND = "destination"
NAME = "Trivial"
SETTINGS = [Setting("apiKey", sensitive=True)]


async def on_track(event, settings):
    return None


async def on_identify(event, settings):
    return None
