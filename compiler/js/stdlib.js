// The whitelisted standard library: json, datetime, base64, urllib.parse, math, copy, and Segment's fetch.

// @helper $jsonStr
// A JSON string literal as CPython writes it. JSON.stringify escapes the same characters, except a
// lone surrogate, which it writes as \udxxx and CPython (ensure_ascii=False) keeps raw; fetch's body
// wants JSON.stringify's text (wellFormed). ensure_ascii also escapes everything past "~".
function $jsonStr(s, ascii, wellFormed) {
  const out = $JSON.stringify(s);
  if (ascii) return /[^\x00-\x7e]/.test(out) ? out.replace(/[^\x00-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) : out;
  if (wellFormed || !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) return out;
  // an odd run of backslashes before ud8xx-udfff is JSON.stringify's escape of a lone surrogate
  return out.replace(/(\\+)u(d[89a-f][0-9a-f]{2})/g,
    (m, slashes, hex) => (slashes.length % 2 ? slashes.slice(0, -1) + $String.fromCharCode(parseInt(hex, 16)) : m));
}

// @helper $jsonCompact
// json.dumps(x, separators=(",", ":"), ensure_ascii=False, allow_nan=False), what fetch(json=...)
// sends. JSON.stringify writes the same text when every number is an integer up to 2**53 or a
// non-integer of at least 1e-4 (where repr and JavaScript both write plain decimals) and every
// container is a list or a dict; anything else takes CPython's encoder.
function $jsonCompact(x) {
  return $jsonPlain(x, 0) ? $JSON.stringify(x)
    : $jsonEncode(x, { ascii: false, wellFormed: true, allowNan: false, sort: null, indent: null, itemSep: ",", keySep: ":" });
}
function $jsonPlain(v, depth) {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") {
    const a = $Math.abs(v);
    return $Number.isInteger(v) ? a <= 9007199254740992 : a >= 1e-4 && a < 1e16;
  }
  if (depth > 64 || typeof v !== "object") return false;
  if ($Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!$jsonPlain(v[i], depth + 1)) return false;
    return true;
  }
  if (!$isDict(v)) return false;
  for (const k in v) if (!$jsonPlain(v[k], depth + 1)) return false;
  return true;
}

// @helper $jsonDumps
// json.dumps with CPython's output: separators, ensure_ascii, sort_keys, indent, float repr.
function $jsonDumps(x, opts) {
  opts = opts || {};
  const dflt = opts.default === undefined || opts.default === null ? null : opts.default;
  let indent = opts.indent === undefined ? null : opts.indent;
  if (typeof indent === "number") indent = " ".repeat($Math.max(0, indent));
  let itemSep = indent !== null ? "," : ", ", keySep = ": ";
  if (opts.separators !== undefined && opts.separators !== null) [itemSep, keySep] = $unpack(opts.separators, 2);
  return $jsonEncode(x, {
    ascii: opts.ensure_ascii === undefined ? true : $truthy(opts.ensure_ascii), wellFormed: false,
    allowNan: opts.allow_nan === undefined ? true : $truthy(opts.allow_nan),
    sort: $truthy(opts.sort_keys) ? $strcmp : null, indent, itemSep, keySep, dflt,
  });
}

// @helper $jsonEncode
// CPython's JSON encoder with its options decided: {ascii, wellFormed (JSON.stringify's escapes of
// lone surrogates, for fetch), allowNan, sort (a key order or null), indent (a str or null), itemSep, keySep}.
function $jsonEncode(x, o) {
  const { ascii, wellFormed, allowNan, indent, itemSep, keySep } = o;
  const enc = (v, level) => {
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "string") return $jsonStr(v, ascii, wellFormed);
    if (typeof v === "number") {
      if (!$Number.isFinite(v)) {
        if (!allowNan) throw new $ValueError("Out of range float values are not JSON compliant");
        return v !== v ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
      }
      return $numStr(v, false);
    }
    const nl = indent === null ? "" : "\n" + indent.repeat(level + 1);
    const close = indent === null ? "" : "\n" + indent.repeat(level);
    if ($Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return "[" + nl + v.map((e) => enc(e, level + 1)).join(itemSep + nl) + close + "]";
    }
    if ($isDict(v)) {
      let keys = $Object.keys(v);
      if (keys.length === 0) return "{}";
      if (o.sort !== null) keys = keys.slice().sort(o.sort);
      return "{" + nl + keys.map((k) => $jsonStr(k, ascii, wellFormed) + keySep + enc(v[k], level + 1)).join(itemSep + nl) + close + "}";
    }
    if (o.dflt) {
      // json.dumps(default=f): f's answer is encoded instead, once per object on the way (CPython's
      // markers: an object met again inside its own default's answer is a circular reference)
      if (seen.includes(v)) throw new $ValueError("Circular reference detected");
      seen.push(v);
      try { return enc($call(o.dflt, [v]), level); } finally { seen.pop(); }
    }
    throw new TypeError(`Object of type ${$className(v)} is not JSON serializable`);
  };
  const seen = [];
  return enc(x, 0);
}

