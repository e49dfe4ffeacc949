"""Reading a dotted path out of an event the way tsub does (the ``dlv`` package).

``dlv`` splits the path on every ``.`` (no unescaping) and steps with ``obj = obj ? obj[key] :
undefined``: it walks through anything truthy and stops at ``0``, ``""``, ``false`` and ``null``. A
string or an array answers ``length`` and its indices (``products.0.id``, ``email.length``).
Prototype members (``toString``, ``constructor``, ...) are not emulated: see the divergences list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import EvaluationError
from .jsvalues import UNDEFINED, array_index, to_number, to_property_key, truthy, utf16_length, utf16_units

U = UNDEFINED


def member(obj: Any, key: str) -> Any:
    """``obj[key]`` for a JSON value (``key`` already a string)."""
    kind = type(obj)
    if kind is dict:
        return obj.get(key, U)
    if kind is list:
        if key == "length":
            return len(obj)
        index = array_index(key)
        return obj[index] if index is not None and index < len(obj) else U
    if kind is str:
        if key == "length":
            return utf16_length(obj)
        index = array_index(key)
        if index is not None:
            units = utf16_units(obj)
            return units[index] if index < len(units) else U
        return U
    if obj is None or obj is U:
        raise EvaluationError(f"TypeError: Cannot read properties of {obj!r} (reading '{key}')")
    return U


def walk(obj: Any, keys: list[str] | tuple[str, ...]) -> Any:
    for key in keys:
        if not truthy(obj):
            return U
        obj = member(obj, key)
    return obj


def dlv(obj: Any, path: Any) -> Any:
    """``dlv(obj, path)`` for any JSON ``path``: a string splits on dots; a number or boolean has no
    ``length``, so the object itself comes back; an array is a list of keys."""
    kind = type(path)
    if kind is str:
        return walk(obj, path.split("."))
    if path is None or path is U:
        raise EvaluationError(f"TypeError: Cannot read properties of {path!r} (reading 'split')")
    if kind is list:
        return walk(obj, [to_property_key(k) for k in path])
    if kind is dict:
        count = to_number(path.get("length", U))
        index = 0
        while index < count:  # NaN never is: the object itself comes back
            if not truthy(obj):
                return U
            obj = member(obj, to_property_key(path.get(str(index), U)))
            index += 1
        return obj
    return obj


def path_getter(path: str) -> Callable[[Any], Any]:
    """A fast reader for one IR path; the common all-objects walk avoids the general loop."""
    keys = tuple(path.split("."))
    if len(keys) == 1:
        (k0,) = keys

        def get1(ev: Any) -> Any:
            if type(ev) is dict:
                return ev.get(k0, U)
            return walk(ev, keys)
        return get1
    if len(keys) == 2:
        k0, k1 = keys
        rest = keys[1:]

        def get2(ev: Any) -> Any:
            if type(ev) is dict:
                o = ev.get(k0, U)
                if type(o) is dict:
                    return o.get(k1, U)
                return walk(o, rest)
            return walk(ev, keys)
        return get2
    if len(keys) == 3:
        k0, k1, k2 = keys
        rest1, rest2 = keys[1:], keys[2:]

        def get3(ev: Any) -> Any:
            if type(ev) is dict:
                o = ev.get(k0, U)
                if type(o) is dict:
                    o = o.get(k1, U)
                    if type(o) is dict:
                        return o.get(k2, U)
                    return walk(o, rest2)
                return walk(o, rest1)
            return walk(ev, keys)
        return get3
    return lambda ev: walk(ev, keys)
