// Builtins and methods of issue 13's language work: iter/next, pow with a modulus, the rest of set's
// methods, str.translate/maketrans, the str.is* predicates not in strings.js, asyncio.gather.

// @helper $isIterator
// A Python iterator: a JavaScript iterator that is its own iterable (generators, iter(x)).
function $isIterator(x) {
  return x !== null && typeof x === "object" && !$Array.isArray(x) && typeof x.next === "function"
    && typeof x[Symbol.iterator] === "function";
}

// @helper $pyIter
// iter(x): an iterator is returned as is; anything iterable gets a fresh iterator, named as CPython
// names its type (list_iterator, str_ascii_iterator, dict_keyiterator, ...).
function $pyIter(x) {
  if ($isIterator(x)) return x;
  const kind = typeof x === "string" ? (/^[\x00-\x7f]*$/.test(x) ? "str_ascii_iterator" : "str_iterator")
    : $Array.isArray(x) ? ($Object.isFrozen(x) ? "tuple_iterator" : "list_iterator")
    : x instanceof $Set ? "set_iterator" : $isDict(x) ? "dict_keyiterator" : null;
  const it = $iter(x)[Symbol.iterator]();
  if (kind !== null) $Object.defineProperty(it, "$pytype", { value: kind });
  return it;
}

// @helper $next
// next(it) / next(it, default): StopIteration (no message) at the end without a default.
function $next(it, ...dflt) {
  if (!$isIterator(it)) throw new TypeError(`'${$typeName(it)}' object is not an iterator`);
  const r = it.next();
  if (!r.done) return r.value;
  if (dflt.length) return dflt[0];
  throw new $StopIteration();
}

// @helper $stopGuard
// StopIteration leaving a coroutine or a generator: CPython raises RuntimeError instead (PEP 479).
function $stopGuard(e, kind) {
  return e instanceof $StopIteration ? new $RuntimeError(`${kind} raised StopIteration`) : e;
}

// @helper $powMod
// pow(base, exp, mod): exact on integers (BigInt), the result has mod's sign; a negative exponent
// takes the modular inverse (Python 3.8+).
function $powMod(a, b, m) {
  if (m === null) return $pow(a, b);
  const isInt = (v) => typeof v === "boolean" || (typeof v === "number" && $Number.isInteger(v));
  if (!isInt(a) || !isInt(b) || !isInt(m)) {
    if (![a, b, m].every((v) => typeof v === "number" || typeof v === "boolean")) {
      throw new TypeError(`unsupported operand type(s) for ** or pow(): '${$typeName(a)}', '${$typeName(b)}', '${$typeName(m)}'`);
    }
    throw new TypeError("pow() 3rd argument not allowed unless all arguments are integers");
  }
  let A = BigInt(+a), B = BigInt(+b), M = BigInt(+m);
  if (M === 0n) throw new $ValueError("pow() 3rd argument cannot be 0");
  const neg = M < 0n;
  if (neg) M = -M;
  A = ((A % M) + M) % M;
  if (B < 0n) {
    let [r0, r1, s0, s1] = [A, M, 1n, 0n];
    while (r1 !== 0n) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
    if (r0 !== 1n) throw new $ValueError("base is not invertible for the given modulus");
    A = ((s0 % M) + M) % M;
    B = -B;
  }
  let r = 1n % M;
  while (B > 0n) { if (B & 1n) r = (r * A) % M; A = (A * A) % M; B >>= 1n; }
  if (neg && r !== 0n) r -= M;
  return $Number(r);
}

// @helper $m_isdisjoint
function $m_isdisjoint(s, o) { if (!(s instanceof $Set)) return $noMethod(s, "isdisjoint", arguments); for (const v of $iter(o)) if ($setHas(s, $setElem(v))) return false; return true; }
// @helper $m_symmetric_difference
function $m_symmetric_difference(s, o) {
  if (!(s instanceof $Set)) return $noMethod(s, "symmetric_difference", arguments);
  const t = $mkset($iter(o));
  return $mkset([...s].filter((v) => !$setHas(t, v)).concat([...t].filter((v) => !$setHas(s, v))), s.$frozen);
}
// @helper $setReplace
// s.intersection_update(...) & co: s changed in place to what the plain method returns.
function $setReplace(s, result) {
  const keep = [...result];
  s.clear();
  for (const v of keep) s.add(v);
  return null;
}
// @helper $m_intersection_update
function $m_intersection_update(s, ...o) { if (!(s instanceof $Set) || s.$frozen) return $noMethod(s, "intersection_update", arguments); return $setReplace(s, $m_intersection(s, ...o)); }
// @helper $m_difference_update
function $m_difference_update(s, ...o) { if (!(s instanceof $Set) || s.$frozen) return $noMethod(s, "difference_update", arguments); return $setReplace(s, $m_difference(s, ...o)); }
// @helper $m_symmetric_difference_update
function $m_symmetric_difference_update(s, o) { if (!(s instanceof $Set) || s.$frozen) return $noMethod(s, "symmetric_difference_update", arguments); return $setReplace(s, $m_symmetric_difference(s, o)); }

