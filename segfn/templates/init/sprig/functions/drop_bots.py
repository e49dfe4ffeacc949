"""Insert function: drop events sent by bots, crawlers and scripts before they reach Sprig.

Segment has no bot filter of its own for cloud destinations, so a crawler that runs analytics.js
would create Sprig users and events. An event is dropped (``DropEvent``, shown as "Filtered at insert
function") when ``context.userAgent`` contains one of the known markers below or one of the
``extraPatterns`` setting's, compared case-insensitively. Events without a user agent (server and
most mobile libraries) pass.
"""

from segfn.runtime import DropEvent, Setting

KIND = "insert"
NAME = "Drop bots"
DESCRIPTION = "Drops events whose context.userAgent looks like a bot, crawler or HTTP script."
SETTINGS = [
    Setting("extraPatterns", label="Extra patterns", type="array",
            description="More user-agent substrings to drop (case-insensitive)."),
    Setting("allowPatterns", label="Allow patterns", type="array",
            description="User-agent substrings that are never dropped, even if a bot marker matches."),
]

BOT_MARKERS = (
    "bot", "crawler", "crawling", "spider", "slurp", "scrapy", "headlesschrome", "phantomjs",
    "lighthouse", "pingdom", "uptimerobot", "statuscake", "facebookexternalhit", "bingpreview",
    "python-requests", "python-urllib", "aiohttp", "curl/", "wget/", "go-http-client", "okhttp/",
    "axios/", "node-fetch", "undici", "postmanruntime", "insomnia/", "httpclient", "java/",
    "libwww-perl", "ahrefs", "semrush", "mj12", "dataprovider", "preview",
)
ALWAYS_ALLOWED = ("cubot",)  # a phone maker whose user agents contain "bot"


def strings(setting):
    if not isinstance(setting, list):
        return []
    return [item.lower() for item in setting if isinstance(item, str) and item != ""]


def bot_marker(user_agent, settings):
    """The marker that makes ``user_agent`` a bot, or None."""
    agent = user_agent.lower()
    for allowed in list(ALWAYS_ALLOWED) + strings(settings.get("allowPatterns")):
        if allowed in agent:
            return None
    for marker in list(BOT_MARKERS) + strings(settings.get("extraPatterns")):
        if marker in agent:
            return marker
    return None


def check(event, settings):
    context = event.get("context")
    user_agent = context.get("userAgent") if isinstance(context, dict) else None
    if isinstance(user_agent, str):
        marker = bot_marker(user_agent, settings)
        if marker is not None:
            raise DropEvent(f"bot user agent (matched {marker!r})")
    return event


async def on_identify(event, settings):
    return check(event, settings)


async def on_track(event, settings):
    return check(event, settings)


async def on_page(event, settings):
    return check(event, settings)


async def on_screen(event, settings):
    return check(event, settings)


async def on_group(event, settings):
    return check(event, settings)


async def on_alias(event, settings):
    return check(event, settings)


async def on_delete(event, settings):
    return event  # a deletion request is never a bot's: always forward it
