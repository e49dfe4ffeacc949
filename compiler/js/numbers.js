// Python arithmetic on JavaScript numbers: operators check their operand types like CPython and
// raise its TypeError/ZeroDivisionError messages; // and % floor; round is half-even.

// @helper $isNum
function $isNum(x) { return typeof x === "number" || typeof x === "boolean"; }

// @helper $binopError
function $binopError(op, a, b) {
  return new TypeError(`unsupported operand type(s) for ${op}: '${$typeName(a)}' and '${$typeName(b)}'`);
}

// @helper $add
function $add(a, b) {
  const ta = typeof a, tb = typeof b;
  if (ta === "number" && tb === "number") return a + b;
  if (ta === "string") {
    if (tb === "string") return a + b;
    throw new TypeError(`can only concatenate str (not "${$typeName(b)}") to str`);
  }
  if ((ta === "number" || ta === "boolean") && (tb === "number" || tb === "boolean")) return +a + +b;
  if ($Array.isArray(a)) {
    const kind = $Object.isFrozen(a) ? "tuple" : "list";
    if ($Array.isArray(b) && $Object.isFrozen(b) === $Object.isFrozen(a)) {
      const out = a.concat(b);
      return kind === "tuple" ? $Object.freeze(out) : out;
    }
    throw new TypeError(`can only concatenate ${kind} (not "${$typeName(b)}") to ${kind}`);
  }
  if (a instanceof $Uint8Array && b instanceof $Uint8Array) {
    const out = new Uint8Array(a.length + b.length); out.set(a); out.set(b, a.length); return out;
  }
  return $objBinop(a, b, "+", "__add__", "__radd__");
}

// @helper $objBinop
// a <op> b where neither is a builtin the operator knows: an object defining it (a user class, a
// datetime, a timedelta), or CPython's TypeError.
function $objBinop(a, b, op, name, rname) {
  if ((a !== null && typeof a === "object") || (b !== null && typeof b === "object")) {
    const r = $objOp(a, b, name, rname);
    if (r !== $NotImplemented) return r;
  }
  throw $binopError(op, a, b);
}

// @helper $objUnary
function $objUnary(a, name, what) {
  if (a !== null && typeof a === "object" && typeof a[name] === "function") return a[name]();
  throw new TypeError(`bad operand type for ${what}: '${$typeName(a)}'`);
}

// @helper $iadd
// a += b: lists extend in place (other names bound to the list see it), everything else is +.
function $iadd(a, b) {
  if ($Array.isArray(a) && !$Object.isFrozen(a)) {
    if ($Array.isArray(b)) { for (let i = 0, n = b.length; i < n; i++) a.push(b[i]); }
    else for (const v of $iter(b)) a.push(v);
    return a;
  }
  try { return $add(a, b); } catch (e) { throw $augError(e, "+"); }
}

// @helper $augError
// x op= y: CPython names the augmented operator in "unsupported operand type(s) for -=: ...".
function $augError(e, op) {
  const plain = op === "**" ? "** or pow()" : op;
  if (e instanceof TypeError && $String(e.message).startsWith(`unsupported operand type(s) for ${plain}:`)) {
    return new TypeError(`unsupported operand type(s) for ${op}=:` + $String(e.message).slice(33 + plain.length));
  }
  return e;
}

// @helper $isub
// s -= t on a set changes s in place (other names bound to it see it), as CPython's set does.
function $isub(a, b) {
  let r;
  try { r = $sub(a, b); } catch (e) { throw $augError(e, "-"); }
  return a instanceof $Set && !a.$frozen ? $setReplace(a, r) || a : r;
}

// @helper $imul
function $imul(a, b) { try { return $mul(a, b); } catch (e) { throw $augError(e, "*"); } }

// @helper $idiv
function $idiv(a, b, f) { try { return $div(a, b, f); } catch (e) { throw $augError(e, "/"); } }

