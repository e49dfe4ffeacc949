"""A data engineer's insert function: normalise Order Completed events before they reach the warehouse.

Prices to cents, currencies upper case, the order's local time from its offset, a stable line order,
and a coupon summary; anything that is not an order passes unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional

from segfn.runtime import DropEvent, Setting, ValidationError

KIND = "insert"
NAME = "Order Normaliser"
SETTINGS = [Setting("defaultCurrency", label="Default currency"),
            Setting("dropTestOrders", label="Drop test orders", type="boolean")]

ORDER_EVENTS = {"Order Completed", "Order Refunded"}


class OrderError(ValidationError):
    def __init__(self, order_id: Optional[str], reason: str):
        super().__init__(f"order {order_id or '?'}: {reason}")
        self.order_id = order_id


@dataclass
class Line:
    sku: str
    quantity: int
    cents: int
    tags: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.quantity * self.cents


def cents(value, order_id) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise OrderError(order_id, f"price {value!r} is not a number")
    try:
        return round(float(value) * 100)
    except ValueError:
        raise OrderError(order_id, f"price {value!r} is not a number") from None


def lines(products, order_id) -> list[Line]:
    out = []
    for i, product in enumerate(products or []):
        if not isinstance(product, dict):
            raise OrderError(order_id, f"product #{i} is not an object")
        sku = str(product.get("sku") or product.get("product_id") or f"line-{i}")
        quantity = int(product.get("quantity", 1))
        out.append(Line(sku, quantity, cents(product.get("price", 0), order_id),
                        sorted({str(t).lower() for t in product.get("tags", [])})))
    return sorted(out, key=lambda line: (line.sku, -line.total))


def local_time(timestamp: str, offset_minutes) -> str:
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if isinstance(offset_minutes, int) and -840 <= offset_minutes <= 840:
        moment = moment.astimezone(timezone(timedelta(minutes=offset_minutes)))
    return moment.strftime("%Y-%m-%d %H:%M %z")


async def on_track(event, settings):
    if event.get("event") not in ORDER_EVENTS:
        return event
    props = dict(event.get("properties") or {})
    order_id = props.get("order_id")
    if settings.get("dropTestOrders") and str(order_id or "").startswith("test-"):
        raise DropEvent(f"test order {order_id}")
    items = lines(props.get("products"), order_id)
    currency = str(props.get("currency") or settings.get("defaultCurrency") or "USD").upper()
    coupons = [c.strip().upper() for c in str(props.get("coupon") or "").split(",") if c.strip()]
    props.update({
        "currency": currency,
        "products": [{"sku": l.sku, "quantity": l.quantity, "price_cents": l.cents, "tags": l.tags} for l in items],
        "total_cents": sum(l.total for l in items),
        "coupons": coupons,
        "local_time": local_time(event.get("timestamp") or "1970-01-01T00:00:00Z",
                                 (event.get("context") or {}).get("timezoneOffset")),
    })
    if event["event"] == "Order Refunded":
        props["total_cents"] = -props["total_cents"]
    return {**event, "properties": props}
