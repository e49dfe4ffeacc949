"""Follow-along: a Slack message linking the user's FullStory sessions for chosen events."""

from urllib.parse import quote

from segfn.runtime import Setting, fetch

KIND = "destination"
NAME = "Follow Along"
SETTINGS = [Setting("apiKey", label="Slack bot token", required=True, sensitive=True),
            Setting("channel", label="Channel", required=True),
            Setting("events", label="Events (comma separated)")]


def allowed(event_name, settings) -> bool:
    wanted = [e.strip() for e in (settings.get("events") or "").split(",")]
    return bool(event_name) and event_name in wanted


def fullstory_url(user_id: str) -> str:
    query = f"((NOW/DAY-29DAY:NOW/DAY+1DAY):((UserAppKey:==:\"{user_id}\")):():():():)"
    return f"https://app.fullstory.com/ui/1JO/segments/everyone/people:search:{quote(query, safe='():=')}/0"


async def on_track(event, settings):
    name = event.get("event")
    user_id = event.get("userId")
    if not allowed(name, settings) or not user_id:
        return None
    text = f"A user just completed {name}: <{fullstory_url(user_id)}|fullstory>"
    res = await fetch("https://slack.com/api/chat.postMessage", method="POST",
                      headers={"Authorization": f"Bearer {settings['apiKey']}"},
                      json={"text": text, "channel": settings["channel"]})
    return await res.text()
