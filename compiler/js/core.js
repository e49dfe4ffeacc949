// Python semantics for JavaScript values: types, truthiness, equality, ordering, exceptions.
// Each "@helper" block is included in a bundle only when the bundle (or another included helper)
// names it; blocks refer to each other by their $-names.

// Builtins the runtime uses on hot paths, read once. Inside a vm context, as Segment runs functions,
// every read of a global such as Object goes through the context's interceptor: reading them per
// call cost the Sprig bundle a third of its time.
// @helper $Object
const $Object = Object;
// @helper $Array
const $Array = Array;
// @helper $Math
const $Math = Math;
// @helper $Number
const $Number = Number;
// @helper $String
const $String = String;
// @helper $JSON
const $JSON = JSON;
// @helper $Set
const $Set = Set;
// @helper $Uint8Array
const $Uint8Array = Uint8Array;

// @helper $isDict
// The prototype, not x.constructor: reading a property of objects of many shapes is a megamorphic
// lookup, the prototype is one load.
const $getProto = $Object.getPrototypeOf, $objectProto = $Object.prototype;
function $isDict(x) {
  if (x === null || typeof x !== "object") return false;
  const p = $getProto(x);
  if (p === $objectProto || p === null) return true;
  return !$Array.isArray(x) && $getProto(p) === null;  // a plain object of another realm
}

// @helper $isTuple
function $isTuple(x) { return $Array.isArray(x) && $Object.isFrozen(x); }

// @helper $tuple
function $tuple(items) { return $Object.freeze(items); }

// @helper $isFloat
function $isFloat(x) { return typeof x === "number" && !$Number.isInteger(x); }

// @helper $isList
function $isList(x) { return $Array.isArray(x) && !$Object.isFrozen(x); }

// @helper $isIntLike
function $isIntLike(x) { return typeof x === "boolean" || (typeof x === "number" && $Number.isInteger(x)); }

// @helper $typeName
function $typeName(x) {
  if (x === null || x === undefined) return "NoneType";
  switch (typeof x) {
    case "string": return "str";
    case "boolean": return "bool";
    case "number": return $Number.isInteger(x) ? "int" : "float";
    case "function": return x.$pyclass === true ? "type" : "function";
  }
  if ($Array.isArray(x)) return $Object.isFrozen(x) ? (x.$pyname !== undefined ? x.$pyname : "tuple") : "list";
  if (x instanceof $Set) return x.$frozen ? "frozenset" : "set";
  if (x instanceof $Uint8Array) return "bytes";
  if ($isDict(x)) return "dict";
  if (x.$pytype) return x.$pytype;
  if (typeof x.next === "function" && typeof x[Symbol.iterator] === "function") return "generator";
  return (x.constructor && x.constructor.name) || "object";
}

// @helper $className
// type(x).__name__: the type's name without its module (datetime.datetime is "datetime").
function $className(x) { const t = $typeName(x); return t.startsWith("datetime.") ? t.slice(9) : t; }

// @helper $truthy
function $truthy(x) {
  if (x === null || x === undefined || x === false || x === 0 || x === "") return false;
  if (typeof x !== "object") return true;
  if ($Array.isArray(x)) return x.length > 0;
  if (x instanceof $Set) return x.size > 0;
  if (x instanceof $Uint8Array) return x.length > 0;
  if ($isDict(x)) { for (const k in x) return true; return false; }
  if (x.$user === true && typeof x.__bool__ === "function") return $boolResult(x.__bool__());
  if (x.$len) return x.$len() > 0;
  if (x.$bool) return x.$bool();
  return true;
}

