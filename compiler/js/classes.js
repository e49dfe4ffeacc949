// User classes, one model for plain classes, dataclasses, enums and exception classes, and Python's
// calling convention where the compiler could not bind a call's arguments itself.
//
// A class compiles to a JavaScript class whose constructor takes no Python arguments. C(...) is
// $new(C, init, args): a new instance, then C's __init__ with the arguments bound to its parameters
// (an exception also keeps its positional arguments in `args` first, as BaseException.__new__ does).
// Attribute names a JavaScript object already uses (constructor, toString, then, name, message...)
// are stored with a "$" suffix (compiler/names.py, attr_name), which no Python name can contain.
//
// A compiled function takes one JavaScript parameter per Python parameter, in order: the positional
// ones, *args as a tuple, the keyword-only ones, **kwargs as a dict; `undefined` for one left to its
// default. Calls the compiler binds pass exactly that. Others (a callable held in a variable, a
// method of a value of unknown class, f(*parts), f(**fields)) go through $bindArgs with the
// function's signature, attached as f.$sig: [qualname, positional names, how many of them are
// positional-only, how many have defaults, *args name or null, keyword-only names, which of those
// have defaults (1/0), **kwargs name or null, kind (0 function, 1 method, 2 staticmethod, 3 classmethod)].

// @helper $NotImplemented
const $NotImplemented = $Object.freeze({ $pytype: "NotImplementedType", __repr__() { return "NotImplemented"; } });

// @helper $PyObject
// Python's object: the root of every user class that is not an exception.
class $PyObject {
  __init__(...args) {
    if (args.length) throw new TypeError("object.__init__() takes exactly one argument (the instance to initialize)");
    return null;
  }
  __repr__() { return `<${$typeName(this)} object>`; }
  __str__() { return $repr(this); }
  __eq__(o) { return this === o ? true : $NotImplemented; }
}

// @helper $pyClass
// Finish a user class: its Python name, what marks its instances as user objects, the signatures of
// its methods, and the runtime's protocols (len(), in, [], ==, iteration, truth) for the special
// methods it defines.
function $pyClass(C, name, sigs) {
  $Object.defineProperty(C, "name", { value: name, configurable: true });
  $Object.defineProperty(C, "$pyclass", { value: true, configurable: true });
  const proto = C.prototype;
  $Object.defineProperty(proto, "$user", { value: true, configurable: true, writable: true });
  if (sigs) {
    for (const k of $Object.keys(sigs)) {
      const d = $Object.getOwnPropertyDescriptor(proto, k);
      if (d && typeof d.value === "function") d.value.$sig = sigs[k];
    }
  }
  const own = (k) => $Object.hasOwn(proto, k) && typeof proto[k] === "function";
  if (own("__len__")) proto.$len = function () { return $lenResult(this.__len__()); };
  if (own("__contains__")) proto.$contains = function (x) { return $truthy(this.__contains__(x)); };
  if (own("__getitem__")) proto.$getitem = function (k) { return this.__getitem__(k); };
  if (own("__eq__")) {
    proto.$eq = function (o) {
      let r = this.__eq__(o);
      if (r === $NotImplemented && o !== null && typeof o === "object" && typeof o.__eq__ === "function") r = o.__eq__(this);
      return r === $NotImplemented ? false : $truthy(r);
    };
  }
  if (own("__iter__")) proto[Symbol.iterator] = function () { return $iter(this.__iter__())[Symbol.iterator](); };
  return C;
}

// @helper $lenResult
function $lenResult(n) {
  if (!$isIntLike(n)) throw new TypeError(`'${$typeName(n)}' object cannot be interpreted as an integer`);
  if (n < 0) throw new $ValueError("__len__() should return >= 0");
  return +n;
}

// @helper $new
// C(...) with the arguments already bound to C.__init__'s parameters; args: an exception's
// positional arguments as written (undefined for other classes).
function $new(C, init, args) {
  const self = new C();
  if (args !== undefined) {
    if ($Object.hasOwn(self, "name")) delete self.name;
    if ($Object.hasOwn(self, "message")) delete self.message;
    self.args = $Object.freeze(args);
  }
  self.__init__(...init);
  return self;
}

