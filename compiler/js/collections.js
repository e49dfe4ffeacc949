// list, dict and set methods and the builtins that consume iterables, with Python's semantics.

// @helper $m_append
function $m_append(l, v) { if (!$isList(l)) return $noMethod(l, "append", arguments); l.push(v); return null; }
// @helper $m_extend
function $m_extend(l, v) { if (!$isList(l)) return $noMethod(l, "extend", arguments); $iadd(l, v); return null; }
// @helper $m_insert
function $m_insert(l, i, v) {
  if (!$isList(l)) return $noMethod(l, "insert", arguments);
  if (!$isIntLike(i)) throw new TypeError(`'${$typeName(i)}' object cannot be interpreted as an integer`);
  i = +i; if (i < 0) { i += l.length; if (i < 0) i = 0; } if (i > l.length) i = l.length;
  l.splice(i, 0, v); return null;
}
// @helper $m_remove
function $m_remove(o, v) {
  if ($isList(o)) {
    for (let i = 0; i < o.length; i++) if ($eq(o[i], v)) { o.splice(i, 1); return null; }
    throw new $ValueError("list.remove(x): x not in list");
  }
  if (o instanceof $Set && !o.$frozen) {
    if (!$setDelete(o, $hashable(v))) throw new $KeyError(v);
    return null;
  }
  return $noMethod(o, "remove", arguments);
}
// @helper $m_reverse
function $m_reverse(l) { if (!$isList(l)) return $noMethod(l, "reverse", arguments); l.reverse(); return null; }
// @helper $m_clear
function $m_clear(o) {
  if ($isList(o)) { o.length = 0; return null; }
  if ($isDict(o)) { for (const k of $Object.keys(o)) delete o[k]; return null; }
  if (o instanceof $Set && !o.$frozen) { o.clear(); return null; }
  return $noMethod(o, "clear", arguments);
}
// @helper $m_copy
function $m_copy(o) {
  if ($isList(o)) return o.slice();
  if ($isDict(o)) return o[$MISSING] !== undefined ? o[$MISSING].copy(o) : $dictMerge([o]);
  if (o instanceof $Set) return $mkset(o, o.$frozen);
  return $noMethod(o, "copy", arguments);
}
// @helper $m_pop
function $m_pop(o, a, dflt, hasDefault) {
  if ($isList(o)) {
    if (o.length === 0) throw new $IndexError("pop from empty list");
    if (a === undefined) return o.pop();
    if (!$isIntLike(a)) throw new TypeError(`'${$typeName(a)}' object cannot be interpreted as an integer`);
    const i = $index(a, o.length, "pop");
    return o.splice(i, 1)[0];
  }
  if ($isDict(o)) {
    if (typeof a === "string" && $Object.hasOwn(o, a)) { const v = o[a]; delete o[a]; return v; }
    $hashable(a);
    if (hasDefault) return dflt;
    throw new $KeyError(a);
  }
  if (o instanceof $Set && !o.$frozen) {
    if (o.size === 0) throw new $KeyError("pop from an empty set");
    const v = o.values().next().value; o.delete(v); return v;
  }
  return $noMethod(o, "pop", hasDefault ? [a, dflt] : [a]);
}

