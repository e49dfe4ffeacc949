"""An insert function whose allow list rescues what its marker list caught: the rescue is reached only
when a setting holds a string of the message itself (the user agent of a bot), which neither the
module's constants nor random strings give."""

from segfn.runtime import DropEvent, Setting

KIND = "insert"
NAME = "Allow list"
SETTINGS = [Setting("allowAgents", label="Allowed user agents", type="array")]


async def on_track(event, settings):
    context = event.get("context") or {}
    agent = context.get("userAgent") if isinstance(context, dict) else None
    if not isinstance(agent, str) or "bot" not in agent.lower():
        return event
    allowed = settings.get("allowAgents") or []
    if agent in allowed:
        return {**event, "properties": {"allowedBot": True}}
    raise DropEvent("a bot")
