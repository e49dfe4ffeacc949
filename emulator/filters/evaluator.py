"""The FQL IR evaluator: each IR is compiled once into a Python closure with @segment/tsub's semantics.

tsub parses the IR JSON on every event and walks it; here the IR is parsed and turned into nested
closures once (cached by its text), so an event costs only the closures' calls. What the closures do
is tsub 2.0.1's ``matchers.ts``, rule by rule:

- A node that is not an array is true only when its value is the boolean ``true``.
- ``getValue``: an array is itself (an unevaluated IR array!), ``{"value": v}`` is ``v`` (``null``
  throws), a string is a path read with ``dlv``, a number or boolean gives back the whole event.
- ``!``, ``and``, ``or`` use JavaScript truthiness; ``and`` and ``or`` take any number of operands.
- ``=`` / ``!=`` evaluate an operand only if it is a *function* node (``lowercase``, ``length``,
  ``typeof`` with one argument, ``contains``/``match`` with two, ``semver`` with three), even when the
  array came out of the event. Two object-typed values (null, arrays, objects) compare by their
  ``JSON.stringify`` text; anything else by ``===``.
- ``< <= > >=`` evaluate function nodes the same way and need two numbers.
- ``in`` looks each list element up with ``getValue`` (so strings in the list are *paths*) and
  throws unless the list is an array.
- ``contains`` and ``match`` never evaluate nested functions and need two strings.
- An unknown head throws; the error surfaces when (and only if) that node is reached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .errors import EvaluationError
from .glob import compile_glob
from .jsvalues import (
    MAX_SAFE,
    NAN,
    UNDEFINED,
    as_double,
    js_typeof,
    parse_int,
    stringify,
    strict_equal,
    to_property_key,
    truthy,
    utf16_length,
    utf16_units,
)
from .paths import dlv, path_getter

U = UNDEFINED
Fn = Callable[[Any], Any]
_NOT_CONSTANT: Any = object()
_FUNCTION_LENGTHS = {"lowercase": 2, "length": 2, "typeof": 2, "contains": 3, "match": 3, "semver": 4}
_SURROGATE = re.compile("[\ud800-\udfff]")


def is_function_node(value: list) -> bool:
    """tsub's ``isIR``: the function calls that ``=``, ``!=`` and the orderings evaluate."""
    if not value:
        return False
    head = value[0]
    return type(head) is str and _FUNCTION_LENGTHS.get(head) == len(value)


def _throws(message: str) -> Fn:
    def fail(ev: Any) -> Any:
        raise EvaluationError(message)
    return fail


def _operand(ir: Any) -> tuple[Fn, Any]:
    """tsub's ``getValue`` for one IR operand: (reader, the constant it always gives or _NOT_CONSTANT)."""
    kind = type(ir)
    if kind is str:
        return path_getter(ir), _NOT_CONSTANT
    if kind is dict:
        value = ir.get("value", U)
        return (lambda ev: value), value
    if kind is list:
        return (lambda ev: ir), ir
    if ir is None:
        return _throws("TypeError: Cannot read properties of null (reading 'value')"), _NOT_CONSTANT
    if ir is U:
        return _throws("TypeError: Cannot read properties of undefined (reading 'split')"), _NOT_CONSTANT
    return (lambda ev: ev), _NOT_CONSTANT  # dlv(event, 5) is the event itself


def _element_value(element: Any, ev: Any) -> Any:
    """``getValue`` for an element found at run time (inside a list taken from the event)."""
    kind = type(element)
    if kind is str:
        return dlv(ev, element)
    if kind is dict:
        return element.get("value", U)
    if kind is list:
        return element
    if element is None:
        raise EvaluationError("TypeError: Cannot read properties of null (reading 'value')")
    if element is U:
        raise EvaluationError("TypeError: Cannot read properties of undefined (reading 'split')")
    return ev


def _run_dynamic(node: list, ev: Any) -> Any:
    """A function node that came out of the event (or a list literal) rather than the IR."""
    return compile_node(node)[0](ev)


def _compared(ir: Any) -> tuple[Fn, Any, bool]:
    """An operand of ``=``/``<``...: (reader, constant or _NOT_CONSTANT, whether it needs the
    run-time function-node check because its value comes from the event)."""
    get, constant = _operand(ir)
    if constant is _NOT_CONSTANT:
        return get, constant, True
    if type(constant) is list and is_function_node(constant):
        return compile_node(constant)[0], _NOT_CONSTANT, False
    return get, constant, False


def _is_object(value: Any) -> bool:
    return value is None or type(value) is dict or type(value) is list


def _equal(a: Any, b: Any) -> bool:
    if _is_object(a) and _is_object(b):
        return stringify(a) == stringify(b)
    return strict_equal(a, b)