// @helper $eq
function $eq(a, b) {
  if (a === b) return a === a;
  const ta = typeof a, tb = typeof b;
  if (ta === "number" || ta === "boolean") return (tb === "number" || tb === "boolean") && +a === +b;
  if (a === null || b === null || ta !== "object" || tb !== "object") return false;
  if ($Array.isArray(a)) {
    if (!$Array.isArray(b) || $Object.isFrozen(a) !== $Object.isFrozen(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !$eq(a[i], b[i])) return false;
    return true;
  }
  if ($isDict(a)) {
    if (!$isDict(b)) return false;
    const ka = $Object.keys(a);
    if (ka.length !== $Object.keys(b).length) return false;
    for (const k of ka) if (!$Object.hasOwn(b, k) || (a[k] !== b[k] && !$eq(a[k], b[k]))) return false;
    const ka$ = a[$MISSING], kb$ = b[$MISSING];  // two OrderedDicts are equal only in the same order
    if (ka$ !== undefined && kb$ !== undefined && ka$.name === "OrderedDict" && kb$.name === "OrderedDict") {
      const kb = $Object.keys(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return false;
    }
    return true;
  }
  if (a instanceof $Set) {
    if (!(b instanceof $Set) || a.size !== b.size) return false;
    for (const v of a) if (!$setHas(b, v)) return false;
    return true;
  }
  if (a instanceof $Uint8Array) {
    if (!(b instanceof $Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (typeof a.$eq === "function") return a.$eq(b);
  return false;
}

// @helper $strcmp
function $strcmp(a, b) {
  if (a === b) return 0;
  const n = $Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xD800 && y >= 0xD800) {  // order by code point, not by UTF-16 unit
        x = x >= 0xE000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xE000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

// @helper $compare
// Python's rich comparison for op in "<", "<=", ">", ">=": a boolean, or TypeError.
function $compare(a, b, op) {
  const ta = typeof a, tb = typeof b;
  if ((ta === "number" || ta === "boolean") && (tb === "number" || tb === "boolean")) {
    a = +a; b = +b;
  } else if (ta === "string" && tb === "string") {
    const c = $strcmp(a, b);
    return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
  } else if ($Array.isArray(a) && $Array.isArray(b) && $Object.isFrozen(a) === $Object.isFrozen(b)) {
    const n = $Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i] && !$eq(a[i], b[i])) {
        if (op === "<" || op === "<=") return $compare(a[i], b[i], "<");
        return $compare(a[i], b[i], ">");
      }
    }
    a = a.length; b = b.length;
  } else if (a instanceof $Set && b instanceof $Set) {
    const sub = (x, y) => { for (const v of x) if (!$setHas(y, v)) return false; return true; };
    if (op === "<=") return sub(a, b);
    if (op === ">=") return sub(b, a);
    if (op === "<") return a.size < b.size && sub(a, b);
    return a.size > b.size && sub(b, a);
  } else if (a !== null && b !== null && ta === "object" && tb === "object" && typeof a.$cmp === "function"
             && a.constructor === b.constructor) {
    const c = a.$cmp(b);
    return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
  } else if ((a !== null && ta === "object" && a.$user === true) || (b !== null && tb === "object" && b.$user === true)) {
    return $richCompare(a, b, op);
  } else if (a !== null && b !== null && ta === "object" && tb === "object" && a.$dateOrder === true && b.$dateOrder === true) {
    throw new TypeError("can't compare datetime.datetime to datetime.date");  // a date and a datetime
  } else {
    throw new TypeError(`'${op}' not supported between instances of '${$typeName(a)}' and '${$typeName(b)}'`);
  }
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

// @helper $lt
function $lt(a, b) { return typeof a === "number" && typeof b === "number" ? a < b : $compare(a, b, "<"); }
// @helper $le
function $le(a, b) { return typeof a === "number" && typeof b === "number" ? a <= b : $compare(a, b, "<="); }
// @helper $gt
function $gt(a, b) { return typeof a === "number" && typeof b === "number" ? a > b : $compare(a, b, ">"); }
// @helper $ge
function $ge(a, b) { return typeof a === "number" && typeof b === "number" ? a >= b : $compare(a, b, ">="); }

// @helper $hashable
// Python's hash() would accept x: lists, dicts and sets are unhashable, and tuples holding them.
function $hashable(x) {
  if (x === null || typeof x !== "object") return x;
  const frozen = $Array.isArray(x) && $Object.isFrozen(x);
  if ($Array.isArray(x) ? !frozen : $isDict(x) || (x instanceof $Set && !x.$frozen)) {
    throw new TypeError(`unhashable type: '${$typeName(x)}'`);
  }
  if (frozen) x.forEach($hashable);
  return x;
}

// @helper $dictHas
// k in d, d known to be a dict (str keys only, so no other key is ever in it).
function $dictHas(d, k) {
  if (typeof k === "string") return $Object.hasOwn(d, k);
  $hashable(k);
  return false;
}

// @helper $dictGet
// d[k], d known to be a dict.
function $dictGet(d, k) {
  if (typeof k === "string" && $Object.hasOwn(d, k)) return d[k];
  $hashable(k);
  if (d[$MISSING] !== undefined) return d[$MISSING].missing(d, k);  // defaultdict, Counter
  throw new $KeyError(k);
}

// @helper $dictSet
// d[k] = v, d known to be a dict. "__proto__" is defined as an own property, not set (which would
// replace the object's prototype).
function $dictSet(d, k, v) {
  if (typeof k !== "string") {
    $hashable(k);
    throw new TypeError(`segfn: dict keys must be str (JSON objects), not ${$typeName(k)}`);
  }
  if (k === "__proto__") $Object.defineProperty(d, k, { value: v, writable: true, enumerable: true, configurable: true });
  else d[k] = v;
}

// @helper $contains
function $contains(container, x) {
  if (typeof container === "string") {
    if (typeof x !== "string") throw new TypeError(`'in <string>' requires string as left operand, not ${$typeName(x)}`);
    return container.includes(x);
  }
  if ($Array.isArray(container)) {
    if (x === null || typeof x !== "object") {
      for (let i = 0; i < container.length; i++) {
        const v = container[i];
        if (v === x || (typeof v !== "string" && $eq(v, x))) return true;
      }
      return false;
    }
    for (let i = 0; i < container.length; i++) if ($eq(container[i], x)) return true;
    return false;
  }
  if ($isDict(container)) return $dictHas(container, x);
  if (container instanceof $Set) return $setHas(container, $hashable(x));
  if (container !== null && typeof container === "object" && typeof container.$contains === "function") return container.$contains(x);
  if (container !== null && typeof container === "object" && typeof container[Symbol.iterator] === "function" && !(container instanceof $Uint8Array)) {
    for (const v of $iter(container)) if ($eq(v, x)) return true;  // an iterator stays open where it matched
    return false;
  }
  if (container instanceof $Uint8Array) return container.includes(x);
  throw new TypeError(`argument of type '${$typeName(container)}' is not iterable`);
}

// @helper $setHas
function $setHas(s, x) {
  if (s.has(x)) return true;
  if (typeof x === "boolean") return s.has(+x);
  if (x === 1) return s.has(true);
  if (x === 0) return s.has(false);
  return false;
}

// @helper $mkset
function $mkset(items, frozen) {
  const s = new Set();
  for (const v of items) if (!$setHas(s, $setElem(v))) s.add(v);
  if (frozen) s.$frozen = true;
  return s;
}

// @helper $setElem
function $setElem(v) {
  if (v === null || typeof v !== "object") return v;
  if ($Array.isArray(v) && $Object.isFrozen(v)) throw new TypeError("segfn: set elements must be str, int, float, bool or None, not tuple");
  throw new TypeError(`unhashable type: '${$typeName(v)}'`);
}

// @helper $iter
// What a JavaScript for-of walks for a Python iteration of x. An iterator (a generator, map(), zip(),
// iter(x)...) is walked through a view without return(): leaving the loop early (break, return, an
// exception, any() deciding) leaves it open where it stopped, as CPython does (`for v in it: break`
// then `list(it)` goes on), where a bare for-of would close it for good.
function $iter(x) {
  if ($Array.isArray(x) || typeof x === "string" || x instanceof $Set) return x;
  if ($isDict(x)) return $Object.keys(x);
  if (x !== null && typeof x === "object") {
    if (x instanceof $Uint8Array) return $Array.from(x);
    if (typeof x.next === "function" && typeof x.return === "function") {
      return { [Symbol.iterator]() { return { next() { return x.next(); } }; } };
    }
    if (typeof x[Symbol.iterator] === "function") return x;
  }
  if (typeof x === "function" && x.$members !== undefined) return x.$members;
  throw new TypeError(`'${$typeName(x)}' object is not iterable`);
}

// @helper $iterTemp
// A for loop over a call's result (`for v in gen():`): nothing else holds that iterator, so CPython
// closes it when the loop leaves early (a generator's finally runs then); a bare for-of does the same.
function $iterTemp(x) {
  return x !== null && typeof x === "object" && typeof x.next === "function" && typeof x.return === "function"
    ? x : $iter(x);
}

// @helper $list
function $list(x) {
  if (x === undefined) return [];
  if (typeof x === "string") return $Array.from(x);
  if ($Array.isArray(x)) return x.slice();
  return $Array.from($iter(x));
}

// @helper $unpack
// a, b = x: x's n items.
function $unpack(x, n) {
  if ($Array.isArray(x) && x.length === n) return x;  // the common case: a pair or tuple
  const items = $unpackable(x);
  if (items.length === n) return items;
  if (items.length > n) throw new $ValueError(`too many values to unpack (expected ${n})`);
  throw new $ValueError(`not enough values to unpack (expected ${n}, got ${items.length})`);
}

// @helper $unpackable
function $unpackable(x) {
  if (!$Array.isArray(x) && typeof x !== "string" && !(x !== null && typeof x === "object")) {
    throw new TypeError(`cannot unpack non-iterable ${$typeName(x)} object`);
  }
  return $Array.isArray(x) ? x : $list(x);
}

// @helper $unpackStar
// a, *b, c = x: n names, the one at index star taking what the others leave.
function $unpackStar(x, n, star) {
  const items = $unpackable(x);
  if (items.length < n - 1) throw new $ValueError(`not enough values to unpack (expected at least ${n - 1}, got ${items.length})`);
  const after = n - 1 - star;
  return [...items.slice(0, star), items.slice(star, items.length - after), ...items.slice(items.length - after)];
}

// @helper $len
function $len(x) {
  if (typeof x === "string") {
    let n = x.length;
    for (let i = 0; i < x.length; i++) {
      const c = x.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < x.length) {
        const d = x.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) { n--; i++; }
      }
    }
    return n;
  }
  if ($Array.isArray(x) || x instanceof $Uint8Array) return x.length;
  if (x instanceof $Set) return x.size;
  if ($isDict(x)) return $Object.keys(x).length;
  if (x !== null && typeof x === "object" && typeof x.$len === "function") return x.$len();
  if (typeof x === "function" && x.$members !== undefined) return x.$members.length;
  throw new TypeError(`object of type '${$typeName(x)}' has no len()`);
}

// @helper $cps
// A string's code points, as an array of one-code-point strings (only when it has surrogates).
function $cps(s) { return /[\uD800-\uDFFF]/.test(s) ? $Array.from(s) : null; }

// @helper $index
function $index(i, n, what) {
  if (typeof i === "boolean") i = +i;
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw new $IndexError(`${what} index out of range`);
  return i;
}

// @helper $getitem
function $getitem(o, k) {
  if ($isDict(o)) return $dictGet(o, k);
  if ($Array.isArray(o)) {
    if ($isIntLike(k)) return o[$index(k, o.length, $Object.isFrozen(o) ? "tuple" : "list")];
    throw new TypeError(`${$Object.isFrozen(o) ? "tuple" : "list"} indices must be integers or slices, not ${$typeName(k)}`);
  }
  if (typeof o === "string") {
    if (!$isIntLike(k)) throw new TypeError(`string indices must be integers, not '${$typeName(k)}'`);
    const cps = $cps(o);
    if (cps === null) return o[$index(k, o.length, "string")];
    return cps[$index(k, cps.length, "string")];
  }
  if (o instanceof $Uint8Array) {
    if (!$isIntLike(k)) throw new TypeError(`byte indices must be integers or slices, not ${$typeName(k)}`);
    return o[$index(k, o.length, "index")];
  }
  if (o !== null && typeof o === "object" && typeof o.$getitem === "function") return o.$getitem(k);
  if (typeof o === "function" && o.$members !== undefined) return $enumName(o, k);
  throw new TypeError(`'${$typeName(o)}' object is not subscriptable`);
}

// @helper $getKey
// o["key"] with a constant str key: a dict's value or a match's group; anything else raises the
// TypeError $getitem would.
function $getKey(o, k) {
  if ($isDict(o)) return $dictGet(o, k);
  if (o !== null && typeof o === "object" && typeof o.$getitem === "function") return o.$getitem(k);
  if (typeof o === "function" && o.$members !== undefined) return $enumName(o, k);
  throw new TypeError($Array.isArray(o) ? `${$Object.isFrozen(o) ? "tuple" : "list"} indices must be integers or slices, not str`
    : typeof o === "string" ? "string indices must be integers, not 'str'"
    : o instanceof $Uint8Array ? "byte indices must be integers or slices, not str"
    : `'${$typeName(o)}' object is not subscriptable`);
}

// @helper $listGet
// l[i], l known to be a list.
function $listGet(l, i) {
  if (!$isIntLike(i)) throw new TypeError(`list indices must be integers or slices, not ${$typeName(i)}`);
  return l[$index(i, l.length, "list")];
}

// @helper $listSet
// l[i] = v, l known to be a list.
function $listSet(l, i, v) {
  if (!$isIntLike(i)) throw new TypeError(`list indices must be integers or slices, not ${$typeName(i)}`);
  l[$index(i, l.length, "list assignment")] = v;
}

// @helper $setitem
function $setitem(o, k, v) {
  if ($isDict(o)) {
    $dictSet(o, k, v);
    return;
  }
  if ($Array.isArray(o) && !$Object.isFrozen(o)) {
    if (!$isIntLike(k)) throw new TypeError(`list indices must be integers or slices, not ${$typeName(k)}`);
    o[$index(k, o.length, "list assignment")] = v;
    return;
  }
  if (o !== null && typeof o === "object" && o.$user === true && typeof o.__setitem__ === "function") { o.__setitem__(k, v); return; }
  throw new TypeError(`'${$typeName(o)}' object does not support item assignment`);
}

// @helper $delslice
// del lst[start:stop:step]: a list loses those items (extended slices included); a dict's key cannot be a
// slice, and nothing else supports deletion (CPython's TypeErrors).
function $delslice(o, start, stop, step) {
  if ($isDict(o)) throw new TypeError("unhashable type: 'slice'");
  // CPython words it so for a slice (PyObject_DelItem on a slice object), "doesn't" for an index
  if (!$isList(o)) throw new TypeError(`'${$typeName(o)}' object does not support item deletion`);
  const [a, b, s] = $sliceIndices(o.length, start, stop, step);
  if (s === 1) { if (b > a) o.splice(a, b - a); return; }
  const at = [];
  if (s > 0) for (let i = a; i < b; i += s) at.push(i);
  else for (let i = a; i > b; i += s) at.push(i);
  at.sort((p, q) => q - p);
  for (const i of at) o.splice(i, 1);
}

// @helper $delitem
function $delitem(o, k) {
  if ($isDict(o)) {
    if (typeof k === "string" && $Object.hasOwn(o, k)) { delete o[k]; return; }
    $hashable(k);
    throw new $KeyError(k);
  }
  if ($Array.isArray(o) && !$Object.isFrozen(o)) {
    if (!$isIntLike(k)) throw new TypeError(`list indices must be integers or slices, not ${$typeName(k)}`);
    o.splice($index(k, o.length, "list assignment"), 1);
    return;
  }
  if (o !== null && typeof o === "object" && o.$user === true && typeof o.__delitem__ === "function") { o.__delitem__(k); return; }
  throw new TypeError(`'${$typeName(o)}' object doesn't support item deletion`);
}

// @helper $sliceIndices
function $sliceIndices(n, start, stop, step) {
  if (step === null || step === undefined) step = 1;
  else if (!$isIntLike(step)) throw new TypeError("slice indices must be integers or None or have an __index__ method");
  step = +step;
  if (step === 0) throw new $ValueError("slice step cannot be zero");
  const fix = (v, dflt, lo, hi) => {
    if (v === null || v === undefined) return dflt;
    if (!$isIntLike(v)) throw new TypeError("slice indices must be integers or None or have an __index__ method");
    v = +v;
    if (v < 0) { v += n; if (v < lo) v = lo; } else if (v > hi) v = hi;
    return v;
  };
  if (step > 0) return [fix(start, 0, 0, n), fix(stop, n, 0, n), step];
  return [fix(start, n - 1, -1, n - 1), fix(stop, -1, -1, n - 1), step];
}

// @helper $strSlice
// s[start:stop] of a str: code points, which are UTF-16 units unless s has surrogates.
function $strSlice(s, start, stop) {
  const cps = $cps(s);
  const [a, b] = $sliceIndices(cps === null ? s.length : cps.length, start, stop, 1);
  if (a >= b) return "";
  return cps === null ? s.slice(a, b) : cps.slice(a, b).join("");
}

// @helper $slice
function $slice(o, start, stop, step) {
  let items, kind;
  if (typeof o === "string") {
    if (step === null || step === undefined) return $strSlice(o, start, stop);
    items = $cps(o) || o.split(""); kind = "str";
  } else if ($Array.isArray(o)) { items = o; kind = $Object.isFrozen(o) ? "tuple" : "list"; }
  else if (o instanceof $Uint8Array) { items = $Array.from(o); kind = "bytes"; }
  else if (o !== null && typeof o === "object" && typeof o.$getitem === "function") return o.$getitem({ $slice: [start, stop, step] });
  else if ($isDict(o)) throw new TypeError("unhashable type: 'slice'");  // d[a:b] looks the slice up as a key (3.11)
  else throw new TypeError(`'${$typeName(o)}' object is not subscriptable`);
  const [a, b, s] = $sliceIndices(items.length, start, stop, step);
  let out;
  if (s === 1) out = a < b ? items.slice(a, b) : [];
  else { out = []; if (s > 0) for (let i = a; i < b; i += s) out.push(items[i]); else for (let i = a; i > b; i += s) out.push(items[i]); }
  if (kind === "str") return out.join("");
  if (kind === "tuple") return $Object.freeze(out);
  if (kind === "bytes") return Uint8Array.from(out);
  return out;
}

// @helper $attrError
function $attrError(o, name) {
  if (typeof o === "function" && o.$pyclass === true) return new $AttributeError(`type object '${o.name}' has no attribute '${$pyName(name)}'`);
  return new $AttributeError(`'${$typeName(o)}' object has no attribute '${$pyName(name)}'`);
}

// @helper $attr
// o.name on a value the compiler could not type: a user object's attribute, property or bound
// method, a runtime object's field; a class's attribute. Lists, dicts, sets, strs have no data
// attributes. name is the stored name (compiler/names.py's attr_name).
function $attr(o, name) {
  if (o !== null && typeof o === "object") {
    if (!$isDict(o) && !(o instanceof $Set) && !(o instanceof $Uint8Array) && (!$Array.isArray(o) || $getProto(o) !== $Array.prototype)) {
      const v = o[name];
      if (v !== undefined) return typeof v === "function" && !$Object.hasOwn(o, name) ? $bound(o, v) : v;
    }
    // a TypeError the runtime raised is JavaScript's own: its args are CPython's, (message,)
    if (name === "args" && o instanceof Error) return $Object.freeze([o.message]);
  } else if (typeof o === "function" && o.$pyclass === true) return $classAttr(o, name);
  throw $attrError(o, name);
}

// @helper $getattrOr
// getattr(o, "name", default): the attribute, or the default where reading it raises AttributeError.
function $getattrOr(read, dflt) {
  try { return read(); } catch (e) { if (e instanceof $AttributeError) return dflt; throw e; }
}

// @helper $hasattr
// hasattr(o, "name"): whether reading the attribute raises no AttributeError (CPython reads it).
function $hasattr(read) {
  try { read(); return true; } catch (e) { if (e instanceof $AttributeError) return false; throw e; }
}

// @helper $setattr
// o.name = v: a user object's attribute (or property setter), a class attribute; anything else has
// none to set.
function $setattr(o, name, v) {
  if (o !== null && typeof o === "object" && (o.$user === true || o instanceof Error)) {
    if (o.$frozen === true) throw new $FrozenInstanceError(`cannot assign to field '${$pyName(name)}'`);
    let p = o;
    while (p !== null && !$Object.hasOwn(p, name)) p = $getProto(p);
    const d = p === null ? undefined : $Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined && d.get !== undefined && d.set === undefined) {
      throw new $AttributeError(`property '${$pyName(name)}' of '${$typeName(o)}' object has no setter`);
    }
    o[name] = v;
    return null;
  }
  if (typeof o === "function" && o.$pyclass === true) { o.prototype[name] = v; return null; }
  throw $attrError(o, name);
}

// @helper $boolResult
function $boolResult(r) {
  if (typeof r !== "boolean") throw new TypeError(`__bool__ should return bool, returned ${$typeName(r)}`);
  return r;
}

// @helper $hasNonStrKeys
// A dict holding a key that is not a str (see $dictKey).
function $hasNonStrKeys(d) { return d.$keyMap !== undefined; }

// @helper $chk
// A read of a local that may not be assigned yet (Python: UnboundLocalError).
function $chk(v, name) {
  if (v === undefined) throw new $UnboundLocalError(`cannot access local variable '${name}' where it is not associated with a value`);
  return v;
}

// @helper $callable
function $callable(f) {
  if (typeof f !== "function" && !(f !== null && typeof f === "object" && f.$user === true && typeof f.__call__ === "function")) {
    throw new TypeError(`'${$typeName(f)}' object is not callable`);
  }
  return f;
}

// @helper $ret
function $ret(v) { return v === undefined ? null : v; }

// @helper $ranges
// Decode a generated code point table (delta-encoded, base 36).
function $ranges(text) {
  const out = [];
  let v = 0;
  for (const d of text.split(",")) { v += parseInt(d, 36); out.push(v); }
  return out;
}
