"""JavaScript names for Python names: reserved words and the globals a bundle relies on get a ``$``
suffix (a Python identifier cannot contain ``$``, so the result never collides with another name)."""

from __future__ import annotations

JS_RESERVED = frozenset("""
abstract arguments await boolean break byte case catch char class const continue debugger default delete do
double else enum eval export extends false final finally float for function goto if implements import in
instanceof int interface let long native new null package private protected public return short static super
switch synchronized this throw throws transient true try typeof var void volatile while with yield
undefined NaN Infinity globalThis Object Array String Number Boolean Symbol Math JSON Date RegExp Error
TypeError RangeError SyntaxError ReferenceError Promise Map Set WeakMap BigInt Uint8Array DataView ArrayBuffer
Reflect Proxy fetch console Headers URLSearchParams URL btoa atob crypto Buffer setTimeout clearTimeout
setInterval clearInterval require module exports process constructor prototype __proto__
parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI escape unescape
Function Intl TextEncoder TextDecoder structuredClone queueMicrotask EvalError URIError WeakSet WeakRef
Atomics SharedArrayBuffer Float64Array Float32Array Int32Array Int8Array Int16Array Uint16Array Uint32Array
Uint8ClampedArray BigInt64Array BigUint64Array AggregateError FinalizationRegistry Response Request FormData
AbortController Blob cache window self global
EventNotSupported InvalidEventPayload ValidationError RetryError DropEvent FetchError
onIdentify onTrack onPage onScreen onGroup onAlias onDelete onBatch
""".split())

HANDLERS = {
    "on_identify": "onIdentify",
    "on_track": "onTrack",
    "on_page": "onPage",
    "on_screen": "onScreen",
    "on_group": "onGroup",
    "on_alias": "onAlias",
    "on_delete": "onDelete",
    "on_batch": "onBatch",
}


def js_name(name: str) -> str:
    return name + "$" if name in JS_RESERVED else name


# Property names a JavaScript object (or function, array, Error) already has or that JavaScript
# itself reads (a `then` makes an object a thenable, `toJSON` changes JSON.stringify): a Python
# attribute of that name is stored with a "$" suffix.
ATTR_RESERVED = frozenset("""
constructor prototype __proto__ toString toLocaleString valueOf toJSON then hasOwnProperty isPrototypeOf
propertyIsEnumerable __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__ name message stack
cause length caller arguments
""".split())


def attr_name(name: str, cls: str | None = None) -> str:
    """The stored name of a Python attribute: ``__x`` inside class ``C`` is ``_C__x`` (Python's private
    name mangling), and a name JavaScript objects already use gets a ``$`` suffix."""
    if cls is not None and name.startswith("__") and not name.endswith("__") and cls.strip("_"):
        name = f"_{cls.lstrip('_')}{name}"
    return name + "$" if name in ATTR_RESERVED else name
