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
// itertools.chain(*iterables) and chain.from_iterable(iterable), as a list.
function $chain(iterables) {
  const out = [];
  for (const it of iterables) for (const v of $iter(it)) out.push(v);
  return out;
}

// @helper $islice
// itertools.islice(iterable, stop) / islice(iterable, start, stop[, step]), as a list.
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
  const out = [];
  let i = 0;
  for (const v of $iter(it)) {
    if (stop !== null && i >= +stop) break;
    if (i >= start && (i - start) % step === 0) out.push(v);
    i++;
  }
  return out;
}

// @helper $groupby
// itertools.groupby(iterable, key=None): a list of (key, list of the group's items).
function $groupby(it, key) {
  const out = [];
  let cur, group = null;
  for (const v of $iter(it)) {
    const k = key === undefined || key === null ? v : $call(key, [v]);
    if (group === null || !$eq(k, cur)) { group = []; cur = k; out.push($Object.freeze([k, group])); }
    group.push(v);
  }
  return out;
}

// @helper $product
// itertools.product(*iterables, repeat=1): a list of tuples.
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
  return result.map((t) => $Object.freeze(t));
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
