// collections (defaultdict, Counter, OrderedDict), itertools (chain, islice, groupby, product) and
// functools (reduce, partial) with CPython 3.11's semantics.
//
// defaultdict, Counter and OrderedDict are dicts (JSON objects, str keys) carrying their kind under the
// non-enumerable $MISSING symbol: what a missing key gives (d[k]), their update(), copy() and repr.
// A Counter's prototype also carries its operators (+ - & | and unary + -); it has no Object.prototype
// above it, which $isDict reads as a dict.

// @helper $MISSING
const $MISSING = Symbol("missing");

// @helper $dictKind
function $dictKind(d, kind) {
  $Object.defineProperty(d, $MISSING, { value: kind, enumerable: false, writable: true, configurable: true });
  return d;
}

// @helper $builtinFactory
// int, list, dict, set, str, float, tuple, bool used as a value (a defaultdict's factory): callable
// with no argument, with CPython's repr.
function $builtinFactory(name) {
  const make = { int: () => 0, float: () => 0, str: () => "", bool: () => false, list: () => [], dict: () => ({}),
    set: () => new Set(), tuple: () => $Object.freeze([]) }[name];
  make.$pyrepr = `<class '${name}'>`;
  return make;
}

// @helper $defaultdict
// defaultdict(default_factory=None, src=None, **kwargs)
function $defaultdict(factory, src, kwargs) {
  if (factory === undefined) factory = null;
  if (factory !== null && typeof factory !== "function" && !(typeof factory === "object" && factory.$user === true && typeof factory.__call__ === "function")) {
    throw new TypeError("first argument must be callable or None");
  }
  const d = $dict(src === undefined || src === null ? undefined : src, kwargs);
  return $dictKind(d, {
    name: "defaultdict", factory,
    missing(o, k) {
      if (this.factory === null) throw new $KeyError(k);
      const v = $call(this.factory, []);
      $setitem(o, k, v);
      return v;
    },
    repr(o) {
      const f = this.factory;
      const fr = f === null ? "None" : f.$pyrepr !== undefined ? f.$pyrepr : $repr(f);
      return `defaultdict(${fr}, ${$repr($dict(o))})`;
    },
    copy(o) { return $defaultdict(this.factory, o); },
  });
}

// @helper $COUNTER_PROTO
const $COUNTER_PROTO = (() => {
  const p = $Object.create(null);
  const get = (c, k) => ($Object.hasOwn(c, k) ? c[k] : 0);
  const isCounter = (o) => o !== null && typeof o === "object" && o[$MISSING] !== undefined && o[$MISSING].name === "Counter";
  const methods = {
    __add__(o) {
      if (!isCounter(o)) return $NotImplemented;
      const r = $counter();
      for (const k of $Object.keys(this)) { const n = $add(this[k], get(o, k)); if ($gt(n, 0)) r[k] = n; }
      for (const k of $Object.keys(o)) if (!$Object.hasOwn(this, k) && $gt(o[k], 0)) r[k] = o[k];
      return r;
    },
    __sub__(o) {
      if (!isCounter(o)) return $NotImplemented;
      const r = $counter();
      for (const k of $Object.keys(this)) { const n = $sub(this[k], get(o, k)); if ($gt(n, 0)) r[k] = n; }
      for (const k of $Object.keys(o)) if (!$Object.hasOwn(this, k) && $lt(o[k], 0)) r[k] = $sub(0, o[k]);
      return r;
    },
    __or__(o) {
      if (!isCounter(o)) return $NotImplemented;
      const r = $counter();
      for (const k of $Object.keys(this)) {
        const a = this[k], b = get(o, k), n = $lt(a, b) ? b : a;
        if ($gt(n, 0)) r[k] = n;
      }
      for (const k of $Object.keys(o)) if (!$Object.hasOwn(this, k) && $gt(o[k], 0)) r[k] = o[k];
      return r;
    },
    __and__(o) {
      if (!isCounter(o)) return $NotImplemented;
      const r = $counter();
      for (const k of $Object.keys(this)) {
        const a = this[k], b = get(o, k), n = $lt(a, b) ? a : b;
        if ($gt(n, 0)) r[k] = n;
      }
      return r;
    },
    __pos__() { const r = $counter(); for (const k of $Object.keys(this)) if ($gt(this[k], 0)) r[k] = this[k]; return r; },
    __neg__() { const r = $counter(); for (const k of $Object.keys(this)) if ($lt(this[k], 0)) r[k] = $sub(0, this[k]); return r; },
  };
  for (const k of $Object.keys(methods)) $Object.defineProperty(p, k, { value: methods[k], enumerable: false });
  return p;
})();

