// str(), repr(), format specs, %-formatting and str.format, computed exactly as CPython does.

// @helper $str
function $str(x, isFloat) {
  if (typeof x === "string") return x;
  if (typeof x === "number") return $numStr(x, isFloat);
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return x ? "True" : "False";
  if ($isExc(x)) return x.message === undefined ? "" : $String(x.message);
  if (x !== null && typeof x === "object" && typeof x.__str__ === "function") return $strResult(x.__str__(), "__str__");
  return $repr(x);
}

// @helper $repr
function $repr(x, isFloat) {
  if (typeof x === "string") return $strRepr(x);
  if (typeof x === "number") return $numStr(x, isFloat);
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return x ? "True" : "False";
  if ($Array.isArray(x)) {
    if (x.$fields !== undefined) return `${x.$pyname}(${x.$fields.map((f, i) => f + "=" + $repr(x[i])).join(", ")})`;
    const inner = x.map((v) => $repr(v)).join(", ");
    if (!$Object.isFrozen(x)) return "[" + inner + "]";
    return x.length === 1 ? "(" + inner + ",)" : "(" + inner + ")";
  }
  if ($isDict(x) && x[$MISSING] !== undefined) return x[$MISSING].repr(x);
  if ($isDict(x)) return "{" + $Object.keys(x).map((k) => $strRepr(k) + ": " + $repr(x[k])).join(", ") + "}";
  if (x instanceof $Set) {
    const name = x.$frozen ? "frozenset" : "set";
    if (x.size === 0) return name + "()";
    const inner = "{" + [...x].map((v) => $repr(v)).join(", ") + "}";
    return x.$frozen ? "frozenset(" + inner + ")" : inner;
  }
  if (x instanceof $Uint8Array) return $bytesRepr(x);
  if (typeof x.__repr__ === "function") return $strResult(x.__repr__(), "__repr__");
  if ($isExc(x)) {
    const args = x.args || (x.message ? [x.message] : []);
    const inner = args.length === 1 ? $repr(args[0]) : args.map((v) => $repr(v)).join(", ");
    return `${x.constructor.name}(${inner})`;
  }
  if (typeof x === "function") return x.$pyclass === true ? `<class '${x.name}'>` : `<function ${x.name}>`;
  return `<${$typeName(x)} object>`;
}

// @helper $strResult
function $strResult(r, what) {
  if (typeof r !== "string") throw new TypeError(`${what} returned non-string (type ${$typeName(r)})`);
  return r;
}

// @helper $strRepr
function $strRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp < 0x7f) out += ch;
    else if ($isPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp <= 0xffff) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + quote;
}

// @helper $isPrintable
function $isPrintable(cp) { return !$inTable($NONPRINTABLE, cp); }

