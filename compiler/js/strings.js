// str methods with Python's semantics: code-point indices, Python's whitespace, CPython's
// character classes (tables generated from CPython's unicodedata when the bundle is built).

// @helper $noMethod
// A str/list/dict method called on a value of another type: a user object's method of that name
// (args: the helper's own arguments, receiver first, or the method's arguments as an array), or
// AttributeError.
function $noMethod(o, name, args) {
  if (o !== null && typeof o === "object" && (o.$user === true || o.$pytype !== undefined) && typeof o[name] === "function") {
    const list = $Array.isArray(args) ? args.slice() : $Array.prototype.slice.call(args, 1);
    while (list.length && list[list.length - 1] === undefined) list.pop();
    return $callMethod(o, name, list);
  }
  throw $attrError(o, name);
}

// @helper $bytesOf
// b"...": the literal's bytes.
function $bytesOf(codes) { return Uint8Array.from(codes); }

// @helper $bytesMethod
// The bytes methods of the subset (bytes.strip/lstrip/rstrip/startswith/endswith/replace), as
// CPython's: arguments must be bytes (CPython's TypeErrors otherwise), whitespace is ASCII's. The
// str helpers of those names hand it a bytes receiver (args: the method's arguments).
function $bytesMethod(b, name, args) {
  args = $Array.from(args);
  while (args.length && args[args.length - 1] === undefined) args.pop();
  const latin = (x) => $String.fromCharCode(...x);
  const need = (x) => {
    if (x instanceof $Uint8Array) return latin(x);
    throw new TypeError(`a bytes-like object is required, not '${$typeName(x)}'`);
  };
  const s = latin(b);
  if (name === "startswith" || name === "endswith") {
    const [p, start, end] = args;
    const tuple = $Array.isArray(p) && $Object.isFrozen(p);
    const list = tuple ? p : [p];
    for (const a of list) {
      if (!(a instanceof $Uint8Array)) {
        throw new TypeError(tuple ? `a bytes-like object is required, not '${$typeName(a)}'`
          : `${name} first arg must be bytes or a tuple of bytes, not ${$typeName(a)}`);
      }
    }
    const n = s.length, at = (v, d) => (v === undefined || v === null ? d : +v < 0 ? $Math.max(0, +v + n) : $Math.min(+v, n));
    if (start !== undefined && start !== null && +start > n) return false;
    const a = at(start, 0), sub = s.slice(a, $Math.max(a, at(end, n)));
    return list.some((x) => (name === "startswith" ? sub.startsWith(latin(x)) : sub.endsWith(latin(x))));
  }
  let out;
  if (name === "replace") {
    if (args.length < 2) throw new TypeError(`replace expected at least 2 arguments, got ${args.length}`);
    out = $m_replace(s, need(args[0]), need(args[1]), args[2]);
  } else {  // strip, lstrip, rstrip: ASCII whitespace by default
    const chars = args.length && args[0] !== null ? need(args[0]) : " \t\n\r\x0b\x0c";
    out = $stripChars(s, chars, name !== "rstrip", name !== "lstrip");
  }
  return Uint8Array.from(out, (c) => c.charCodeAt(0));
}

// @helper $needStr
function $needStr(x, what) {
  if (typeof x !== "string") throw new TypeError(`${what} arg must be None or str`);
  return x;
}

// @helper $pyStrip
function $pyStrip(s) { return s.replace($PY_WS_LEAD, "").replace($PY_WS_TRAIL, ""); }

// @helper $PY_WS_LEAD
const $PY_WS_LEAD = new RegExp("^" + $PY_WS + "+");
// @helper $PY_WS_TRAIL
const $PY_WS_TRAIL = new RegExp($PY_WS + "+$");
// @helper $PY_WS_RUN
const $PY_WS_RUN = new RegExp($PY_WS + "+");

