// tests/compiler/samples/functions/sprig_like.py written by hand in JavaScript (the benchmark's
// reference for a realistic mapping: flattening, ISO-8601 to epoch ms, formatting, sorting).
const BASE = "https://api.sprig.com/v2";
const RESERVED = { email: "!email", userId: "!userId" };
const MAX_ATTRIBUTES = 100;

class MappingError extends Error {
  constructor(message, field) { super(message); this.field = field; }
}

function flatten(value, prefix = "", sep = ".") {
  const out = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const name = prefix ? `${prefix}${sep}${key}` : String(key);
      if (inner && typeof inner === "object" && !Array.isArray(inner) && Object.keys(inner).length) Object.assign(out, flatten(inner, name, sep));
      else if (Array.isArray(inner)) out[name] = inner.map((v) => String(v)).join(",");
      else out[name] = inner;
    }
  }
  return out;
}

function toEpochMs(stamp) {
  if (stamp === null || stamp === undefined) return null;
  if (typeof stamp !== "string") throw new MappingError(`timestamp must be a string, not ${typeof stamp}`, "timestamp");
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})$/.test(stamp)) throw new MappingError("Invalid isoformat string", "timestamp");
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) throw new MappingError("Invalid isoformat string", "timestamp");
  return ms;
}

function headers(settings) {
  return { Authorization: `API-Key ${settings.apiKey}`, "Content-Type": "application/json", "X-Environment": settings.environment || "production" };
}

function userId(event) {
  const uid = event.userId;
  if (uid === null || uid === undefined || uid === "") {
    if (!event.anonymousId) throw new ValidationError("Sprig needs a userId or an anonymousId");
    return [null, String(event.anonymousId)];
  }
  return [String(uid), null];
}

function attributes(traits) {
  const out = {};
  for (let [key, value] of Object.entries(flatten(traits || {}))) {
    if (key in RESERVED) key = RESERVED[key];
    if (typeof value === "boolean" || value === null) out[key] = value;
    else if (typeof value === "number") out[key] = Number.isInteger(value) ? value : Math.round(value * 1e4) / 1e4;
    else if (typeof value === "string") out[key] = value.trim().slice(0, 255);
    else out[key] = String(value);
    if (Object.keys(out).length >= MAX_ATTRIBUTES) break;
  }
  return out;
}

async function send(path, body, settings) {
  let res;
  try {
    res = await fetch(BASE + path, { method: "POST", headers: headers(settings), body: JSON.stringify(body) });
  } catch (e) {
    throw new RetryError(`network error: ${e.message}`);
  }
  if (res.status >= 500 || res.status === 429) throw new RetryError(`Sprig answered ${res.status}`);
  if (res.status >= 400) throw new ValidationError(`Sprig rejected the request (${res.status})`);
  return res.status;
}

async function onIdentify(event, settings) {
  const [uid, anon] = userId(event);
  const traits = event.traits || (event.context || {}).traits || {};
  if (typeof traits !== "object" || Array.isArray(traits)) throw new ValidationError("traits must be an object");
  const body = { userId: uid, anonymousId: anon, attributes: attributes(traits) };
  if (typeof traits.email === "string" && traits.email.includes("@")) body.emailAddress = traits.email.toLowerCase();
  return send("/users", body, settings);
}

async function onTrack(event, settings) {
  const [uid, anon] = userId(event);
  const name = event.event;
  if (typeof name !== "string" || !name.trim()) throw new ValidationError("track needs an event name");
  const props = event.properties || {};
  const isObj = typeof props === "object" && !Array.isArray(props);
  let ts;
  try { ts = toEpochMs(event.timestamp); } catch (e) { ts = null; console.log("bad timestamp", e.field, e.message); }
  const revenue = isObj ? props.revenue : null;
  const flat = isObj ? flatten(props) : {};
  const properties = {};
  for (const k of Object.keys(flat).sort()) if (!k.startsWith("$")) properties[k] = flat[k];
  const details = {
    event: name.trim(), timestamp: ts, properties,
    label: `${name.trim().slice(0, 20).padEnd(20)}|${String(isObj ? Object.keys(props).length : 0).padStart(3, "0")}`,
  };
  if (typeof revenue === "number") {
    details.revenue = revenue.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    details.bucket = revenue >= 100 ? "high" : revenue > 0 ? "low" : "none";
  }
  const tags = isObj && Array.isArray(props.tags) ? props.tags.filter((t) => typeof t === "string").map((t) => t.toLowerCase()) : [];
  if (tags.length) details.tags = [...new Set(tags)].sort().join(",");
  return send("/users/events", { userId: uid, anonymousId: anon, events: [details] }, settings);
}

async function onPage(event, settings) {
  if (!settings.sendPageViews) return null;
  const page = (event.context || {}).page || {};
  const props = event.properties || {};
  const url = props.url || page.url || "";
  const name = event.name || "Page Viewed";
  return onTrack({ ...event, type: "track", event: `Viewed ${name}`, properties: { url, path: url.split("?")[0] } }, settings);
}