// @helper $jsonLoads
function $jsonLoads(s) {
  if (s instanceof $Uint8Array) s = $utf8Decode(s);
  if (typeof s !== "string") throw new TypeError(`the JSON object must be str, bytes or bytearray, not ${$typeName(s)}`);
  try {
    return $JSON.parse(s);
  } catch (e) {
    return $jsonParsePy(s);
  }
}

// @helper $jsonParsePy
// A JSON parser with CPython's error messages (and its NaN/Infinity literals), used only when
// $JSON.parse refused the text.
function $jsonParsePy(s) {
  let i = 0;
  const fail = (msg, at) => {
    const before = s.slice(0, at);  // positions count code points, as CPython's do
    const line = before.split("\n").length;
    const col = $Array.from(before.slice(before.lastIndexOf("\n") + 1)).length + 1;
    at = $Array.from(before).length;
    const e = new $JSONDecodeError(`${msg}: line ${line} column ${col} (char ${at})`);
    e.msg = msg; e.pos = at; e.lineno = line; e.colno = col;
    throw e;
  };
  if (s.startsWith("\ufeff")) fail("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
  const ws = () => { while (i < s.length && " \t\n\r".includes(s[i])) i++; };
  const value = () => {
    ws();
    const c = s[i];
    if (c === '"') return str();
    if (c === "{") {
      i++; ws(); const out = {};
      if (s[i] === "}") { i++; return out; }
      for (;;) {
        ws();
        if (s[i] !== '"') fail("Expecting property name enclosed in double quotes", i);
        const k = str(); ws();
        if (s[i] !== ":") fail("Expecting ':' delimiter", i);
        i++; ws();
        const v = value();
        $setitem(out, k, v);
        ws();
        if (s[i] === "}") { i++; return out; }
        if (s[i] !== ",") fail("Expecting ',' delimiter", i);
        i++; ws();
        if (s[i] !== '"') fail("Expecting property name enclosed in double quotes", i);
      }
    }
    if (c === "[") {
      i++; ws(); const out = [];
      if (s[i] === "]") { i++; return out; }
      for (;;) {
        out.push(value()); ws();
        if (s[i] === "]") { i++; return out; }
        if (s[i] !== ",") fail("Expecting ',' delimiter", i);
        i++; ws();
      }
    }
    for (const [lit, v] of [["null", null], ["true", true], ["false", false], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]]) {
      if (s.startsWith(lit, i)) { i += lit.length; return v; }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(s.slice(i));
    if (m) { i += m[0].length; return Number(m[0]); }
    fail("Expecting value", i);
  };
  const str = () => {
    const start = i; i++;
    let out = "";
    for (;;) {
      if (i >= s.length) fail("Unterminated string starting at", start);
      const c = s[i];
      if (c === '"') { i++; return out; }
      if (c === "\\") {
        const e = s[i + 1];
        const map = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e === "u") {
          const hex = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\uXXXX escape", i + 1);
          let cp = parseInt(hex, 16); i += 6;
          if (cp >= 0xD800 && cp <= 0xDBFF && s[i] === "\\" && s[i + 1] === "u") {
            const hex2 = s.slice(i + 2, i + 6);
            if (/^[0-9a-fA-F]{4}$/.test(hex2)) { const lo = parseInt(hex2, 16); if (lo >= 0xDC00 && lo <= 0xDFFF) { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00); i += 6; } }
          }
          out += $String.fromCodePoint(cp);
          continue;
        }
        if (e === undefined) fail("Unterminated string starting at", start);
        if (!(e in map)) fail("Invalid \\escape", i);
        out += map[e]; i += 2; continue;
      }
      if (c < " ") fail("Invalid control character at", i);
      out += c; i++;
    }
  };
  const v = value();
  ws();
  if (i !== s.length) fail("Extra data", i);
  return v;
}