// @helper $m_get
function $m_get(o, k, dflt) {
  if (dflt === undefined) dflt = null;
  if ($isDict(o)) {
    if (typeof k === "string") return $Object.hasOwn(o, k) ? o[k] : dflt;
    $hashable(k);
    return dflt;
  }
  if (o !== null && typeof o === "object" && !$Array.isArray(o) && typeof o.get === "function" && typeof o.has === "function" && !(o instanceof $Set)) {
    const v = o.get(k);  // Headers
    return v === null || v === undefined ? dflt : v;
  }
  return $noMethod(o, "get", arguments);
}
// @helper $m_keys
function $m_keys(o) { return $isDict(o) ? $Object.keys(o) : $noMethod(o, "keys", arguments); }
// @helper $m_values
function $m_values(o) { return $isDict(o) ? $Object.values(o) : $noMethod(o, "values", arguments); }
// @helper $m_items
function $m_items(o) {
  if (!$isDict(o)) return $noMethod(o, "items", arguments);
  const out = [];
  for (const k of $Object.keys(o)) out.push($Object.freeze([k, o[k]]));
  return out;
}
// @helper $itemPairs
// dict.items() for a loop that destructures each pair at once: the pairs are never seen, so they
// need not be frozen tuples.
function $itemPairs(o) {
  if (!$isDict(o)) return $noMethod(o, "items", arguments);
  const keys = $Object.keys(o), out = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i], o[keys[i]]];
  return out;
}
// @helper $m_setdefault
function $m_setdefault(o, k, dflt) {
  if (!$isDict(o)) return $noMethod(o, "setdefault", arguments);
  if (dflt === undefined) dflt = null;
  if (typeof k === "string" && $Object.hasOwn(o, k)) return o[k];
  $setitem(o, k, dflt);
  return dflt;
}
// @helper $m_update
function $m_update(o, other, kwargs) {
  if ($isDict(o) && o[$MISSING] !== undefined && o[$MISSING].update !== undefined) return o[$MISSING].update(o, other, kwargs);
  if ($isDict(o)) {
    if (other !== undefined) {
      if ($isDict(other)) for (const k of $Object.keys(other)) $setitem(o, k, other[k]);
      else for (const pair of $iter(other)) { const [k, v] = $dictPair(pair); $setitem(o, k, v); }
    }
    if (kwargs) for (const k of $Object.keys(kwargs)) $setitem(o, k, kwargs[k]);
    return null;
  }
  if (o instanceof $Set && !o.$frozen) { for (const v of $iter(other)) if (!$setHas(o, $setElem(v))) o.add(v); return null; }
  if (o !== null && typeof o === "object" && typeof o.update === "function" && o.$pytype) return o.update(other);
  return $noMethod(o, "update", [other]);
}
// @helper $m_popitem
function $m_popitem(o, last, byKeyword) {
  if (!$isDict(o)) return $noMethod(o, "popitem", last === undefined ? [] : [last]);
  const ordered = o[$MISSING] !== undefined && o[$MISSING].name === "OrderedDict";
  if (last !== undefined && !ordered) throw new TypeError(byKeyword ? "dict.popitem() takes no keyword arguments" : "dict.popitem() takes no arguments (1 given)");
  const keys = $Object.keys(o);
  if (keys.length === 0) throw new $KeyError(ordered ? "dictionary is empty" : "popitem(): dictionary is empty");
  const k = last === undefined || $truthy(last) ? keys[keys.length - 1] : keys[0], v = o[k];
  delete o[k];
  return $Object.freeze([k, v]);
}
// @helper $dictPair
function $dictPair(pair, i) {
  let items;
  try { items = $list(pair); } catch (e) {
    if (e instanceof TypeError) throw new TypeError(`cannot convert dictionary update sequence element #${i || 0} to a sequence`);
    throw e;
  }
  if (items.length !== 2) throw new $ValueError(`dictionary update sequence element #${i || 0} has length ${items.length}; 2 is required`);
  return items;
}

// @helper $dictMerge
// {**a, **b} and dict(a): a new dict with the keys of each mapping in order.
function $dictMerge(parts) {
  const out = {};
  for (const p of parts) {
    if (!$isDict(p)) throw new TypeError(`'${$typeName(p)}' object is not a mapping`);
    for (const k of $Object.keys(p)) $setitem(out, k, p[k]);
  }
  return out;
}

// @helper $dict
function $dict(src, kwargs) {
  const out = {};
  if (src !== undefined) {
    if ($isDict(src)) for (const k of $Object.keys(src)) $setitem(out, k, src[k]);
    else { let i = 0; for (const pair of $iter(src)) { const [k, v] = $dictPair(pair, i++); $setitem(out, k, v); } }
  }
  if (kwargs) for (const k of $Object.keys(kwargs)) $setitem(out, k, kwargs[k]);
  return out;
}

// @helper $dictLit
// A dict display whose keys are computed: each key checked like d[k] = v.
function $dictLit(pairs) {
  const out = {};
  for (let i = 0; i < pairs.length; i += 2) $setitem(out, pairs[i], pairs[i + 1]);
  return out;
}