// @helper $ifloordiv
function $ifloordiv(a, b, f) { try { return $floordiv(a, b, f); } catch (e) { throw $augError(e, "//"); } }

// @helper $imod
function $imod(a, b, f) { try { return $mod(a, b, f); } catch (e) { throw $augError(e, "%"); } }

// @helper $ipow
function $ipow(a, b, f) { try { return $pow(a, b, f); } catch (e) { throw $augError(e, "**"); } }

// @helper $ibitop
// s |= t and d |= x change s and d in place, as CPython's set and dict do (d |= takes what
// d.update takes: a dict or pairs).
function $ibitop(op, a, b) {
  if (op === "|" && $isDict(a)) { $m_update(a, b); return a; }
  let r;
  try { r = $bitop(op, a, b); } catch (e) { throw $augError(e, op); }
  if (a instanceof $Set && !a.$frozen) return $setReplace(a, r) || a;
  return r;
}

// @helper $sub
function $sub(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if ($isNum(a) && $isNum(b)) return +a - +b;
  if (a instanceof $Set && b instanceof $Set) return $mkset([...a].filter((v) => !$setHas(b, v)), a.$frozen);
  return $objBinop(a, b, "-", "__sub__", "__rsub__");
}

// @helper $repeat
function $repeat(seq, n) {
  if (typeof n === "boolean") n = +n;
  if (typeof n !== "number" || !$Number.isInteger(n)) throw new TypeError(`can't multiply sequence by non-int of type '${$typeName(n)}'`);
  if (typeof seq === "string") return n > 0 ? seq.repeat(n) : "";
  const out = [];
  for (let i = 0; i < n; i++) for (const v of seq) out.push(v);
  return $Object.isFrozen(seq) ? $Object.freeze(out) : out;
}

// @helper $mul
function $mul(a, b) {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if ($isNum(a) && $isNum(b)) return +a * +b;
  if (typeof a === "string" || $Array.isArray(a)) return $repeat(a, b);
  if (typeof b === "string" || $Array.isArray(b)) return $repeat(b, a);
  return $objBinop(a, b, "*", "__mul__", "__rmul__");
}

// @helper $div
function $div(a, b, isFloat) {
  if (!$isNum(a) || !$isNum(b)) return $objBinop(a, b, "/", "__truediv__", "__rtruediv__");
  a = +a; b = +b;
  if (b === 0) throw new $ZeroDivisionError(isFloat || !$Number.isInteger(a) || !$Number.isInteger(b) ? "float division by zero" : "division by zero");
  return a / b;
}

// @helper $floordiv
function $floordiv(a, b, isFloat) {
  if (!$isNum(a) || !$isNum(b)) return $objBinop(a, b, "//", "__floordiv__", "__rfloordiv__");
  a = +a; b = +b;
  const ints = !isFloat && $Number.isInteger(a) && $Number.isInteger(b);
  if (b === 0) throw new $ZeroDivisionError(ints ? "integer division or modulo by zero" : "float floor division by zero");
  if (ints) return $Math.floor(a / b);
  // CPython's float floor division: computed from fmod so that a == b*q + r holds.
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod && (b < 0) !== (mod < 0)) div -= 1;
  if (div) { const f = $Math.floor(div); return div - f > 0.5 ? f + 1 : f; }
  return 0 * (a / b);
}

// @helper $mod
function $mod(a, b, isFloat) {
  if (typeof a === "string") return $percentFormat(a, b);
  if (!$isNum(a) || !$isNum(b)) return $objBinop(a, b, "%", "__mod__", "__rmod__");
  a = +a; b = +b;
  const ints = !isFloat && $Number.isInteger(a) && $Number.isInteger(b);
  if (b === 0) throw new $ZeroDivisionError(ints ? "integer modulo by zero" : "float modulo");
  let r = a % b;
  if (r !== 0) { if ((r < 0) !== (b < 0)) r += b; }
  else r = b < 0 ? -0 : 0;
  return ints ? (r === 0 ? 0 : r) : r;
}

