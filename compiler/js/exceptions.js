// Python's exception classes. Each Python exception keeps its constructor arguments in `args`
// and derives its message from them (str(e) in Python), through a `message` getter.

// @helper $excMessage
function $excMessage(e) {
  if (typeof e.__str__ === "function") return $strResult(e.__str__(), "__str__");
  return $excArgsStr(e);
}

// @helper $excArgsStr
// BaseException.__str__: "" for no arguments, str of the one argument, str of the tuple otherwise.
function $excArgsStr(e) {
  const a = e.args || [];
  return a.length === 0 ? "" : a.length === 1 ? $str(a[0]) : $str(a);
}

// @helper $userExcClass
// Finish a user exception class: what $pyClass does for any class, BaseException's __init__ when
// its base is one of Segment's error classes (which have none), and what $excClass does.
function $userExcClass(C, name, sigs) {
  $pyClass(C, name, sigs);
  if (typeof C.prototype.__init__ !== "function") C.prototype.__init__ = $PyException.prototype.__init__;
  return $excClass(C, name);
}

// @helper $excClass
// Finish an exception class: its Python name and a message derived from its args.
function $excClass(C, name) {
  $Object.defineProperty(C, "name", { value: name, configurable: true });
  $Object.defineProperty(C, "$pyclass", { value: true, configurable: true });
  $Object.defineProperty(C.prototype, "name", { value: name, writable: true, configurable: true });
  $Object.defineProperty(C.prototype, "message", {
    get() { return $excMessage(this); }, set(v) { $Object.defineProperty(this, "message", { value: v, writable: true, configurable: true }); },
    configurable: true,
  });
  return C;
}

// @helper $PyException
// BaseException: the arguments are kept in args (its __init__ sets them again, as CPython's does).
class $PyException extends Error {
  constructor(...args) { super(); this.args = $Object.freeze(args); }
  __init__(...args) { this.args = $Object.freeze(args); return null; }
  __str__() { return $excArgsStr(this); }
  __repr__() {
    const args = this.args || [];
    return `${this.constructor.name}(${args.length === 1 ? $repr(args[0]) : args.map((v) => $repr(v)).join(", ")})`;
  }
}
$excClass($PyException, "Exception");

// @helper $excType
function $excType(name, Base) {
  const C = class extends Base {};
  return $excClass(C, name);
}

// @helper $LookupError
const $LookupError = $excType("LookupError", $PyException);
// @helper $KeyError
const $KeyError = $excType("KeyError", $LookupError);
$KeyError.prototype.__str__ = function () { return this.args.length === 1 ? $repr(this.args[0]) : $str(this.args.length ? this.args : ""); };
// @helper $IndexError
const $IndexError = $excType("IndexError", $LookupError);
// @helper $ValueError
const $ValueError = $excType("ValueError", $PyException);
// @helper $JSONDecodeError
const $JSONDecodeError = $excType("JSONDecodeError", $ValueError);
// @helper $ArithmeticError
const $ArithmeticError = $excType("ArithmeticError", $PyException);
// @helper $ZeroDivisionError
const $ZeroDivisionError = $excType("ZeroDivisionError", $ArithmeticError);
// @helper $OverflowError
const $OverflowError = $excType("OverflowError", $ArithmeticError);
// @helper $AttributeError
const $AttributeError = $excType("AttributeError", $PyException);
// @helper $NameError
const $NameError = $excType("NameError", $PyException);
// @helper $UnboundLocalError
const $UnboundLocalError = $excType("UnboundLocalError", $NameError);
// @helper $RuntimeError
const $RuntimeError = $excType("RuntimeError", $PyException);
// @helper $NotImplementedError
const $NotImplementedError = $excType("NotImplementedError", $RuntimeError);
// @helper $AssertionError
const $AssertionError = $excType("AssertionError", $PyException);
// @helper $StopIteration
const $StopIteration = $excType("StopIteration", $PyException);
// @helper $UnicodeError
const $UnicodeError = $excType("UnicodeError", $ValueError);
// @helper $BinasciiError
const $BinasciiError = $excType("Error", $ValueError);

