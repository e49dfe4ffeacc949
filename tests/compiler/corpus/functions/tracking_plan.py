"""A data engineer's insert function: hold track events to a tracking plan.

Property names are made snake_case, numeric strings become numbers where the plan wants a number,
required properties are checked, unknown events are dropped or tagged (a setting), and every change
is listed in context.protocols so analysts can see what the function did."""

import re
from enum import Enum
from dataclasses import dataclass
from typing import Any

from segfn.runtime import DropEvent, Setting, ValidationError

KIND = "insert"
NAME = "Tracking Plan"
SETTINGS = [Setting("unplannedEvents", label="Unplanned events: drop, tag or allow"),
            Setting("strict", label="Refuse events missing required properties", type="boolean")]


class Kind(Enum):
    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ARRAY = "array"


@dataclass(frozen=True)
class Prop:
    kind: Kind
    required: bool = False


PLAN = {
    "Order Completed": {"order_id": Prop(Kind.STRING, True), "revenue": Prop(Kind.NUMBER, True),
                        "currency": Prop(Kind.STRING), "products": Prop(Kind.ARRAY), "discount": Prop(Kind.NUMBER)},
    "Product Added": {"product_id": Prop(Kind.STRING, True), "price": Prop(Kind.NUMBER), "quantity": Prop(Kind.INTEGER)},
    "Signed Up": {"method": Prop(Kind.STRING, True), "newsletter": Prop(Kind.BOOLEAN)},
}
CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
TRUTHY = {"true", "yes", "1", "on"}
FALSY = {"false", "no", "0", "off"}


def snake(name: str) -> str:
    return CAMEL.sub(r"_\1", name.strip()).replace(" ", "_").replace("-", "_").lower()


def coerce(value: Any, kind: Kind) -> tuple[Any, bool]:
    """(the value as the plan wants it, whether it matches)."""
    if kind is Kind.STRING:
        return (value, True) if isinstance(value, str) else (str(value), value is not None)
    if kind in (Kind.NUMBER, Kind.INTEGER):
        if isinstance(value, bool):
            return value, False
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "")) if kind is Kind.NUMBER else int(value)
            except ValueError:
                return value, False
        if kind is Kind.INTEGER and isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = isinstance(value, int) if kind is Kind.INTEGER else isinstance(value, (int, float))
        return value, ok
    if kind is Kind.BOOLEAN:
        if isinstance(value, str) and value.lower() in TRUTHY | FALSY:
            return value.lower() in TRUTHY, True
        return value, isinstance(value, bool)
    return value, isinstance(value, list)


async def on_track(event, settings):
    name = event.get("event")
    plan = PLAN.get(name)
    mode = (settings.get("unplannedEvents") or "tag").lower()
    changes: list[str] = []
    props = {}
    for key, value in (event.get("properties") or {}).items():
        new_key = snake(key)
        if new_key != key:
            changes.append(f"renamed {key} -> {new_key}")
        props[new_key] = value
    if plan is None:
        if mode == "drop":
            raise DropEvent(f"{name!r} is not in the tracking plan")
        if mode == "tag":
            changes.append("unplanned")
    else:
        for key, spec in sorted(plan.items()):
            if key not in props:
                if spec.required:
                    if settings.get("strict"):
                        raise ValidationError(f"{name}: {key} is required")
                    changes.append(f"missing {key}")
                continue
            value, ok = coerce(props[key], spec.kind)
            if value != props[key] or type(value).__name__ != type(props[key]).__name__:
                changes.append(f"coerced {key} to {spec.kind.value}")
            props[key] = value
            if not ok:
                changes.append(f"{key} is not a {spec.kind.value}")
    context = dict(event.get("context") or {})
    if changes:
        context["protocols"] = {"violations": changes, "plan": "v3", "count": len(changes)}
    return {**event, "properties": props, "context": context}
