"""An insert function whose list of default paths applies only when its optional setting is absent:
the removal is reached only by a message that has a default path while ``fields`` is not set."""

from segfn.runtime import Setting

KIND = "insert"
NAME = "Default paths"
SETTINGS = [Setting("fields", label="Fields", type="array"), Setting("label", label="Label", required=True)]
DEFAULTS = ("properties.taxId",)


async def on_track(event, settings):
    fields = settings.get("fields") or DEFAULTS
    for field in fields:
        head, _, tail = field.partition(".")
        inner = event.get(head)
        if isinstance(inner, dict) and tail in inner and field in DEFAULTS:
            return {**event, head: {k: v for k, v in inner.items() if k != tail}}
    return event
