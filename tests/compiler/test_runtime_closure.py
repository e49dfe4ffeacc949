"""The runtime's helper closure (compiler/runtime.py): a bundle carries every helper its code calls,
and no helper only because a class has a method of the same name (``x.$len()`` is a protocol)."""

import re

import pytest

from segfn.compiler.runtime import ONLY_WITH_MAKERS, _refs, closure, helpers, runtime_for

LOCAL = re.compile(r"(?:(?:const|let|var)\s+|,\s*)(\$\w+)\s*=")
# object keys the runtime names in strings (defineProperty) or literals, read back as x.$name
PROPERTY_NAMES = {"$pytype", "$user", "$pyclass", "$members", "$frozen", "$fields", "$hashKey", "$sig", "$boundTo"}
# constants compiler/lines.py writes at the end of every bundle (the line table $pyTrace reads)
BUNDLE_NAMES = {"$LINES", "$ORIGIN"}


@pytest.mark.parametrize("name", sorted(helpers()[0]))
def test_every_name_a_helper_refers_to_comes_with_it(name):
    by_name, declared_by = helpers()
    carried = set(closure(name))
    text = runtime_for(name)
    for ref in _refs(text) - PROPERTY_NAMES - BUNDLE_NAMES - set(LOCAL.findall(text)):
        if ref in ONLY_WITH_MAKERS and not ONLY_WITH_MAKERS[ref] & carried:
            continue  # no value it handles can exist
        assert declared_by.get(ref) in carried, f"{name} refers to {ref}, which its closure does not carry"


@pytest.mark.node
def test_bytes_from_every_maker_print_like_python(probe):
    """repr() of bytes needs $bytesRepr, carried only with a maker of bytes: each maker brings it."""
    for make in ("x.encode()", "base64.b64encode(x.encode())", "base64.b64decode('aGk=')",
                 "hashlib.md5(base64.b64decode('aGk=')).digest()"):
        probe.check(f"import base64\nimport hashlib\ndef f(x):\n    b = {make}\n    return [repr(b), str([b])]",
                    ["hi", "é\x00'"])


def test_a_method_of_the_same_name_is_not_a_dependency():
    assert "$eq" not in closure("$DateTime")  # DateTime's own $eq method, not the helper
    assert "$getitem" not in closure("$Match") and "$len" not in closure("$range")
    assert "$eq" in closure("$contains") and "$eq" in closure("$range")  # Range's $eq calls the helper