// @helper $pow
function $pow(a, b, isFloat) {
  if (!$isNum(a) || !$isNum(b)) throw $binopError("** or pow()", a, b);
  a = +a; b = +b;
  if (a === 0 && b < 0) throw new $ZeroDivisionError(isFloat || !$Number.isInteger(a) || !$Number.isInteger(b) ? "0.0 cannot be raised to a negative power" : "0.0 cannot be raised to a negative power");
  if (a < 0 && !$Number.isInteger(b)) throw new $ValueError("segfn: a negative number raised to a fractional power is complex in Python; not supported");
  const r = a ** b;
  if (!$Number.isFinite(r) && $Number.isFinite(a) && $Number.isFinite(b)) {
    if ($Number.isInteger(a) && $Number.isInteger(b) && !isFloat) throw new $OverflowError("segfn: integer result too large for JavaScript numbers");
    throw new $OverflowError("(34, 'Numerical result out of range')");
  }
  return r;
}

// @helper $neg
function $neg(a) {
  if (typeof a === "number") return -a;
  if (typeof a === "boolean") return -a;
  return $objUnary(a, "__neg__", "unary -");
}

// @helper $pos
function $pos(a) {
  if ($isNum(a)) return +a;
  return $objUnary(a, "__pos__", "unary +");
}

// @helper $bitop
function $bitop(op, a, b) {
  if (!$isIntLike(a) || !$isIntLike(b)) {
    const dunder = op === "&" ? "and" : op === "|" ? "or" : op === "^" ? "xor" : null;
    if (dunder !== null && ((a !== null && typeof a === "object" && typeof a[`__${dunder}__`] === "function")
        || (b !== null && typeof b === "object" && typeof b[`__r${dunder}__`] === "function"))) {
      return $objBinop(a, b, op, `__${dunder}__`, `__r${dunder}__`);
    }
    if (a instanceof $Set && b instanceof $Set) {
      if (op === "|") return $mkset([...a, ...b], a.$frozen);
      if (op === "&") return $mkset([...a].filter((v) => $setHas(b, v)), a.$frozen);
      if (op === "^") return $mkset([...[...a].filter((v) => !$setHas(b, v)), ...[...b].filter((v) => !$setHas(a, v))], a.$frozen);
    }
    if (op === "|" && $isDict(a) && $isDict(b)) return $dictMerge([a, b]);
    throw $binopError(op, a, b);
  }
  const x = BigInt(+a), y = BigInt(+b);
  let r;
  switch (op) {
    case "&": r = x & y; break;
    case "|": r = x | y; break;
    case "^": r = x ^ y; break;
    case "<<": if (y < 0n) throw new $ValueError("negative shift count"); r = x << y; break;
    case ">>": if (y < 0n) throw new $ValueError("negative shift count"); r = x >> y; break;
  }
  if (typeof a === "boolean" && typeof b === "boolean" && op !== "<<" && op !== ">>") return r !== 0n;
  return Number(r);
}

// @helper $invert
function $invert(a) {
  if ($isIntLike(a)) return -(+a) - 1;
  throw new TypeError(`bad operand type for unary ~: '${$typeName(a)}'`);
}

// @helper $abs
function $abs(a) {
  if ($isNum(a)) return $Math.abs(+a);
  return $objUnary(a, "__abs__", "abs()");
}

// @helper $divmod
function $divmod(a, b, isFloat) {
  if (!$isNum(a) || !$isNum(b)) throw $binopError("divmod()", a, b);
  if (+b === 0 && (isFloat || !$Number.isInteger(+a) || !$Number.isInteger(+b))) throw new $ZeroDivisionError("float divmod()");
  return $Object.freeze([$floordiv(a, b, isFloat), $mod(a, b, isFloat)]);
}

