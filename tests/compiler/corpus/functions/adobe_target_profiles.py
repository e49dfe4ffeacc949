"""Adobe Target: audience traits onto the visitor's Target profile (Single Profile Update)."""

import base64
from urllib.parse import quote, urlencode

from segfn.runtime import EventNotSupported, Setting, fetch

KIND = "destination"
NAME = "Adobe Target Profiles"
SETTINGS = [Setting("clientCode", label="Adobe client code", required=True),
            Setting("spaceId", label="Profile space ID", required=True),
            Setting("profileApiToken", label="Profile API token", required=True, sensitive=True),
            Setting("idTrait", label="Trait holding the mbox PCID")]


async def on_identify(event, settings):
    trait = settings.get("idTrait") or "target-id"
    user_id = event.get("userId")
    if not user_id:
        raise EventNotSupported("identify without userId")
    token = base64.b64encode(f"{settings['profileApiToken']}:".encode()).decode()
    profile = await fetch(f"https://profiles.segment.com/v1/spaces/{settings['spaceId']}/collections/users/profiles/"
                          f"user_id:{quote(str(user_id))}/traits?include={quote(trait)}",
                          headers={"Authorization": f"Basic {token}"})
    found = (await profile.json()).get("traits") or {}
    pcid = found.get(trait)
    if not pcid:
        raise EventNotSupported(f"the profile has no {trait}")
    updates = {f"profile.{key}": value for key, value in sorted((event.get("traits") or {}).items())
               if isinstance(value, (str, int, float, bool))}
    query = urlencode({"mboxPC": pcid, **updates})
    code = settings["clientCode"]
    res = await fetch(f"https://{code}.tt.omtrdc.net/m2/{code}/profile/update?{query}")
    return {"status": res.status, "updated": len(updates)}
