"""Probes of the datetime module (CPython vs Node): constructors, timezone, timedelta arithmetic,
aware and naive rules, isoformat, strftime and strptime, fromisoformat, the clock."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segfn.compiler.determinism import deterministic
from tests.compiler.conftest import node_outcome, normalise

pytestmark = pytest.mark.node

HEAD = "from datetime import datetime, date, timedelta, timezone\nimport datetime as dtm\n"

PROBES = {
    # the order transform: a naive timestamp made aware
    "order_transform": ("""
def f(x):
    dt = datetime.strptime(x, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    return {"iso": dt.isoformat(), "ms": int(dt.timestamp() * 1000), "day": dt.strftime("%A %d %B %Y")}
""", ["2024-03-05 10:20:30", "1999-12-31 23:59:59", "2024-02-30 00:00:00", "2024-03-05T10:20:30"]),
    "constructors": ("""
def f(x):
    d = datetime(*x)
    return [d.isoformat(), repr(d), str(d), d.year, d.microsecond, d.tzinfo is None, d.weekday(), d.isoweekday()]
""", [[2024, 3, 5], [2024, 3, 5, 10, 20, 30, 123], [1, 1, 1], [9999, 12, 31, 23, 59, 59, 999999], [2024, 2, 30],
      [2024, 13, 1], [0, 1, 1], [2024, 1, 1, 24], [2024, 1, 1, 0, 60], [2024, 1, 1, 0, 0, 60], [2024, 1, 1, 0, 0, 0, 10**6],
      [2024.0, 1, 1], ["2024", 1, 1], [True, True, True]]),
    "constructor_keywords": ("""
def f(x):
    d = datetime(x, month=2, day=29, hour=1, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))
    return [d.isoformat(), str(d.tzinfo), repr(d.tzinfo), d.utcoffset().total_seconds(), d.tzname(), repr(d)]
""", [2024, 2023, 2000, 1900]),
    "bad_tzinfo": ("""
def f(x):
    return datetime(2024, 1, 1, tzinfo=x).isoformat()
""", [1, "UTC", None]),
    "dates": ("""
def f(x):
    d = date(*x)
    return [d.isoformat(), repr(d), str(d), d.weekday(), d.isoweekday(), d.toordinal(), list(d.isocalendar()),
            str(d + timedelta(days=40, hours=47)), str(d - timedelta(days=1)), (d - date(2000, 1, 1)).days,
            d.strftime("%Y/%m/%d %H:%M:%S %j %a %U %W %z|%Z"), str(d.replace(day=1)), d == date(*x), d < date(2024, 6, 1)]
""", [[2024, 3, 5], [2021, 1, 3], [2020, 12, 31], [2026, 1, 1], [1, 1, 1], [2024, 2, 30], [9999, 12, 31]]),
    "date_vs_datetime": ("""
def f(x):
    out = [datetime(2024, 1, 1) == date(2024, 1, 1), isinstance(datetime(2024, 1, 1), date),
           isinstance(date(2024, 1, 1), datetime), datetime(2024, 1, 1).date() == date(2024, 1, 1)]
    for op in (lambda: datetime(2024, 1, 1) - date(2024, 1, 1), lambda: date(2024, 1, 1) < datetime(2024, 1, 1),
               lambda: datetime(2024, 1, 1) >= date(2024, 1, 1), lambda: date(2024, 1, 1) < 1,
               lambda: timedelta(1) < date(2024, 1, 1)):
        try:
            out.append(op())
        except TypeError as e:
            out.append(str(e))
    return out
""", [0]),
    "timedelta_parts": ("""
def f(x):
    d = timedelta(**x)
    return [d.days, d.seconds, d.microseconds, d.total_seconds(), str(d), repr(d), bool(d)]
""", [{}, {"days": 1}, {"hours": 25, "minutes": 61}, {"seconds": -1}, {"microseconds": -1}, {"days": -1, "seconds": 5},
      {"weeks": 1.5, "hours": 0.25}, {"milliseconds": 1.5}, {"seconds": 0.5, "microseconds": 0.5},
      {"microseconds": 1.5}, {"microseconds": 2.5}, {"days": 10**9}, {"days": "1"}, {"days": 999999999, "seconds": 86399},
      {"minutes": -0.000001}]),
    "timedelta_arithmetic": ("""