// @helper $roundHalfEven
function $roundHalfEven(x) {
  const f = $Math.floor(x), d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

// @helper $round
// round(x): the nearest int, half to even (one argument, the common call, needs none of the digit work).
function $round(x) {
  if (!$isNum(x)) throw new TypeError(`type ${$typeName(x)} doesn't define __round__ method`);
  x = +x;
  if ($Number.isNaN(x)) throw new $ValueError("cannot convert float NaN to integer");
  if (!$Number.isFinite(x)) throw new $OverflowError("cannot convert float infinity to integer");
  return $Number.isInteger(x) ? x : $roundHalfEven(x);
}

// @helper $roundTo
// round(x, ndigits): half-even on x's exact binary value, as CPython does.
function $roundTo(x, ndigits) {
  if (ndigits === null) return $round(x);
  if (!$isNum(x)) throw new TypeError(`type ${$typeName(x)} doesn't define __round__ method`);
  x = +x;
  if (!$isIntLike(ndigits)) throw new TypeError(`'${$typeName(ndigits)}' object cannot be interpreted as an integer`);
  ndigits = +ndigits;
  if (!$Number.isFinite(x) || x === 0) return x;
  if (ndigits >= 0) {
    if (ndigits > 323) return x;
    return parseFloat($fixedDigits(x, ndigits));
  }
  // negative ndigits: round to a multiple of 10**-ndigits, half-even on the exact value
  const m = 10 ** -ndigits;
  if (!$Number.isFinite(m)) return 0 * x;
  return $roundExactDiv(x, -ndigits) * m;
}

// @helper $roundExactDiv
// round(x / 10**k) half-even on the exact binary value of x (k > 0).
function $roundExactDiv(x, k) {
  const [neg, m, e] = $decompose(x);
  let num = m, den = 10n ** BigInt(k);
  if (e >= 0) num <<= BigInt(e); else den <<= BigInt(-e);
  let q = num / den; const r = num % den;
  if (2n * r > den || (2n * r === den && (q & 1n))) q += 1n;
  return neg ? -Number(q) : Number(q);
}

// @helper $decompose
// A finite double as [negative, mantissa BigInt, exponent] with |x| = mantissa * 2**exponent.
function $decompose(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const neg = (hi >>> 31) === 1;
  const bits = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bits === 0) return [neg, m, -1074];
  return [neg, m | (1n << 52n), bits - 1075];
}

// @helper $fixedDigits
// x with exactly `prec` digits after the point, rounded half-even on its exact binary value (CPython's
// float formatting); sign included, "-0" kept.
function $fixedDigits(x, prec) {
  const [neg, m, e] = $decompose(x);
  let num = m * 10n ** BigInt(prec), den = 1n;
  if (e >= 0) num <<= BigInt(e); else den <<= BigInt(-e);
  let q = num / den; const r = num % den;
  if (2n * r > den || (2n * r === den && (q & 1n))) q += 1n;
  let s = q.toString();
  if (prec > 0) {
    if (s.length <= prec) s = "0".repeat(prec - s.length + 1) + s;
    s = s.slice(0, s.length - prec) + "." + s.slice(s.length - prec);
  }
  return (neg ? "-" : "") + s;
}

// @helper $sciDigits
// x as [negative, digits string of length prec+1, decimal exponent], rounded half-even exactly.
function $sciDigits(x, prec) {
  const [neg, m, e] = $decompose(x);
  if (m === 0n) return [neg, "0".repeat(prec + 1), 0];
  let exp10 = $Math.floor($Math.log10($Math.abs(x)));
  for (;;) {
    const shift = prec - exp10;
    let num = m, den = 1n;
    if (e >= 0) num <<= BigInt(e); else den <<= BigInt(-e);
    if (shift >= 0) num *= 10n ** BigInt(shift); else den *= 10n ** BigInt(-shift);
    let q = num / den; const r = num % den;
    if (2n * r > den || (2n * r === den && (q & 1n))) q += 1n;
    const s = q.toString();
    if (s.length > prec + 1) {
      if (q === 10n ** BigInt(prec + 1) && num / den < q) return [neg, "1" + "0".repeat(prec), exp10 + 1];
      exp10 += 1; continue;
    }
    if (s.length < prec + 1) { exp10 -= 1; continue; }
    return [neg, s, exp10];
  }
}

