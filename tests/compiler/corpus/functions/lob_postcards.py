"""Lob: a postcard to a customer whose item failed to ship."""

import base64

from segfn.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Lob Postcards"
SETTINGS = [Setting("apiKey", label="API key", required=True, sensitive=True),
            Setting("returnAddress", label="Return address", type="map")]

REQUIRED = ("line1", "city", "state", "zip")


def address(raw: dict, name: str) -> dict:
    missing = [key for key in REQUIRED if not raw.get(key)]
    if missing:
        raise ValidationError(f"the address has no {', '.join(missing)}")
    out = {"name": name, "address_line1": raw["line1"], "address_city": raw["city"],
           "address_state": raw["state"], "address_zip": str(raw["zip"]).zfill(5)}
    if raw.get("line2"):
        out["address_line2"] = raw["line2"]
    return out


async def on_track(event, settings):
    if event.get("event") != "Item Failed":
        return None
    props = event.get("properties") or {}
    name = props.get("name") or "Customer"
    sender = settings.get("returnAddress") or {"line1": "100 Market St", "city": "San Francisco", "state": "CA",
                                               "zip": "94105"}
    body = {"description": f"Sorry card for order {props.get('order_id', '?')}",
            "to": address(props.get("address") or {}, name), "from": address(sender, "Acme"),
            "front": "<html style='padding: 1in; font-size: 50;'>Sorry, {{name}}</html>",
            "back": "<html style='padding: 1in; font-size: 20;'>Here is 10% off, {{name}}</html>",
            "merge_variables": {"name": name}}
    token = base64.b64encode((settings["apiKey"] + ":").encode()).decode()
    res = await fetch("https://api.lob.com/v1/postcards", method="POST",
                      headers={"Authorization": "Basic " + token}, json=body)
    if res.status == 429 or res.status >= 500:
        raise RetryError(f"Lob answered {res.status}")
    answer = await res.json()
    if "error" in answer:
        raise ValidationError(str(answer["error"].get("message", "Lob refused the postcard")))
    return answer.get("id")
