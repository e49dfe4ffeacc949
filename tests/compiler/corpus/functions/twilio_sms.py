"""Twilio: look the phone number up, then text the user (form-encoded, as Twilio's API takes it)."""

import base64
from urllib.parse import quote, urlencode

from segfn.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Twilio SMS"
SETTINGS = [Setting("accountSid", label="Account SID", required=True),
            Setting("authToken", label="Auth token", required=True, sensitive=True),
            Setting("from", label="From number", required=True),
            Setting("message", label="Message", required=True)]


class TwilioError(Exception):
    def __init__(self, status: int, detail: str = ""):
        super().__init__(f"Twilio answered {status}" + (f": {detail}" if detail else ""))
        self.status = status


def auth_header(settings) -> dict:
    pair = f"{settings['accountSid']}:{settings['authToken']}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


async def on_identify(event, settings):
    phone = (event.get("traits") or {}).get("phone")
    if not phone:
        raise ValidationError("No phone number")
    lookup = await fetch(f"https://lookups.twilio.com/v1/PhoneNumbers/{quote(str(phone))}",
                         headers=auth_header(settings))
    if lookup.status == 404:
        raise ValidationError("Invalid phone number")
    if lookup.status >= 500:
        raise RetryError(f"lookup answered {lookup.status}")
    number = (await lookup.json()).get("phone_number")
    form = urlencode({"Body": settings["message"], "To": number, "From": settings["from"]})
    sent = await fetch(f"https://api.twilio.com/2010-04-01/Accounts/{settings['accountSid']}/Messages.json",
                       method="POST", body=form,
                       headers={**auth_header(settings), "Content-Type": "application/x-www-form-urlencoded"})
    answer = await sent.json()
    if answer.get("status") != "queued":
        raise TwilioError(sent.status, str(answer.get("message", "")))
    return answer.get("sid")