// @helper $floatRepr
// repr(float): the shortest digits that round-trip (as JavaScript finds them), laid out like CPython.
function $floatRepr(x) {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return $Object.is(x, -0) ? "-0.0" : "0.0";
  const s = x.toExponential();
  const at = s.indexOf("e");
  let mant = s.slice(0, at);
  const exp = +s.slice(at + 1);
  const neg = mant[0] === "-";
  if (neg) mant = mant.slice(1);
  const digits = mant.replace(".", "");
  let out;
  if (exp >= -4 && exp < 16) {
    if (exp >= digits.length - 1) out = digits + "0".repeat(exp - digits.length + 1) + ".0";
    else if (exp >= 0) out = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
    else out = "0." + "0".repeat(-exp - 1) + digits;
  } else {
    out = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (exp < 0 ? "-" : "+")
      + $String($Math.abs(exp)).padStart(2, "0");
  }
  return neg ? "-" + out : out;
}

// @helper $intStr
// Past 2**53 JavaScript writes the shortest digits that read back (49557958734632510), Python the
// integer's exact value (49557958734632512).
function $intStr(x) { return $Math.abs(x) <= 9007199254740992 ? $String(x) : BigInt(x).toString(); }

// @helper $numStr
function $numStr(x, isFloat) {
  if (typeof x === "boolean") return x ? "True" : "False";
  return $Number.isInteger(x) && !isFloat ? $intStr(x) : $floatRepr(x);
}

// @helper $int
function $int(x, base) {
  if (base !== undefined) {
    if (typeof x !== "string") throw new TypeError("int() can't convert non-string with explicit base");
    return $parseInt(x, +base);
  }
  if (typeof x === "number") {
    if ($Number.isInteger(x)) return x;
    if ($Number.isNaN(x)) throw new $ValueError("cannot convert float NaN to integer");
    if (!$Number.isFinite(x)) throw new $OverflowError("cannot convert float infinity to integer");
    return $Math.trunc(x) + 0;
  }
  if (typeof x === "boolean") return +x;
  if (typeof x === "string") return $parseInt(x, 10);
  if (x === undefined) return 0;
  throw new TypeError(`int() argument must be a string, a bytes-like object or a real number, not '${$typeName(x)}'`);
}

// @helper $parseInt
function $parseInt(s, base) {
  const t = $pyStrip(s);
  let body = t, sign = 1;
  if (body[0] === "+" || body[0] === "-") { sign = body[0] === "-" ? -1 : 1; body = body.slice(1); }
  let b = base;
  const prefix = body.slice(0, 2).toLowerCase();
  const prefixes = { "0x": 16, "0o": 8, "0b": 2 };
  if ((b === 0 || b === prefixes[prefix]) && prefixes[prefix]) { b = prefixes[prefix]; body = body.slice(2); if (body[0] === "_") body = body.slice(1); }
  else if (b === 0) { b = 10; if (/^0+[1-9]/.test(body.replace(/_/g, ""))) body = "!"; }
  body = $asciiDigits(body);
  const ok = b <= 10 ? new RegExp(`^[0-${b - 1}]+(_[0-${b - 1}]+)*$`) : new RegExp(`^[0-9a-${$String.fromCharCode(86 + b)}]+(_[0-9a-${$String.fromCharCode(86 + b)}]+)*$`, "i");
  if (!ok.test(body)) {  // CPython's "%.200R": the repr cut to 200 code points
    const shown = $repr(s);
    throw new $ValueError(`invalid literal for int() with base ${base}: ${shown.length > 200 ? $Array.from(shown).slice(0, 200).join("") : shown}`);
  }
  const digits = body.replace(/_/g, "");
  const v = b === 10 ? Number(digits) : parseInt(digits, b);
  return sign * v + 0;
}