// @helper $counter
// Counter(iterable=None, **kwds): counts of str keys; a missing key counts 0 (and is not stored).
function $counter(src, kwargs) {
  const c = $Object.create($COUNTER_PROTO);
  $dictKind(c, {
    name: "Counter",
    missing() { return 0; },
    update(o, other, kw) {
      if (other !== undefined && other !== null) {
        if ($isDict(other)) {
          for (const k of $Object.keys(other)) $setitem(o, k, $Object.hasOwn(o, k) ? $add(other[k], o[k]) : other[k]);
        } else {
          for (const k of $iter(other)) $setitem(o, k, $Object.hasOwn(o, k) ? $add(o[k], 1) : 1);
        }
      }
      if (kw) this.update(o, kw);
      return null;
    },
    repr(o) {
      if ($Object.keys(o).length === 0) return "Counter()";
      const d = {};
      for (const [k, v] of $m_most_common(o)) d[k] = v;
      return `Counter(${$repr(d)})`;
    },
    copy(o) { return $counter(o); },
  });
  c[$MISSING].update(c, src, kwargs);
  return c;
}

// @helper $ordereddict
// OrderedDict(src=None, **kwargs): a dict (insertion order is every dict's), with move_to_end and
// popitem(last=).
function $ordereddict(src, kwargs) {
  return $dictKind($dict(src === undefined || src === null ? undefined : src, kwargs), {
    name: "OrderedDict",
    missing(o, k) { throw new $KeyError(k); },
    repr(o) {
      const keys = $Object.keys(o);
      return keys.length ? `OrderedDict([${keys.map((k) => `(${$repr(k)}, ${$repr(o[k])})`).join(", ")}])` : "OrderedDict()";
    },
    copy(o) { return $ordereddict(o); },
  });
}

// @helper $m_most_common
function $m_most_common(o, n) {
  if (!$isDict(o) || o[$MISSING] === undefined || o[$MISSING].name !== "Counter") return $noMethod(o, "most_common", n === undefined ? [] : [n]);
  const items = $Object.keys(o).map((k) => $Object.freeze([k, o[k]]));
  const sorted = $sortKeyed(items, (p) => p[1], true);
  if (n === undefined || n === null) return sorted;
  if (!$isIntLike(n)) throw new TypeError(`'${$typeName(n)}' object cannot be interpreted as an integer`);
  return +n <= 0 ? [] : sorted.slice(0, +n);
}

// @helper $m_elements
function $m_elements(o) {
  if (!$isDict(o) || o[$MISSING] === undefined || o[$MISSING].name !== "Counter") return $noMethod(o, "elements", []);
  const out = [];
  for (const k of $Object.keys(o)) {
    const n = o[k];
    if (!$isIntLike(n)) throw new TypeError(`'${$typeName(n)}' object cannot be interpreted as an integer`);
    for (let i = 0; i < n; i++) out.push(k);
  }
  return out;
}

// @helper $m_total
function $m_total(o) {
  if (!$isDict(o) || o[$MISSING] === undefined || o[$MISSING].name !== "Counter") return $noMethod(o, "total", []);
  return $sum($Object.keys(o).map((k) => o[k]));
}

// @helper $m_subtract
function $m_subtract(o, other, kwargs) {
  if (!$isDict(o) || o[$MISSING] === undefined || o[$MISSING].name !== "Counter") return $noMethod(o, "subtract", [other]);
  if (other !== undefined && other !== null) {
    if ($isDict(other)) for (const k of $Object.keys(other)) $setitem(o, k, $sub($Object.hasOwn(o, k) ? o[k] : 0, other[k]));
    else for (const k of $iter(other)) $setitem(o, k, $sub($Object.hasOwn(o, k) ? o[k] : 0, 1));
  }
  if (kwargs) $m_subtract(o, kwargs);
  return null;
}

// @helper $m_move_to_end
function $m_move_to_end(o, key, last) {
  if (!$isDict(o) || o[$MISSING] === undefined || o[$MISSING].name !== "OrderedDict") return $noMethod(o, "move_to_end", [key]);
  if (typeof key !== "string" || !$Object.hasOwn(o, key)) { $hashable(key); throw new $KeyError(key); }
  const v = o[key];
  if (last === undefined || $truthy(last)) { delete o[key]; $dictSet(o, key, v); return null; }
  const rest = $Object.keys(o).filter((k) => k !== key).map((k) => [k, o[k]]);
  for (const [k] of rest) delete o[k];
  delete o[key];
  $dictSet(o, key, v);
  for (const [k, w] of rest) $dictSet(o, k, w);
  return null;
}