def f(x):
    a, b = timedelta(seconds=x[0]), timedelta(microseconds=x[1])
    out = [str(a + b), str(a - b), str(-a), str(abs(b)), str(a * 3), str(3 * a), str(a * 1.1), str(a / 4), str(a / 3),
           a < b, a == b, a != b, a >= b, max(a, b) == a]
    for op in (lambda: a / b, lambda: a // b, lambda: str(a % b), lambda: str(a // 7), lambda: str(a / 0.3)):
        try:
            out.append(op())
        except ZeroDivisionError as e:
            out.append(str(e))
    return out
""", [[3600, 7], [-1, 1000001], [86401, -5], [0, 0], [1, 0], [10**9, 999999]]),
    "timedelta_type_errors": ("""
def f(x):
    try:
        return timedelta(1) + x
    except TypeError as e:
        return str(e)
""", [1, "a", None, [1]]),
    "timedelta_compare_errors": ("""
def f(x):
    try:
        return timedelta(1) < x
    except TypeError as e:
        return str(e)
""", [1, "a"]),
    "datetime_arithmetic": ("""
def f(x):
    d = datetime.fromisoformat(x)
    later = d + timedelta(days=400, seconds=3661, microseconds=999999)
    return [later.isoformat(), (d - timedelta(weeks=3)).isoformat(), str(later - d), (later - d).total_seconds(),
            d < later, d == d.replace(), (timedelta(hours=1) + d).isoformat()]
""", ["2024-03-05T10:20:30", "2024-12-31T23:59:59.5+05:30", "2024-01-01T00:00:00Z", "0001-01-01T00:00:00"]),
    "aware_and_naive": ("""
def f(x):
    naive = datetime(2024, 1, 1)
    aware = datetime(2024, 1, 1, tzinfo=timezone.utc)
    out = [naive == aware, naive != aware, aware == datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2)))]
    for op in (lambda: naive < aware, lambda: aware - naive, lambda: naive >= aware):
        try:
            out.append(op())
        except TypeError as e:
            out.append(["TypeError", str(e)])
    return out
""", [0]),
    "replace_and_astimezone": ("""
def f(x):
    d = datetime.fromisoformat(x)
    utc = d.replace(tzinfo=timezone.utc)
    tokyo = timezone(timedelta(hours=9), "JST")
    return [utc.isoformat(), utc.astimezone(tokyo).isoformat(), utc.astimezone(tokyo).tzname(),
            d.astimezone().isoformat(), d.astimezone(timezone.utc).isoformat(), d.astimezone().tzname(),
            d.replace(year=2020, microsecond=5).isoformat(), d.replace(tzinfo=None).isoformat(),
            utc.astimezone(timezone(timedelta(hours=-3, minutes=-30))).strftime("%Y-%m-%d %H:%M %z %Z"),
            d.replace(2001, 2).isoformat()]
""", ["2024-03-05T10:20:30", "2024-03-05T23:20:30.25-05:00", "2024-01-01T00:00:00+00:00"]),
    "replace_errors": ("""
def f(x):
    try:
        return datetime(2024, 1, 31).replace(**x).isoformat()
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
""", [{"month": 2}, {"month": 13}, {"tzinfo": 1}, {"hour": 1.5}, {"day": 30}]),
    "timestamp_naive_is_utc": ("""
def f(x):
    d = datetime.fromtimestamp(x)
    u = datetime.utcfromtimestamp(x)
    return [d.isoformat(), u.isoformat(), d.timestamp(), datetime(2024, 3, 5, 10, 20, 30).timestamp(),
            date.fromtimestamp(x).isoformat(), datetime.fromtimestamp(x, timezone(timedelta(hours=1))).isoformat()]
""", [0, 1709634030.25, -1.5, 1e9, 253402300799, -5e-07, 2.5e-06, 1709634030.9999995]),
    "timestamp_range_errors": ("""
def f(x):
    out = []
    for which in range(4):
        try:
            if which == 0:
                out.append(datetime.fromtimestamp(x).isoformat())
            elif which == 1:
                out.append(datetime.fromtimestamp(x, timezone(timedelta(hours=-5))).isoformat())
            elif which == 2:
                out.append(datetime.utcfromtimestamp(x).isoformat())
            else:
                out.append(date.fromtimestamp(x).isoformat())
        except (ValueError, OverflowError, TypeError) as e:
            out.append([type(e).__name__, str(e)])
    return out
""", [253402300800, -62135596800, -62135596801, 1e20, -1e20, -64344659202.0679, True, "1", None]),
    "isoformat_variants": ("""
def f(x):
    d = datetime(2024, 3, 5, 1, 2, 3, x, tzinfo=timezone(timedelta(hours=-1, seconds=-30)))
    return [d.isoformat(sep=" "), d.isoformat("_", "milliseconds"), d.isoformat(timespec="hours"),
            d.isoformat(timespec="minutes"), d.isoformat(timespec="seconds"), d.isoformat(timespec="microseconds"), str(d)]