// @helper $cpOffsets
// Code-point index -> UTF-16 offset conversions, for strings that have surrogate pairs.
function $unitToCp(s, u) { let n = 0; for (let i = 0; i < u; i++) { const c = s.charCodeAt(i); if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u) { const d = s.charCodeAt(i + 1); if (d >= 0xDC00 && d <= 0xDFFF) i++; } n++; } return n; }
function $cpToUnit(s, cp) { let i = 0; for (let n = 0; n < cp && i < s.length; n++) { const c = s.charCodeAt(i); i += (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xDC00 && s.charCodeAt(i + 1) <= 0xDFFF) ? 2 : 1; } return i; }

// @helper $strRange
// Python's (start, end) arguments of find/count/startswith as UTF-16 offsets.
function $strRange(s, start, end) {
  const n = $len(s);
  let [a, b] = $sliceIndices(n, start === undefined ? null : start, end === undefined ? null : end, 1);
  if (start !== undefined && start !== null && +start > n) a = n + 1;
  if (a > n) return null;
  if (b < a) b = a;
  if (n === s.length) return [a, b];
  return [$cpToUnit(s, a), $cpToUnit(s, b)];
}

// @helper $caseMap
// Node's case mapping, except for the characters CPython's Unicode tables leave as they are.
function $caseMap(s, upper) {
  const keep = upper ? $UPPER_KEEP : $LOWER_KEEP;
  if (!keep.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = "";
  for (const ch of s) out += keep.test(ch) ? ch : upper ? ch.toUpperCase() : ch.toLowerCase();
  return out;
}
// @helper $m_lower
function $m_lower(s) { return typeof s === "string" ? $caseMap(s, false) : $noMethod(s, "lower", arguments); }
// @helper $m_upper
function $m_upper(s) { return typeof s === "string" ? $caseMap(s, true) : $noMethod(s, "upper", arguments); }
// @helper $m_casefold
function $m_casefold(s) {
  if (typeof s !== "string") return $noMethod(s, "casefold", arguments);
  let out = "";
  for (const ch of s) { const f = $FOLD_MAP[ch.codePointAt(0)]; out += f === undefined ? $caseMap(ch, false) : f; }
  return out;
}
// @helper $m_swapcase
function $m_swapcase(s) {
  if (typeof s !== "string") return $noMethod(s, "swapcase", arguments);
  let out = "";
  for (const ch of s) { const cp = ch.codePointAt(0); out += $inTable($UPPER, cp) ? $caseMap(ch, false) : $inTable($LOWER, cp) ? $caseMap(ch, true) : ch; }
  return out;
}

// @helper $stripChars
function $stripChars(s, chars, left, right) {
  if (chars === undefined || chars === null) {
    const n = s.length;  // fast path: printable ASCII at the ends is never whitespace
    if (n === 0 || ((!left || (s.charCodeAt(0) > 32 && s.charCodeAt(0) < 127))
        && (!right || (s.charCodeAt(n - 1) > 32 && s.charCodeAt(n - 1) < 127)))) return s;
    if (left) s = s.replace($PY_WS_LEAD, "");
    if (right) s = s.replace($PY_WS_TRAIL, "");
    return s;
  }
  if (typeof chars !== "string") throw new TypeError(`${left && right ? "strip" : left ? "lstrip" : "rstrip"} arg must be None or str`);
  if (!/[\ud800-\udfff]/.test(chars)) {  // no surrogate in chars: code units compare like code points
    let a = 0, b = s.length;
    if (left) while (a < b && chars.indexOf(s[a]) !== -1) a++;
    if (right) while (b > a && chars.indexOf(s[b - 1]) !== -1) b--;
    return s.slice(a, b);
  }
  const set = new Set($Array.from(chars));
  const cps = $Array.from(s);
  let a = 0, b = cps.length;
  if (left) while (a < b && set.has(cps[a])) a++;
  if (right) while (b > a && set.has(cps[b - 1])) b--;
  return cps.slice(a, b).join("");
}
// @helper $m_strip
function $m_strip(s, chars) {
  if (typeof s === "string") return $stripChars(s, chars, true, true);
  return s instanceof $Uint8Array ? $bytesMethod(s, "strip", [chars]) : $noMethod(s, "strip", arguments);
}
// @helper $m_lstrip
function $m_lstrip(s, chars) {
  if (typeof s === "string") return $stripChars(s, chars, true, false);
  return s instanceof $Uint8Array ? $bytesMethod(s, "lstrip", [chars]) : $noMethod(s, "lstrip", arguments);
}
// @helper $m_rstrip
function $m_rstrip(s, chars) {
  if (typeof s === "string") return $stripChars(s, chars, false, true);
  return s instanceof $Uint8Array ? $bytesMethod(s, "rstrip", [chars]) : $noMethod(s, "rstrip", arguments);
}

// @helper $m_split
function $m_split(s, sep, maxsplit) {
  if (typeof s !== "string") return $noMethod(s, "split", arguments);
  if (maxsplit === undefined || maxsplit === null) maxsplit = -1;
  if (!$isIntLike(maxsplit)) throw new TypeError(`'${$typeName(maxsplit)}' object cannot be interpreted as an integer`);
  maxsplit = +maxsplit;
  const out = [];
  if (sep === undefined || sep === null) {
    let rest = s.replace($PY_WS_LEAD, "");
    while (rest !== "") {
      if (maxsplit >= 0 && out.length === maxsplit) { out.push(rest); break; }
      const m = $PY_WS_RUN.exec(rest);
      if (m === null) { out.push(rest); break; }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  if (typeof sep !== "string") throw new TypeError(`must be str or None, not ${$typeName(sep)}`);
  if (sep === "") throw new $ValueError("empty separator");
  let from = 0;
  for (;;) {
    if (maxsplit >= 0 && out.length === maxsplit) break;
    const at = s.indexOf(sep, from);
    if (at < 0) break;
    out.push(s.slice(from, at));
    from = at + sep.length;
  }
  out.push(s.slice(from));
  return out;
}

// @helper $m_rsplit
function $m_rsplit(s, sep, maxsplit) {
  if (typeof s !== "string") return $noMethod(s, "rsplit", arguments);
  if (maxsplit === undefined || maxsplit === null) maxsplit = -1;
  maxsplit = +maxsplit;
  if (maxsplit < 0) return $m_split(s, sep, -1);
  const out = [];
  if (sep === undefined || sep === null) {
    let rest = s.replace($PY_WS_TRAIL, "");
    while (rest !== "") {
      if (out.length === maxsplit) { out.push(rest); break; }
      const m = new RegExp($PY_WS + "+(?![\\s\\S]*" + $PY_WS + ")").exec(rest);
      if (m === null) { out.push(rest); break; }
      out.push(rest.slice(m.index + m[0].length));
      rest = rest.slice(0, m.index);
    }
    return out.reverse();
  }
  if (typeof sep !== "string") throw new TypeError(`must be str or None, not ${$typeName(sep)}`);
  if (sep === "") throw new $ValueError("empty separator");
  let end = s.length;
  for (;;) {
    if (out.length === maxsplit) break;
    const at = s.lastIndexOf(sep, end - sep.length);
    if (at < 0 || end - sep.length < 0) break;
    out.push(s.slice(at + sep.length, end));
    end = at;
  }
  out.push(s.slice(0, end));
  return out.reverse();
}

// @helper $m_splitlines
function $m_splitlines(s, keepends) {
  if (typeof s !== "string") return $noMethod(s, "splitlines", arguments);
  const out = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0, m;
  while ((m = re.exec(s)) !== null) {
    out.push(s.slice(last, keepends ? re.lastIndex : m.index));
    last = re.lastIndex;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

// @helper $m_join
function $m_join(sep, items) {
  if (typeof sep !== "string") return $noMethod(sep, "join", arguments);
  let list = items;
  if (!$Array.isArray(items)) {
    try { list = $list(items); } catch (e) {
      if (e instanceof TypeError && / object is not iterable$/.test($String(e.message))) throw new TypeError("can only join an iterable");
      throw e;
    }
  }
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== "string") throw new TypeError(`sequence item ${i}: expected str instance, ${$typeName(list[i])} found`);
  }
  return list.join(sep);
}

// @helper $m_replace
function $m_replace(s, old, repl, count) {
  if (s instanceof $Uint8Array) return $bytesMethod(s, "replace", [old, repl, count]);
  if (typeof s !== "string") {
    if (s !== null && typeof s === "object" && typeof s.replace === "function" && s.$pytype) return s.replace(old, repl, count);
    return $noMethod(s, "replace", arguments);
  }
  if (typeof old !== "string") throw new TypeError(`replace() argument 1 must be str, not ${$typeName(old)}`);
  if (typeof repl !== "string") throw new TypeError(`replace() argument 2 must be str, not ${$typeName(repl)}`);
  if (count === undefined || count === null || +count < 0) {
    if (old === "") return repl + $Array.from(s).join(repl) + (s === "" ? "" : repl);
    return s.split(old).join(repl);
  }
  count = +count;
  if (old === "") {
    const cps = $Array.from(s);
    let out = "", n = 0;
    for (let i = 0; i <= cps.length; i++) { if (n < count) { out += repl; n++; } if (i < cps.length) out += cps[i]; }
    return out;
  }
  let out = "", from = 0, n = 0;
  while (n < count) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + repl;
    from = at + old.length;
    n++;
  }
  return out + s.slice(from);
}

// @helper $affix
function $affix(s, affix, start, end, name) {
  if (typeof s !== "string") {
    return s instanceof $Uint8Array ? $bytesMethod(s, name, [affix, start, end]) : $noMethod(s, name, [affix, start, end]);
  }
  if (typeof affix === "string" && start === undefined && end === undefined) {
    return name === "startswith" ? s.startsWith(affix) : s.endsWith(affix);
  }
  const r = $strRange(s, start, end);
  const list = $Array.isArray(affix) && $Object.isFrozen(affix) ? affix : [affix];
  for (const a of list) {
    if (typeof a !== "string") {
      throw new TypeError(list === affix ? `tuple for ${name} must only contain str, not ${$typeName(a)}`
        : `${name} first arg must be str or a tuple of str, not ${$typeName(a)}`);
    }
  }
  if (r === null) return false;
  const sub = s.slice(r[0], r[1]);
  for (const a of list) if (name === "startswith" ? sub.startsWith(a) : sub.endsWith(a)) return true;
  return false;
}
// @helper $affixStr
// s.startswith(p) / s.endswith(p) with one constant str p, without the (start, end) and tuple work.
function $affixStr(s, p, name) {
  if (typeof s !== "string") return s instanceof $Uint8Array ? $bytesMethod(s, name, [p]) : $noMethod(s, name, [p]);
  return name === "startswith" ? s.startsWith(p) : s.endsWith(p);
}
// @helper $m_startswith
function $m_startswith(s, p, a, b) { return $affix(s, p, a, b, "startswith"); }
// @helper $m_endswith
function $m_endswith(s, p, a, b) { return $affix(s, p, a, b, "endswith"); }
// @helper $m_removeprefix
function $m_removeprefix(s, p) { if (typeof s !== "string") return $noMethod(s, "removeprefix", arguments); return p !== "" && s.startsWith(p) ? s.slice(p.length) : s; }
// @helper $m_removesuffix
function $m_removesuffix(s, p) { if (typeof s !== "string") return $noMethod(s, "removesuffix", arguments); return p !== "" && s.endsWith(p) ? s.slice(0, s.length - p.length) : s; }

// @helper $strFind
function $strFind(s, sub, start, end, fromRight) {
  if (typeof sub !== "string") throw new TypeError(`must be str, not ${$typeName(sub)}`);
  const r = $strRange(s, start, end);
  if (r === null) return -1;
  const hay = s.slice(r[0], r[1]);
  const at = fromRight ? hay.lastIndexOf(sub) : hay.indexOf(sub);
  if (at < 0) return -1;
  const unit = r[0] + at;
  return $len(s) === s.length ? unit : $unitToCp(s, unit);
}
// @helper $m_find
function $m_find(s, sub, a, b) { return typeof s === "string" ? $strFind(s, sub, a, b, false) : $noMethod(s, "find", arguments); }
// @helper $m_rfind
function $m_rfind(s, sub, a, b) { return typeof s === "string" ? $strFind(s, sub, a, b, true) : $noMethod(s, "rfind", arguments); }
// @helper $m_rindex
function $m_rindex(s, sub, a, b) {
  if (typeof s !== "string") return $noMethod(s, "rindex", arguments);
  const i = $strFind(s, sub, a, b, true);
  if (i < 0) throw new $ValueError("substring not found");
  return i;
}

// @helper $m_count
function $m_count(o, x, a, b) {
  if (typeof o === "string") {
    if (typeof x !== "string") throw new TypeError(`must be str, not ${$typeName(x)}`);
    const r = $strRange(o, a, b);
    if (r === null) return 0;
    const hay = o.slice(r[0], r[1]);
    if (x === "") return $len(hay) + 1;
    return hay.split(x).length - 1;
  }
  if ($Array.isArray(o)) { let n = 0; for (const v of o) if ($eq(v, x)) n++; return n; }
  return $noMethod(o, "count", arguments);
}

// @helper $m_index
function $m_index(o, x, a, b) {
  if (typeof o === "string") {
    const i = $strFind(o, x, a, b, false);
    if (i < 0) throw new $ValueError("substring not found");
    return i;
  }
  if ($Array.isArray(o)) {
    const [lo, hi] = $sliceIndices(o.length, a === undefined ? null : a, b === undefined ? null : b, 1);
    for (let i = lo; i < hi; i++) if ($eq(o[i], x)) return i;
    throw new $ValueError($Object.isFrozen(o) ? "tuple.index(x): x not in tuple" : `${$repr(x)} is not in list`);
  }
  return $noMethod(o, "index", arguments);
}

// @helper $allChars
function $allChars(s, name, test) {
  if (typeof s !== "string") return $noMethod(s, name, []);
  if (s === "") return false;
  for (const ch of s) if (!test(ch.codePointAt(0))) return false;
  return true;
}
// @helper $m_isdigit
function $m_isdigit(s) { return $allChars(s, "isdigit", (c) => $inTable($DIGIT, c)); }
// @helper $m_isdecimal
function $m_isdecimal(s) { return $allChars(s, "isdecimal", (c) => $inTable($DECIMAL, c)); }
// @helper $m_isnumeric
function $m_isnumeric(s) { return $allChars(s, "isnumeric", (c) => $inTable($NUMERIC, c)); }
// @helper $m_isalpha
function $m_isalpha(s) { return $allChars(s, "isalpha", (c) => $inTable($ALPHA, c)); }
// @helper $m_isalnum
function $m_isalnum(s) { return $allChars(s, "isalnum", (c) => $inTable($ALPHA, c) || $inTable($NUMERIC, c)); }
// @helper $m_isspace
function $m_isspace(s) { return $allChars(s, "isspace", (c) => new RegExp("^" + $PY_WS + "$").test($String.fromCodePoint(c))); }
// @helper $m_isascii
function $m_isascii(s) { if (typeof s !== "string") return $noMethod(s, "isascii", arguments); return /^[\x00-\x7f]*$/.test(s); }
// @helper $m_islower
function $m_islower(s) {
  if (typeof s !== "string") return $noMethod(s, "islower", arguments);
  let cased = false;
  for (const ch of s) { const c = ch.codePointAt(0); if ($inTable($UPPER, c) || $inTable($TITLECASE, c)) return false; if (!cased && $inTable($LOWER, c)) cased = true; }
  return cased;
}
// @helper $m_isupper
function $m_isupper(s) {
  if (typeof s !== "string") return $noMethod(s, "isupper", arguments);
  let cased = false;
  for (const ch of s) { const c = ch.codePointAt(0); if ($inTable($LOWER, c) || $inTable($TITLECASE, c)) return false; if (!cased && $inTable($UPPER, c)) cased = true; }
  return cased;
}

// @helper $titleChar
function $titleChar(ch) { const t = $TITLE_MAP[ch.codePointAt(0)]; return t === undefined ? $caseMap(ch, true) : t; }

// @helper $m_title
function $m_title(s) {
  if (typeof s !== "string") return $noMethod(s, "title", arguments);
  let out = "", prevCased = false;
  for (const ch of s) {
    out += prevCased ? $caseMap(ch, false) : $titleChar(ch);
    prevCased = $inTable($CASED, ch.codePointAt(0));
  }
  return out;
}
// @helper $m_capitalize
function $m_capitalize(s) {
  if (typeof s !== "string") return $noMethod(s, "capitalize", arguments);
  const cps = $Array.from(s);
  if (cps.length === 0) return "";
  return $titleChar(cps[0]) + $caseMap(cps.slice(1).join(""), false);
}

// @helper $padArgs
function $padArgs(width, fill, name) {
  if (!$isIntLike(width)) throw new TypeError(`'${$typeName(width)}' object cannot be interpreted as an integer`);
  if (fill === undefined) fill = " ";
  if (typeof fill !== "string" || $len(fill) !== 1) throw new TypeError("The fill character must be exactly one character long");
  return [+width, fill];
}
// @helper $m_ljust
function $m_ljust(s, width, fill) { if (typeof s !== "string") return $noMethod(s, "ljust", arguments); const [w, f] = $padArgs(width, fill); const n = w - $len(s); return n > 0 ? s + f.repeat(n) : s; }
// @helper $m_rjust
function $m_rjust(s, width, fill) { if (typeof s !== "string") return $noMethod(s, "rjust", arguments); const [w, f] = $padArgs(width, fill); const n = w - $len(s); return n > 0 ? f.repeat(n) + s : s; }
// @helper $m_center
function $m_center(s, width, fill) {
  if (typeof s !== "string") return $noMethod(s, "center", arguments);
  const [w, f] = $padArgs(width, fill);
  const marg = w - $len(s);
  if (marg <= 0) return s;
  const left = (marg >> 1) + (marg & w & 1);
  return f.repeat(left) + s + f.repeat(marg - left);
}
// @helper $m_zfill
function $m_zfill(s, width) {
  if (typeof s !== "string") return $noMethod(s, "zfill", arguments);
  const n = +width - $len(s);
  if (n <= 0) return s;
  if (s[0] === "+" || s[0] === "-") return s[0] + "0".repeat(n) + s.slice(1);
  return "0".repeat(n) + s;
}
// @helper $m_expandtabs
function $m_expandtabs(s, tabsize) {
  if (typeof s !== "string") return $noMethod(s, "expandtabs", arguments);
  const t = tabsize === undefined ? 8 : +tabsize;
  let out = "", col = 0;
  for (const ch of s) {
    if (ch === "\t") { if (t > 0) { const n = t - (col % t); out += " ".repeat(n); col += n; } }
    else if (ch === "\n" || ch === "\r") { out += ch; col = 0; }
    else { out += ch; col++; }
  }
  return out;
}
// @helper $partition
function $partition(s, sep, fromRight, name) {
  if (typeof s !== "string") return $noMethod(s, name, [sep]);
  if (typeof sep !== "string") throw new TypeError(`must be str, not ${$typeName(sep)}`);
  if (sep === "") throw new $ValueError("empty separator");
  const at = fromRight ? s.lastIndexOf(sep) : s.indexOf(sep);
  if (at < 0) return $Object.freeze(fromRight ? ["", "", s] : [s, "", ""]);
  return $Object.freeze([s.slice(0, at), sep, s.slice(at + sep.length)]);
}
// @helper $m_partition
function $m_partition(s, sep) { return $partition(s, sep, false, "partition"); }
// @helper $m_rpartition
function $m_rpartition(s, sep) { return $partition(s, sep, true, "rpartition"); }

// @helper $m_format
function $m_format(s, args, kwargs) { return typeof s === "string" ? $strFormat(s, args, kwargs) : $noMethod(s, "format", [...args]); }

// @helper $utf8
function $utf8(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xDC00 && s.charCodeAt(i + 1) <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s.charCodeAt(++i) - 0xDC00);
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      const pos = $unitToCp(s, i);
      const e = new $UnicodeError(`'utf-8' codec can't encode character '\\u${c.toString(16)}' in position ${pos}: surrogates not allowed`);
      $Object.defineProperty(e.constructor, "name", { value: "UnicodeEncodeError" });
      throw e;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xC0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xE0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xF0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

// @helper $utf8Decode
function $utf8Decode(b) {
  let out = "";
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let cp, n;
    if (c < 0x80) { cp = c; n = 1; }
    else if (c >= 0xC2 && c < 0xE0) { cp = c & 31; n = 2; }
    else if (c >= 0xE0 && c < 0xF0) { cp = c & 15; n = 3; }
    else if (c >= 0xF0 && c < 0xF5) { cp = c & 7; n = 4; }
    else throw new $UnicodeError(`'utf-8' codec can't decode byte 0x${c.toString(16).padStart(2, "0")} in position ${i}: invalid start byte`);
    for (let k = 1; k < n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xC0) !== 0x80) throw new $UnicodeError(`'utf-8' codec can't decode byte 0x${c.toString(16).padStart(2, "0")} in position ${i}: invalid continuation byte`);
      cp = (cp << 6) | (d & 63);
    }
    out += $String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

// @helper $m_encode
function $m_encode(s, encoding) {
  if (typeof s !== "string") return $noMethod(s, "encode", arguments);
  const enc = (encoding === undefined ? "utf-8" : encoding).toLowerCase().replace("_", "-");
  if (enc === "utf-8" || enc === "utf8") return $utf8(s);
  if (enc === "ascii" || enc === "latin-1" || enc === "latin1") {
    const limit = enc === "ascii" ? 0x80 : 0x100;
    return Uint8Array.from($Array.from(s), (ch, i) => {
      const c = ch.codePointAt(0);
      if (c >= limit) throw new $UnicodeError(`'${enc === "ascii" ? "ascii" : "latin-1"}' codec can't encode character ${$ascii($strRepr(ch))} in position ${i}: ordinal not in range(${limit})`);
      return c;
    });
  }
  throw new $ValueError(`segfn: encoding ${$repr(encoding)} is not supported`);
}

// @helper $m_decode
function $m_decode(b, encoding) {
  if (!(b instanceof $Uint8Array)) return $noMethod(b, "decode", arguments);
  const enc = (encoding === undefined ? "utf-8" : encoding).toLowerCase().replace("_", "-");
  if (enc === "utf-8" || enc === "utf8") return $utf8Decode(b);
  if (enc === "ascii" || enc === "latin-1" || enc === "latin1") return $String.fromCharCode(...b);
  throw new $ValueError(`segfn: encoding ${$repr(encoding)} is not supported`);
}

// @helper $m_hex
function $m_hex(b) { if (!(b instanceof $Uint8Array)) return $noMethod(b, "hex", arguments); return $Array.from(b, (c) => c.toString(16).padStart(2, "0")).join(""); }

// @helper $chr
function $chr(i) {
  if (!$isIntLike(i)) throw new TypeError(`'${$typeName(i)}' object cannot be interpreted as an integer`);
  if (i < 0 || i > 0x10ffff) throw new $ValueError("chr() arg not in range(0x110000)");
  return $String.fromCodePoint(+i);
}

// @helper $ord
function $ord(s) {
  if (typeof s !== "string") throw new TypeError(`ord() expected string of length 1, but ${$typeName(s)} found`);
  const n = $len(s);
  if (n !== 1) throw new TypeError(`ord() expected a character, but string of length ${n} found`);
  return s.codePointAt(0);
}

// @helper $unboundStr
// str.<method> as a value (a sort key, map's function): the str comes first; anything else is
// CPython's TypeError for a method descriptor.
function $unboundStr(name, f) {
  return function (self, ...rest) {
    if (arguments.length === 0) throw new TypeError(`unbound method str.${name}() needs an argument`);
    if (typeof self !== "string") {
      throw new TypeError(`descriptor '${name}' for 'str' objects doesn't apply to a '${$typeName(self)}' object`);
    }
    return f(self, ...rest);
  };
}

// @helper $methodValue
// o.name read, not called: for a str, list, dict or set, its method bound to it (max(d, key=d.get));
// for anything else, the attribute.
function $methodValue(o, name, f) {
  if (typeof o === "string" || $Array.isArray(o) || o instanceof $Set || $isDict(o)) {
    return function (...args) { return f(o, ...args); };
  }
  return $attr(o, name);
}
