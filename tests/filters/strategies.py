"""Hypothesis strategies for the differential tests: events, IR, matchers, transformers, rules.

Keys, paths and literals come from small shared pools so that paths usually hit, literals are often
equal to event values, and the awkward corners (UTF-16, integer-like keys, ``length``, arrays that
look like IR, ``{"value": ...}`` objects inside events, holes) come up all the time.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from .divergences import PROTOTYPE_NAMES

KEYS = ["a", "b", "type", "event", "userId", "properties", "value", "x y", "é", "0", "1", "2", "10", "01",
        "length", "", "a.b", "A"]
assert not PROTOTYPE_NAMES & set(KEYS)
WRITE_KEYS = [k for k in KEYS if k != "length"]  # transformer paths: see divergences.py

STRINGS = ["", "a", "A", "ab", "aB", "track", "Track", "TRACK", "identify", "1.2.3", "1.2", "2", "1.10.0",
           " 1 . 02 .3", "1.2.3.4", "a.1", "+1.-0", "a😀b", "😀", "ア", "ǅ", "İ", "ΑΣ", "ΣΑΣ ", "ß", "\ud800", "*",
           "a*", "[a-c]", "\\", "null", "true", "0x10", "-0", "1e3", "type", "properties", "a.b", "x y",
           "userId", "event", "length", "0", "dark-mode", "Button Clicked", "@corp.com", "a@corp.com"]
TEXT = st.text(alphabet=st.sampled_from(list("aAbB.*?[]^-\\ 0123😀ΣİアǅΐΩ\u0301\u00e9")), max_size=6)
NUMBERS = st.one_of(st.integers(-3, 12), st.sampled_from(
    [0.5, -0.0, 1.5, -2.5, 1e21, 1e-7, 123456789.125, 2**53, 2**53 + 1, 12345678901234567890, 1e300, 0.1]))
FUNCTION_LOOKALIKES = [["length", "a"], ["lowercase", "b"], ["typeof", "a"], ["contains", "a", {"value": "a"}],
                       ["match", "b", {"value": "*"}], ["semver", {"value": "1.2"}, {"value": ">"}, "a"],
                       ["length"], ["and"], ["=", "a", "a"]]

keys = st.sampled_from(KEYS)
write_keys = st.sampled_from(WRITE_KEYS)
scalars = st.one_of(st.sampled_from(STRINGS), TEXT, NUMBERS, st.booleans(), st.none())


def _containers(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(keys, children, max_size=4),
        st.sampled_from(FUNCTION_LOOKALIKES).map(lambda v: json.loads(json.dumps(v))),
        children.map(lambda v: {"value": v}),
    )


values = st.recursive(scalars, _containers, max_leaves=8)
events = st.dictionaries(keys, values, max_size=6)


def _path(segment: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(segment, min_size=1, max_size=3).map(".".join)


paths = _path(keys)
write_paths = _path(write_keys)


# --- IR ---------------------------------------------------------------------------------------

def literal(value: st.SearchStrategy = scalars) -> st.SearchStrategy:
    return value.map(lambda v: {"value": v})


list_literals = st.lists(st.one_of(paths, literal(), st.just(None)), max_size=3).map(lambda items: {"value": items})
operand_atoms = st.one_of(paths, paths, literal(), literal(), list_literals,
                          st.sampled_from([True, 5, None, {"other": 1}, {"value": None}]))


def _function(arg: st.SearchStrategy) -> st.SearchStrategy:
    patterns = st.one_of(st.text(alphabet=st.sampled_from(list("ab*?[]^-\\😀é")), max_size=6).map(
        lambda p: {"value": p}), arg)
    versions = st.one_of(literal(st.sampled_from(STRINGS)), arg)
    operators = st.one_of(literal(st.sampled_from(["=", "!=", ">", ">=", "<", "<=", "~=", ""])), arg)
    return st.one_of(
        st.tuples(st.sampled_from(["lowercase", "typeof", "length"]), arg).map(list),
        st.tuples(st.just("contains"), arg, arg).map(list),
        st.tuples(st.just("match"), arg, patterns).map(list),
        st.tuples(st.just("semver"), versions, operators, versions).map(list),
    )


functions = _function(st.one_of(operand_atoms, st.deferred(lambda: _function(operand_atoms))))
operands = st.one_of(operand_atoms, operand_atoms, functions)


def _extend(node: st.SearchStrategy) -> st.SearchStrategy:
    compared = st.one_of(operands, operands, operands, node)
    return st.one_of(
        node.map(lambda n: ["!", n]),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(node, max_size=3)).map(lambda t: [t[0], *t[1]]),
        st.tuples(st.sampled_from(["=", "!=", "=", "<", "<=", ">", ">="]), compared, compared).map(list),
        st.tuples(st.just("in"), operands, st.one_of(list_literals, paths, operand_atoms)).map(list),
        functions,
        st.sampled_from([["bogus", "a"], [], [1], ["!"], ["="], ["in", "a"], ["lowercase", "a", "b"],
                         ["length", "a", "b"]]),
    )


ir = st.recursive(st.one_of(paths, literal(), functions), _extend, max_leaves=6)


def matchers() -> st.SearchStrategy:
    fql = ir.map(lambda node: {"type": "fql", "ir": json.dumps(node)})
    odd = st.sampled_from([{"type": "all", "ir": ""}, {"type": "fql", "ir": ""}, {"type": "fql", "ir": "[\"="},
                           {"type": "fql"}, {"type": "nope", "ir": "true"}, {"type": "fql", "ir": "true"},
                           {"type": "fql", "ir": "null"}, {"type": "fql", "ir": "\"a\""}])
    return st.one_of(fql, fql, fql, fql, odd)


# --- transformers -------------------------------------------------------------------------------

key_lists = st.lists(st.one_of(write_keys, st.sampled_from([0, 1, None])), max_size=3)
field_maps = st.dictionaries(st.one_of(st.just(""), write_paths), key_lists, max_size=3)
map_actions = st.one_of(
    st.fixed_dictionaries({"copy": st.one_of(write_paths, st.sampled_from(["", 0, 5]))}),
    st.fixed_dictionaries({"move": st.one_of(write_paths, st.sampled_from(["", 0, "a\\.b", "a.b\\.c"]))}),
    st.fixed_dictionaries({"set": values}),
    st.fixed_dictionaries({"to_string": st.booleans()}),
    st.fixed_dictionaries({}, optional={"copy": write_paths, "move": write_paths, "set": scalars,
                                        "to_string": st.booleans()}),
    st.sampled_from([None, "x", 3, []]),
)
samples = st.fixed_dictionaries({}, optional={
    "percent": st.sampled_from([0, 1, 0.5, 0.25, 0.999, -1, 2, "0.5", "x", None, True, [0.5]]),
    "path": st.sampled_from(["", "userId", "properties.a", "missing", 0, None, 1])})


def transformers() -> st.SearchStrategy:
    one = st.one_of(
        st.just({"type": "drop"}),
        st.just({"type": "hash_properties"}),
        field_maps.map(lambda f: {"type": "drop_properties", "config": {"drop": f}}),
        field_maps.map(lambda f: {"type": "allow_properties", "config": {"allow": f}}),
        field_maps.map(lambda f: {"type": "drop_properties", "config": {"drop": f}}),
        field_maps.map(lambda f: {"type": "allow_properties", "config": {"allow": f}}),
        st.dictionaries(write_paths, map_actions, max_size=3).map(
            lambda m: {"type": "map_properties", "config": {"map": m}}),
        st.dictionaries(write_paths, map_actions, max_size=3).map(
            lambda m: {"type": "map_properties", "config": {"map": m}}),
        samples.map(lambda s: {"type": "sample_event", "config": {"sample": s}}),
        st.sampled_from([
            {"type": "bogus"}, {"type": "drop_properties"}, {"type": "map_properties", "config": None},
            {"type": "drop_properties", "config": {"drop": None}}, {"type": "allow_properties", "config": {}},
            {"type": "allow_properties", "config": {"allow": {"properties": "ab"}}},
            {"type": "drop_properties", "config": {"drop": {"properties": "a"}}},
            {"type": "allow_properties", "config": {"allow": {"": {"a": 1}}}},
            {"type": "sample_event", "config": {}}, {"type": "map_properties", "config": {"map": None}},
            {"type": "drop_properties", "config": {"drop": ["a"]}}, None, "x",
        ]),
    )
    return st.lists(one, max_size=3)


randoms = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.999]), max_size=3)


def rules() -> st.SearchStrategy:
    def rule(parts: tuple) -> dict[str, Any]:
        pairs, destination, short = parts
        spec: dict[str, Any] = {"scope": "destinations", "target_type": "workspace::project::destination::config",
                                "matchers": [m for m, _ in pairs], "transformers": [t for _, t in pairs]}
        if short and spec["transformers"]:
            spec["transformers"].pop()
        if destination != "<absent>":
            spec["destinationName"] = destination
        return spec
    return st.lists(st.tuples(
        st.lists(st.tuples(matchers(), transformers()), min_size=1, max_size=2),
        st.sampled_from(["<absent>", "GA", "GA", "Other", None]),
        st.booleans().map(lambda b: b and False),
    ).map(rule), min_size=1, max_size=3)