// @helper $resJson
// await res.json() as segfn/runtime.py's Response.json: the body text parsed by json.loads, so a body
// that is not JSON raises json.JSONDecodeError (a ValueError) with CPython's message, not node-fetch's
// FetchError, and `except ValueError` catches it on both sides.
async function $resJson(res) {
  if (res !== null && typeof res === "object" && res.$user !== true && typeof res.text === "function"
      && typeof res.json === "function" && "bodyUsed" in res) {
    return $jsonLoads(await res.text());
  }
  return $callMethod(res, "json", []);
}

// @helper $fetch
// Segment's fetch called the way segfn/runtime.py's fetch is: options as a dict and/or keywords.
async function $fetch(url, options, kw) {
  const opts = options === undefined || options === null ? {} : options;
  if (!$isDict(opts)) throw new TypeError(`'${$typeName(opts)}' object is not a mapping`);
  const get = (k) => ($Object.hasOwn(opts, k) ? opts[k] : null);
  let method = kw.method;
  if (!$truthy(method)) method = get("method");
  if (!$truthy(method)) method = "GET";
  method = $m_upper(method);
  const src = kw.headers !== undefined && kw.headers !== null ? kw.headers : get("headers");
  const byLower = {};
  if (src !== null) for (const k of $Object.keys(src)) byLower[k.toLowerCase()] = [k, $str(src[k])];
  let body = kw.body !== undefined && kw.body !== null ? kw.body : get("body");
  if (kw.json !== undefined && kw.json !== null) {
    body = $jsonCompact(kw.json);
    if (!$Object.hasOwn(byLower, "content-type")) byLower["content-type"] = ["Content-Type", "application/json"];
  }
  if (body !== null && typeof body !== "string") throw new TypeError("fetch body must be a string; pass json= to send JSON");
  const headers = {};
  for (const k of $Object.keys(byLower)) headers[byLower[k][0]] = byLower[k][1];
  const init = { method, headers };
  if (body !== null) init.body = body;
  return fetch(url, init);
}

