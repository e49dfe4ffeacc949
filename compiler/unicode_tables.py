"""Character classes as CPython 3.11 defines them, for the bundle's ``str.isdigit`` & co and ``repr``.

Each class is a JavaScript regex property escape (compact) corrected by a short list of code point
ranges where Node's answer differs from CPython's (other Unicode version, other definition). The
corrections are computed by running Node over every code point (``python -m compiler.unicode_tables``)
and kept in ``js/unicode_delta.json``; ``tests/compiler/test_unicode_tables.py`` proves, in the
installed Node, that every corrected class answers exactly as CPython does.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

DELTA_FILE = Path(__file__).with_name("js") / "unicode_delta.json"
_ALL = range(sys.maxunicode + 1)


def _surrogate(cp: int) -> bool:
    return 0xD800 <= cp <= 0xDFFF


# name -> (JavaScript regex source, CPython's answer for one code point)
CLASSES = {
    "$NONPRINTABLE": (r"[\p{C}\p{Z}]", lambda c: not c.isprintable()),
    "$DIGIT": (r"\p{Nd}", str.isdigit),
    "$DECIMAL": (r"\p{Nd}", str.isdecimal),
    "$NUMERIC": (r"\p{N}", str.isnumeric),
    "$ALPHA": (r"\p{L}", str.isalpha),
    "$LOWER": (r"\p{Lowercase}", str.islower),
    "$UPPER": (r"\p{Uppercase}", str.isupper),
    "$TITLECASE": (r"\p{Lt}", lambda c: unicodedata.category(c) == "Lt"),
    "$CASED": (r"[\p{Lowercase}\p{Uppercase}\p{Lt}]",
               lambda c: c.islower() or c.isupper() or unicodedata.category(c) == "Lt"),
    # str.isidentifier: the first character XID_Start or "_", the others XID_Continue
    "$ID_START": (r"[\p{XID_Start}_]", str.isidentifier),
    "$ID_CONTINUE": (r"\p{XID_Continue}", lambda c: ("a" + c).isidentifier()),
    # what Python's re means by \w and \d in a str pattern (the regex translator uses these)
    "$RE_WORD": (r"[\p{L}\p{N}_]", lambda c: c.isalnum() or c == "_"),
    "$RE_DIGIT": (r"\p{Nd}", str.isdecimal),
}


@functools.lru_cache(maxsize=None)
def regex_class(name: str) -> str:
    """A v-mode JavaScript class matching exactly CPython's class ``name`` (``$RE_WORD``/``$RE_DIGIT``)."""
    source = CLASSES[name][0]
    python = _points(python_set(name))
    delta = _points(_deltas()[name])
    js_only = sorted(cp for cp in delta if cp not in python)
    py_only = sorted(cp for cp in delta if cp in python)
    out = source if source.startswith("[") else f"[{source}]"
    if js_only:
        out = f"[{out}--[{_class_ranges(js_only)}]]"
    if py_only:
        out = f"[{out}[{_class_ranges(py_only)}]]"
    return out


def _class_ranges(points: list[int]) -> str:
    r = _to_ranges(points)
    return "".join(f"\\u{{{a:x}}}" if a == b else f"\\u{{{a:x}}}-\\u{{{b:x}}}" for a, b in zip(r[::2], r[1::2]))


@functools.lru_cache(maxsize=None)
def python_set(name: str) -> list[int]:
    """Code points (surrogates excluded) in CPython's class, as sorted ranges [a0, b0, a1, b1...]."""
    test = CLASSES[name][1]
    return _to_ranges(cp for cp in _ALL if not _surrogate(cp) and test(chr(cp)))


def _to_ranges(points) -> list[int]:
    out: list[int] = []
    for cp in points:
        if out and out[-1] == cp - 1:
            out[-1] = cp
        else:
            out += [cp, cp]
    return out


def _b36(x: int) -> str:
    digits = ""
    while True:
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36] + digits
        x //= 36
        if not x:
            return digits


def _encoded(values: list[int]) -> str:
    deltas, prev = [], 0
    for v in values:
        deltas.append(_b36(v - prev))
        prev = v
    return ",".join(deltas)


@functools.lru_cache(maxsize=None)
def _deltas() -> dict:
    return json.loads(DELTA_FILE.read_text(encoding="utf-8"))["classes"]


