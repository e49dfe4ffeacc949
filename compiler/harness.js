#!/usr/bin/env node
// A Segment-like runtime for compiled bundles, serving newline-delimited JSON on stdin/stdout.
//
// A bundle is loaded the way Segment's Functions runtime loads user code: inside a `vm` context that
// holds only the documented globals (fetch, Headers, URLSearchParams, URL, btoa, atob, crypto, console,
// timers and Segment's error classes), with no `require`, the code wrapped in a function so that the
// handlers are its top-level function declarations.
//
// Requests (one JSON object a line, answered in any order, so callers may pipeline):
//   {"id": 1, "op": "load", "code": "...", "filename": "sprig.js", "errorClasses": true}
//       -> {"id": 1, "ok": true, "bundle": "b1", "handlers": ["onTrack", ...]}
//   {"id": 2, "op": "call", "bundle": "b1", "handler": "onTrack", "event": "<json>", "settings": "<json>"}
//       -> {"id": 2, "ok": true, "returned": "<json or null>", "error": null | {"name", "message", "stack"}, "logs": [...]}
//   {"id": 3, "op": "unload", "bundle": "b1"}
// A call may carry "seed" and "now" (whole ms since the epoch), as `segfn check` sends them: the call
// then sees a Date frozen at `now` (Date.now() and new Date() without arguments) and a seeded
// crypto.getRandomValues (see compiler/determinism.py: the words of sha256(`${seed}:${i}`)).
// Without them, the real clock and real randomness.
// A call with "freshCache": true sees an empty `cache` of its own (see makeCache).
// While a call runs, every fetch it makes is sent to the parent, which answers with its transport:
//   <- {"fetch": 7, "call": 2, "request": {"method", "url", "headers": {...}, "body": "..." | null}}
//   -> {"fetch": 7, "response": {"status", "statusText", "headers": {...}, "body": "...", "url"}}
//   -> {"fetch": 7, "error": {"message": "...", "code": "ECONNREFUSED"}}
"use strict";

const vm = require("vm");
const nodeCrypto = require("crypto");
const readline = require("readline");
const legacyUrl = require("url");
const util = require("util");
const { AsyncLocalStorage } = require("async_hooks");

const HANDLERS = ["onIdentify", "onTrack", "onPage", "onScreen", "onGroup", "onAlias", "onDelete", "onBatch"];
const TIMEOUT_MS = Number(process.env.SEGFN_HARNESS_TIMEOUT_MS || 5000);
const current = new AsyncLocalStorage();
const bundles = new Map();
const pendingFetches = new Map();
let nextBundle = 0;
let nextFetch = 0;

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

class FetchError extends Error {
  constructor(message, type, systemError) {
    super(message);
    this.name = "FetchError";
    this.type = type;
    if (systemError) { this.code = this.errno = systemError.code; }
  }
}

// node-fetch 2.x's Response, as far as functions use it.
class HarnessResponse {
  constructor(answer, context) {
    this.status = answer.status;
    this.statusText = answer.statusText || "";
    this.ok = answer.status >= 200 && answer.status < 300;
    this.url = answer.url;
    this.headers = new Headers(answer.headers || {});
    this._body = answer.body === undefined || answer.body === null ? "" : String(answer.body);
    this._context = context;
    this.bodyUsed = false;
  }
  _consume() {
    if (this.bodyUsed) throw new (vm.runInContext("TypeError", this._context))(`body used already for: ${this.url}`);
    this.bodyUsed = true;
  }
  async text() { this._consume(); return this._body; }
  async json() {
    this._consume();
    try {
      return vm.runInContext("JSON", this._context).parse(this._body);
    } catch (err) {
      throw new FetchError(`invalid json response body at ${this.url} reason: ${err.message}`, "invalid-json");
    }
  }
}