// @helper $float
function $float(x) {
  if (typeof x === "number") return x;
  if (typeof x === "boolean") return +x;
  if (x === undefined) return 0;
  if (typeof x === "string") {
    const t = $asciiDigits($pyStrip(x));
    const low = t.toLowerCase();
    const m = /^([+-]?)(inf|infinity|nan)$/.exec(low);
    if (m) return m[2] === "nan" ? NaN : (m[1] === "-" ? -Infinity : Infinity);
    if (/^[+-]?((\d+(_\d+)*)(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/.test(t)) return Number(t.replace(/_/g, ""));
    throw new $ValueError(`could not convert string to float: ${$repr(x)}`);
  }
  throw new TypeError(`float() argument must be a string or a real number, not '${$typeName(x)}'`);
}

// @helper $asciiDigits
// Unicode decimal digits (category Nd) to ASCII, as int() and float() accept them.
function $asciiDigits(s) {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  return s.replace(/\p{Nd}/gu, (c) => {
    const cp = c.codePointAt(0);
    for (const start of $ND_STARTS) if (cp >= start && cp < start + 10) return $String(cp - start);
    return c;
  });
}

// @helper $minmax
function $minmax(name, args, key, dflt, hasDefault) {
  let items = args.length === 1 ? $list(args[0]) : args;
  if (args.length === 0) throw new TypeError(`${name} expected at least 1 argument, got 0`);
  if (items.length === 0) {
    if (hasDefault) return dflt;
    throw new $ValueError(`${name}() arg is an empty sequence`);
  }
  let best = items[0], bestKey = key ? key(best) : best;
  for (let i = 1; i < items.length; i++) {
    const k = key ? key(items[i]) : items[i];
    if (name === "max" ? $gt(k, bestKey) : $lt(k, bestKey)) { best = items[i]; bestKey = k; }
  }
  return best;
}

// @helper $sum
function $sum(xs, start) {
  let total = start === undefined ? 0 : start;
  if (typeof total === "string") throw new TypeError("sum() can't sum strings [use ''.join(seq) instead]");
  for (const v of $iter(xs)) total = $add(total, v);
  return total;
}

// @helper $range
class $Range {
  constructor(a, b, c) {
    for (const v of [a, b, c]) if (v !== undefined && !$isIntLike(v)) throw new TypeError(`'${$typeName(v)}' object cannot be interpreted as an integer`);
    if (b === undefined) { this.start = 0; this.stop = +a; this.step = 1; }
    else { this.start = +a; this.stop = +b; this.step = c === undefined ? 1 : +c; }
    if (this.step === 0) throw new $ValueError("range() arg 3 must not be zero");
    this.$pytype = "range";
  }
  $len() { const n = this.step > 0 ? $Math.ceil((this.stop - this.start) / this.step) : $Math.ceil((this.start - this.stop) / -this.step); return $Math.max(0, n); }
  *[Symbol.iterator]() {
    if (this.step > 0) for (let i = this.start; i < this.stop; i += this.step) yield i;
    else for (let i = this.start; i > this.stop; i += this.step) yield i;
  }
  $contains(x) {
    if (!$isIntLike(x) && !(typeof x === "number")) return false;
    x = +x;
    if (!$Number.isInteger(x)) return false;
    if (this.step > 0 ? (x < this.start || x >= this.stop) : (x > this.start || x <= this.stop)) return false;
    return (x - this.start) % this.step === 0;
  }
  $getitem(k) {
    if (k && k.$slice) return $slice($Array.from(this), ...k.$slice);
    if (!$isIntLike(k)) throw new TypeError(`range indices must be integers or slices, not ${$typeName(k)}`);
    const n = this.$len();
    return this.start + $index(k, n, "range object") * this.step;
  }
  $eq(o) { return o instanceof $Range && $eq($Array.from(this), $Array.from(o)); }
}
function $range(a, b, c) { return new $Range(a, b, c); }