// @helper $chain
// itertools.chain(*iterables): an iterator; each iterable is made an iterator when reached, as CPython does.
function $chain(iterables) {
  return $itertool((function* () { for (const it of iterables) yield* $iter(it); })(), "itertools.chain");
}

// @helper $chainFrom
// chain.from_iterable(iterable): the outer iterable is made an iterator at once, each inner one when reached.
function $chainFrom(x) {
  const outer = $iter(x)[Symbol.iterator]();
  return $itertool((function* () {
    for (let r = outer.next(); !r.done; r = outer.next()) yield* $iter(r.value);
  })(), "itertools.chain");
}

// @helper $itertool
// An itertools object: a generator (lazy, used up once, next() goes on where it is) named as CPython
// names its type, for len()/subscript errors.
function $itertool(gen, name) {
  $Object.defineProperty(gen, "$pytype", { value: name });
  return gen;
}

// @helper $islice
// itertools.islice(iterable, stop) / islice(iterable, start, stop[, step]): an iterator.
function $islice(it, ...rest) {
  if (rest.length < 1 || rest.length > 3) throw new TypeError(`islice expected at most 4 arguments, got ${rest.length + 1}`);
  const [a, b, c] = rest, nargs = rest.length;
  let start = 0, stop, step = 1;
  if (nargs === 1) stop = a;
  else { start = a; stop = b; if (nargs === 3) step = c; }
  const okIndex = (v) => v === null || ($isIntLike(v) && +v >= 0);
  if (!okIndex(stop)) throw new $ValueError("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
  if (!okIndex(start)) throw new $ValueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
  if (step === null) step = 1;
  if (!$isIntLike(step) || +step <= 0) throw new $ValueError("Step for islice() must be a positive integer or None.");
  if (start === null) start = 0;
  start = +start; step = +step;
  // CPython's islice_next: skip to the next index, stop at `stop` without reading past it, so an
  // iterator passed in gives up exactly the items islice consumed (and is not closed); lazy, as
  // CPython's islice is (the iterable is made an iterator at once)
  const source = $iter(it)[Symbol.iterator]();
  stop = stop === null ? null : +stop;
  return $itertool((function* () {
    let cnt = 0, next = start;
    for (;;) {
      while (cnt < next) {
        if (source.next().done) return;
        cnt++;
      }
      if (stop !== null && cnt >= stop) return;
      const r = source.next();
      if (r.done) return;
      cnt++;
      next += step;
      if (stop !== null && next > stop) next = stop;
      yield r.value;
    }
  })(), "itertools.islice");
}

// @helper $groupby
// itertools.groupby(iterable, key=None): an iterator of (key, list of the group's items).
function $groupby(it, key) {
  const source = $iter(it)[Symbol.iterator]();
  const keyOf = (v) => (key === undefined || key === null ? v : $call(key, [v]));
  return $itertool((function* () {
    let r = source.next();
    if (r.done) return;
    let v = r.value, k = keyOf(v);
    for (;;) {
      const cur = k, group = [v];
      for (;;) {
        r = source.next();
        if (r.done) { yield $Object.freeze([cur, group]); return; }
        v = r.value;
        k = keyOf(v);
        if (!$eq(k, cur)) break;
        group.push(v);
      }
      yield $Object.freeze([cur, group]);
    }
  })(), "itertools.groupby");
}

// @helper $product
// itertools.product(*iterables, repeat=1): an iterator of tuples (the iterables read at once, as CPython does).
function $product(iterables, repeat) {
  if (repeat === undefined) repeat = 1;
  if (!$isIntLike(repeat)) throw new TypeError(`'${$typeName(repeat)}' object cannot be interpreted as an integer`);
  if (+repeat < 0) throw new $ValueError("repeat argument cannot be negative");
  const pools = [];
  const lists = iterables.map((p) => $list(p));
  for (let r = 0; r < +repeat; r++) pools.push(...lists);
  let result = [[]];
  for (const pool of pools) {
    const next = [];
    for (const x of result) for (const y of pool) next.push([...x, y]);
    result = next;
  }
  const tuples = result.map((t) => $Object.freeze(t));
  return $itertool((function* () { yield* tuples; })(), "itertools.product");
}

// @helper $reduce
// functools.reduce(function, iterable[, initial])
function $reduce(f, it, initial, hasInitial) {
  let acc = initial, started = hasInitial;
  let items;
  try { items = $iter(it); } catch (e) { throw new TypeError(`reduce() arg 2 must support iteration`); }
  for (const v of items) {
    if (!started) { acc = v; started = true; continue; }
    acc = $call(f, [acc, v]);
  }
  if (!started) throw new TypeError("reduce() of empty iterable with no initial value");
  return acc;
}

// @helper $partial
// functools.partial(func, *args, **keywords): a function taking the rest of the arguments.
function $partial(f, args, kw) {
  if (typeof f !== "function" && !(f !== null && typeof f === "object" && f.$user === true && typeof f.__call__ === "function")) {
    throw new TypeError("the first argument must be callable");
  }
  const p = (...more) => $call(f, [...args, ...more], kw);
  p.$kwcall = (more, morekw) => $call(f, [...args, ...more], morekw === null ? kw : { ...kw, ...morekw });
  return p;
}

// logging, uuid and random.

// @helper $LOG_LEVELS
const $LOG_LEVELS = { CRITICAL: 50, FATAL: 50, ERROR: 40, WARN: 30, WARNING: 30, INFO: 20, DEBUG: 10, NOTSET: 0 };

// @helper $LOGGERS
// getLogger's loggers by name (process-wide, as in Python: they keep their level between invocations)
const $LOGGERS = new Map();

// @helper $Logger
// A logging.Logger whose records are written as segfn's runner writes them into a call's logs
// (LEVEL:name:message, on console.log, Segment's log), when the logger's effective level lets them
// through (the root's is WARNING).
class $Logger {
  constructor(name) { this.name$ = name; this.$level = name === "root" ? 30 : 0; }
  get $pytype() { return "logging.Logger"; }
  get level() { return this.$level; }
  setLevel(level) {
    if (typeof level === "string") {
      if (!$Object.hasOwn($LOG_LEVELS, level)) throw new $ValueError(`Unknown level: ${$repr(level)}`);
      level = $LOG_LEVELS[level];
    } else if (!$isIntLike(level)) throw new TypeError(`Level not an integer or a valid string: ${$repr(level)}`);
    this.$level = +level;
    return null;
  }
  getEffectiveLevel() {
    if (this.$level) return this.$level;
    let name = this.name$;
    while (name.includes(".")) {
      name = name.slice(0, name.lastIndexOf("."));
      const parent = $LOGGERS.get(name);
      if (parent !== undefined && parent.$level) return parent.$level;
    }
    return $getLogger(null).$level;
  }
  isEnabledFor(level) { return level >= this.getEffectiveLevel(); }
  $log(level, msg, args) {
    if (!$isIntLike(level)) throw new TypeError("level must be an integer");
    if (level < this.getEffectiveLevel()) return null;
    if (args.length === 1 && $isDict(args[0]) && $Object.keys(args[0]).length) args = args[0];
    else args = $Object.freeze(args);
    let text;
    try {
      text = $str(msg);
      if (!$Array.isArray(args) || args.length) text = $percentFormat(text, args);
    } catch (e) {
      text = `${$repr(msg)} (logging could not format it: ${$str(e)})`;
    }
    const name = { 50: "CRITICAL", 40: "ERROR", 30: "WARNING", 20: "INFO", 10: "DEBUG", 0: "NOTSET" }[level];
    console.log(`${name === undefined ? `Level ${level}` : name}:${this.name$}:${text}`);
    return null;
  }
  debug(msg, ...args) { return this.$log(10, msg, args); }
  info(msg, ...args) { return this.$log(20, msg, args); }
  warning(msg, ...args) { return this.$log(30, msg, args); }
  warn(msg, ...args) { return this.$log(30, msg, args); }
  error(msg, ...args) { return this.$log(40, msg, args); }
  exception(msg, ...args) { return this.$log(40, msg, args); }
  critical(msg, ...args) { return this.$log(50, msg, args); }
  fatal(msg, ...args) { return this.$log(50, msg, args); }
  log(level, msg, ...args) { return this.$log(level, msg, args); }
}

// @helper $getLogger
// logging.getLogger(name=None): one logger per name; None (or "root") is the root logger.
function $getLogger(name) {
  if (name === undefined || name === null || name === "root") name = "root";
  else if (typeof name !== "string") throw new TypeError("A logger name must be a string");
  let l = $LOGGERS.get(name);
  if (l === undefined) { l = new $Logger(name); $LOGGERS.set(name, l); }
  return l;
}

// @helper $UUID
class $UUID {
  constructor(bytes) { this.$bytes = bytes; }
  get $pytype() { return "UUID"; }
  get hex() { return $Array.from(this.$bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
  get version() { return this.$bytes[6] >> 4; }
  get bytes() { return this.$bytes.slice(); }
  __str__() { const h = this.hex; return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; }
  __repr__() { return `UUID('${this.__str__()}')`; }
  $eq(o) { return o instanceof $UUID && this.hex === o.hex; }
  $cmp(o) { return $strcmp(this.hex, o.hex); }
}

// @helper $uuidFrom
// uuid.UUID(hex) of the canonical forms (braces, "urn:uuid:", dashes optional).
function $uuidFrom(s) {
  if (typeof s !== "string") throw new TypeError("one of the hex, bytes, bytes_le, fields, or int arguments must be given");
  const hex = s.replace("urn:", "").replace("uuid:", "").replace(/^[{}]+|[{}]+$/g, "").replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new $ValueError("badly formed hexadecimal UUID string");
  return new $UUID(Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16)));
}

// @helper $uuid4
// uuid.uuid4(): 16 bytes from four crypto.getRandomValues words, each little-endian (the order
// compiler/determinism.py's seeded uuid4 takes them in).
function $uuid4() {
  const words = crypto.getRandomValues(new Uint32Array(4));
  const b = new Uint8Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) b[4 * i + j] = (words[i] >>> (8 * j)) & 255;
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return new $UUID(b);
}

