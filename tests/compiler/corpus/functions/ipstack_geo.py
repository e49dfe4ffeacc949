"""ipstack: enrich an identify with the IP's location and send it to another Segment source."""

import base64
from urllib.parse import quote

from segfn.runtime import EventNotSupported, RetryError, Setting, fetch

KIND = "destination"
NAME = "ipstack Geo"
SETTINGS = [Setting("apiKey", label="ipstack access key", required=True, sensitive=True),
            Setting("sourceWriteKey", label="Write key of the enriched source", required=True, sensitive=True)]

KEPT = ("country_code", "country_name", "region_name", "city", "zip", "latitude", "longitude")


def location(answer: dict) -> dict:
    loc = {key: answer[key] for key in KEPT if answer.get(key) is not None}
    if isinstance(answer.get("location"), dict) and answer["location"].get("is_eu") is not None:
        loc["is_eu"] = bool(answer["location"]["is_eu"])
    return loc


async def on_identify(event, settings):
    ip = (event.get("context") or {}).get("ip")
    user_id = event.get("userId")
    if not ip or not user_id:
        raise EventNotSupported(f"{event['type']} missing IP or userId")
    res = await fetch(f"http://api.ipstack.com/{quote(ip)}?access_key={settings['apiKey']}")
    if not res.ok:
        raise RetryError(f"ipstack answered {res.status}")
    answer = await res.json()
    if "error" in answer:
        raise RetryError(str(answer["error"].get("info", "ipstack error")))
    token = base64.b64encode(settings["sourceWriteKey"].encode("utf-8")).decode("ascii")
    sent = await fetch("https://api.segment.io/v1/identify", method="POST",
                       headers={"Authorization": "Basic " + token},
                       json={"userId": user_id, "traits": location(answer)})
    return await sent.json()
