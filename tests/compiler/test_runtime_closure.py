"""The runtime's helper closure (compiler/runtime.py): a bundle carries every helper its code calls,
and no helper only because a class has a method of the same name (``x.$len()`` is a protocol)."""

import re

import pytest

from compiler.runtime import _refs, closure, helpers, runtime_for

LOCAL = re.compile(r"(?:(?:const|let|var)\s+|,\s*)(\$\w+)\s*=")
PROPERTY_NAMES = {"$pytype", "$wellFormed"}  # object-literal keys, read back as x.$pytype


@pytest.mark.parametrize("name", sorted(helpers()[0]))
def test_every_name_a_helper_refers_to_comes_with_it(name):
    by_name, declared_by = helpers()
    carried = set(closure(name))
    text = runtime_for(name)
    for ref in _refs(text) - PROPERTY_NAMES - set(LOCAL.findall(text)):
        assert declared_by.get(ref) in carried, f"{name} refers to {ref}, which its closure does not carry"


def test_a_method_of_the_same_name_is_not_a_dependency():
    assert "$eq" not in closure("$DateTime")  # DateTime's own $eq method, not the helper
    assert "$getitem" not in closure("$Match") and "$len" not in closure("$range")
    assert "$eq" in closure("$contains") and "$eq" in closure("$range")  # Range's $eq calls the helper