// @helper $inRanges
// ranges: a sorted flat array [start0, end0, start1, end1, ...] (inclusive).
function $inRanges(ranges, cp) {
  let lo = 0, hi = (ranges.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[2 * mid]) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

// @helper $bytesRepr
function $bytesRepr(b) {
  let hasSingle = false, hasDouble = false;
  for (const c of b) { if (c === 39) hasSingle = true; if (c === 34) hasDouble = true; }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = "b" + quote;
  for (const c of b) {
    const ch = $String.fromCharCode(c);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (c === 10) out += "\\n"; else if (c === 13) out += "\\r"; else if (c === 9) out += "\\t";
    else if (c < 0x20 || c >= 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

// @helper $parseSpec
function $parseSpec(spec) {
  const m = /^(?:([\s\S])?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/u.exec(spec);
  if (!m) throw new $ValueError("Invalid format specifier");
  const s = { fill: m[1] === undefined ? (m[6] && !m[2] ? "0" : " ") : m[1], align: m[2] || (m[6] && !m[2] ? "=" : null),
    sign: m[3] || "-", signGiven: m[3] !== undefined, z: !!m[4], alt: !!m[5], zero: !!m[6], width: m[7] ? +m[7] : 0, group: m[8] || "",
    prec: m[9] === undefined ? null : +m[9], type: m[10] || "" };
  // parse_internal_render_format_spec: a separator is checked against the type before any object's
  // formatting (',' with d e f g %, '_' also with b o x)
  if (s.group && !"deEfFgG%".includes(s.type) && !(s.group === "_" && "boxX".includes(s.type))) {
    throw new $ValueError(`Cannot specify '${s.group}' with '${s.type}'.`);
  }
  return s;
}

// @helper $pad
function $pad(body, s, defaultAlign, signPart) {
  signPart = signPart || "";
  const align = s.align || defaultAlign;
  const len = $len(body) + $len(signPart);
  if (len >= s.width) return signPart + body;
  const n = s.width - len, fill = s.fill;
  if (align === "<") return signPart + body + fill.repeat(n);
  if (align === ">") return fill.repeat(n) + signPart + body;
  if (align === "=") return signPart + fill.repeat(n) + body;
  const left = n >> 1;
  return fill.repeat(left) + signPart + body + fill.repeat(n - left);
}

// @helper $group
function $group(intPart, sep, every) {
  let out = "";
  for (let i = intPart.length; i > 0; i -= every) out = intPart.slice($Math.max(0, i - every), i) + (out ? sep + out : "");
  return out;
}

// @helper $format
// format(x, spec): the format mini-language for str, int, float and bool, as CPython implements it.
function $format(x, spec, isFloat) {
  if (spec === "") return $str(x, isFloat);
  if (x === null || x === undefined || (typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean")) {
    if (x !== null && typeof x === "object" && typeof x.__format__ === "function") return x.__format__(spec);
    throw new TypeError(`unsupported format string passed to ${$typeName(x)}.__format__`);
  }
  const s = $parseSpec(spec);
  if (typeof x === "string") {
    if (s.type !== "" && s.type !== "s") throw new $ValueError(`Unknown format code '${s.type}' for object of type 'str'`);
    // CPython's format_string_internal, in its order
    if (s.signGiven) throw new $ValueError(s.sign === " " ? "Space not allowed in string format specifier" : "Sign not allowed in string format specifier");
    if (s.z) throw new $ValueError("Negative zero coercion (z) not allowed in string format specifier");
    if (s.alt) throw new $ValueError("Alternate form (#) not allowed in string format specifier");
    if (s.align === "=") throw new $ValueError("'=' alignment not allowed in string format specifier");
    if (s.group) throw new $ValueError(`Cannot specify '${s.group}' with 's'.`);
    let body = x;
    if (s.prec !== null) body = $Array.from(x).slice(0, s.prec).join("");
    return $pad(body, s, "<");
  }
  const v = +x;
  const asInt = !isFloat && $Number.isInteger(v) && typeof x !== "string";
  if (s.type === "s") {
    throw new $ValueError(`Unknown format code 's' for object of type '${typeof x === "boolean" ? "bool" : asInt ? "int" : "float"}'`);
  }
  if (asInt && "bcdoxXn".includes(s.type || "d") && !(s.type === "" && false)) {
    if (s.type === "" || "bcdoxXn".includes(s.type)) return $formatInt(v, s);
  }
  if (!asInt && "bcdoxX".includes(s.type) && s.type !== "") {
    throw new $ValueError(`Unknown format code '${s.type}' for object of type 'float'`);
  }
  return $formatFloat(v, s, asInt);
}

// @helper $formatInt
function $formatInt(v, s) {
  const type = s.type || "d";
  if (s.prec !== null) throw new $ValueError("Precision not allowed in integer format specifier");
  if (s.z) throw new $ValueError("Negative zero coercion (z) not allowed in integer format specifier");
  if (type === "c") {
    if (s.signGiven) throw new $ValueError("Sign not allowed with integer format specifier 'c'");
    if (s.alt) throw new $ValueError("Alternate form (#) not allowed with integer format specifier 'c'");
    if (v >= 2 ** 63 || v < -(2 ** 63)) throw new $OverflowError("Python int too large to convert to C long");
    if (v < 0 || v > 0x10ffff) throw new $OverflowError("%c arg not in range(0x110000)");
    return $pad($String.fromCodePoint(v), s, "<");
  }
  const neg = v < 0;
  const big = BigInt($Math.abs(v));
  const base = { b: 2, o: 8, x: 16, X: 16, d: 10, n: 10 }[type];
  let digits = big.toString(base);
  if (type === "X") digits = digits.toUpperCase();
  if (s.group) digits = $group(digits, s.group, base === 10 ? 3 : 4);
  const prefix = s.alt ? ({ b: "0b", o: "0o", x: "0x", X: "0X" }[type] || "") : "";
  const sign = neg ? "-" : s.sign === "+" ? "+" : s.sign === " " ? " " : "";
  if ((s.align || (s.zero ? "=" : ">")) === "=" && s.fill === "0" && s.group) {
    // zero padding also inserts group separators, as CPython does
    const width = s.width - sign.length - prefix.length;
    let raw = big.toString(base); if (type === "X") raw = raw.toUpperCase();
    while ($group(raw, s.group, base === 10 ? 3 : 4).length < width) raw = "0" + raw;
    digits = $group(raw, s.group, base === 10 ? 3 : 4);
  }
  return $pad(digits, s, ">", sign + prefix);
}

// @helper $formatFloat
function $formatFloat(v, s, fromInt) {
  let type = s.type;
  if (type === "n") type = s.prec === null && fromInt ? "d" : "g";
  let prec = s.prec;
  const neg = v < 0 || $Object.is(v, -0);
  const a = $Math.abs(v);
  let body;
  let pct = false;
  if (type === "%") { type = "f"; pct = true; }
  if (!$Number.isFinite(a)) {
    body = a !== a ? "nan" : "inf";
    if ("FEG".includes(type) && type !== "") body = body.toUpperCase();
  } else if (type === "f" || type === "F") {
    body = $fixedDigits(pct ? a * 100 : a, prec === null ? 6 : prec);
    if (s.alt && !body.includes(".")) body += ".";
  } else if (type === "e" || type === "E") {
    body = $sciFormat(a, prec === null ? 6 : prec, s.alt);
    if (type === "E") body = body.toUpperCase();
  } else if (type === "g" || type === "G" || (type === "" && prec !== null)) {
    let p = prec === null ? 6 : prec;
    if (p === 0) p = 1;
    const [, , exp] = a === 0 ? [false, "0", 0] : $sciDigits(a, p - 1);
    const limit = type === "" ? p - 1 : p;
    if (exp >= -4 && exp < limit) {
      body = $fixedDigits(a, $Math.max(0, p - 1 - exp));
      if (!s.alt) { if (body.includes(".")) body = body.replace(/0+$/, "").replace(/\.$/, ""); }
      if (type === "" && !body.includes(".")) body += ".0";
    } else {
      body = $sciFormat(a, p - 1, s.alt);
      if (!s.alt) body = body.replace(/\.?0+e/, "e");
    }
    if (type === "G") body = body.toUpperCase();
  } else if (type === "") {
    body = fromInt ? $intStr(a) : $floatRepr(a);
  } else {
    throw new $ValueError(`Unknown format code '${type}' for object of type 'float'`);
  }
  if (pct) body += "%";
  if (s.group) {
    const dot = body.search(/[.eE%]|$/);
    let intPart = body.slice(0, dot), rest = body.slice(dot);
    if (/^\d+$/.test(intPart)) {
      if ((s.align || (s.zero ? "=" : ">")) === "=" && s.fill === "0") {
        const signLen = (neg || s.sign !== "-") ? 1 : 0;
        while ($group(intPart, s.group, 3).length + rest.length + signLen < s.width) intPart = "0" + intPart;
      }
      body = $group(intPart, s.group, 3) + rest;
    }
  }
  let isNeg = neg;
  if (s.z && isNeg && /^[0.]*$/.test(body.replace(/[eE%].*$/, "").replace(/^-/, ""))) isNeg = false;
  const sign = isNeg && !(a !== a) ? "-" : s.sign === "+" ? "+" : s.sign === " " ? " " : "";
  return $pad(body, s, ">", sign);
}

// @helper $sciFormat
function $sciFormat(a, prec, alt) {
  const [, digits, exp] = $sciDigits(a, prec);
  let mant = digits[0] + (prec > 0 ? "." + digits.slice(1) : (alt ? "." : ""));
  return mant + "e" + (exp < 0 ? "-" : "+") + $String($Math.abs(exp)).padStart(2, "0");
}

// @helper $fstr
// One f-string replacement field: conversion (r, s, a) then format spec.
function $fstr(x, conv, spec, isFloat) {
  if (conv === "r") x = $repr(x, isFloat);
  else if (conv === "s") x = $str(x, isFloat);
  else if (conv === "a") x = $ascii($repr(x, isFloat));
  return $format(x, spec, isFloat);
}

// @helper $ascii
function $ascii(s) {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (cp < 0x80) out += ch;
    else if (cp <= 0xff) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp <= 0xffff) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out;
}

// @helper $percentFormat
// The str % args operator.
function $percentFormat(fmt, args) {
  const mapping = $isDict(args) ? args : null;
  const list = $Array.isArray(args) && $Object.isFrozen(args) ? args : [args];
  let i = 0, usedMapping = false;
  const next = () => { if (i >= list.length) throw new TypeError("not enough arguments for format string"); return list[i++]; };
  const re = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])?/g;
  let out = "", last = 0, m;
  while ((m = re.exec(fmt)) !== null) {
    out += fmt.slice(last, m.index);
    last = re.lastIndex;
    const [, key, flags, width, prec, conv] = m;
    if (conv === undefined) throw new $ValueError(`unsupported format character '${fmt[re.lastIndex] || ""}' (0x${(fmt.codePointAt(re.lastIndex) || 0).toString(16)}) at index ${re.lastIndex}`);
    if (conv === "%" && key === undefined && !flags && width === undefined && prec === undefined) { out += "%"; continue; }
    let w = width === "*" ? next() : width === undefined ? 0 : +width;
    let p = prec === "*" ? next() : prec === undefined ? null : +prec;
    let v;
    if (key !== undefined) {
      if (mapping === null) throw new TypeError("format requires a mapping");
      usedMapping = true;
      v = $getitem(mapping, key);
    } else if (conv !== "%") v = next();
    const left = flags.includes("-"), zero = flags.includes("0") && !left, plus = flags.includes("+"), space = flags.includes(" "), alt = flags.includes("#");
    let body, signed = false;
    switch (conv) {
      case "%": body = "%"; break;
      case "s": body = $str(v); if (p !== null) body = $Array.from(body).slice(0, p).join(""); break;
      case "r": body = $repr(v); if (p !== null) body = $Array.from(body).slice(0, p).join(""); break;
      case "a": body = $ascii($repr(v)); if (p !== null) body = $Array.from(body).slice(0, p).join(""); break;
      case "c":
        if (typeof v === "string") { if ($len(v) !== 1) throw new TypeError("%c requires int or char"); body = v; }
        else if ($isIntLike(v)) body = $String.fromCodePoint(+v);
        else throw new TypeError("%c requires int or char");
        break;
      case "d": case "i": case "u":
        if (!$isNum(v)) throw new TypeError(`%${conv} format: a real number is required, not ${$typeName(v)}`);
        body = $formatInt($Math.trunc(+v), $parseSpec((plus ? "+" : space ? " " : "") + (p !== null ? "" : "")));
        if (p !== null) { const neg = body[0] === "-" || body[0] === "+" || body[0] === " "; const sg = neg ? body[0] : ""; let d = neg ? body.slice(1) : body; d = d.padStart(p, "0"); body = sg + d; }
        signed = true; break;
      case "x": case "X": case "o":
        if (!$isIntLike(v)) throw new TypeError(`%${conv} format: an integer is required, not ${$typeName(v)}`);
        body = $formatInt(+v, $parseSpec((plus ? "+" : space ? " " : "") + (alt ? "#" : "") + conv));
        if (p !== null) { const sg = /^[-+ ]/.test(body) ? body[0] : ""; let d = sg ? body.slice(1) : body; const pre = /^0[xXo]/.test(d) ? d.slice(0, 2) : ""; d = d.slice(pre.length).padStart(p, "0"); body = sg + pre + d; }
        signed = true; break;
      default: // e E f F g G
        if (!$isNum(v)) throw new TypeError(`must be real number, not ${$typeName(v)}`);
        body = $formatFloat(+v, $parseSpec((plus ? "+" : space ? " " : "") + (alt ? "#" : "") + "." + (p === null ? 6 : p) + conv), false);
        signed = true;
    }
    if (w > $len(body)) {
      if (left) body = body + " ".repeat(w - $len(body));
      else if (zero && signed) {
        const sg = /^[-+ ]/.test(body) ? body[0] : "";
        let d = sg ? body.slice(1) : body;
        const pre = (alt && /^0[xXo]/.test(d)) ? d.slice(0, 2) : "";
        d = d.slice(pre.length);
        body = sg + pre + d.padStart(w - sg.length - pre.length, "0");
      } else body = " ".repeat(w - $len(body)) + body;
    }
    out += body;
  }
  out += fmt.slice(last);
  if (!usedMapping && mapping === null && i < list.length) throw new TypeError("not all arguments converted during string formatting");
  return out;
}

// @helper $strFormat
// str.format(*args, **kwargs)
function $strFormat(fmt, args, kwargs) {
  let auto = 0, out = "", i = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch === "{") {
      if (fmt[i + 1] === "{") { out += "{"; i += 2; continue; }
      let depth = 1, j = i + 1;
      while (j < fmt.length && depth > 0) { if (fmt[j] === "{") depth++; else if (fmt[j] === "}") depth--; if (depth > 0) j++; }
      if (j >= fmt.length) throw new $ValueError("expected '}' before end of string");
      const field = fmt.slice(i + 1, j);
      const m = /^([^!:]*)(?:!([rsa]))?(?::([\s\S]*))?$/.exec(field);
      let name = m[1], value;
      const path = name.split(/(?=[.[])/);
      let head = path[0];
      if (head === "") { value = args[auto++]; if (value === undefined) throw new $IndexError(`Replacement index ${auto - 1} out of range for positional args tuple`); }
      else if (/^\d+$/.test(head)) { value = args[+head]; if (value === undefined) throw new $IndexError(`Replacement index ${head} out of range for positional args tuple`); }
      else { if (!$Object.hasOwn(kwargs, head)) throw new $KeyError(head); value = kwargs[head]; }
      for (const part of path.slice(1)) {
        if (part[0] === ".") value = $attr(value, part.slice(1));
        else { const k = part.slice(1, -1); value = $getitem(value, /^\d+$/.test(k) ? +k : k); }
      }
      let spec = m[3] || "";
      if (spec.includes("{")) spec = $strFormat(spec, args.slice(auto), kwargs);
      out += $fstr(value, m[2] || "", spec);
      i = j + 1;
    } else if (ch === "}") {
      if (fmt[i + 1] === "}") { out += "}"; i += 2; continue; }
      throw new $ValueError("Single '}' encountered in format string");
    } else { out += ch; i++; }
  }
  return out;
}

// @helper $inTable
// A generated character class: Node's regex property escape, corrected where CPython differs.
function $inTable(t, cp) { return t.re.test($String.fromCodePoint(cp)) !== $inRanges(t.delta, cp); }