// @helper $uuid5
// uuid.uuid5(namespace, name): SHA-1 of the namespace's bytes and the name's UTF-8.
function $uuid5(ns, name) {
  if (!(ns instanceof $UUID)) throw new $AttributeError(`'${$typeName(ns)}' object has no attribute 'bytes'`);
  const data = typeof name === "string" ? $utf8(name) : name instanceof $Uint8Array ? name : null;
  if (data === null) throw new TypeError(`a bytes-like object is required, not '${$typeName(name)}'`);
  const msg = new Uint8Array(16 + data.length);
  msg.set(ns.$bytes); msg.set(data, 16);
  const b = $hashDigest("sha1", msg).slice(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  return new $UUID(b);
}

// @helper $UUID_NAMESPACES
const $UUID_NAMESPACES = {
  DNS: "6ba7b810-9dad-11d1-80b4-00c04fd430c8", URL: "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
  OID: "6ba7b812-9dad-11d1-80b4-00c04fd430c8", X500: "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
};

// @helper $randWord
function $randWord() { return crypto.getRandomValues(new Uint32Array(1))[0]; }

// @helper $random
// random.random() as CPython builds it from two 32-bit words
function $random() {
  const a = $randWord() >>> 5, b = $randWord() >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

// @helper $getrandbits
// random.getrandbits(k): k bits from words, least significant word first (BigInt past 32 bits)
function $getrandbits(k) {
  if (k <= 32) return k === 0 ? 0 : $randWord() >>> (32 - k);
  let out = 0n, shift = 0n;
  while (k > 0) {
    let w = BigInt($randWord());
    if (k < 32) w >>= BigInt(32 - k);
    out |= w << shift;
    shift += 32n; k -= 32;
  }
  return $Number(out);
}

// @helper $randbitsCount
// getrandbits's k: a non-negative int (past 53 bits a JavaScript number cannot hold the result)
function $randbitsCount(k) {
  if (!$isIntLike(k)) throw new TypeError(`'${$typeName(k)}' object cannot be interpreted as an integer`);
  if (+k < 0) throw new $ValueError("number of bits must be non-negative");
  if (+k > 53) throw new $OverflowError("segfn: getrandbits() past 53 bits does not fit a JavaScript number");
  return +k;
}

// @helper $randbelow
// Random._randbelow_with_getrandbits(n)
function $randbelow(n) {
  if (n === 0) return 0;
  const k = n.toString(2).length;
  let r = $getrandbits(k);
  while (r >= n) r = $getrandbits(k);
  return r;
}

// @helper $randrange
// random.randrange(start, stop=None, step=1) and randint(a, b) = randrange(a, b + 1)
function $randrange(start, stop, step) {
  const int = (v, what) => {
    if ($isIntLike(v)) return +v;
    if (typeof v === "number") throw new $ValueError(`non-integer ${what} for randrange()`);
    throw new TypeError(`'${$typeName(v)}' object cannot be interpreted as an integer`);
  };
  start = int(start, "arg 1");
  if (stop === undefined || stop === null) {
    if (start > 0) return $randbelow(start);
    throw new $ValueError("empty range for randrange()");
  }
  stop = int(stop, "stop");
  step = step === undefined ? 1 : int(step, "step");
  const width = stop - start;
  if (step === 1) {
    if (width > 0) return start + $randbelow(width);
    throw new $ValueError(`empty range for randrange() (${start}, ${stop}, ${width})`);
  }
  let n;
  if (step > 0) n = $Math.floor((width + step - 1) / step);
  else if (step < 0) n = $Math.floor((width + step + 1) / step);
  else throw new $ValueError("zero step for randrange()");
  if (n <= 0) throw new $ValueError("empty range for randrange()");
  return start + step * $randbelow(n);
}

// @helper $choice
function $choice(seq) {
  const items = typeof seq === "string" ? $Array.from(seq) : seq;
  const n = $len(items);
  if (!n) throw new $IndexError("Cannot choose from an empty sequence");
  return $getitem(items, $randbelow(n));
}

// @helper $shuffle
function $shuffle(x) {
  if (!$isList(x)) throw new TypeError(`'${$typeName(x)}' object does not support item assignment`);
  for (let i = x.length - 1; i > 0; i--) {
    const j = $randbelow(i + 1);
    const t = x[i]; x[i] = x[j]; x[j] = t;
  }
  return null;
}

// @helper $uniform
function $uniform(a, b) {
  if (!$isNum(a) || !$isNum(b)) throw $binopError("-", b, a);
  return +a + (+b - +a) * $random();
}

// @helper $sample
// random.sample(population, k): Lib/random.py's pool or set method, as CPython picks between them
function $sample(population, k) {
  const range = population !== null && typeof population === "object" && population.$pytype === "range";
  if (!(typeof population === "string" || $Array.isArray(population) || range)) {
    throw new TypeError("Population must be a sequence.  For dicts or sets, use sorted(d).");
  }
  const items = $Array.isArray(population) ? population : $list(population);
  const n = items.length;
  if (!$isIntLike(k)) throw new TypeError(`'${$typeName(k)}' object cannot be interpreted as an integer`);
  k = +k;
  if (!(0 <= k && k <= n)) throw new $ValueError("Sample larger than population or is negative");
  const result = new $Array(k).fill(null);
  let setsize = 21;
  if (k > 5) setsize += 4 ** $Math.ceil($Math.log(k * 3) / $Math.log(4));
  if (n <= setsize) {
    const pool = items.slice();
    for (let i = 0; i < k; i++) {
      const j = $randbelow(n - i);
      result[i] = pool[j];
      pool[j] = pool[n - i - 1];
    }
  } else {
    const selected = new Set();
    for (let i = 0; i < k; i++) {
      let j = $randbelow(n);
      while (selected.has(j)) j = $randbelow(n);
      selected.add(j);
      result[i] = items[j];
    }
  }
  return result;
}

// @helper $choices
// random.choices(population, weights=None, *, cum_weights=None, k=1)
function $choices(population, weights, cumWeights, k) {
  if (k === undefined) k = 1;
  const items = typeof population === "string" ? $Array.from(population) : $list(population);
  const n = items.length;
  const count = $isIntLike(k) ? +k : (() => { throw new TypeError(`'${$typeName(k)}' object cannot be interpreted as an integer`); })();
  const out = [];
  if (cumWeights === undefined || cumWeights === null) {
    if (weights === undefined || weights === null) {
      for (let i = 0; i < count; i++) out.push($getitem(items, $Math.floor($random() * n)));
      return out;
    }
    cumWeights = [];
    let acc;
    for (const w of $iter(weights)) { acc = acc === undefined ? w : $add(acc, w); cumWeights.push(acc); }
  } else if (weights !== undefined && weights !== null) {
    throw new TypeError("Cannot specify both weights and cumulative weights");
  } else cumWeights = $list(cumWeights);
  if (cumWeights.length !== n) throw new $ValueError("The number of weights does not match the population");
  const total = $add(cumWeights[n - 1], 0.0);
  if (!(total > 0)) throw new $ValueError("Total of weights must be greater than zero");
  if (!$Number.isFinite(total)) throw new $ValueError("Total of weights must be finite");
  for (let i = 0; i < count; i++) {
    const x = $random() * total;
    let lo = 0, hi = n - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if ($lt(x, cumWeights[mid])) hi = mid; else lo = mid + 1; }
    out.push(items[lo]);
  }
  return out;
}