def _compile_equal(left: Any, right: Any, negate: bool) -> Fn:
    get_a, const_a, raw_a = _compared(left)
    get_b, const_b, raw_b = _compared(right)
    if const_a is not _NOT_CONSTANT and const_b is _NOT_CONSTANT:  # literal on the left: swap (= is symmetric)
        get_a, const_a, raw_a, get_b, const_b, raw_b = get_b, const_b, raw_b, get_a, const_a, raw_a
    if const_b is not _NOT_CONSTANT and const_a is _NOT_CONSTANT:
        return _equal_constant(get_a, raw_a, const_b, negate)

    def equal(ev: Any) -> bool:
        a = get_a(ev)
        if raw_a and type(a) is list and is_function_node(a):
            a = _run_dynamic(a, ev)
        b = get_b(ev)
        if raw_b and type(b) is list and is_function_node(b):
            b = _run_dynamic(b, ev)
        return _equal(a, b) is not negate
    return equal


def _equal_constant(get: Fn, raw: bool, constant: Any, negate: bool) -> Fn:
    """``path = "literal"``, the commonest filter: strings and numbers take a short road."""
    if _is_object(constant):
        text = stringify(constant)

        def equal_object(ev: Any) -> bool:
            v = get(ev)
            if raw and type(v) is list and is_function_node(v):
                v = _run_dynamic(v, ev)
            return (_is_object(v) and stringify(v) == text) is not negate
        return equal_object
    if type(constant) is str:
        def equal_string(ev: Any) -> bool:
            v = get(ev)
            if type(v) is str:
                return (v == constant) is not negate
            if raw and type(v) is list and is_function_node(v):
                v = _run_dynamic(v, ev)
                return (type(v) is str and v == constant) is not negate
            return negate
        return equal_string

    def equal_value(ev: Any) -> bool:
        v = get(ev)
        if raw and type(v) is list and is_function_node(v):
            v = _run_dynamic(v, ev)
        return strict_equal(v, constant) is not negate
    return equal_value


def _double(x: Any) -> Any:
    return x if type(x) is float or -MAX_SAFE <= x <= MAX_SAFE else as_double(x)


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compile_order(op: str, left: Any, right: Any) -> Fn:
    get_a, _, raw_a = _compared(left)
    get_b, _, raw_b = _compared(right)
    compare = _ORDER[op]

    def order(ev: Any) -> bool:
        a = get_a(ev)
        if raw_a and type(a) is list and is_function_node(a):
            a = _run_dynamic(a, ev)
        b = get_b(ev)
        if raw_b and type(b) is list and is_function_node(b):
            b = _run_dynamic(b, ev)
        ka, kb = type(a), type(b)
        if (ka is int or ka is float) and (kb is int or kb is float):
            return compare(_double(a), _double(b))
        return False
    return order


def _compile_in(item_ir: Any, list_ir: Any) -> Fn:
    get_item, _ = _operand(item_ir)
    get_list, constant = _operand(list_ir)
    if type(constant) is list:
        readers = [_operand(element) for element in constant]
        if readers and all(type(c) is str for _, c in readers):
            members = frozenset(c for _, c in readers)
            return lambda ev: (type(v := get_item(ev)) is str) and v in members

        def in_literal(ev: Any) -> bool:
            item = get_item(ev)
            return any(strict_equal(read(ev), item) for read, _ in readers)
        return in_literal

    def in_list(ev: Any) -> bool:
        item = get_item(ev)
        found = get_list(ev)
        if type(found) is not list:
            raise EvaluationError(f"TypeError: list.find is not a function (the list is {js_typeof(found)})")
        return any(strict_equal(_element_value(element, ev), item) for element in found)
    return in_list


def _contains(text: str, part: str) -> bool:
    if part in text:
        return True
    # a lone surrogate can match half of an astral character, as JavaScript's indexOf sees it
    return not part.isascii() and _SURROGATE.search(part) is not None and utf16_units(part) in utf16_units(text)


def _compile_contains(left: Any, right: Any) -> Fn:
    get_a, _ = _operand(left)
    get_b, const_b = _operand(right)

    def contains(ev: Any) -> bool:
        a, b = get_a(ev), get_b(ev)
        return type(a) is str and type(b) is str and _contains(a, b)
    return contains


def _compile_match(left: Any, right: Any) -> Fn:
    get_a, _ = _operand(left)
    get_b, const_b = _operand(right)
    if type(const_b) is str:
        glob = compile_glob(const_b)

        def match_literal(ev: Any) -> bool:
            a = get_a(ev)
            return type(a) is str and glob.matches(a)
        return match_literal

    def match(ev: Any) -> bool:
        a, b = get_a(ev), get_b(ev)
        return type(a) is str and type(b) is str and compile_glob(b).matches(a)
    return match


def _length(value: Any) -> Any:
    if value is None:
        return 0
    kind = type(value)
    if kind is list:
        return len(value)
    if kind is str:
        return utf16_length(value)
    return NAN


def _semver_parts(version: str) -> tuple[float, float, float] | None:
    parts = version.split(".")
    if len(parts) > 3:
        return None
    numbers = [parse_int(part) for part in parts] + [0.0] * (3 - len(parts))
    if any(n != n for n in numbers):
        return None
    return numbers[0], numbers[1], numbers[2]


