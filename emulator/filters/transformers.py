"""tsub's transformers (``drop``, ``drop_properties``, ``allow_properties``, ``map_properties``,
``sample_event``, ``hash_properties``), compiled once per rule into closures over a :class:`Work`.

tsub mutates the payload in place. Here the caller's event is never touched: a :class:`Work` copies a
container the first time it is written (copy on write), so an event that only goes through matchers,
drops or samples is never copied, and a ``drop_properties`` on ``properties`` copies two dicts, not
the whole event. Containers the work has made or copied are *owned* and are written in place, which
keeps JavaScript's aliasing where tsub creates it: ``map_properties`` reads from a JSON copy of the
payload and inserts objects of that copy, so two keys copied from one source share one object.

What tsub does with a malformed config (a missing ``config``, ``drop`` that is not an object, an
unknown type ...) is reproduced as an :class:`EvaluationError` raised when the transformer runs, as
tsub throws only then.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from .errors import EvaluationError
from .jsvalues import (
    UNDEFINED,
    array_index,
    js_keys,
    js_typeof,
    json_round_trip,
    stringify,
    to_number,
    to_property_key,
    truthy,
    utf16_units,
)
from .paths import dlv, member, walk

U = UNDEFINED
MAX_GAP = 1_000_000  # an array index this far past the end is refused rather than emulated
_FORBIDDEN = ("__proto__", "constructor", "prototype")


class Work:
    """One event on its way through transformers: the current root and what this work owns."""

    __slots__ = ("root", "owned", "rng", "holes")

    def __init__(self, root: Any, rng: random.Random | Any) -> None:
        self.root = root
        self.owned: set[int] = set()
        self.rng = rng
        self.holes = False

    def own_root(self) -> Any:
        root = self.root
        if id(root) not in self.owned:
            root = _shallow(root)
            self.owned.add(id(root))
            self.root = root
        return root

    def own_member(self, parent: Any, key: str, child: Any) -> Any:
        """``parent[key]`` (a dict or list, parent already owned), copied first if not owned."""
        if id(child) in self.owned:
            return child
        child = _shallow(child)
        self.owned.add(id(child))
        if type(parent) is dict:
            parent[key] = child
        else:
            parent[array_index(key)] = child
        return child

    def own_path(self, keys: list[str] | None) -> Any:
        """The container at ``keys`` (None: the root), owned, with every container above it owned."""
        obj = self.own_root()
        for key in keys or ():
            obj = self.own_member(obj, key, member(obj, key))
        return obj

    def result(self) -> Any:
        """The event as a JSON consumer gets it: array holes become null."""
        if not self.holes:
            return self.root
        return _fill_holes(self.root, self.owned)


def _shallow(obj: Any) -> Any:
    return obj.copy()


def _fill_holes(obj: Any, owned: set[int]) -> Any:
    # holes only ever appear in owned arrays, and only owned containers can lead to them
    if id(obj) not in owned:
        return obj
    if type(obj) is dict:
        for key, value in obj.items():
            if type(value) is dict or type(value) is list:
                _fill_holes(value, owned)
    elif type(obj) is list:
        for index, value in enumerate(obj):
            if value is U:
                obj[index] = None
            elif type(value) is dict or type(value) is list:
                _fill_holes(value, owned)
    return obj


def _owned_copy(value: Any, owned: set[int]) -> Any:
    kind = type(value)
    if kind is dict:
        copy: Any = {k: _owned_copy(v, owned) for k, v in value.items()}
    elif kind is list:
        copy = [_owned_copy(v, owned) for v in value]
    else:
        return value
    owned.add(id(copy))
    return copy


Transformer = Callable[[Work], bool]  # False: the event is dropped


def _raise(message: str) -> Transformer:
    def fail(work: Work) -> bool:
        raise EvaluationError(message)
    return fail


def _property(obj: Any, name: str) -> Any:
    """``obj.name`` for a JSON value: objects have their keys, everything else has none, null throws."""
    if type(obj) is dict:
        return obj.get(name, U)
    if obj is None or obj is U:
        raise EvaluationError(f"TypeError: Cannot read properties of {obj!r} (reading '{name}')")
    return U


def _entries(rule_set: Any) -> list[tuple[str, Any]]:
    """``Object.entries(rule_set)``."""
    kind = type(rule_set)
    if kind is dict:
        return [(k, rule_set[k]) for k in js_keys(rule_set)]
    if kind is list:
        return [(str(i), v) for i, v in enumerate(rule_set)]
    if kind is str:
        return [(str(i), c) for i, c in enumerate(utf16_units(rule_set))]
    if rule_set is None or rule_set is U:
        raise EvaluationError("TypeError: Cannot convert undefined or null to object")
    return []


# --- drop_properties / allow_properties ---------------------------------------------------------


def _compile_filter(config: Any, field: str, allow: bool) -> Transformer:
    try:
        entries = _entries(_property(config, field))
    except EvaluationError as error:
        return _raise(str(error))
    plans = [(key.split(".") if key != "" else None, _targets(targets, allow)) for key, targets in entries]

    def filter_properties(work: Work) -> bool:
        for keys, prune in plans:
            target = work.root if keys is None else walk(work.root, keys)
            if type(target) is list:
                doomed = [(index, found) for index, element in enumerate(target)
                          if (type(element) is dict or type(element) is list) and (found := prune(element))]
                if doomed:
                    owned = work.own_path(keys)
                    for index, keys_to_delete in doomed:
                        _delete_keys(work, work.own_member(owned, str(index), owned[index]), keys_to_delete)
            elif type(target) is dict and (keys_to_delete := prune(target)):
                _delete_keys(work, work.own_path(keys), keys_to_delete)
        return True
    return filter_properties


def _delete_keys(work: Work, obj: Any, doomed: list[str]) -> None:
    """Delete keys from an owned object, or indices from an owned array (which leaves holes)."""
    if type(obj) is dict:
        for key in doomed:
            obj.pop(key, None)
        return
    for key in doomed:
        obj[array_index(key)] = U
    work.holes = True


def _targets(targets: Any, allow: bool) -> Callable[[Any], list[str]]:
    """The keys one object loses: ``prune(obj)`` (raises where tsub's callback throws)."""
    if not allow:
        if type(targets) is not list:
            what = js_typeof(targets) if targets is not None else "null"

            def cannot_drop(obj: Any) -> list[str]:
                raise EvaluationError(f"TypeError: dropList.forEach is not a function (it is {what})")
            return cannot_drop
        names = [to_property_key(t) for t in targets]

        def drop(obj: Any) -> list[str]:
            if type(obj) is dict:
                return [k for k in names if k in obj]
            doomed = []
            for key in names:
                if key == "length":
                    raise EvaluationError("TypeError: Cannot delete property 'length' of [object Array]")
                index = array_index(key)
                if index is not None and index < len(obj) and obj[index] is not U:
                    doomed.append(key)
            return doomed
        return drop

    if type(targets) is list:
        keep = frozenset(t for t in targets if type(t) is str)
        kept = keep.__contains__
    elif type(targets) is str:
        kept = targets.__contains__  # String.prototype.includes: a substring test
    else:
        what = js_typeof(targets) if targets is not None else "null"

        def kept(key: str) -> bool:
            raise EvaluationError(f"TypeError: preserveList.includes is not a function (it is {what})")

    def allow_only(obj: Any) -> list[str]:
        if type(obj) is dict:
            return [k for k in obj if not kept(k)]
        return [str(i) for i, v in enumerate(obj) if v is not U and not kept(str(i))]
    return allow_only


# --- map_properties -----------------------------------------------------------------------------


def _numeric(text: str) -> bool:
    """dset's ``keys[i]*0 !== 0`` test: the next container is an array when the key is a finite number."""
    number = to_number(text)
    return number == number and number not in (float("inf"), float("-inf"))


def _assign(work: Work, obj: Any, key: str, value: Any) -> None:
    if type(obj) is dict:
        obj[key] = value
        return
    if type(obj) is not list:
        raise EvaluationError(f"TypeError: Cannot set properties of {obj!r} (setting '{key}')")
    if key == "length":
        raise EvaluationError("setting an array's length is not emulated (see the divergences list)")
    index = array_index(key)
    if index is None:
        return  # a named property on an array: JSON never shows it
    if index < len(obj):
        obj[index] = value
        return
    gap = index - len(obj)
    if gap > MAX_GAP:
        raise EvaluationError(f"array index {index} is too far past the end to emulate")
    if gap:
        obj.extend([U] * gap)
        work.holes = True
    obj.append(value)


def dset(work: Work, path: str, value: Any) -> None:
    """dset 3.1.4: walk ``path``, keeping objects (and null, which then throws), replacing anything
    else with ``{}`` or ``[]`` (an array when the next key is numeric); stop at ``__proto__`` and co."""
    keys = path.split(".")
    obj = work.own_root()
    last = len(keys) - 1
    for i, key in enumerate(keys):
        if key in _FORBIDDEN:
            return
        if obj is None:
            raise EvaluationError(f"TypeError: Cannot set properties of null (setting '{key}')")
        if i == last:
            _assign(work, obj, key, value)
            return
        existing = member(obj, key)
        if type(existing) is dict or type(existing) is list:
            obj = work.own_member(obj, key, existing)
        elif existing is None:
            obj = None
        else:
            fresh: Any = [] if _numeric(keys[i + 1]) else {}
            work.owned.add(id(fresh))
            _assign(work, obj, key, fresh)
            obj = fresh


def unset(work: Work, prop: Any) -> None:
    """tsub's ``unset``: delete only a truthy value; ``a\\.b`` names the key ``a.b``."""
    if not truthy(dlv(work.root, prop)):
        return
    if type(prop) is not str:
        raise EvaluationError("TypeError: prop.split is not a function")
    segments = prop.split(".")
    last = segments.pop()
    while segments and segments[-1].endswith("\\"):
        last = segments.pop()[:-1] + "." + last
    obj = work.own_root()
    for key in segments:
        child = member(obj, key)
        if type(child) is dict or type(child) is list:
            child = work.own_member(obj, key, child)
        obj = child
    _delete(work, obj, last)


def _delete(work: Work, obj: Any, key: str) -> None:
    kind = type(obj)
    if kind is dict:
        obj.pop(key, None)
    elif kind is list:
        if key == "length":
            raise EvaluationError("TypeError: Cannot delete property 'length' of [object Array]")
        index = array_index(key)
        if index is not None and index < len(obj) and obj[index] is not U:
            obj[index] = U
            work.holes = True
    elif kind is str:
        index = array_index(key)
        if key == "length" or (index is not None and index < len(utf16_units(obj))):
            raise EvaluationError(f"TypeError: Cannot delete property '{key}' of [object String]")
    elif obj is None or obj is U:
        raise EvaluationError(f"TypeError: Cannot convert undefined or null to object (deleting '{key}')")


def _for_in(mapping: Any) -> list[tuple[str, Any]]:
    """``for (key in mapping) ... mapping[key]``: null and numbers simply have no keys."""
    kind = type(mapping)
    if kind is dict:
        return [(k, mapping[k]) for k in js_keys(mapping)]
    if kind is list:
        return [(str(i), v) for i, v in enumerate(mapping)]
    if kind is str:
        return [(str(i), c) for i, c in enumerate(utf16_units(mapping))]
    return []


def _compile_map(config: Any) -> Transformer:
    try:
        entries = _for_in(_property(config, "map"))
    except EvaluationError as error:
        return _raise(str(error))
    steps = []
    for key, action in entries:
        parts = key.split(".")
        parent = parts[:-1] if len(parts) > 1 else None
        steps.append((key, parent, action))

    def map_properties(work: Work) -> bool:
        initial = json_round_trip(work.root, work.owned)
        for key, parent, action in steps:
            if parent is not None and js_typeof(walk(initial, parent)) != "object":
                continue
            copy = _property(action, "copy")
            if truthy(copy):
                value = dlv(initial, copy)
                if value is not U:
                    dset(work, key, value)
            elif truthy(move := _property(action, "move")):
                value = dlv(initial, move)
                if value is not U:
                    dset(work, key, value)
                unset(work, move)
            elif type(action) is dict and "set" in action:
                dset(work, key, _owned_copy(action["set"], work.owned))
            if truthy(_property(action, "to_string")):
                current = dlv(work.root, key)
                if type(current) is str or type(current) is dict or type(current) is list:
                    continue
                dset(work, key, "undefined" if current is U else stringify(current))
        return True
    return map_properties


# --- sample_event -------------------------------------------------------------------------------


def _compile_sample(config: Any) -> Transformer:
    def sample(work: Work) -> bool:
        settings = _property(config, "sample")
        percent = to_number(_property(settings, "percent"))
        if percent <= 0:
            return False
        if percent >= 1:
            return True
        if not truthy(_property(settings, "path")):
            return work.rng.random() <= percent
        # tsub 2.0.1's consistent sampling: its ldexp underflows to 0 for every digest, and
        # 0 < percent, so any 0 < percent < 1 keeps the event (see docs/semantics.md)
        return percent > 0
    return sample


# --- a transformer list ---------------------------------------------------------------------------


def compile_transformer(spec: Any) -> Transformer:
    """One tsub transformer -> a closure; malformed ones raise when they run, as in tsub."""
    if spec is None or spec is U:
        return _raise(f"TypeError: Cannot read properties of {spec!r} (reading 'type')")
    kind = spec.get("type", U) if type(spec) is dict else U
    config = spec.get("config", U) if type(spec) is dict else U
    if type(kind) is str:
        if kind == "drop":
            return lambda work: False
        if kind == "drop_properties":
            return _compile_filter(config, "drop", allow=False)
        if kind == "allow_properties":
            return _compile_filter(config, "allow", allow=True)
        if kind == "sample_event":
            return _compile_sample(config)
        if kind == "map_properties":
            return _compile_map(config)
        if kind == "hash_properties":
            return lambda work: True
    return _raise(f'Transformer of type "{to_property_key(kind)}" is unsupported.')


def compile_transformers(specs: Any) -> Transformer:
    """tsub's ``transform(payload, transformers)``: apply in order; ``drop`` (or a sample that says
    no) stops with the event dropped."""
    if type(specs) is str:
        specs = list(utf16_units(specs))  # for..of over a string: one character at a time
    elif type(specs) is not list:
        return _raise(f"TypeError: transformers is not iterable ({js_typeof(specs)})")
    steps = [compile_transformer(spec) for spec in specs]

    def transform(work: Work) -> bool:
        for step in steps:
            if not step(work):
                return False
        return True
    return transform