@functools.lru_cache(maxsize=None)
def table(name: str) -> str:
    """The JavaScript declaration of one generated table."""
    if name == "$PY_WS":
        chars = [cp for cp in range(0x3001) if chr(cp).isspace()]
        parts = []
        for a, b in zip(_to_ranges(chars)[::2], _to_ranges(chars)[1::2]):
            parts.append(f"\\\\u{a:04x}" if a == b else f"\\\\u{a:04x}-\\\\u{b:04x}")
        return f'const $PY_WS = "[{"".join(parts)}]";'
    if name == "$ND_STARTS":
        starts = [cp for cp in _ALL if not _surrogate(cp) and unicodedata.category(chr(cp)) == "Nd"
                  and unicodedata.decimal(chr(cp), -1) == 0]
        return f"const $ND_STARTS = [{','.join(str(s) for s in starts)}];"
    if name in CLASSES:
        source = CLASSES[name][0]
        return f'const {name} = {{ re: /^{source}$/u, delta: $ranges("{_encoded(_deltas()[name])}") }};'
    if name in ("$UPPER_KEEP", "$LOWER_KEEP"):
        kind = "upper" if name == "$UPPER_KEEP" else "lower"
        ranges = json.loads(DELTA_FILE.read_text(encoding="utf-8"))["keep_case"][kind]
        body = "".join(f"\\u{{{a:x}}}" if a == b else f"\\u{{{a:x}}}-\\u{{{b:x}}}" for a, b in zip(ranges[::2], ranges[1::2]))
        empty = "^\\s\\S"
        return f"const {name} = /[{body or empty}]/u;"
    if name == "$TITLE_MAP":
        return _js_map(name, {cp: chr(cp).title() for cp in _ALL if not _surrogate(cp)
                              and chr(cp).title() != chr(cp).upper()})
    if name == "$FOLD_MAP":
        return _js_map(name, {cp: chr(cp).casefold() for cp in _ALL if not _surrogate(cp)
                              and chr(cp).casefold() != chr(cp).lower()})
    raise KeyError(name)


def _js_map(name: str, mapping: dict[int, str]) -> str:
    items = ",".join(f"{cp}:{json.dumps(v)}" for cp, v in sorted(mapping.items()))
    return f"const {name} = {{{items}}};"


NAMES = ("$PY_WS", "$ND_STARTS", *CLASSES, "$UPPER_KEEP", "$LOWER_KEEP", "$TITLE_MAP", "$FOLD_MAP")

# Node prints, for one regex, the code points it matches (as ranges), for every class at once.
_NODE_SCRIPT = r"""
const classes = JSON.parse(process.argv[1]);
const out = {};
for (const [name, source] of Object.entries(classes)) {
  const re = new RegExp("^" + source + "$", "u");
  const ranges = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (re.test(String.fromCodePoint(cp))) {
      if (ranges.length && ranges[ranges.length - 1] === cp - 1) ranges[ranges.length - 1] = cp;
      else ranges.push(cp, cp);
    }
  }
  out[name] = ranges;
}
const cases = { upper: {}, lower: {} };
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const c = String.fromCodePoint(cp), u = c.toUpperCase(), l = c.toLowerCase();
  if (u !== c) cases.upper[cp] = u;
  if (l !== c) cases.lower[cp] = l;
}
process.stdout.write(JSON.stringify({ node: process.version, unicode: process.versions.unicode, classes: out, cases }));
"""


def node_sets(node: str = "node") -> dict:
    """What Node's regexes match, class by class (ranges), and Node's Unicode version."""
    sources = {name: src for name, (src, _) in CLASSES.items()}
    done = subprocess.run([node, "-e", _NODE_SCRIPT, json.dumps(sources)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _points(ranges: list[int]) -> set[int]:
    return {cp for a, b in zip(ranges[::2], ranges[1::2]) for cp in range(a, b + 1)}


def compute_deltas(node: str = "node") -> dict:
    found = node_sets(node)
    classes = {}
    for name in CLASSES:
        diff = _points(python_set(name)) ^ _points(found["classes"][name])
        classes[name] = _to_ranges(sorted(diff))
    keep = {}
    for kind in ("upper", "lower"):
        js = {int(k): v for k, v in found["cases"][kind].items()}
        points = []
        for cp in _ALL:
            if _surrogate(cp):
                continue
            c = chr(cp)
            py = getattr(c, kind)()
            if py != js.get(cp, c):
                if py != c:
                    raise SystemExit(f"{kind}() of U+{cp:04X} differs beyond 'left as is': add a case map")
                points.append(cp)
        keep[kind] = _to_ranges(points)
    return {"node": found["node"], "node_unicode": found["unicode"],
            "python_unicode": unicodedata.unidata_version, "classes": classes, "keep_case": keep}


if __name__ == "__main__":
    data = compute_deltas()
    DELTA_FILE.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {DELTA_FILE}: Node {data['node']} (Unicode {data['node_unicode']}) vs CPython "
          f"(Unicode {data['python_unicode']}); " + ", ".join(f"{k} {len(v) // 2}" for k, v in data["classes"].items()))
