"""The character classes a bundle carries answer exactly as CPython's str methods do, for every
code point, in the Node that is installed (the corrections in compiler/js/unicode_delta.json are
computed for it; a Node with other Unicode tables fails here until they are regenerated with
``python -m compiler.unicode_tables``)."""

import json
import shutil
import subprocess

import pytest

from segfn.compiler import unicode_tables
from segfn.compiler.runtime import runtime_for

pytestmark = [pytest.mark.node, pytest.mark.skipif(shutil.which("node") is None, reason="needs Node 20")]


def test_every_class_matches_cpython_for_every_code_point():
    names = list(unicode_tables.CLASSES)
    code = runtime_for(" ".join(names) + " $inTable")
    script = code + """
const out = {};
for (const [name, t] of Object.entries({%s})) {
  const ranges = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if ($inTable(t, cp)) {
      if (ranges.length && ranges[ranges.length - 1] === cp - 1) ranges[ranges.length - 1] = cp;
      else ranges.push(cp, cp);
    }
  }
  out[name] = ranges;
}
process.stdout.write(JSON.stringify(out));
""" % ", ".join(f'"{n}": {n}' for n in names)
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=120)
    found = json.loads(done.stdout)
    for name in names:
        assert found[name] == unicode_tables.python_set(name), name


def test_whitespace_is_pythons():
    table = unicode_tables.table("$PY_WS")
    assert "\\\\u001c-\\\\u0020" in table and "feff" not in table


def test_case_mapping_matches_cpython_for_every_code_point():
    code = runtime_for("$m_upper $m_lower")
    script = code + """
const out = { upper: {}, lower: {} };
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const c = String.fromCodePoint(cp), u = $m_upper(c), l = $m_lower(c);
  if (u !== c) out.upper[cp] = u;
  if (l !== c) out.lower[cp] = l;
}
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=120)
    found = json.loads(done.stdout)
    for kind in ("upper", "lower"):
        expected = {}
        for cp in range(0x110000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            mapped = getattr(chr(cp), kind)()
            if mapped != chr(cp):
                expected[str(cp)] = mapped
        assert found[kind] == expected, kind