// @helper $construct
// C(...) where the compiler could not bind the arguments (C held in a variable, cls(...), *args).
function $construct(C, pos, kw) {
  if (C.$members !== undefined) {
    if (kw !== null || pos.length !== 1) throw new TypeError(`${C.name}() takes exactly one argument (the value)`);
    return $enumValue(C, pos[0]);
  }
  const init = C.prototype.__init__;
  const exc = C.prototype instanceof Error;
  let bound = pos;
  if (init.$sig !== undefined) bound = $bindArgs(init.$sig, pos, kw);
  else if (kw !== null && $Object.keys(kw).length) throw new TypeError(`${C.name}() takes no keyword arguments`);
  else if (!exc && pos.length) throw new TypeError(`${C.name}() takes no arguments`);
  return $new(C, bound, exc ? pos : undefined);
}

// @helper $call
// f(*pos, **kw) for a callable the compiler could not see: a compiled function (bound by its
// signature), a bound method, a class, an instance with __call__, or a runtime helper.
function $call(f, pos, kw) {
  if (kw === undefined) kw = null;
  if (typeof f === "function") {
    if (f.$kwcall !== undefined) return f.$kwcall(pos, kw);  // functools.partial
    const sig = f.$sig;
    if (sig !== undefined) {
      // positional arguments within the plain parameters' range need no binding
      if (kw === null && sig[4] === null && sig[7] === null && sig[5].length === 0 && pos.length <= sig[1].length
          && pos.length >= sig[1].length - sig[3]) return f(...pos);
      return f(...$bindArgs(sig, pos, kw));
    }
    if (f.$pyclass === true) return $construct(f, pos, kw);
    if (kw !== null && $Object.keys(kw).length) throw new TypeError(`${f.name || "function"}() takes no keyword arguments`);
    return f(...pos);
  }
  if (f !== null && typeof f === "object" && f.$user && typeof f.__call__ === "function") return $callMethod(f, "__call__", pos, kw);
  throw new TypeError(`'${$typeName(f)}' object is not callable`);
}

// @helper $sig
function $sig(f, sig) { f.$sig = sig; return f; }

// @helper $bindArgs
// Python's binding of positional arguments `pos` and keyword arguments `kw` (a dict, or null) to
// the parameters `sig` describes, with CPython's TypeErrors; answers the compiled function's arguments.
function $bindArgs(sig, pos, kw) {
  const [name, params, posonly, ndef, vararg, kwonly, kwdef, kwarg, kind] = sig;
  const np = params.length, shift = kind === 1 || kind === 3 ? 1 : 0;
  const nv = vararg !== null ? 1 : 0;
  const out = new $Array(np + nv + kwonly.length + (kwarg !== null ? 1 : 0)).fill(undefined);
  const n = pos.length < np ? pos.length : np;
  for (let i = 0; i < n; i++) out[i] = pos[i];
  if (vararg !== null) out[np] = $Object.freeze(pos.slice(np));
  let extra = null, kwonlyGiven = 0;
  if (kw !== null) {
    if ($hasNonStrKeys(kw)) throw new TypeError("keywords must be strings");
    for (const k of $Object.keys(kw)) {
      const i = params.indexOf(k);
      if (i >= posonly) {
        if (out[i] !== undefined) throw new TypeError(`${name}() got multiple values for argument '${k}'`);
        out[i] = kw[k];
        continue;
      }
      const j = kwonly.indexOf(k);
      if (j >= 0) { out[np + nv + j] = kw[k]; kwonlyGiven++; continue; }
      if (kwarg !== null) { if (extra === null) extra = {}; $dictSet(extra, k, kw[k]); continue; }
      if (i >= 0) throw new TypeError(`${name}() got some positional-only arguments passed as keyword arguments: '${k}'`);
      throw new TypeError(`${name}() got an unexpected keyword argument '${k}'`);
    }
  }
  if (kwarg !== null) out[out.length - 1] = extra === null ? {} : extra;
  if (pos.length > np && vararg === null) {
    const lo = np - ndef + shift, hi = np + shift, given = pos.length + shift;
    const takes = lo === hi ? `${hi} positional argument${hi === 1 ? "" : "s"}` : `from ${lo} to ${hi} positional arguments`;
    const also = kwonlyGiven ? ` positional argument${given === 1 ? "" : "s"} (and ${kwonlyGiven} keyword-only argument${kwonlyGiven === 1 ? "" : "s"})` : "";
    throw new TypeError(`${name}() takes ${takes} but ${given}${also} ${given === 1 && !also ? "was" : "were"} given`);
  }
  const missing = [];
  for (let i = 0; i < np - ndef; i++) if (out[i] === undefined) missing.push(params[i]);
  if (missing.length) throw new TypeError(`${name}() missing ${$missingNames(missing, "positional")}`);
  for (let j = 0; j < kwonly.length; j++) if (!kwdef[j] && out[np + nv + j] === undefined) missing.push(kwonly[j]);
  if (missing.length) throw new TypeError(`${name}() missing ${$missingNames(missing, "keyword-only")}`);
  return out;
}