function makeFetch(context) {
  return function fetch(url, init) {
    init = init || {};
    const call = current.getStore();
    const headers = {};
    const ContextTypeError = vm.runInContext("TypeError", context);
    // node-fetch 2.6 (Segment's fetch) reads the URL with Node's legacy url.parse (new Request) ...
    let where;
    const warns = process.noDeprecation;
    process.noDeprecation = true;  // not DEP0170 ('https://a:b' is lenient for now) on the harness's stderr
    try {
      where = legacyUrl.parse(String(url));
    } catch (e) {  // 'Invalid URL'; a URIError too (Python has none: both sides say TypeError)
      throw new ContextTypeError(e.message);
    } finally {
      process.noDeprecation = warns;
    }
    if (init.headers) {
      // ... validates header names and values ...
      for (const [k, v] of Object.entries(init.headers)) {
        if (/[^\^_`a-zA-Z\-0-9!#$%&'*+.|~]/.test(k) || k === "") throw new ContextTypeError(`${k} is not a legal HTTP header name`);
        if (/[^\t\x20-\x7e\x80-\xff]/.test(String(v))) throw new ContextTypeError(`${v} is not a legal HTTP header value`);
      }
      const h = new Headers(init.headers);
      for (const [k, v] of Object.entries(init.headers)) if (h.has(k)) headers[k] = String(v);
    }
    // ... and sends only to an absolute http(s) URL (getNodeRequestOptions)
    if (!where.protocol || !where.hostname) throw new ContextTypeError("Only absolute URLs are supported");
    if (!/^https?:$/.test(where.protocol)) throw new ContextTypeError("Only HTTP(S) protocols are supported");
    const request = {
      method: String(init.method || "GET").toUpperCase(),
      url: String(url),
      headers,
      body: init.body === undefined || init.body === null ? null : String(init.body),
    };
    const id = ++nextFetch;
    if (call) call.requests.push(request);
    return new Promise((resolve, reject) => {
      pendingFetches.set(id, { resolve, reject, context, url: request.url, call: call ? call.id : null });
      send({ fetch: id, call: call ? call.id : null, request });
    });
  };
}

// crypto.getRandomValues from the call's seeded word stream: the little-endian uint32 words of
// sha256(`${seed}:${i}`) for i = 0, 1, ... (compiler/determinism.py's WordStream); bytes of a byte
// array are taken from whole words, least significant byte first.
function nextWord(state) {
  if (state.words.length === 0) {
    const digest = nodeCrypto.createHash("sha256").update(`${state.seed}:${state.block++}`).digest();
    for (let i = 7; i >= 0; i--) state.words.push(digest.readUInt32LE(4 * i));
  }
  return state.words.pop();
}

function makeCrypto() {
  const seeded = Object.create(nodeCrypto);
  Object.defineProperty(seeded, "getRandomValues", { enumerable: true, value: function getRandomValues(array) {
    const call = current.getStore();
    if (!call || call.seed === undefined || call.seed === null) return nodeCrypto.getRandomValues(array);
    if (!ArrayBuffer.isView(array)) throw new TypeError("getRandomValues needs a typed array");
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i += 4) {
      const word = nextWord(call);
      for (let j = 0; j < 4 && i + j < bytes.length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return array;
  } });
  return seeded;
}

// The context's Date, frozen at the call's `now` when it has one: Date.now(), new Date() and Date().
const FROZEN_DATE = `(function (frozenNow) {
  const RealDate = globalThis.Date;
  function FrozenDate(...args) {
    const now = frozenNow();
    if (!new.target) return now === undefined ? RealDate() : new RealDate(now).toString();
    if (args.length === 0 && now !== undefined) return Reflect.construct(RealDate, [now], new.target);
    return Reflect.construct(RealDate, args, new.target);
  }
  Object.setPrototypeOf(FrozenDate, RealDate);
  Object.defineProperty(FrozenDate, "prototype", { value: RealDate.prototype });
  Object.defineProperty(FrozenDate, "name", { value: "Date" });
  FrozenDate.now = function now() { const n = frozenNow(); return n === undefined ? RealDate.now() : n; };
  globalThis.Date = FrozenDate;
})`;

function frozenNow() {
  const call = current.getStore();
  return call && typeof call.now === "number" ? call.now : undefined;
}

function makeConsole() {
  const log = (...args) => {
    const call = current.getStore();
    const line = util.format(...args);
    if (call) call.logs.push(line);
  };
  return { log, info: log, warn: log, error: log, debug: log };
}

// Segment's `cache` global (docs: functions/runtime.md, "Caching"): load(key, ttl, fn) answers the value
// cached under key, or awaits fn() and keeps what it gives for ttl ms (omitted or -1: no expiry);
// delete(key) forgets it. Process-local per loaded bundle, read against the context's own clock. A
// call with "freshCache" has an empty cache of its own, as each test in Segment's editor deploys a
// new instance of the function.
function makeCache(context) {
  const shared = new Map();
  const entries = () => { const call = current.getStore(); return call && call.cache ? call.cache : shared; };
  const now = () => vm.runInContext("Date", context).now();
  return {
    async load(key, ttl, fn) {
      const store = entries();
      const hit = store.get(key);
      if (hit !== undefined && (hit.ttl === undefined || hit.ttl < 0 || now() - hit.at < hit.ttl)) return hit.value;
      const at = now();
      const value = await fn();
      store.set(key, { value, at, ttl: ttl === null ? undefined : ttl });
      return value;
    },
    delete(key) { entries().delete(key); },
  };
}

const ERROR_CLASSES = `
  for (const name of ["EventNotSupported", "InvalidEventPayload", "ValidationError", "RetryError", "DropEvent"]) {
    const C = class extends Error { constructor(message) { super(message); this.name = name; } };
    Object.defineProperty(C, "name", { value: name });
    globalThis[name] = C;
  }
`;

function load(req) {
  const context = vm.createContext({
    console: makeConsole(),
    Headers, URLSearchParams, URL, btoa, atob, crypto: makeCrypto(),
    setTimeout, clearTimeout, setInterval, clearInterval,
  });
  context.fetch = makeFetch(context);
  vm.runInContext(FROZEN_DATE, context)(frozenNow);
  context.cache = makeCache(context);
  if (req.errorClasses !== false) vm.runInContext(ERROR_CLASSES, context);
  const exportsList = HANDLERS.map((h) => `${h}: typeof ${h} === "function" ? ${h} : undefined`).join(", ");
  const wrapped = `(function (__exports) {\n${req.code}\n;return { ${exportsList} };\n})`;
  const factory = vm.runInContext(wrapped, context, { filename: req.filename || "bundle.js" });
  const handlers = factory({});
  const id = "b" + ++nextBundle;
  const JSONin = vm.runInContext("JSON", context);
  const notSupported = vm.runInContext("typeof EventNotSupported === 'function' ? EventNotSupported : Error", context);
  bundles.set(id, { context, handlers, JSON: JSONin, EventNotSupported: notSupported });
  return { bundle: id, handlers: HANDLERS.filter((h) => handlers[h] !== undefined) };
}

function serialise(value) {
  if (value === undefined) return null;
  return JSON.stringify(value, function (key, v) {
    if (v === undefined) return { $undefined: true };
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    if (v instanceof Set) return { $set: [...v] };
    if (v instanceof Uint8Array) return { $bytes: Array.from(v) };
    if (typeof v === "function") return { $function: v.name || "anonymous" };
    if (v !== null && typeof v === "object") {
      const proto = Object.getPrototypeOf(v);
      if (!Array.isArray(v) && proto !== null && Object.getPrototypeOf(proto) !== null) {
        return { $object: (v.constructor && v.constructor.name) || "object" };
      }
    }
    return v;
  });
}

function errorOf(err) {
  if (err === null || typeof err !== "object") return { name: typeof err, message: String(err) };
  const name = (err.constructor && err.constructor.name) || err.name || "Error";
  const out = { name, message: err.message === undefined ? "" : String(err.message) };
  if (typeof err.stack === "string") out.stack = err.stack;  // the Python frames first (compiler/lines.py)
  return out;
}

async function call(req) {
  const bundle = bundles.get(req.bundle);
  if (!bundle) throw new Error(`no bundle ${req.bundle}`);
  const event = bundle.JSON.parse(req.event);
  const settings = bundle.JSON.parse(req.settings || "{}");
  const state = { id: req.id, requests: [], logs: [], seed: req.seed, now: req.now, block: 0, words: [],
                  cache: req.freshCache ? new Map() : null };
  const handler = bundle.handlers[req.handler];
  let returned = null, error = null, timer;
  try {
    if (handler === undefined) {
      const type = req.handler === "onBatch" ? "batch" : (event && event.type) || "unknown";
      const C = bundle.EventNotSupported;
      throw new C(`${type} not supported`);
    }
    const run = current.run(state, () => Promise.resolve().then(() => handler(event, settings)));
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject({ $timeout: true }), TIMEOUT_MS);
    });
    returned = serialise(await Promise.race([run, timeout]));
  } catch (err) {
    error = err && err.$timeout ? { name: "Timeout", message: `the function ran past its ${TIMEOUT_MS / 1000} s timeout` } : errorOf(err);
  } finally {
    clearTimeout(timer);
  }
  return { returned, error, logs: state.logs };
}

// Every request a call has out is answered at once, in the order it was sent: the check's model of the
// network is equal latency, as on the Python side (each request waits one turn of the event loop). The
// parent writes its answers one at a time, and whether they reached readline in one chunk or several
// decided what the bundle's gathered coroutines did in between: their logs came in either order.
const answered = new Map();  // fetch id -> the parent's answer, while others of its call are still out

function answerFetch(msg) {
  const pending = pendingFetches.get(msg.fetch);
  if (!pending || answered.has(msg.fetch)) return;
  answered.set(msg.fetch, msg);
  const out = [...pendingFetches].filter(([, p]) => p.call === pending.call).map(([id]) => id);
  if (!out.every((id) => answered.has(id))) return;
  for (const id of out.sort((a, b) => a - b)) {
    const answer = answered.get(id);
    const waiting = pendingFetches.get(id);
    answered.delete(id);
    pendingFetches.delete(id);
    if (answer.error) {
      waiting.reject(new FetchError(answer.error.message, "system", { code: answer.error.code || "" }));
    } else {
      waiting.resolve(new HarnessResponse({ url: waiting.url, ...answer.response }, waiting.context));
    }
  }
}

async function handle(line) {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
  } catch (err) {
    send({ id: null, ok: false, error: { name: "ProtocolError", message: `not JSON: ${err.message}` } });
    return;
  }
  if (req.fetch !== undefined) { answerFetch(req); return; }
  try {
    if (req.op === "load") send({ id: req.id, ok: true, ...load(req) });
    else if (req.op === "call") send({ id: req.id, ok: true, ...(await call(req)) });
    else if (req.op === "unload") { bundles.delete(req.bundle); send({ id: req.id, ok: true }); }
    else if (req.op === "ping") send({ id: req.id, ok: true });
    else send({ id: req.id, ok: false, error: { name: "ProtocolError", message: `unknown op ${req.op}` } });
  } catch (err) {
    send({ id: req.id, ok: false, error: errorOf(err) });
  }
}

// A promise a bundle started and no one awaited (a coroutine CPython would not even have started)
// rejecting later must not end the harness: Node 20 exits on it, and every later call died with it.
// It is counted, not printed (nobody reads stderr until the harness ends).
let unawaitedRejections = 0;
process.on("unhandledRejection", () => { unawaitedRejections += 1; });

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => { handle(line); });
rl.on("close", () => process.exit(0));