""", [0, 5, 123456]),
    "isoformat_errors": ("""
def f(x):
    try:
        return datetime(2024, 1, 1).isoformat(**x)
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
""", [{"sep": "ab"}, {"timespec": "days"}, {"sep": 1}]),
    "timezone_values": ("""
def f(x):
    try:
        tz = timezone(timedelta(**x))
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
    return [str(tz), repr(tz), tz.tzname(None), tz == timezone.utc, str(timezone(timedelta(**x), "Zone"))]
""", [{}, {"hours": 5}, {"hours": -5, "minutes": -30}, {"seconds": 1, "microseconds": 5}, {"hours": 24}, {"hours": -24}]),
    "date_fromisoformat": ("""
def f(x):
    try:
        return date.fromisoformat(x).isoformat()
    except ValueError as e:
        return str(e)
""", ["2024-03-05", "20240305", "2024-W10-2", "2024W102", "2024-03", "2024-03-05T00:00", "2024-02-30", ""]),
    "strftime_directives": ("""
def f(x):
    d = datetime.fromisoformat(x)
    return d.strftime("%a|%A|%b|%B|%c|%d|%D|%e|%F|%f|%H|%I|%j|%k|%l|%m|%M|%n|%p|%P|%r|%R|%S|%t|%T|%u|%U|%w|%W|%x|%X|%y|%Y|%z|%Z|%h|%%|%")
""", ["2024-03-05T10:20:30", "0005-01-01T13:04:05.000001+05:30", "2023-01-01T00:00:00Z", "2024-12-31T12:00:00-00:00:01",
      "1999-12-26T23:59:59.999999"]),
    "strptime_forms": ("""
def f(x):
    try:
        d = datetime.strptime(x[0], x[1])
    except ValueError as e:
        return str(e)
    return [d.isoformat(), repr(d.tzinfo), d.tzname()]
""", [["2024-03-05T10:20:30.5+0530", "%Y-%m-%dT%H:%M:%S.%f%z"], ["05/03/24 9:05 pm", "%d/%m/%y %I:%M %p"],
      ["Tue, 05 Mar 2024 10:20:30 GMT", "%a, %d %b %Y %H:%M:%S %Z"], ["March 5 1999", "%B %d %Y"],
      ["2024 065", "%Y %j"], ["2024-03-05 10:20:30Z", "%Y-%m-%d %H:%M:%S%z"], ["2024-03-05 extra", "%Y-%m-%d"],
      ["nope", "%Y"], ["2024-02-30", "%Y-%m-%d"], ["29 feb", "%d %b"], ["12 AM", "%I %p"], ["12:00 PM", "%H:%M %p"],
      ["+01:30:15.5 utc", "%z %Z"], ["-0130:15", "%z"], ["  2024   1  2", " %Y %m %d"], ["2024", "%Y%"],
      ["2024", "%Y%Q"], ["Tuesday 5", "%A %d"], ["1 68", "%w %y"], ["7 69", "%u %y"],
      ["Tue Mar  5 10:20:30 2024", "%c"], ["03/05/24 10:20:30", "%x %X"], ["2024-03-05 100%", "%Y-%m-%d 100%%"],
      ["2024.03.05 (x)", "%Y.%m.%d (x)"], ["2024 10 2", "%Y %U %w"], ["2024 0 Mon", "%Y %W %a"], ["2023 52 6", "%Y %U %w"],
      ["2024 10", "%Y %W"], ["5 March 2024", "%-d %B %Y"]]),
    "strptime_type_errors": ("""
def f(x):
    try:
        return datetime.strptime(x, "%Y").year
    except TypeError as e:
        return str(e)
""", [2024, None]),
    "module_import_style": ("""
def f(x):
    d = dtm.datetime(2024, 1, 1, tzinfo=dtm.timezone.utc) + dtm.timedelta(hours=x)
    return [d.isoformat(), isinstance(d, dtm.datetime), dtm.date(2024, 1, 1).isoformat()]
""", [1, -30]),
    "format_specs": ("""
def f(x):
    d = datetime.fromisoformat(x)
    out = [f"{d:%Y-%m-%d %H:%M}", f"{d.date():%d/%m/%Y}", format(d, "%A"), f"{d}", f"{d!r}", f"{d:}"]
    try:
        out.append(f"{d - d:>10}")
    except TypeError as e:
        out.append(str(e))
    return out
""", ["2024-03-05T10:20:30", "2024-03-05T10:20:30.5+05:30"]),
    "strftime_glibc_flags": ("""
