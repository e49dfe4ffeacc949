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

// @helper $fetchKw
// fetch(url, [options], **fields): CPython binds the keywords to fetch's signature
// (url, options=None, *, method=None, headers=None, body=None, json=None) first.
function $fetchKw(url, options, kw) {
  for (const k of $Object.keys(kw)) {
    if (k === "url") throw new TypeError("fetch() got multiple values for argument 'url'");
    if (k === "options" && options !== undefined) throw new TypeError("fetch() got multiple values for argument 'options'");
    if (!["options", "method", "headers", "body", "json"].includes(k)) throw new TypeError(`fetch() got an unexpected keyword argument '${k}'`);
  }
  const given = $Object.hasOwn(kw, "options") ? kw.options : options;
  const rest = { method: kw.method, headers: kw.headers, body: kw.body, json: kw.json };
  return $fetch(url, given === undefined ? null : given, rest);
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

// urllib.parse as CPython 3.11's Lib/urllib/parse.py: str arguments (bytes only where noted).

// @helper $quote
// quote(string, safe="/") and quote_plus(string, safe="") of a str or bytes.
function $quote(s, safe, plus) {
  if (safe === undefined || safe === null) safe = plus ? "" : "/";
  if (plus && (typeof s === "string" ? s.includes(" ") : s instanceof $Uint8Array && s.includes(32))) {
    return $quote(s, (typeof safe === "string" ? safe : "") + " ", false).replace(/ /g, "+");
  }
  if (typeof s === "string" && s === "") return s;
  const bytes = typeof s === "string" ? $utf8(s) : s instanceof $Uint8Array ? s : null;
  if (bytes === null) throw new TypeError("quote_from_bytes() expected bytes");
  if (typeof safe !== "string") safe = safe instanceof $Uint8Array ? $String.fromCharCode(...safe) : $str(safe);
  const ok = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~" + safe.replace(/[^\x00-\x7f]/g, "");
  let out = "";
  for (const c of bytes) {
    const ch = $String.fromCharCode(c);
    if (c < 128 && ok.includes(ch)) out += ch;
    else out += "%" + c.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

// @helper $unquote
// unquote(string) and unquote_plus(string): %XX runs decoded as UTF-8 with errors="replace".
function $unquote(s, plus) {
  if (plus) {
    if (typeof s !== "string") throw new $AttributeError(`'${$typeName(s)}' object has no attribute 'replace'`);
    s = s.replace(/\+/g, " ");
  }
  if (s instanceof $Uint8Array) {
    // unquote_to_bytes(b).decode("utf-8", "replace")
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
      const h = i + 2 < s.length ? $String.fromCharCode(s[i + 1], s[i + 2]) : "";
      if (s[i] === 37 && /^[0-9a-fA-F]{2}$/.test(h)) { bytes.push(parseInt(h, 16)); i += 2; } else bytes.push(s[i]);
    }
    return $utf8DecodeReplace(bytes);
  } else if (typeof s !== "string") {
    if (s !== null && typeof s === "object") throw new $AttributeError(`'${$typeName(s)}' object has no attribute 'split'`);
    throw new TypeError(`argument of type '${$typeName(s)}' is not iterable`);
  }
  if (!s.includes("%")) return s;
  return s.replace(/[\x00-\x7f]+/g, (run) => {
    if (!run.includes("%")) return run;
    const bytes = [];
    const parts = run.split("%");
    for (const c of parts[0]) bytes.push(c.charCodeAt(0));
    for (let i = 1; i < parts.length; i++) {
      const item = parts[i];
      if (/^[0-9a-fA-F]{2}/.test(item)) {
        bytes.push(parseInt(item.slice(0, 2), 16));
        for (const c of item.slice(2)) bytes.push(c.charCodeAt(0));
      } else {
        bytes.push(37);
        for (const c of item) bytes.push(c.charCodeAt(0));
      }
    }
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
// urlencode(query, doseq=False, safe="", quote_via=quote_plus)
function $urlencode(query, doseq, safe, viaQuote) {
  if (safe === undefined || safe === null) safe = "";
  let pairs;
  if ($isDict(query)) pairs = $Object.keys(query).map((k) => [k, query[k]]);
  else {
    if (!$Array.isArray(query) || (query.length && !$isTuple(query[0]))) {
      throw new TypeError("not a valid non-string sequence or mapping object");
    }
    pairs = query.map((p) => $unpack(p, 2));
  }
  const q = (v) => $quote(v instanceof $Uint8Array ? v : $str(v), safe, !viaQuote);
  const out = [];
  for (const [k, v] of pairs) {
    const key = q(k);
    if (!$truthy(doseq) || v instanceof $Uint8Array || typeof v === "string") out.push(key + "=" + q(v));
    else if ($Array.isArray(v) || $isDict(v) || v instanceof $Set) { for (const e of $iter(v)) out.push(key + "=" + q(e)); }
    else out.push(key + "=" + q(v));
  }
  return out.join("&");
}

// @helper $parseQsl
// parse_qsl(qs, keep_blank_values=False, strict_parsing=False, max_num_fields=None, separator="&")
function $parseQsl(qs, keepBlank, strict, maxFields, separator) {
  if (separator === undefined) separator = "&";
  if (qs === null || qs === undefined || qs === "") qs = "";
  else if (qs instanceof $Uint8Array) qs = $String.fromCharCode(...qs);
  else if (typeof qs !== "string") throw new $AttributeError(`'${$typeName(qs)}' object has no attribute 'decode'`);
  if (!$truthy(separator) || typeof separator !== "string") throw new $ValueError("Separator must be of type string or bytes.");
  if (maxFields !== undefined && maxFields !== null) {
    const n = qs ? 1 + qs.split(separator).length - 1 : 0;
    if ($lt(maxFields, n)) throw new $ValueError("Max number of fields exceeded");
  }
  const r = [];
  for (const nameValue of qs ? qs.split(separator) : []) {
    if (!nameValue && !$truthy(strict)) continue;
    const eq = nameValue.indexOf("=");
    const nv = eq < 0 ? [nameValue] : [nameValue.slice(0, eq), nameValue.slice(eq + 1)];
    if (nv.length !== 2) {
      if ($truthy(strict)) throw new $ValueError(`bad query field: ${$repr(nameValue)}`);
      if ($truthy(keepBlank)) nv.push("");
      else continue;
    }
    if (nv[1].length || $truthy(keepBlank)) r.push($tuple([$unquote(nv[0], true), $unquote(nv[1], true)]));
  }
  return r;
}

// @helper $parseQs
function $parseQs(qs, keepBlank, strict, maxFields, separator) {
  const out = {};
  for (const [k, v] of $parseQsl(qs, keepBlank, strict, maxFields, separator)) {
    if ($Object.hasOwn(out, k)) out[k].push(v); else $dictSet(out, k, [v]);
  }
  return out;
}

// @helper $URL_PROTOS
// SplitResult and ParseResult: tuples (frozen arrays) with their fields, netloc parts and geturl().
const $URL_PROTOS = (() => {
  const make = (name, fields) => {
    const proto = $Object.create($Array.prototype);
    const props = {};
    proto.$pyname = name;
    proto.$fields = fields;
    fields.forEach((f, i) => { props[f] = { get() { return this[i]; } }; });
    const userinfo = (t) => {
      const at = t.netloc.lastIndexOf("@");
      if (at < 0) return [null, null];
      const info = t.netloc.slice(0, at), colon = info.indexOf(":");
      return colon < 0 ? [info, null] : [info.slice(0, colon), info.slice(colon + 1)];
    };
    const hostinfo = (t) => {
      const hostinfo = t.netloc.slice(t.netloc.lastIndexOf("@") + 1);
      let hostname, port;
      const br = hostinfo.indexOf("[");
      if (br >= 0) {
        const bracketed = hostinfo.slice(br + 1), close = bracketed.indexOf("]");
        hostname = close < 0 ? bracketed : bracketed.slice(0, close);
        port = close < 0 ? "" : bracketed.slice(close + 1);
        port = port.includes(":") ? port.slice(port.indexOf(":") + 1) : "";
      } else {
        const colon = hostinfo.indexOf(":");
        hostname = colon < 0 ? hostinfo : hostinfo.slice(0, colon);
        port = colon < 0 ? "" : hostinfo.slice(colon + 1);
      }
      return [hostname, port || null];
    };
    props.username = { get() { return userinfo(this)[0]; } };
    props.password = { get() { return userinfo(this)[1]; } };
    props.hostname = { get() {
      const h = hostinfo(this)[0];
      if (!h) return null;
      const pct = h.indexOf("%");
      return pct < 0 ? $m_lower(h) : $m_lower(h.slice(0, pct)) + h.slice(pct);
    } };
    props.port = { get() {
      const port = hostinfo(this)[1];
      if (port === null) return null;
      if (!/^[0-9]+$/.test(port)) throw new $ValueError(`Port could not be cast to integer value as ${$repr(port)}`);
      const n = +port;
      if (!(n >= 0 && n <= 65535)) throw new $ValueError("Port out of range 0-65535");
      return n;
    } };
    props.geturl = { value: function geturl() { return fields.length === 6 ? $urlunparse(this) : $urlunsplit(this); } };
    props._replace = { value: function _replace(kw) {
      const vals = fields.map((f) => ($Object.hasOwn(kw, f) ? kw[f] : this[fields.indexOf(f)]));
      const extra = $Object.keys(kw).filter((k) => !fields.includes(k));
      if (extra.length) throw new $ValueError(`Got unexpected field names: ${$repr(extra)}`);
      return $urlResult(proto, vals);
    } };
    props._replace.value.$sig = ["_replace", [], 0, 0, null, [], [], "kwds", 0];
    $Object.defineProperties(proto, props);
    return proto;
  };
  const defrag = $Object.create($Array.prototype);
  defrag.$pyname = "DefragResult";
  defrag.$fields = ["url", "fragment"];
  $Object.defineProperties(defrag, {
    url: { get() { return this[0]; } }, fragment: { get() { return this[1]; } },
    geturl: { value: function geturl() { return this[1] ? this[0] + "#" + this[1] : this[0]; } },
  });
  return { split: make("SplitResult", ["scheme", "netloc", "path", "query", "fragment"]),
    parse: make("ParseResult", ["scheme", "netloc", "path", "params", "query", "fragment"]), defrag };
})();

// @helper $urlResult
function $urlResult(proto, vals) { return $Object.freeze($Object.setPrototypeOf(vals.slice(), proto)); }

// @helper $urlsplit
// urlsplit(url, scheme="", allow_fragments=True)
function $urlsplit(url, scheme, allowFragments) {
  if (scheme === undefined) scheme = "";
  if (allowFragments === undefined) allowFragments = true;
  if (url === null || url === undefined || url === "") url = "";
  if (typeof url !== "string") {
    if ($isList(url) || $isDict(url) || (url instanceof $Set && !url.$frozen)) throw new TypeError(`unhashable type: '${$typeName(url)}'`);  // urlsplit's lru_cache
    throw new $AttributeError(`'${$typeName(url)}' object has no attribute 'decode'`);
  }
  if (typeof scheme !== "string") throw new $AttributeError(`'${$typeName(scheme)}' object has no attribute 'decode'`);
  url = url.replace(/^[\x00-\x20]+/, "").replace(/[\t\r\n]/g, "");
  scheme = scheme.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "").replace(/[\t\r\n]/g, "");
  let netloc = "", query = "", fragment = "";
  const i = url.indexOf(":");
  if (i > 0 && /^[A-Za-z]/.test(url) && /^[A-Za-z0-9+\-.]*$/.test(url.slice(0, i))) {
    scheme = url.slice(0, i).toLowerCase();
    url = url.slice(i + 1);
  }
  if (url.startsWith("//")) {
    let delim = url.length;
    for (const c of "/?#") { const w = url.indexOf(c, 2); if (w >= 0 && w < delim) delim = w; }
    netloc = url.slice(2, delim);
    url = url.slice(delim);
    const open = netloc.includes("["), close = netloc.includes("]");
    if (open !== close) throw new $ValueError("Invalid IPv6 URL");
    if (open && close) {
      const after = netloc.slice(netloc.indexOf("[") + 1);
      $checkBracketedHost(after.includes("]") ? after.slice(0, after.indexOf("]")) : after);
    }
  }
  if ($truthy(allowFragments) && url.includes("#")) { fragment = url.slice(url.indexOf("#") + 1); url = url.slice(0, url.indexOf("#")); }
  if (url.includes("?")) { query = url.slice(url.indexOf("?") + 1); url = url.slice(0, url.indexOf("?")); }
  if (netloc && /[^\x00-\x7f]/.test(netloc)) {
    const n = netloc.replace(/[@:#?]/g, "");
    const n2 = n.normalize("NFKC");
    if (n !== n2) {
      for (const c of "/?#@:") {
        if (n2.includes(c)) throw new $ValueError(`netloc '${netloc}' contains invalid characters under NFKC normalization`);
      }
    }
  }
  return $urlResult($URL_PROTOS.split, [scheme, netloc, url, query, fragment]);
}

// @helper $checkBracketedHost
// urllib.parse's _check_bracketed_host: an IPvFuture, or an IPv6 address as ipaddress.ip_address reads it.
function $checkBracketedHost(host) {
  if (host.startsWith("v")) {
    if (!/^v[a-fA-F0-9]+\.[^\n]+$/.test(host)) throw new $ValueError("IPvFuture address is invalid");
    return;
  }
  const bad = () => new $ValueError(`${$repr(host)} does not appear to be an IPv4 or IPv6 address`);
  const ipv4 = (t) => {
    const octets = t.split(".");
    if (octets.length !== 4) return false;
    return octets.every((o) => /^[0-9]{1,3}$/.test(o) && !(o.length > 1 && o[0] === "0") && +o <= 255);
  };
  if (ipv4(host)) throw new $ValueError("An IPv4 address cannot be in brackets");
  if (host.includes("/")) throw bad();
  const pct = host.indexOf("%");
  let addr = host;
  if (pct >= 0) {
    const scope = host.slice(pct + 1);
    if (!scope || scope.includes("%")) throw bad();
    addr = host.slice(0, pct);
  }
  if (!addr) throw bad();
  const parts = addr.split(":");
  if (parts.length < 3) throw bad();
  if (parts[parts.length - 1].includes(".")) {
    if (!ipv4(parts.pop())) throw bad();
    parts.push("0", "0");
  }
  if (parts.length > 9) throw bad();
  let skip = null;
  for (let i = 1; i < parts.length - 1; i++) {
    if (!parts[i]) { if (skip !== null) throw bad(); skip = i; }
  }
  if (skip !== null) {
    let hi = skip, lo = parts.length - skip - 1;
    if (!parts[0]) { hi -= 1; if (hi) throw bad(); }
    if (!parts[parts.length - 1]) { lo -= 1; if (lo) throw bad(); }
    if (8 - (hi + lo) < 1) throw bad();
  } else if (parts.length !== 8 || !parts[0] || !parts[parts.length - 1]) throw bad();
  for (const p of parts) if (p && !/^[0-9a-fA-F]{1,4}$/.test(p)) throw bad();
}

// @helper $urlparse
// urlparse(url, scheme="", allow_fragments=True)
function $urlparse(url, scheme, allowFragments) {
  if (url !== null && url !== undefined && url !== "" && typeof url !== "string") {
    throw new $AttributeError(`'${$typeName(url)}' object has no attribute 'decode'`);
  }
  let [sch, netloc, path, query, fragment] = $urlsplit(url, scheme, allowFragments);
  let params = "";
  if (["", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel"].includes(sch)
      && path.includes(";")) {
    let i;
    if (path.includes("/")) { i = path.indexOf(";", path.lastIndexOf("/")); }
    else i = path.indexOf(";");
    if (i >= 0) { params = path.slice(i + 1); path = path.slice(0, i); }
  }
  return $urlResult($URL_PROTOS.parse, [sch, netloc, path, params, query, fragment]);
}

// @helper $urljoin
// urljoin(base, url, allow_fragments=True), RFC 3986 resolution as Lib/urllib/parse.py does it
function $urljoin(base, url, allowFragments) {
  if (!$truthy(base)) return url;
  if (!$truthy(url)) return base;
  if ((typeof base === "string") !== (typeof url === "string")) throw new TypeError("Cannot mix str and non-str arguments");
  if (typeof base !== "string") throw new $AttributeError(`'${$typeName(base)}' object has no attribute 'decode'`);
  const [bscheme, bnetloc, bpath, bparams, bquery] = $urlparse(base, "", allowFragments);
  let [scheme, netloc, path, params, query, fragment] = $urlparse(url, bscheme, allowFragments);
  const relative = ["", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms", "prospero",
    "rtsp", "rtsps", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss"];
  const usesNetloc = ["", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
    "snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"];
  if (scheme !== bscheme || !relative.includes(scheme)) return url;
  if (usesNetloc.includes(scheme)) {
    if (netloc) return $urlunparse([scheme, netloc, path, params, query, fragment]);
    netloc = bnetloc;
  }
  if (!path && !params) {
    path = bpath; params = bparams;
    if (!query) query = bquery;
    return $urlunparse([scheme, netloc, path, params, query, fragment]);
  }
  const baseParts = bpath.split("/");
  if (baseParts[baseParts.length - 1] !== "") baseParts.pop();
  let segments;
  if (path.startsWith("/")) segments = path.split("/");
  else {
    segments = baseParts.concat(path.split("/"));
    if (segments.length > 2) segments = [segments[0], ...segments.slice(1, -1).filter((s) => s), segments[segments.length - 1]];
  }
  const resolved = [];
  for (const seg of segments) {
    if (seg === "..") { if (resolved.length) resolved.pop(); }
    else if (seg !== ".") resolved.push(seg);
  }
  const last = segments[segments.length - 1];
  if (last === "." || last === "..") resolved.push("");
  return $urlunparse([scheme, netloc, resolved.join("/") || "/", params, query, fragment]);
}

// @helper $urldefrag
// urldefrag(url): (url without its fragment, the fragment), a DefragResult
function $urldefrag(url) {
  if (typeof url !== "string") throw new $AttributeError(`'${$typeName(url)}' object has no attribute 'decode'`);
  let defrag = url, frag = "";
  if (url.includes("#")) {
    const [s, n, p, a, q, f] = $urlparse(url);
    defrag = $urlunparse([s, n, p, a, q, ""]);
    frag = f;
  }
  return $urlResult($URL_PROTOS.defrag, [defrag, frag]);
}

// @helper $urlunsplit
function $urlunsplit(parts) {
  let [scheme, netloc, url, query, fragment] = $unpack(parts, 5).map((v) => (v === null ? "" : v));
  const usesNetloc = ["", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
    "snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss"];
  if (netloc || (scheme && usesNetloc.includes(scheme) && url.slice(0, 2) !== "//")) {
    if (url && url[0] !== "/") url = "/" + url;
    url = "//" + (netloc || "") + url;
  }
  if (scheme) url = scheme + ":" + url;
  if (query) url = url + "?" + query;
  if (fragment) url = url + "#" + fragment;
  return url;
}

// @helper $urlunparse
function $urlunparse(parts) {
  let [scheme, netloc, url, params, query, fragment] = $unpack(parts, 6).map((v) => (v === null ? "" : v));
  if (params) url = `${url};${params}`;
  return $urlunsplit([scheme, netloc, url, query, fragment]);
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

// @helper $isclose
// math.isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0), as CPython's math_isclose_impl.
function $isclose(a, b, relTol, absTol) {
  for (const v of [a, b, ...[relTol, absTol].filter((t) => t !== undefined)]) {
    if (!$isNum(v)) throw new TypeError(`must be real number, not ${$typeName(v)}`);
  }
  a = +a; b = +b;
  const rel = relTol === undefined ? 1e-9 : +relTol, abs = absTol === undefined ? 0 : +absTol;
  if (rel < 0 || abs < 0) throw new $ValueError("tolerances must be non-negative");
  if (a === b) return true;
  if (!$Number.isFinite(a) && a === a || !$Number.isFinite(b) && b === b) return false;
  const diff = $Math.abs(b - a);
  return diff <= $Math.abs(rel * b) || diff <= $Math.abs(rel * a) || diff <= abs;
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

// @helper $htmlEscape
// html.escape(s, quote=True): CPython's Lib/html/__init__.py (& first, then < >, then " and ' if quote).
function $htmlEscape(s, quote) {
  if (typeof s !== "string") throw $attrError(s, "replace");
  s = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quote === undefined || $truthy(quote)) s = s.replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  return s;
}

// @helper $itemgetter
// operator.itemgetter(*keys): a callable taking one object; one key gives obj[key], several a tuple.
function $itemgetter(keys) {
  return function itemgetter(obj, ...rest) {
    if (arguments.length !== 1) throw new TypeError(`itemgetter expected 1 argument, got ${arguments.length}`);
    return keys.length === 1 ? $getitem(obj, keys[0]) : $Object.freeze(keys.map((k) => $getitem(obj, k)));
  };
}