// @helper $m_isprintable
function $m_isprintable(s) {
  if (typeof s !== "string") return $noMethod(s, "isprintable", arguments);
  for (const ch of s) if ($inTable($NONPRINTABLE, ch.codePointAt(0))) return false;
  return true;
}
// @helper $m_istitle
// CPython's str.istitle: an upper/titlecase letter only after an uncased character, a lowercase one
// only after a cased one, and at least one cased character.
function $m_istitle(s) {
  if (typeof s !== "string") return $noMethod(s, "istitle", arguments);
  let cased = false, previous = false;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if ($inTable($UPPER, c) || $inTable($TITLECASE, c)) { if (previous) return false; previous = cased = true; }
    else if ($inTable($LOWER, c)) { if (!previous) return false; previous = cased = true; }
    else previous = false;
  }
  return cased;
}
// @helper $m_isidentifier
function $m_isidentifier(s) {
  if (typeof s !== "string") return $noMethod(s, "isidentifier", arguments);
  let first = true;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (!(first ? $inTable($ID_START, c) : $inTable($ID_CONTINUE, c))) return false;
    first = false;
  }
  return !first;
}

// @helper $maketrans
// str.maketrans(x[, y[, z]]): the table as CPython builds it (code point -> code point, str or None),
// held in a Map (its keys are ints); only str.translate reads it.
function $maketrans(x, y, z) {
  const table = new Map();
  if (y === undefined) {
    if (!$isDict(x) && !(x instanceof Map)) throw new TypeError("if you give only one argument to maketrans it must be a dict");
    const entries = x instanceof Map ? [...x] : $Object.keys(x).map((k) => [k, x[k]]);
    for (const [k, v] of entries) {
      if (typeof k === "string") {
        if ([...k].length !== 1) throw new $ValueError("string keys in translate table must be of length 1");
        table.set(k.codePointAt(0), v);
      } else if (typeof k === "number" && $Number.isInteger(k)) table.set(k, v);
      else throw new TypeError("keys in translate table must be strings or integers");
    }
    return table;
  }
  if (typeof x !== "string" || typeof y !== "string") throw new TypeError(`maketrans() argument 2 must be str, not ${$typeName(y)}`);
  const xs = [...x], ys = [...y];
  if (xs.length !== ys.length) throw new $ValueError("the first two maketrans arguments must have equal length");
  xs.forEach((c, i) => table.set(c.codePointAt(0), ys[i].codePointAt(0)));
  if (z !== undefined) {
    if (typeof z !== "string") throw new TypeError(`maketrans() argument 3 must be str, not ${$typeName(z)}`);
    for (const c of z) table.set(c.codePointAt(0), null);
  }
  return table;
}

// @helper $maketransOf
// s.maketrans(...) called on a str: the static method.
function $maketransOf(s, ...args) {
  if (typeof s !== "string") return $noMethod(s, "maketrans", [s, ...args]);
  return $maketrans(...args);
}

// @helper $m_translate
// s.translate(table): each code point looked up (a Map from maketrans or a literal, or a dict);
// missing -> kept, None -> deleted, int -> chr, str -> inserted.
function $m_translate(s, table) {
  if (typeof s !== "string") return $noMethod(s, "translate", arguments);
  let get;
  if (table instanceof Map) get = (c) => table.get(c);
  else if ($isDict(table)) get = () => undefined;  // its keys are str: no code point (an int) is one
  else if ($Array.isArray(table)) get = (c) => (c < table.length ? table[c] : undefined);
  else throw new TypeError(`'${$typeName(table)}' object is not subscriptable`);
  let out = "";
  for (const ch of s) {
    const v = get(ch.codePointAt(0));
    if (v === undefined) out += ch;
    else if (v === null) continue;
    else if (typeof v === "string") out += v;
    else if (typeof v === "number" && $Number.isInteger(v)) {
      if (v < 0 || v > 0x10ffff) throw new $ValueError("character mapping must be in range(0x110000)");
      out += $String.fromCodePoint(v);
    } else throw new TypeError("character mapping must return integer, None or str");
  }
  return out;
}

// @helper $dictRest
// case {"k": v, **rest}: a new dict of the other keys, in order.
function $dictRest(d, keys) {
  const out = {};
  for (const k of $Object.keys(d)) if (!keys.includes(k)) $dictSet(out, k, d[k]);
  return out;
}

// @helper $coroutine
// A coroutine object: f's arguments already evaluated, its body not started (asyncio.gather starts it,
// as CPython's event loop does; one never started never runs, as a coroutine never awaited).
class $Coroutine {
  constructor(f, args) { this.f = f; this.args = args; }
  start() { return this.f(...this.args); }
}
function $coroutine(f, args) { return new $Coroutine(f, args); }

// @helper $gather
// await asyncio.gather(*aws): each coroutine started in argument order, the results in that order;
// the first exception raised (in time) propagates, the others keep running, as CPython's;
// return_exceptions=True puts exceptions in the list. A non-awaitable argument is CPython's TypeError
// (the coroutines before it were started, as CPython schedules them: their failures are not reported).
async function $gather(aws, returnExceptions) {
  const started = [];
  for (const a of aws) {
    if (a instanceof $Coroutine) { started.push(a.start()); continue; }
    if (a !== null && (typeof a === "object" || typeof a === "function") && typeof a.then === "function") {
      started.push(a);
      continue;
    }
    for (const p of started) p.then(null, () => null);
    throw new TypeError("An asyncio.Future, a coroutine or an awaitable is required");
  }
  if (!returnExceptions) return Promise.all(started);
  const settled = await Promise.allSettled(started);
  return settled.map((r) => (r.status === "fulfilled" ? r.value : r.reason));
}
