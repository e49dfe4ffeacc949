"""Like echo.py, with on_batch: one POST per batch."""

from segfn.runtime import FetchError, RetryError, Setting, fetch

KIND = "destination"
NAME = "Echo Batch"
SETTINGS = [Setting("url", label="URL", required=True)]


async def post(ids, settings):
    try:
        res = await fetch(settings["url"], method="POST", json={"ids": ids})
    except FetchError as error:
        raise RetryError(str(error))
    if res.status >= 500:
        raise RetryError(f"answered {res.status}")
    return res.status


async def on_track(event, settings):
    return await post([event["messageId"]], settings)


async def on_batch(events, settings):
    await post([e["messageId"] for e in events], settings)