// @helper $missingNames
function $missingNames(names, what) {
  const q = names.map((n) => `'${n}'`);
  const list = q.length === 1 ? q[0] : q.length === 2 ? `${q[0]} and ${q[1]}` : `${q.slice(0, -1).join(", ")}, and ${q[q.length - 1]}`;
  return `${names.length} required ${what} argument${names.length === 1 ? "" : "s"}: ${list}`;
}

// @helper $starArgs
// The positional arguments of f(a, *parts, b): each *part must be iterable.
function $starArgs(name, parts) {
  const out = [];
  for (const [star, v] of parts) {
    if (!star) { out.push(v); continue; }
    if (v === null || (typeof v !== "object" && typeof v !== "string")) {
      throw new TypeError(`${name}() argument after * must be an iterable, not ${$typeName(v)}`);
    }
    for (const x of $iter(v)) out.push(x);
  }
  return out;
}

// @helper $kwArgs
// The keyword arguments of f(a=1, **fields, b=2): each **part must be a dict, and a keyword may come once.
function $kwArgs(name, parts) {
  const out = {};
  for (const [star, v] of parts) {
    if (star && !$isDict(v)) throw new TypeError(`${name}() argument after ** must be a mapping, not ${$typeName(v)}`);
    if (star && $hasNonStrKeys(v)) throw new TypeError("keywords must be strings");
    for (const k of $Object.keys(v)) {
      if ($Object.hasOwn(out, k)) throw new TypeError(`${name}() got multiple values for keyword argument '${k}'`);
      $dictSet(out, k, v[k]);
    }
  }
  return out;
}

// @helper $callMethod
// o.name(...): a method of a user object or of a runtime object (a response, a datetime, a match),
// or a function stored in an attribute; on a class, its static method, classmethod or function.
function $callMethod(o, name, args, kw) {
  if (kw === undefined) kw = null;
  if (o !== null && typeof o === "object") {
    if (!$isDict(o) && !(o instanceof $Set) && !(o instanceof $Uint8Array) && (!$Array.isArray(o) || $getProto(o) !== $Array.prototype)) {
      const f = o[name];
      if (typeof f === "function") {
        if (f.$sig !== undefined) return f.apply(o, $bindArgs(f.$sig, args, kw));
        if (kw !== null && $Object.keys(kw).length) throw new TypeError(`${$pyName(name)}() takes no keyword arguments`);
        return f.apply(o, args);
      }
    }
  } else if (typeof o === "function" && o.$pyclass === true) {
    const f = o.prototype[name];
    if (typeof f === "function") {
      const kind = f.$sig === undefined ? 0 : f.$sig[8];
      if (kind === 2 || kind === 3) return f.apply(o, f.$sig === undefined ? args : $bindArgs(f.$sig, args, kw));
      if (!args.length) throw new TypeError(`${o.name}.${$pyName(name)}() missing 1 required positional argument: 'self'`);
      return f.apply(args[0], f.$sig === undefined ? args.slice(1) : $bindArgs(f.$sig, args.slice(1), kw));
    }
  }
  throw $attrError(o, name);
}

// @helper $bound
// obj.method as a value: a function calling it on obj.
function $bound(o, f) {
  const b = (...a) => f.apply(o, a);
  if (f.$sig !== undefined) {
    const s = f.$sig;
    $Object.defineProperty(b, "$sig", { value: s });
    return $Object.defineProperty(b, "$boundTo", { value: o });
  }
  return b;
}

// @helper $clsOf
// What `cls` is inside a classmethod: the class it was called on, or the class of the instance.
function $clsOf(t) { return typeof t === "function" ? t : t.constructor; }

