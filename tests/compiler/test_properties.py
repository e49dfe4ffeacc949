"""Property-based differential tests: generated inputs through CPython and through the compiled
JavaScript in Node, for the parts with the most room for subtle divergence (regex translation,
number formatting, string methods, ISO-8601 parsing)."""

import pytest
from hypothesis import given, strategies as st

pytestmark = pytest.mark.node

texts = st.text(alphabet=st.one_of(st.characters(), st.sampled_from("aZ09_ .@-+\n\r\t\x1c\u2028é٣𝟘")), max_size=24)

REGEX_FUNCTION = r'''
import re
def f(x):
    return [re.findall(r"\w+", x), re.findall(r"\d+", x), re.split(r"\s+", x), re.sub(r"\W", "_", x),
            bool(re.search(r"^\w+$", x)), bool(re.match(r".+$", x)), re.findall(r"\b\w", x),
            re.sub(r"(\S)(\s*)$", r"<\1>", x), bool(re.fullmatch(r"[\w.+-]+@[\w-]+\.[\w.-]+", x)),
            re.findall(r"(?i)[a-z]+", x), re.split(r"(,)", x)]
'''


@given(st.lists(texts, min_size=30, max_size=30))
def test_regex_translation(probe, xs):
    probe.check(REGEX_FUNCTION, xs)


FORMAT_FUNCTION = r'''
def f(x):
    return [str(x), repr(x), f"{x:.2f}", f"{x:.0f}", f"{x:e}", f"{x:.3g}", f"{x:g}", f"{x:,.1f}", f"{x:10.4}",
            f"{x:%}", f"{x:+.5e}", round(x, 2), round(x, 0), round(x, 3), "%.3f" % x, "%g" % x, "%10.2e" % x]
'''

floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300).map(
    lambda v: v + 0.5 if v.is_integer() and abs(v) < 2 ** 52 else v).filter(lambda v: not v.is_integer())


@given(st.lists(floats, min_size=40, max_size=40))
def test_float_formatting(probe, xs):
    probe.check(FORMAT_FUNCTION, xs)


INT_FUNCTION = r'''
def f(x):
    return [str(x), f"{x:,}", f"{x:_x}", f"{x:08d}", f"{x:+}", x // 7, x % 7, -x // 3, x % -3, round(x, -2),
            divmod(x, 5), x / 4, str(x / 4), x * 3 - 1, "%05d" % x, f"{x:#o}"]
'''


@given(st.lists(st.integers(-(2 ** 50), 2 ** 50), min_size=40, max_size=40))
def test_integer_arithmetic(probe, xs):
    probe.check(INT_FUNCTION, xs)


STRING_FUNCTION = r'''
def f(x):
    return [len(x), x.upper(), x.lower(), x.strip(), x.split(), x.split(" ", 2), x.rsplit(None, 1), x.title(),
            x.capitalize(), x.isdigit(), x.isalpha(), x.isalnum(), x.isspace(), x.islower(), x.isupper(),
            x[1:-1], x[::-2], repr(x), x.find("a"), x.count(" "), x.replace(" ", ""), x.zfill(5), x.center(11, "*"),
            x.casefold(), x.splitlines(), x.partition(" "), sorted(x), str([x]), x.encode().hex()[:40], x.swapcase(),
            x.lstrip(x[:2]), x.rstrip(x[-1:] + "a"), x.strip(" \t."), x.startswith(x[:1]), x.endswith(x[-2:]),
            x.startswith("a"), x in ("a", "", " "), x.rstrip("/")]
'''


@given(st.lists(texts, min_size=30, max_size=30))
def test_string_methods(probe, xs):
    probe.check(STRING_FUNCTION, xs)


ISO_FUNCTION = r'''
from datetime import datetime
def f(x):
    try:
        d = datetime.fromisoformat(x)
    except ValueError as e:
        return ["error", str(e)]
    return [d.isoformat(), d.timestamp() if d.tzinfo is not None else None, str(d)]
'''

iso_parts = st.builds(
    lambda y, mo, d, sep, h, mi, s, frac, tz: f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{frac}{tz}",
    st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32), st.sampled_from(["T", " ", "x", "é"]),
    st.integers(0, 24), st.integers(0, 60), st.integers(0, 60), st.sampled_from(["", ".1", ".123456", ".1234567", ",5"]),
    st.sampled_from(["", "Z", "+00:00", "-05:30", "+0530", "+05", "+05:30:15", "+24:00", "z"]))


@given(st.lists(st.one_of(iso_parts, texts, st.sampled_from(["2024-W01-1", "2024W011", "2024-001", "20240101T1200"])),
                min_size=40, max_size=40))
def test_iso_parsing(probe, xs):
    probe.check(ISO_FUNCTION, xs)


JSON_BODY_FUNCTION = r'''
async def f(x):
    res = await fetch("https://api.example.com/", method="POST", json=x)
    return (await res.json())["body"]
'''

json_numbers = st.one_of(st.integers(-(2 ** 53), 2 ** 53), st.floats(allow_nan=False, allow_infinity=False),
                         st.sampled_from([1e-5, 1.5e-7, 0.0001, 1e16, 1e21, 1e22, 123456789012.5, -0.0, 5e-324]))
json_values = st.recursive(st.one_of(st.none(), st.booleans(), json_numbers, texts),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(texts, inner, max_size=4)),
                           max_leaves=12)


@given(st.lists(json_values, min_size=20, max_size=20))
def test_fetch_json_body_text(probe, xs):
    """The exact text fetch(json=...) sends equals CPython's json.dumps(separators=(",", ":"),
    ensure_ascii=False), whether the runtime takes the JSON.stringify fast path or CPython's encoder."""
    from tests.compiler.test_probes_stdlib import Recorder
    probe.check("from segfn.runtime import fetch\n" + JSON_BODY_FUNCTION, xs, transport=Recorder([(200, "echo")]))


JSON_DUMPS_FUNCTION = r'''
import json
def f(x):
    return [json.dumps(x), json.dumps(x, ensure_ascii=False), json.dumps(x, sort_keys=True, indent=1),
            json.dumps(x, separators=(",", ":"), ensure_ascii=False)]
'''


@given(st.lists(json_values, min_size=20, max_size=20))
def test_json_dumps_text(probe, xs):
    """Explicit json.dumps writes CPython's text (lone surrogates raw with ensure_ascii=False, unlike
    fetch's JSON.stringify)."""
    probe.check(JSON_DUMPS_FUNCTION, xs)
