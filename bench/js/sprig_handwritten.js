// functions/sprig.py written by hand in JavaScript, as a Segment user would: the benchmark's reference.
async function send(body, settings) {
  const res = await fetch("https://api.sprig.com/v2/users", {
    method: "POST",
    headers: { Authorization: `API-Key ${settings.apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 500 || res.status === 429) throw new RetryError(`Sprig answered ${res.status}`);
  if (res.status >= 400) throw new ValidationError(`Sprig answered ${res.status}`);
  return res.status;
}

async function onIdentify(event, settings) {
  if (!event.userId) throw new ValidationError("Sprig needs a userId");
  return send({ userId: event.userId, attributes: event.traits || {} }, settings);
}

async function onTrack(event, settings) {
  if (!event.userId) throw new ValidationError("Sprig needs a userId");
  return send({ userId: event.userId, events: [{ event: event.event }] }, settings);
}