// @helper $b64encode
function $b64encode(b, alt) {
  if (typeof b === "string") throw new TypeError("a bytes-like object is required, not 'str'");
  let bin = "";
  for (const c of b) bin += $String.fromCharCode(c);
  let s = btoa(bin);
  if (alt) s = s.replace(/\+/g, alt[0]).replace(/\//g, alt[1]);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

// @helper $b64decode
function $b64decode(x, alt) {
  let s;
  if (typeof x === "string") {
    if (/[^\x00-\x7f]/.test(x)) throw new $ValueError("string argument should contain only ASCII characters");
    s = x;
  } else if (x instanceof $Uint8Array) s = $String.fromCharCode(...x);
  else throw new TypeError(`argument should be a bytes-like object or ASCII string, not '${$typeName(x)}'`);
  if (alt) s = s.split(alt[0]).join("+").split(alt[1]).join("/");
  // CPython's non-strict a2b_base64: skip characters outside the alphabet; padding ends a quad.
  const out = [];
  let quad = 0, acc = 0, pads = 0, count = 0;
  for (const ch of s) {
    if (ch === "=") {
      if (quad >= 2 && quad + ++pads >= 4) { quad = 0; acc = 0; pads = 0; break; }
      continue;
    }
    const v = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(ch);
    if (v < 0) continue;
    pads = 0;
    count++;
    acc = (acc << 6) | v; quad++;
    if (quad === 2) out.push((acc >> 4) & 255);
    else if (quad === 3) out.push((acc >> 2) & 255);
    else if (quad === 4) { out.push(acc & 255); quad = 0; acc = 0; }
  }
  if (quad !== 0) {
    if (quad === 1) throw new $BinasciiError(`Invalid base64-encoded string: number of data characters (${count}) cannot be 1 more than a multiple of 4`);
    throw new $BinasciiError("Incorrect padding");
  }
  return Uint8Array.from(out);
}

// @helper $quote
function $quote(s, safe, plus) {
  if (safe === undefined || safe === null) safe = plus ? "" : "/";
  const bytes = typeof s === "string" ? $utf8(s) : s instanceof $Uint8Array ? s : null;
  if (bytes === null) throw new TypeError("quote() doesn't support '" + $typeName(s) + "' objects");
  const ok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~" + safe;
  let out = "";
  for (const c of bytes) {
    const ch = $String.fromCharCode(c);
    if (c < 128 && ok.includes(ch)) out += ch;
    else if (plus && c === 32) out += "+";
    else out += "%" + c.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

// @helper $unquote
function $unquote(s, plus) {
  if (typeof s !== "string") throw new TypeError(`a bytes-like object is required, not '${$typeName(s)}'`);
  if (plus) s = s.replace(/\+/g, " ");
  if (!s.includes("%")) return s;
  return s.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.match(/%../g), (h) => parseInt(h.slice(1), 16));
    return $utf8DecodeReplace(bytes);
  });
}

// @helper $utf8DecodeReplace
function $utf8DecodeReplace(b) {
  let out = "";
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let need, cp, min;
    if (c < 0x80) { out += $String.fromCharCode(c); i++; continue; }
    if (c >= 0xC2 && c < 0xE0) { need = 1; cp = c & 31; min = 0x80; }
    else if (c >= 0xE0 && c < 0xF0) { need = 2; cp = c & 15; min = 0x800; }
    else if (c >= 0xF0 && c < 0xF5) { need = 3; cp = c & 7; min = 0x10000; }
    else { out += "\ufffd"; i++; continue; }
    let k = 1;
    for (; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xC0) !== 0x80) break;
      if (k === 1 && ((c === 0xE0 && d < 0xA0) || (c === 0xED && d > 0x9F) || (c === 0xF0 && d < 0x90) || (c === 0xF4 && d > 0x8F))) break;
      cp = (cp << 6) | (d & 63);
    }
    if (k <= need) { out += "\ufffd"; i += k; continue; }
    out += $String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

// @helper $urlencode
function $urlencode(query, doseq) {
  const pairs = $isDict(query) ? $Object.keys(query).map((k) => [k, query[k]]) : $list(query).map((p) => $unpack(p, 2));
  const q = (v) => (typeof v === "string" || v instanceof $Uint8Array ? $quote(v, "", true) : $quote($str(v), "", true));
  const out = [];
  for (const [k, v] of pairs) {
    if (doseq && typeof v !== "string" && v !== null && typeof v === "object" && !(v instanceof $Uint8Array)) {
      for (const e of $iter(v)) out.push(q(k) + "=" + q(e));
    } else out.push(q(k) + "=" + q(v));
  }
  return out.join("&");
}

// @helper $mathInt
function $mathInt(x, f, name) {
  if (!$isNum(x)) throw new TypeError(`must be real number, not ${$typeName(x)}`);
  x = +x;
  if (x !== x) throw new $ValueError("cannot convert float NaN to integer");
  if (!$Number.isFinite(x)) throw new $OverflowError("cannot convert float infinity to integer");
  return f(x) + 0;
}
// @helper $mathFloat
function $mathFloat(x, f, domain) {
  if (!$isNum(x)) throw new TypeError(`must be real number, not ${$typeName(x)}`);
  x = +x;
  if (domain && !domain(x)) throw new $ValueError("math domain error");
  return f(x);
}

// @helper $cacheKey
// Segment's cache takes string keys (segfn/runtime.py's Cache checks the same).
function $cacheKey(k) {
  if (typeof k !== "string") throw new TypeError(`cache keys must be str, not ${$typeName(k)}`);
  return k;
}

// @helper $cacheTtl
// None means no expiry, which Segment's cache spells -1.
function $cacheTtl(ttl) {
  if (ttl === null) return -1;
  if (typeof ttl !== "number") throw new TypeError(`cache ttl_ms must be a number or None, not ${$typeName(ttl)}`);
  return ttl;
}