// Segment's error classes: the runtime's own when it has them, an equivalent otherwise.
// @helper $EventNotSupported
const $EventNotSupported = typeof EventNotSupported === "function" ? EventNotSupported : $segError("EventNotSupported");
// @helper $InvalidEventPayload
const $InvalidEventPayload = typeof InvalidEventPayload === "function" ? InvalidEventPayload : $segError("InvalidEventPayload");
// @helper $ValidationError
const $ValidationError = typeof ValidationError === "function" ? ValidationError : $segError("ValidationError");
// @helper $RetryError
const $RetryError = typeof RetryError === "function" ? RetryError : $segError("RetryError");
// @helper $DropEvent
const $DropEvent = typeof DropEvent === "function" ? DropEvent : $segError("DropEvent");

// @helper $segError
function $segError(name) {
  const C = class extends Error {
    constructor(message) { super(message); this.name = name; }
  };
  $Object.defineProperty(C, "name", { value: name });
  return C;
}

// @helper $isFetchError
function $isFetchError(e) { return $isExc(e) && (e.name === "FetchError" || e.constructor.name === "FetchError"); }

// @helper $isExc
// Errors thrown by the runtime's own fetch come from another realm: instanceof Error misses them.
function $isExc(e) { return e instanceof Error || $Object.prototype.toString.call(e) === "[object Error]"; }

// @helper $raisable
// raise x, for x computed: an exception instance, or a class to instantiate without arguments.
function $raisable(x) {
  if (typeof x === "function" && (x.prototype instanceof Error || x === Error)) return x.$pyclass ? $construct(x, [], null) : new x();
  if (x instanceof Error) return x;
  return new TypeError("exceptions must derive from BaseException");
}

// @helper $pyTrace
// An error leaving a handler: each frame of its stack in this bundle is mapped to the Python file:line
// it was compiled from ($LINES, written by compiler/lines.py), and those frames go first in its stack,
// innermost first as V8 prints them ("    at send (functions/sprig.py:42)"), the JavaScript frames
// after them. $ORIGIN is an Error made on a known line of the bundle: the line the runtime reports for
// it tells how many lines a loader put before the bundle. Never throws; the error keeps its message.
const $traced = new WeakSet();
function $pyTrace(e) {
  try {
    if (e === null || typeof e !== "object" || typeof e.stack !== "string" || $traced.has(e)) return e;
    const frame = /^\s*at (?:async )?(?:(.*?) \()?(.*?):(\d+):\d+\)?$/;
    const origin = frame.exec(String($ORIGIN[0].stack).split("\n").find((l) => frame.test(l)) || "");
    if (origin === null) return e;
    const shift = Number(origin[3]) - $ORIGIN[1];
    const starts = [], files = [], pys = [];
    let js = 0, file = 0;
    for (const token of $LINES[1].split(" ")) {
      if (token[0] === "=") { file = Number(token.slice(1)); continue; }
      const [d, py] = token.split(",");
      js += Number(d);
      starts.push(js); files.push(file); pys.push(Number(py));
    }
    const lines = e.stack.split("\n");
    const at = lines.findIndex((l) => frame.test(l));
    const found = [];
    for (const l of at < 0 ? [] : lines.slice(at)) {
      const m = frame.exec(l);
      if (m === null || m[2] !== origin[2]) continue;
      const n = Number(m[3]) - shift;
      let lo = 0, hi = starts.length - 1, i = -1;
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (starts[mid] <= n) { i = mid; lo = mid + 1; } else hi = mid - 1; }
      if (i < 0 || pys[i] === 0) continue;
      const where = `${$LINES[0][files[i]]}:${pys[i]}`;
      found.push(m[1] ? `    at ${m[1]} (${where})` : `    at ${where}`);
    }
    if (found.length === 0) return e;
    let head;
    try { const m = $String(e.message); head = m === "" ? $String(e.name) : `${e.name}: ${m}`; } catch (_) { head = lines.slice(0, Math.max(at, 1)).join("\n"); }
    $Object.defineProperty(e, "stack", { value: [head, ...found, ...(at < 0 ? [] : lines.slice(at))].join("\n"),
                                         writable: true, configurable: true });
    $traced.add(e);
  } catch (_) { /* a trace is a courtesy: the error itself is what Segment must see */ }
  return e;
}
