"""Insert function: drops bot traffic by user agent, tags the rest."""

import re

from segfn.runtime import DropEvent, Setting

KIND = "insert"
NAME = "Drop bots (sample)"
SETTINGS = [Setting("extraAgents", label="Extra bot agents", type="array")]
BOT = re.compile(r"bot|crawl|spider|slurp|headless|curl/|python-requests", re.IGNORECASE)


def agent_of(event):
    context = event.get("context")
    if not isinstance(context, dict):
        return ""
    ua = context.get("userAgent")
    return ua if isinstance(ua, str) else ""


def check(event, settings):
    ua = agent_of(event)
    extra = settings.get("extraAgents") or []
    if BOT.search(ua) or any(a and a.lower() in ua.lower() for a in extra):
        raise DropEvent(f"bot user agent: {ua[:40]!r}")
    out = dict(event)
    out["context"] = {**(event.get("context") if isinstance(event.get("context"), dict) else {}), "botChecked": True}
    return out


def on_track(event, settings):
    return check(event, settings)


def on_identify(event, settings):
    return check(event, settings)


def on_page(event, settings):
    return check(event, settings)


def on_batch(events, settings):
    kept = []
    for event in events:
        try:
            kept.append(check(event, settings))
        except DropEvent:
            continue
    return kept