_SEMVER = {
    "=": lambda c: c == 0, "!=": lambda c: c != 0, ">": lambda c: c > 0,
    ">=": lambda c: c >= 0, "<": lambda c: c < 0, "<=": lambda c: c <= 0,
}


def semver(v1: Any, op: Any, v2: Any) -> bool:
    if type(v1) is not str or type(op) is not str or type(v2) is not str:
        return False
    p1, p2 = _semver_parts(v1), _semver_parts(v2)
    if p1 is None or p2 is None:
        return False
    test = _SEMVER.get(op)
    return test is not None and test((p1 > p2) - (p1 < p2))


def _compile_function(head: str, ir: list) -> Fn:
    args = [ir[i] if i < len(ir) else U for i in range(1, 4)]
    if head == "contains":
        return _compile_contains(args[0], args[1])
    if head == "match":
        return _compile_match(args[0], args[1])
    get, _ = _operand(args[0])
    if head == "lowercase":
        return lambda ev: v.lower() if type(v := get(ev)) is str else None
    if head == "typeof":
        return lambda ev: js_typeof(get(ev))
    if head == "length":
        return lambda ev: _length(get(ev))
    get_op, _ = _operand(args[1])
    get_v2, _ = _operand(args[2])
    return lambda ev: semver(get(ev), get_op(ev), get_v2(ev))


_BOOLEAN_HEADS = frozenset({"!", "and", "or", "=", "!=", "<", "<=", ">", ">=", "in", "contains", "match", "semver"})


def compile_node(ir: Any) -> tuple[Fn, bool]:
    """One IR node -> (closure giving the JavaScript value tsub's ``fqlEvaluate`` gives, whether
    that value is always a boolean)."""
    if type(ir) is not list:
        get, constant = _operand(ir)
        if constant is not _NOT_CONSTANT:
            result = constant is True
            return (lambda ev: result), True
        return (lambda ev: get(ev) is True), True
    head = ir[0] if ir else U
    operand = [ir[i] if i < len(ir) else U for i in range(1, 3)]
    if head == "!" and type(head) is str:
        inner, is_bool = compile_node(operand[0])
        if is_bool:
            return (lambda ev: not inner(ev)), True
        return (lambda ev: not truthy(inner(ev))), True
    if (head == "and" or head == "or") and type(head) is str:
        return _compile_logic(head, [compile_node(x) for x in ir[1:]]), True
    if type(head) is str:
        if head == "=" or head == "!=":
            return _compile_equal(operand[0], operand[1], head == "!="), True
        if head in _ORDER:
            return _compile_order(head, operand[0], operand[1]), True
        if head == "in":
            return _compile_in(operand[0], operand[1]), True
        if head in _FUNCTION_LENGTHS:
            return _compile_function(head, ir), head in _BOOLEAN_HEADS
    shown = to_property_key(head) if head is not U else "undefined"
    return _throws(f"FQL IR could not evaluate for token: {shown}"), True


def _compile_logic(head: str, parts: list[tuple[Fn, bool]]) -> Fn:
    tests = [fn if is_bool else (lambda ev, fn=fn: truthy(fn(ev))) for fn, is_bool in parts]
    if head == "and":
        if len(tests) == 2:
            first, second = tests
            return lambda ev: first(ev) and second(ev)
        return lambda ev: all(test(ev) for test in tests)
    if len(tests) == 2:
        first, second = tests
        return lambda ev: first(ev) or second(ev)
    return lambda ev: any(test(ev) for test in tests)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_ir(text: str) -> Any:
    """``JSON.parse`` for IR text (NaN and Infinity are not JSON)."""
    return json.loads(text, parse_constant=_reject_constant)


@lru_cache(maxsize=4096)
def compile_ir(text: str) -> Callable[[Any], bool]:
    """IR text (a matcher's ``ir``) -> ``event -> bool``, as tsub's ``matches`` answers for type fql.
    Bad JSON gives a matcher that throws, as tsub does when it meets it."""
    if not text:
        return lambda ev: False
    try:
        ir = parse_ir(text)
    except ValueError as error:
        return _throws(f'Failed to JSON.parse FQL intermediate representation "{text}": {error}')
    try:
        fn, is_bool = compile_node(ir)
    except RecursionError:
        return _throws("the IR is nested too deeply for segfn to compile")
    if is_bool:
        return fn
    return lambda ev: r if type(r := fn(ev)) is bool else False


def compile_matcher(matcher: Any) -> Callable[[Any], bool]:
    """A routing rule's matcher -> ``event -> bool``, with tsub's errors deferred to evaluation."""
    if not truthy(matcher):
        return _throws("No matcher supplied!")
    kind = matcher.get("type", U) if type(matcher) is dict else U
    if kind == "all" and type(kind) is str:
        return lambda ev: True
    if kind == "fql" and type(kind) is str:
        ir = matcher.get("ir", U)
        if not truthy(ir):
            return lambda ev: False
        return compile_ir(ir if type(ir) is str else to_property_key(ir))
    return _throws(f"Matcher of type {to_property_key(kind)} unsupported.")