// @helper $classAttr
// C.name for a user class C held in a variable: a class attribute, member, static method or classmethod.
function $classAttr(C, name) {
  const v = C.prototype[name];
  if (v === undefined) throw new $AttributeError(`type object '${C.name}' has no attribute '${$pyName(name)}'`);
  if (typeof v === "function" && !$Object.hasOwn(v, "$pyclass")) {
    const kind = v.$sig === undefined ? 0 : v.$sig[8];
    if (kind === 3) return $bound(C, v);
    if (kind === 1) return (self, ...a) => v.apply(self, a);
  }
  return v;
}

// @helper $objOp
// a <op> b where a or b is an object defining the operator (a user class, a datetime, a timedelta):
// a.__op__(b), then b.__rop__(a); NotImplemented when neither does.
function $objOp(a, b, op, rop) {
  if (a !== null && typeof a === "object" && typeof a[op] === "function") {
    const r = a[op](b);
    if (r !== $NotImplemented) return r;
  }
  if (b !== null && typeof b === "object" && typeof b[rop] === "function") {
    const r = b[rop](a);
    if (r !== $NotImplemented) return r;
  }
  return $NotImplemented;
}

// @helper $richCompare
// a < b (op "<", "<=", ">", ">=") where a or b is a user object: __lt__ and its reflection __gt__...
function $richCompare(a, b, op) {
  const names = { "<": ["__lt__", "__gt__"], "<=": ["__le__", "__ge__"], ">": ["__gt__", "__lt__"], ">=": ["__ge__", "__le__"] }[op];
  const r = $objOp(a, b, names[0], names[1]);
  if (r === $NotImplemented) {
    throw new TypeError(`'${op}' not supported between instances of '${$typeName(a)}' and '${$typeName(b)}'`);
  }
  return $truthy(r);
}

// @helper $pyName
// The Python name of a stored attribute name ("message$" is stored for "message").
function $pyName(name) { return name.endsWith("$") ? name.slice(0, -1) : name; }

// @helper $objCopy
// copy.copy / copy.deepcopy of a user object: a new instance of its class with the attributes copied.
function $objCopy(x, deep) {
  const out = $Object.create($getProto(x));
  for (const k of $Object.keys(x)) out[k] = deep ? $deepcopy(x[k]) : x[k];
  return out;
}

// @helper $superCall
// super().name(...): the base class's method on this object, bound at run time.
function $superCall(f, name, self, pos, kw) {
  if (typeof f !== "function") throw new $AttributeError(`'super' object has no attribute '${$pyName(name)}'`);
  return f.apply(self, f.$sig === undefined ? pos : $bindArgs(f.$sig, pos, kw));
}

// @helper $PyEnum
// enum.Enum: members are instances made once, with name and value; str() "Color.RED".
class $PyEnum extends $PyObject {
  __str__() { return `${this.constructor.name}.${this.name$}`; }
  __repr__() { return `<${this.constructor.name}.${this.name$}: ${$repr(this.value)}>`; }
}

// @helper $enumClass
// An Enum's members, in definition order; a second name for an equal value is an alias of the first.
function $enumClass(C, entries) {
  const members = [];
  for (const [name, value] of entries) {
    let m = members.find((x) => $eq(x.value, value));
    if (m === undefined) {
      m = $Object.create(C.prototype);
      $Object.defineProperty(m, "name$", { value: name, enumerable: true });
      $Object.defineProperty(m, "value", { value, enumerable: true });
      members.push(m);
    }
    $Object.defineProperty(C.prototype, name, { value: m, configurable: true });
  }
  $Object.defineProperty(C, "$members", { value: $Object.freeze(members) });
  return C;
}

// @helper $enumValue
// Color(value): the member with that value.
function $enumValue(C, v) {
  if (v instanceof C) return v;
  for (const m of C.$members) if ($eq(m.value, v)) return m;
  throw new $ValueError(`${$repr(v)} is not a valid ${C.name}`);
}

// @helper $enumName
// Color[name]: the member (or alias) of that name.
function $enumName(C, k) {
  if (typeof k === "string" && $Object.hasOwn(C.prototype, k) && C.prototype[k] instanceof C) return C.prototype[k];
  throw new $KeyError(k);
}

// @helper $FrozenInstanceError
const $FrozenInstanceError = $excType("FrozenInstanceError", $AttributeError);

