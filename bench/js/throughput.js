// Events per second of Segment function bundles in Node: each bundle is loaded as Segment loads it
// (a vm context, handlers as top-level declarations) with a fetch that answers at once, then every
// event is run through its handler, awaited one after the other. Rounds alternate between bundles.
//   node bench/js/throughput.js events.json rounds name=path.js [name=path.js ...]
"use strict";
const fs = require("fs");
const vm = require("vm");

const [eventsFile, roundsArg, ...specs] = process.argv.slice(2);
const events = JSON.parse(fs.readFileSync(eventsFile, "utf8"));
const rounds = Number(roundsArg);
const HANDLERS = ["onIdentify", "onTrack", "onPage", "onScreen", "onGroup", "onAlias", "onDelete"];
const BY_TYPE = { identify: "onIdentify", track: "onTrack", page: "onPage", screen: "onScreen", group: "onGroup", alias: "onAlias", delete: "onDelete" };

function load(path) {
  let sent = 0;
  const context = vm.createContext({
    console, Headers, URLSearchParams, URL, btoa, atob,
    fetch: async (url, init) => {
      sent += (init && init.body ? init.body.length : 0) + url.length;
      return { status: 202, ok: true, statusText: "Accepted", url, headers: new Headers({ "content-type": "application/json" }), json: async () => ({}), text: async () => "{}" };
    },
  });
  vm.runInContext(`for (const n of ["EventNotSupported","InvalidEventPayload","ValidationError","RetryError","DropEvent"]) {
    globalThis[n] = class extends Error { constructor(m) { super(m); this.name = n; } }; }`, context);
  const exportsList = HANDLERS.map((h) => `${h}: typeof ${h} === "function" ? ${h} : undefined`).join(", ");
  const factory = vm.runInContext(`(function () {\n${fs.readFileSync(path, "utf8")}\n;return { ${exportsList} };\n})`, context, { filename: path });
  return { handlers: factory(), sent: () => sent, JSON: vm.runInContext("JSON", context) };
}

async function runAll(bundle, inputs) {
  let errors = 0;
  for (const text of inputs) {
    const event = bundle.JSON.parse(text);
    const handler = bundle.handlers[BY_TYPE[event.type]];
    try { await handler(event, { apiKey: "bench-key", environment: "production", sendPageViews: true }); } catch (e) { errors++; }
  }
  return errors;
}

(async () => {
  const bundles = specs.map((s) => { const [name, path] = s.split("="); return { name, bundle: load(path), times: [], errors: 0 }; });
  const inputs = events.map((e) => JSON.stringify(e));
  for (const b of bundles) await runAll(b.bundle, inputs.slice(0, 200));  // warm up the JIT
  for (let r = 0; r < rounds; r++) {
    for (const b of bundles) {
      const start = process.hrtime.bigint();
      b.errors = await runAll(b.bundle, inputs);
      b.times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  const out = {};
  for (const b of bundles) {
    const sorted = b.times.slice().sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)];
    out[b.name] = { events_per_s: events.length / median, median_s: median, errors: b.errors };
  }
  process.stdout.write(JSON.stringify(out));
})();