def f(x):
    d = datetime.fromisoformat(x)
    return [d.strftime("%-d %B %Y, %-I:%M %p"), d.strftime("%_d|%0e|%^a|%^B|%#p|%P|%^P|%-j|%_H|%-y"),
            d.strftime("%Ey %EY %Od %Om %OH %Ec %Ex|%Ed %OD %^Eb %#Eh %Q %^Q %-f %-z"), d.strftime("%e.%m.%Y %k:%M")]
""", ["2024-03-05T09:04:05", "0005-11-17T21:14:05.000001+01:00"]),
    "format_builtin": ("""
def f(x):
    return format(date.fromisoformat(x), "%d %B %Y")
""", ["2024-03-05"]),
    "values_in_containers": ("""
def f(x):
    days = sorted([date(2024, 3, x), date(2024, 1, 1), date(2023, 12, 31)])
    spans = sorted([timedelta(hours=x), timedelta(minutes=5), timedelta(days=-1)])
    return [[str(d) for d in days], [str(s) for s in spans], str(max(days)), str(sum(spans, timedelta()))]
""", [5, 1]),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_datetime_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(HEAD + source, inputs)


# --- generated values ----------------------------------------------------------------------------

OFFSETS = st.one_of(st.none(), st.integers(-86399 * 10**6, 86399 * 10**6).map(lambda us: us - us % 60_000_000),
                    st.integers(-86399 * 10**6, 86399 * 10**6))
DATETIMES = st.tuples(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
                      st.integers(0, 59), st.integers(0, 59), st.integers(0, 999999), OFFSETS)

MAKE = """
def make(x):
    tz = None if x[7] is None else timezone(timedelta(microseconds=x[7]))
    return datetime(x[0], x[1], x[2], x[3], x[4], x[5], x[6], tz)
"""


@settings(max_examples=6)
@given(st.lists(DATETIMES, min_size=25, max_size=25))
def test_strftime_and_strptime_round_trip(probe, values):
    source = HEAD + MAKE + """
def f(x):
    d = make(x)
    text = d.strftime("%Y-%m-%d %H:%M:%S.%f %z %a %A %b %B %j %p %I %y %Z %%")
    back = datetime.strptime(text[:26] + " " + text[27:], "%Y-%m-%d %H:%M:%S.%f %z %a %A %b %B %j %p %I %y %Z %%")
    return [text, back.isoformat(), back == d if d.tzinfo is not None else None, d.isoformat(), d.timestamp(),
            repr(d), str(d.astimezone(timezone.utc)), d.weekday(), list(d.isocalendar())]
"""
    probe.check(source, [list(v) for v in values])


DIRECTIVE = st.builds(lambda flags, mod, conv: "%" + flags + mod + conv,
                      st.text(alphabet="-_0^#", max_size=2), st.sampled_from(["", "", "", "E", "O"]),
                      st.sampled_from(list("aAbBcdDeFfHIjklmMnpPrRStTuUwWxXyYzZh%Q")))
FORMATS = st.lists(st.one_of(DIRECTIVE, st.sampled_from(["-", " ", "é", "T", "%", "😀", "x", "%%"])), max_size=6).map("".join)


@settings(max_examples=6)
@given(st.lists(st.tuples(DATETIMES, FORMATS), min_size=40, max_size=40))
def test_strftime_with_generated_formats(probe, cases):
    """glibc's flags (- _ 0 ^ #), its E and O modifiers and the conversions it does not know, after
    CPython's own %f %z %Z; then strptime of what a format without flags wrote."""
    source = HEAD + MAKE + """
def f(x):
    d = make(x[0])
    return [d.strftime(x[1]), d.date().strftime(x[1]), f"{d:{x[1]}}" if x[1] else ""]
"""
    probe.check(source, [[list(c[0]), c[1]] for c in cases])


@settings(max_examples=6)
@given(st.lists(st.tuples(DATETIMES, st.integers(-10**6, 10**6), st.integers(-10**11, 10**11),
                          st.floats(-1e6, 1e6, allow_nan=False)), min_size=25, max_size=25))
def test_datetime_and_timedelta_arithmetic(probe, values):
    source = HEAD + MAKE + """
def f(x):
    d = make(x[0])
    delta = timedelta(days=x[1], microseconds=x[2])
    out = []
    for op in (lambda: (d + delta).isoformat(), lambda: (d - delta).isoformat(), lambda: str(delta * x[3]),
               lambda: str(delta / 7), lambda: str(delta // 3), lambda: delta.total_seconds(), lambda: repr(-delta),
               lambda: str(delta % timedelta(hours=5)), lambda: ((d + delta) - d) == delta,
               lambda: str(timedelta(seconds=x[3]))):
        try:
            out.append(op())
        except (OverflowError, ValueError) as e:
            out.append([type(e).__name__, str(e)])
    return out
"""
    probe.check(source, [[list(v[0]), v[1], v[2], v[3]] for v in values])