// @helper $dataclass
// What @dataclass generates besides __init__ (compiled from Python): __eq__ and __repr__ over the
// fields, the ordering methods (order=True), read-only attributes (frozen=True). fields: [Python
// name, stored name, in repr (1/0), compared (1/0)].
function $dataclass(C, fields, opts) {
  $Object.defineProperty(C, "$fields", { value: fields });
  const proto = C.prototype;
  const compared = fields.filter((f) => f[3]);
  const key = (o) => $Object.freeze(compared.map((f) => o[f[1]]));
  const same = (a, b) => b !== null && typeof b === "object" && b.constructor === a.constructor;
  if (opts.eq && !$Object.hasOwn(proto, "__eq__")) {
    proto.__eq__ = function (o) { return same(this, o) ? $eq(key(this), key(o)) : $NotImplemented; };
  }
  if (opts.repr && !$Object.hasOwn(proto, "__repr__")) {
    const shown = fields.filter((f) => f[2]);
    proto.__repr__ = function () {
      return `${this.constructor.name}(${shown.map((f) => `${f[0]}=${$repr(this[f[1]])}`).join(", ")})`;
    };
  }
  if (opts.order) {
    for (const [name, op] of [["__lt__", "<"], ["__le__", "<="], ["__gt__", ">"], ["__ge__", ">="]]) {
      proto[name] = function (o) { return same(this, o) ? $compare(key(this), key(o), op) : $NotImplemented; };
    }
  }
  if (opts.frozen) $Object.defineProperty(proto, "$frozen", { value: true });
  if (opts.eq) $Object.defineProperty(proto, "$hashKey", { value: opts.frozen ? function () { return key(this); } : null });
  return C;
}

// @helper $classOfValue
// The class of an instance from its prototype, never its "constructor" property: a dict is a plain
// object, and its key "constructor" (an event's {"constructor": null}) would shadow it.
function $classOfValue(x) {
  const p = $Object.getPrototypeOf(x);
  return p === null ? undefined : p.constructor;
}

// @helper $isDataclass
function $isDataclass(x) {
  if (x === null || (typeof x !== "object" && typeof x !== "function")) return false;
  const C = typeof x === "function" ? x : $classOfValue(x);
  return C !== undefined && C !== null && C.$fields !== undefined;
}

// @helper $asdict
// dataclasses.asdict / astuple: fields recursively, lists, tuples and dicts copied, other values deep-copied.
function $asdict(x, tuple) {
  if (!$isDataclass(x) || typeof x === "function") {
    throw new TypeError(`${tuple ? "astuple" : "asdict"}() should be called on dataclass instances`);
  }
  const inner = (v) => {
    if ($isDataclass(v) && typeof v !== "function") {
      const fs = $classOfValue(v).$fields;
      if (tuple) return $Object.freeze(fs.map((f) => inner(v[f[1]])));
      const out = {};
      for (const f of fs) $dictSet(out, f[0], inner(v[f[1]]));
      return out;
    }
    if ($Array.isArray(v)) { const out = v.map(inner); return $Object.isFrozen(v) ? $Object.freeze(out) : out; }
    if ($isDict(v)) { const out = {}; for (const k of $Object.keys(v)) $dictSet(out, inner(k), inner(v[k])); return out; }
    return $deepcopy(v);
  };
  return inner(x);
}

// @helper $dcReplace
// dataclasses.replace(obj, **changes): a new instance, its __init__ called with the fields and the changes.
function $dcReplace(x, changes) {
  if (!$isDataclass(x) || typeof x === "function") throw new TypeError("replace() should be called on dataclass instances");
  const C = $classOfValue(x), kw = {};
  const params = C.prototype.__init__.$sig;
  for (const f of C.$fields) if (params[1].includes(f[0]) || params[5].includes(f[0])) kw[f[0]] = x[f[1]];
  for (const k of $Object.keys(changes)) kw[k] = changes[k];
  return $construct(C, [], kw);
}

// @helper $dcFields
// dataclasses.fields(x): objects with the fields' name.
function $dcFields(x) {
  if (!$isDataclass(x)) throw new TypeError("must be called with a dataclass type or instance");
  const C = typeof x === "function" ? x : $classOfValue(x);
  return $Object.freeze(C.$fields.map((f) => new $Field(f[0])));
}

// @helper $Field
class $Field { constructor(name) { this.name$ = name; this.$pytype = "Field"; } }