// @helper $setDelete
function $setDelete(s, v) {
  if (s.delete(v)) return true;
  if (typeof v === "boolean") return s.delete(+v);
  if (v === 1) return s.delete(true);
  if (v === 0) return s.delete(false);
  return false;
}
// @helper $m_add
function $m_add(s, v) { if (!(s instanceof $Set) || s.$frozen) return $noMethod(s, "add", arguments); if (!$setHas(s, $setElem(v))) s.add(v); return null; }
// @helper $m_discard
function $m_discard(s, v) { if (!(s instanceof $Set) || s.$frozen) return $noMethod(s, "discard", arguments); $setDelete(s, $hashable(v)); return null; }
// @helper $m_union
function $m_union(s, ...others) { if (!(s instanceof $Set)) return $noMethod(s, "union", arguments); const out = $mkset(s, s.$frozen); for (const o of others) for (const v of $iter(o)) if (!$setHas(out, $setElem(v))) out.add(v); return out; }
// @helper $m_intersection
function $m_intersection(s, ...others) { if (!(s instanceof $Set)) return $noMethod(s, "intersection", arguments); let out = [...s]; for (const o of others) { const t = $mkset($iter(o)); out = out.filter((v) => $setHas(t, v)); } return $mkset(out, s.$frozen); }
// @helper $m_difference
function $m_difference(s, ...others) { if (!(s instanceof $Set)) return $noMethod(s, "difference", arguments); let out = [...s]; for (const o of others) { const t = $mkset($iter(o)); out = out.filter((v) => !$setHas(t, v)); } return $mkset(out, s.$frozen); }
// @helper $m_issubset
function $m_issubset(s, o) { if (!(s instanceof $Set)) return $noMethod(s, "issubset", arguments); const t = $mkset($iter(o)); for (const v of s) if (!$setHas(t, v)) return false; return true; }
// @helper $m_issuperset
function $m_issuperset(s, o) { if (!(s instanceof $Set)) return $noMethod(s, "issuperset", arguments); for (const v of $iter(o)) if (!$setHas(s, v)) return false; return true; }

// @helper $sortKeyed
// Python's list.sort / sorted: stable, only "<" between keys, reverse keeps equal items in order.
function $sortKeyed(items, key, reverse) {
  const keys = key ? items.map((v) => key(v)) : items;
  const idx = items.map((_, i) => i);
  const allNum = keys.every((k) => typeof k === "number");
  const allStr = !allNum && keys.every((k) => typeof k === "string");
  let cmp;
  if (allNum) cmp = (i, j) => (keys[i] < keys[j] ? -1 : keys[j] < keys[i] ? 1 : 0);
  else if (allStr) cmp = (i, j) => $strcmp(keys[i], keys[j]);
  else cmp = (i, j) => ($lt(keys[i], keys[j]) ? -1 : $lt(keys[j], keys[i]) ? 1 : 0);
  idx.sort(reverse ? (i, j) => cmp(j, i) : cmp);
  return idx.map((i) => items[i]);
}
// @helper $sorted
function $sorted(xs, key, reverse) { return $sortKeyed($list(xs), key === null ? undefined : key, $truthy(reverse)); }
// @helper $m_sort
function $m_sort(l, key, reverse) {
  if (!$isList(l)) return $noMethod(l, "sort", arguments);
  const out = $sortKeyed(l, key === null ? undefined : key, $truthy(reverse));
  for (let i = 0; i < out.length; i++) l[i] = out[i];
  return null;
}

// @helper $reversed
// reversed(x): an iterator, as in Python (a list is walked from its end while it lasts, as CPython's
// list_reverseiterator does; a dict gives its keys last first); what cannot be reversed fails at once.
function $reversed(x) {
  let items, kind;
  if ($Array.isArray(x)) { items = x; kind = $Object.isFrozen(x) ? "reversed" : "list_reverseiterator"; }
  else if (typeof x === "string") { items = $Array.from(x); kind = "reversed"; }
  else if (x !== null && typeof x === "object" && x.$pytype === "range") { items = $Array.from(x); kind = "range_iterator"; }
  else if ($isDict(x)) { items = $Object.keys(x); kind = "dict_reversekeyiterator"; }
  else throw new TypeError(`'${$typeName(x)}' object is not reversible`);
  const it = (function* () { for (let i = items.length - 1; i >= 0; i--) { if (i >= items.length) return; yield items[i]; } })();
  $Object.defineProperty(it, "$pytype", { value: kind });
  return it;
}

// @helper $enumerate
function* $enumerate(xs, start) { let i = start === undefined ? 0 : +start; for (const v of $iter(xs)) yield $Object.freeze([i++, v]); }

