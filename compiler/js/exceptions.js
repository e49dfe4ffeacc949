// Python's exception classes. Each Python exception keeps its constructor arguments in `args`
// and derives its message from them (str(e) in Python), through a `message` getter.

// @helper $excMessage
function $excMessage(e) {
  if (typeof e.__str__ === "function") return $str(e.__str__());
  const a = e.args || [];
  return a.length === 0 ? "" : a.length === 1 ? $str(a[0]) : $str(a);
}

// @helper $excInit
function $excInit(self, args) {
  if ($Object.hasOwn(self, "message")) delete self.message;
  if ($Object.hasOwn(self, "name")) delete self.name;
  self.args = $Object.freeze(args);
  if (typeof self.__init__ === "function") self.__init__(...args);
}

// @helper $superInit
// super().__init__(...) inside an exception class's __init__.
function $superInit(Base, self, args) {
  const init = Base.prototype.__init__;
  if (typeof init === "function") init.apply(self, args);
  else self.args = $Object.freeze(args);
}

// @helper $excClass
// Finish a user exception class: its Python name and a message derived from its args.
function $excClass(C, name) {
  $Object.defineProperty(C, "name", { value: name, configurable: true });
  $Object.defineProperty(C.prototype, "name", { value: name, writable: true, configurable: true });
  $Object.defineProperty(C.prototype, "message", {
    get() { return $excMessage(this); }, set(v) { $Object.defineProperty(this, "message", { value: v, writable: true, configurable: true }); },
    configurable: true,
  });
  return C;
}

// @helper $PyException
class $PyException extends Error {
  constructor(...args) { super(); $excInit(this, args); }
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
function $raisable(x) {
  if (typeof x === "function") return new x();
  if (x instanceof Error) return x;
  return new TypeError("exceptions must derive from BaseException");
}
