// functions/sprig.py written by hand in plain JavaScript, the way a Segment user would write it in
// the browser editor: the reference the compiled bundle is measured against (bench/compiler.py).
const MAX = 255;

function userIdOf(event) {
  const id = event.userId;
  if (id === undefined || id === null || id === "") {
    throw new ValidationError("Sprig keys users by userId, and this message has none (anonymousId alone cannot be sent)");
  }
  const text = String(id);
  if (text.length > MAX) throw new ValidationError(`userId is ${text.length} characters long; Sprig takes at most ${MAX}`);
  return text;
}

function flatten(value, prefix, out) {
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) flatten(inner, name, out);
    else out[name] = inner;
  }
  return out;
}

const scalar = (v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function attributesOf(traits) {
  const out = {};
  const dropped = [];
  for (const [name, value] of Object.entries(flatten(traits, "", {}))) {
    let keep = true, sent = value;
    if (typeof value === "string") sent = value.slice(0, MAX);
    else if (Array.isArray(value)) keep = value.every(scalar);
    else if (value !== null && !scalar(value)) keep = false;
    if (!keep || name === "" || name.startsWith("!") || name.length > MAX) { dropped.push(name.slice(0, 60)); continue; }
    out[name] = sent;
  }
  if (dropped.length) console.log(`sprig: left out ${dropped.length} attribute(s) Sprig cannot take: ${dropped.join(", ")}`);
  return out;
}

function timestampOf(event) {
  for (const key of ["timestamp", "originalTimestamp", "receivedAt"]) {
    const value = event[key];
    if (typeof value === "string" && value) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  throw new ValidationError("the message has no usable timestamp (timestamp, originalTimestamp or receivedAt)");
}

function sprigEvent(name, event) {
  if (typeof name !== "string" || name.trim() === "") throw new ValidationError(`a ${event.type} call needs a name to become a Sprig event`);
  if (name.length > MAX) throw new ValidationError(`event name is ${name.length} characters long; Sprig takes at most ${MAX}`);
  return { event: name, timestamp: timestampOf(event) };
}

async function post(path, body, settings) {
  const scheme = settings.authScheme || "API-Key";
  const base = (settings.baseUrl || "https://api.sprig.com").replace(/\/+$/, "");
  let res;
  try {
    res = await fetch(base + path, { method: "POST", body: JSON.stringify(body),
      headers: { Authorization: `${scheme} ${settings.apiKey}`, "Content-Type": "application/json" } });
  } catch (error) {
    throw new RetryError(`Sprig could not be reached: ${error.message}`);
  }
  if (res.status >= 500 || res.status === 429) throw new RetryError(`Sprig answered ${res.status}: ${await res.text()}`);
  if (res.status >= 400) throw new ValidationError(`Sprig refused the request (${res.status}): ${await res.text()}`);
  return { status: res.status };
}

async function onIdentify(event, settings) {
  const traits = event.traits || {};
  const body = { userId: userIdOf(event), attributes: attributesOf(traits) };
  const email = typeof traits.email === "string" ? traits.email.trim() : "";
  if (email.length <= MAX && /^[^@\s]+@[^@\s]+$/.test(email)) body.emailAddress = email;
  return post("/v2/users", body, settings);
}

async function onTrack(event, settings) {
  return post("/v2/users", { userId: userIdOf(event), events: [sprigEvent(event.event, event)] }, settings);
}

async function onScreen(event, settings) {
  return post("/v2/users", { userId: userIdOf(event), events: [sprigEvent(event.name, event)] }, settings);
}

async function onAlias(event, settings) {
  return post("/v2/users", { userId: userIdOf(event) }, settings);
}

async function onGroup() {
  throw new EventNotSupported("Sprig has no groups: group calls are not sent");
}

async function onDelete(event, settings) {
  return post("/v2/purge/visitors", { userIds: [userIdOf(event)] }, settings);
}