@settings(max_examples=6)
@given(st.lists(st.text(alphabet="0123456789-:+.TWZ ,", max_size=32), min_size=30, max_size=30))
def test_fromisoformat_on_generated_text(probe, texts):
    source = HEAD + """
def f(x):
    out = []
    for which in (0, 1):
        try:
            out.append(datetime.fromisoformat(x).isoformat() if which == 0 else date.fromisoformat(x).isoformat())
        except ValueError as e:
            out.append(str(e))
    return out
"""
    probe.check(source, texts)


@settings(max_examples=6)
@given(st.lists(st.tuples(st.text(alphabet="0123456789 :-+.ZzAPMapmTuesdayJanuaryUTCgmt%", max_size=20),
                          st.sampled_from(["%Y-%m-%d", "%H:%M:%S.%f", "%d %b %Y %I %p", "%z", "%A %B %d", "%y%j",
                                           "%Y-%m-%dT%H:%M:%S%z", "%Z %H", "%m/%d/%y"])),
                min_size=30, max_size=30))
def test_strptime_on_generated_text(probe, pairs):
    source = HEAD + """
def f(x):
    try:
        d = datetime.strptime(x[0], x[1])
    except ValueError as e:
        return str(e)
    return d.isoformat()
"""
    probe.check(source, [list(p) for p in pairs])


NOW = HEAD + """
def f(x):
    return [datetime.now().isoformat(), datetime.utcnow().isoformat(), datetime.now(timezone.utc).isoformat(),
            datetime.today().isoformat(), date.today().isoformat(), datetime.now(tz=timezone(timedelta(hours=3))).hour]
"""


def test_the_clock_is_the_checks_frozen_clock_on_both_sides(probe):
    """datetime.now()/utcnow()/today() read the clock segfn check freezes (freezegun in CPython, the
    harness's Date in Node)."""
    path, text = probe.module(NOW)
    from segfn.compiler import compile_module

    bundle = compile_module(path)
    bid, _ = probe.harness.load(bundle.js)
    try:
        for now_ms in (0, 1709634030123, 4102444799999):
            namespace: dict = {}
            with deterministic(1, now_ms):
                exec(compile(text, str(path), "exec"), namespace)
                import asyncio
                py = normalise(json.loads(json.dumps(asyncio.run(namespace["on_track"]({"x": 0}, {})))))
            (node,) = probe.harness.call_many(bid, [("onTrack", {"x": 0}, {}, {"seed": 1, "now": now_ms})], None)
            assert node_outcome(node) == ("ok", py)
    finally:
        probe.harness.unload(bid)


# --- what stays refused ----------------------------------------------------------------------------

REFUSED = [
    ("from datetime import datetime\ndef g(x):\n    return datetime(2024, 1, 1).strftime('%Y %V')",
     "the strftime directive %V is not supported", "'%Y %V'"),
    ("from datetime import datetime\ndef g(x):\n    return datetime(2024, 1, 1).strftime('%10Y')",
     "the strftime directive %10Y is not supported", "'%10Y'"),
    ("from datetime import datetime\ndef g(x):\n    return datetime.strptime(x, format='%G-%V-%u')",
     "the strptime directive %G is not supported", "'%G-%V-%u'"),
    ("from datetime import datetime\ndef g(x):\n    return datetime.strptime(x, '%d %d')",
     "the strptime directive %d appears twice", "'%d %d'"),
    ("from datetime import datetime\ndef g(x):\n    return datetime.combine(x, x)",
     "datetime.datetime.combine is not in the supported standard library subset", "datetime.combine"),
    ("from datetime import time\n", "datetime.time is not in the supported standard library subset", "from datetime"),
    ("from datetime import datetime\ndef g(x):\n    return datetime(2024)", "missing required argument 'month'",
     "datetime(2024)"),
    ("from datetime import datetime\ndef g(x):\n    return datetime(2024, 1, 1).time()",
     "the method .time() is not supported", "datetime(2024, 1, 1).time"),
    ("from datetime import timedelta\ndef g(x):\n    return timedelta(days=1, years=1)",
     "unexpected keyword argument 'years'", "years=1"),
]


@pytest.mark.parametrize("code,message,anchor", REFUSED, ids=[r[1][:40] for r in REFUSED])
def test_refused_datetime_neighbours(tmp_path, code, message, anchor):
    from tests.compiler.test_compile_errors import assert_refused

    assert_refused(tmp_path, code, message, anchor)