// @helper $zip
function* $zip(...its) {
  const iters = its.map((x) => $iter(x)[Symbol.iterator]());
  if (iters.length === 0) return;
  for (;;) {
    const row = [];
    for (const it of iters) { const r = it.next(); if (r.done) return; row.push(r.value); }
    yield $Object.freeze(row);
  }
}

// @helper $map
function* $map(f, ...its) {
  $callable(f);
  if (its.length === 1) { for (const v of $iter(its[0])) yield f(v); return; }
  for (const row of $zip(...its)) yield f(...row);
}

// @helper $filter
function* $filter(f, xs) { for (const v of $iter(xs)) if (f === null ? $truthy(v) : $truthy(f(v))) yield v; }

// @helper $any
function $any(xs) { for (const v of $iter(xs)) if ($truthy(v)) return true; return false; }
// @helper $all
function $all(xs) { for (const v of $iter(xs)) if (!$truthy(v)) return false; return true; }

// @helper $fromkeys
// dict.fromkeys(iterable, value=None): every key bound to the same value (one object, as in CPython).
function $fromkeys(it, value) {
  const out = {};
  for (const k of $iter(it)) $dictSet(out, k, value === undefined ? null : value);
  return out;
}

// @helper $tupleOf
function $tupleOf(x) { if (x === undefined) return $Object.freeze([]); return $Array.isArray(x) && $Object.isFrozen(x) ? x : $Object.freeze($list(x)); }

// @helper $setOf
function $setOf(x, frozen) { return $mkset(x === undefined ? [] : $iter(x), frozen); }

// @helper $bool
function $bool(x) { return x === undefined ? false : $truthy(x); }

// @helper $deepcopy
function $deepcopy(x) {
  if (x === null || typeof x !== "object") return x;
  if ($Array.isArray(x)) {
    if (x.$fields !== undefined) return x;  // urllib.parse's results: tuples of strs
    const out = x.map($deepcopy);
    return $Object.isFrozen(x) ? $Object.freeze(out) : out;
  }
  if ($isDict(x)) {
    const out = x[$MISSING] !== undefined ? x[$MISSING].copy({}) : {};  // defaultdict, Counter, OrderedDict keep their kind
    for (const k of $Object.keys(x)) $setitem(out, k, $deepcopy(x[k]));
    return out;
  }
  if (x instanceof $Set) return $mkset(x, x.$frozen);
  if (x instanceof $Uint8Array) return x.slice();
  return x;
}

// @helper $copy
function $copy(x) {
  if (x === null || typeof x !== "object") return x;
  if ($Array.isArray(x)) return $Object.isFrozen(x) ? x : x.slice();
  if ($isDict(x)) return x[$MISSING] !== undefined ? x[$MISSING].copy(x) : $dictMerge([x]);
  if (x instanceof $Set) return $mkset(x, x.$frozen);
  return x;
}

// @helper $print
function $print(args, sep, end) {
  const text = args.map((a) => $str(a)).join(sep === undefined || sep === null ? " " : sep);
  // one console.log per print: its text and its end, less one final newline (as the runner keeps it)
  const tail = end === undefined || end === null ? "\n" : end;
  console.log(text + (tail.endsWith("\n") ? tail.slice(0, -1) : tail));
  return null;
}

// @helper $isinstance
function $isinstance(x, t) {
  if ($Array.isArray(t)) { for (const u of t) if ($isinstance(x, u)) return true; return false; }
  switch (t) {
    case "str": return typeof x === "string";
    case "int": return typeof x === "boolean" || (typeof x === "number" && $Number.isInteger(x));
    case "float": return typeof x === "number" && !$Number.isInteger(x);
    case "bool": return typeof x === "boolean";
    case "list": return $Array.isArray(x) && !$Object.isFrozen(x);
    case "tuple": return $Array.isArray(x) && $Object.isFrozen(x);
    case "dict": return $isDict(x);
    case "set": return x instanceof $Set && !x.$frozen;
    case "frozenset": return x instanceof $Set && !!x.$frozen;
    case "bytes": return x instanceof $Uint8Array;
    case "NoneType": return x === null || x === undefined;
    case "Exception": return $isExc(x);
    case "FetchError": return $isFetchError(x);
  }
  return x instanceof t;
}
