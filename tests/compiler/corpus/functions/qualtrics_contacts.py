"""Qualtrics: identify calls as mailing-list contacts, enriched from the Profile API."""

import base64

from segfn.runtime import EventNotSupported, FetchError, RetryError, Setting, fetch

KIND = "destination"
NAME = "Qualtrics Contacts"
SETTINGS = [Setting("dataCenterId", label="Data center", required=True),
            Setting("directoryId", label="Directory ID", required=True),
            Setting("mailingListId", label="Mailing list ID", required=True),
            Setting("apiToken", label="Qualtrics API token", required=True, sensitive=True),
            Setting("spaceId", label="Profile space ID", required=True),
            Setting("profileApiToken", label="Profile API token", required=True, sensitive=True)]


async def profile_traits(user_id, settings) -> dict:
    url = (f"https://profiles.segment.com/v1/spaces/{settings['spaceId']}/collections/users/profiles/"
           f"user_id:{user_id}/traits?limit=200")
    token = base64.b64encode(f"{settings['profileApiToken']}:".encode()).decode()
    try:
        res = await fetch(url, headers={"Authorization": f"Basic {token}"})
    except FetchError as error:
        raise RetryError(str(error)) from error
    if res.status >= 500 or res.status in (401, 429):
        raise RetryError(f"Failed with {res.status}")
    if res.status != 200:
        return {}
    return (await res.json()).get("traits") or {}


async def on_identify(event, settings):
    user_id = event.get("userId")
    if not user_id:
        raise EventNotSupported("Qualtrics contacts need a userId")
    traits = await profile_traits(user_id, settings)
    payload = {"email": (event.get("traits") or {}).get("email"), "extRef": user_id}
    first, last = traits.get("firstName"), traits.get("lastName")
    if first or last:
        payload.update(firstName=first, lastName=last,
                       embeddedData={k: traits.get(k) for k in ("shippingCountry", "sellerTier")})
    print("final payload keys:", ", ".join(sorted(payload)))
    endpoint = (f"https://{settings['dataCenterId']}.qualtrics.com/API/v3/directories/{settings['directoryId']}"
                f"/mailinglists/{settings['mailingListId']}/contacts")
    try:
        res = await fetch(endpoint, method="POST", headers={"X-API-TOKEN": settings["apiToken"]}, json=payload)
    except FetchError as error:
        raise RetryError(str(error)) from error
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Failed with {res.status}")
    return None


async def on_track(event, settings):
    raise EventNotSupported("track is not supported")
