"""Probes of async/await with fetch, and of the whitelisted standard library (CPython vs Node)."""

import asyncio
import json

import pytest

from segfn.compiler import compile_module
from segfn.runtime import FetchError, Headers, Response

ISO = ["2024-03-05T10:20:30Z", "2024-03-05T10:20:30.123+02:00", "2024-03-05 10:20:30.5", "2024-03-05",
       "20240305T102030", "2024-W10-2T01:02", "2024-02-30T00:00:00Z", "2024-03-05T10:20:30,123456789-05:30",
       "2024-03-05T25:00:00", "not a date", "2024-03-05T10:20:30.123Z", "2024-03-05T10:20:30+0530", "2024-03",
       "2023-12-31T23:59:59.999999+00:00", "1970-01-01T00:00:00Z", "2024-03-05T10:20:30Zjunk", "2024-03-05X10:20"]

PROBES = {
    "json_dumps": ("import json\ndef f(x):\n    return [json.dumps(x), json.dumps(x, sort_keys=True), json.dumps(x, separators=(',', ':'), ensure_ascii=False), json.dumps(x, indent=2)]",
                   [{"b": [1, 2.5, None, True], "a": "é😀\n\u2028", "c": {}}, [], "x", 1e-05, 12345678901234]),
    "json_loads": ("import json\ndef f(x):\n    return str(json.loads(x))", ['{"a": [1, 2.5, null, true]}', "[]", '"s"', "NaN", '{"a": 1,}', "{", "", '[1] x', '"\\q"']),
    "json_decode_error": ("import json\ndef f(x):\n    try:\n        return json.loads(x)\n    except json.JSONDecodeError as e:\n        return ['decode', str(e)]\n    except ValueError:\n        return 'value'", ['{"a": 1}', "nope", '{"a" 1}']),
    "fromisoformat_timestamp": ("from datetime import datetime\ndef f(x):\n    d = datetime.fromisoformat(x.replace('Z', '+00:00'))\n    return [int(d.timestamp() * 1000), d.isoformat(), d.year, d.microsecond, str(d)]", [s for s in ISO if "Z" not in s[:-1] or s.endswith("Z")]),
    "fromisoformat_raw": ("import datetime\ndef f(x):\n    try:\n        d = datetime.datetime.fromisoformat(x)\n    except ValueError as e:\n        return ['error', str(e)]\n    return [d.isoformat(), d.tzinfo is None]", ISO),
    "fromtimestamp": ("from datetime import datetime, timezone\ndef f(x):\n    d = datetime.fromtimestamp(x / 1000, tz=timezone.utc)\n    return [d.isoformat(), d.strftime('%Y-%m-%d %H:%M:%S.%f %z %j %a %b'), d.timestamp()]", [0, 1709634030123, 1.5, -86400001, 1709634030999.9996]),
    "re_basics": ("import re\nPATTERN = r'(?P<user>[\\w.+-]+)@(?P<domain>[\\w-]+\\.[\\w.]+)'\ndef f(x):\n    m = re.search(PATTERN, x)\n    return [m.group('user') if m else None, m.groupdict() if m else None, m.start() if m else None, m.span(2) if m else None, re.findall(r'\\d+', x), re.sub(r'\\s+', ' ', x).strip(), re.split(r'[,;]\\s*', x), bool(re.match(r'\\w+', x)), bool(re.fullmatch(r'[a-z@. ]+', x))]",
                  ["Mail: jo.e+x@exa-mple.co.uk, 12; 34", "none here", "ñandú@mail.es 😀 ٣", "a@b.c\n"]),
    "re_unicode_classes": ("import re\ndef f(x):\n    return [re.findall(r'\\w+', x), re.findall(r'\\d', x), re.sub(r'\\s', '_', x), re.findall(r'\\bfoo\\b', x), bool(re.search(r'^b$', x, re.M)), re.findall(r'.', x), bool(re.search(r'x$', x))]",
                           ["héllo wörld ٣4", "foo\x1cfoo_foo é", "a\nb\r\u2028c", "x\n", "abc"]),
    "re_flags_compile": ("import re\nBOTS = re.compile(r'bot|crawl|spider|slurp', re.IGNORECASE)\ndef f(x):\n    return [bool(BOTS.search(x)), BOTS.sub('*', x), re.sub(r'(a)(b)?', r'[\\2\\1]', x), re.subn('a', 'A', x, count=1)]", ["Googlebot/2.1", "Mozilla", "aab", "SPIDER ab"]),
    "re_sub_callable": ("import re\ndef f(x):\n    return re.sub(r'\\d+', lambda m: str(int(m.group(0)) * 2), x)", ["a1b22c", "none"]),
    "re_escape_findall_groups": ("import re\ndef f(x):\n    return [re.escape(x), re.findall(r'(\\w)(\\d)?', x), [m.group(0) for m in re.finditer(r'x*', x)]]", ["a.b*c", "a1bxx"]),
    "base64": ("import base64\ndef f(x):\n    e = base64.b64encode(x.encode()).decode()\n    u = base64.urlsafe_b64encode(x.encode('utf-8')).decode('ascii')\n    return [e, u, base64.b64decode(e).decode(), base64.urlsafe_b64decode(u).decode()]", ["", "hello", "é😀>>??", "a" * 50]),
    "base64_decode_errors": ("import base64\ndef f(x):\n    return base64.b64decode(x).hex()", ["YWJj", "YWJ", "YW=Jj", "Y", "YWJj\n", "!!YWJj"]),
    "hashlib": ("import hashlib\ndef f(x):\n    b = x.encode('utf-8')\n    h = hashlib.sha256()\n    h.update(b)\n    h.update('!'.encode())\n    return [hashlib.md5(b).hexdigest(), hashlib.sha1(b).hexdigest(), hashlib.sha256(b).hexdigest(), h.hexdigest()]", ["", "abc", "é😀" * 40, "a" * 1000]),
    "urllib_parse": ("from urllib.parse import quote, quote_plus, unquote, unquote_plus, urlencode\ndef f(x):\n    return [quote(x), quote(x, safe=''), quote_plus(x), unquote(quote(x)), unquote_plus(quote_plus(x)), urlencode({'q': x, 'n': 1, 'l': [1, 2]}), urlencode({'l': ['a', x]}, doseq=True)]", ["a b/c?d=é&😀", "", "~._-"]),
    "unquote_invalid": ("from urllib.parse import unquote\ndef f(x):\n    return unquote(x)", ["%E9", "%zz%41", "%C3%A9%", "a+b"]),
    "math": ("import math\ndef f(x):\n    return [math.floor(x), math.ceil(x), math.sqrt(abs(x)), math.isnan(x), math.pi > 3]", [1.5, -1.5, 4, 0]),
    "math_errors": ("import math\ndef f(x):\n    return math.sqrt(x)", [-1]),
    "print_logs": ("def f(x):\n    print('value', x, [x], sep='|')\n    return 1", [1, None]),
}


@pytest.mark.node
@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(source, inputs)


class Recorder:
    """A transport that records requests and answers from a script (status, body) or a network error."""

    def __init__(self, answers=None):
        self.answers = list(answers or [(202, "{}")])
        self.i = 0

    async def __call__(self, request):
        status, body = self.answers[self.i % len(self.answers)]
        self.i += 1
        if status is None:
            raise FetchError(f"request to {request.url} failed, reason: connect ECONNREFUSED", "ECONNREFUSED")
        echo = json.dumps({"method": request.method, "url": request.url, "headers": request.headers.to_dict(),
                           "body": request.body}) if body == "echo" else body
        return Response(status, echo, Headers({"Content-Type": "application/json", "X-Id": "7"}), "OK", request.url)


FETCH = """
async def f(x):
    res = await fetch("https://api.example.com/v1/" + str(x.get("path", "")), method=x.get("method", "POST"),
                      headers={"Authorization": "Bearer k", "X-Count": x.get("n", 1)}, json=x.get("body"))
    data = await res.json()
    return [res.status, res.ok, res.headers.get("x-id"), res.headers.get("missing", "d"), data]
"""


@pytest.mark.node
def test_fetch_request_and_response(probe):
    probe.check(FETCH, [{"path": "users", "body": {"a": [1, 2.5], "é": None}}, {"method": "put", "n": True},
                        {"body": None}], transport=Recorder([(200, "echo")]))


@pytest.mark.node
def test_fetch_and_dict_take_keywords_from_a_dict(probe):
    """fetch(url, **options) and dict(**fields, extra=1), as a tester wrote them (both were refused,
    fetch's with "unexpected keyword argument None"); CPython's TypeErrors for a keyword fetch does
    not take, a keyword given twice, and an options dict given twice."""
    source = """
async def f(x):
    opts = dict(**x["opts"], headers={"X-Tag": "t"})
    res = await fetch("https://api.example.com/v1/e", **opts)
    return [res.status, await res.json()]
"""
    probe.check(source, [
        {"opts": {"method": "put", "json": {"a": 1}}},
        {"opts": {"options": {"method": "DELETE"}}},
        {"opts": {"method": "POST", "body": "raw"}},
        {"opts": {"timeout": 3}},
        {"opts": {"headers": {}}},
        {"opts": {"url": "https://elsewhere.example"}},
    ], transport=Recorder([(200, "echo")]))
    probe.check("""
async def f(x):
    res = await fetch("https://api.example.com/v1/e", {"method": "PATCH"}, **x)
    return res.status
""", [{}, {"method": "PUT"}, {"options": {}}], transport=Recorder([(200, "echo")]))


@pytest.mark.node
def test_fetch_refuses_what_node_fetch_refuses(probe):
    """node-fetch 2.6 answers a relative or non-http URL with a TypeError before any request (replay
    told a tester to stub the host 'not-a-url'). Each input's answer was read from node-fetch 2.6.0
    itself (npm) when this was written; the harness mirrors it with Node's legacy url.parse."""
    source = """
async def f(x):
    try:
        res = await fetch(x)
    except TypeError as e:
        return "TypeError: " + str(e)
    return res.status
"""
    probe.check(source, ["not-a-url", "/v1/track", "ftp://files.example/x", "mailto:a@b.example", "javascript:x",
                         "http:///path", "https://user@/x", "http:host.example", " https://api.example.com/ ",
                         "https://api.example.com/ok", "HTTP://API.EXAMPLE.COM/", "https://[::1]:8080/x",
                         "localhost:8080/x", "http://", "https://[a", "https://xn--/x", "https://%E9@h.example/",
                         "https://:80/", "Https:host.example"],
                transport=Recorder([(200, "{}")]))


@pytest.mark.node
def test_fetch_reads_the_url_then_the_headers_then_asks_for_an_absolute_url(probe):
    """node-fetch 2.6's order: url.parse's own refusal (new Request), the headers' names and values
    (new Headers), then an absolute http(s) URL (getNodeRequestOptions)."""
    source = """
async def f(x):
    try:
        await fetch(x, {"headers": {"Bad Name": "v"}})
    except TypeError as e:
        return str(e)
"""
    probe.check(source, ["https://[a", "not-a-url", "https://api.example.com/", "ftp://x.example"],
                transport=Recorder([(200, "{}")]))


@pytest.mark.node
def test_fetch_status_retry_error(probe):
    source = """
async def f(x):
    try:
        res = await fetch("https://api.example.com/", {"method": "POST", "body": "raw"})
    except FetchError as e:
        raise RetryError("network: " + str(e))
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"answered {res.status}")
    return [res.status, await res.text()]
"""
    source = "from segfn.runtime import FetchError\n" + source
    for answers in ([(503, "{}")], [(429, "")], [(None, "")], [(201, "created")]):
        probe.check(source, [1], transport=Recorder(answers))


@pytest.mark.node
def test_print_writes_what_cpython_writes_for_floats(probe, capsys):
    """print(4 / 2) logs 2.0 as CPython does (it logged 2: print lost what the compiler knew of the
    float that str() keeps), and a print's log lines are the same on both sides."""
    source = ("def f(x):\n    y = x / 2\n    print(1.0, x / 2, y, float(x), sep=' ')\n"
              "    print(y, 'b', *[x, 'c'])\n    return 1")
    path, text = probe.module(source)
    namespace: dict = {}
    exec(compile(text, str(path), "exec"), namespace)
    bundle_id, _ = probe.harness.load(compile_module(path).js)
    try:
        for x in (4, 3, 0):
            capsys.readouterr()
            asyncio.run(namespace["on_track"]({"x": x}, {}))
            python = capsys.readouterr().out.splitlines()
            (node,) = probe.harness.call_many(bundle_id, [("onTrack", {"x": x}, {})], None)
            assert list(node.logs) == python, x
    finally:
        probe.harness.unload(bundle_id)


@pytest.mark.node
def test_each_print_is_one_log_line_with_its_end_on_both_sides(probe, tmp_path):
    """A print's end is part of its log line, less one final newline (each console.log in Segment is
    one line): the runner dropped the end ('a-b' where the bundle logged 'a-b!')."""
    from segfn.compiler.steering import Budget, check_bundle

    source = ("def f(x):\n    print('a', x, sep='-', end='!\\n')\n    print(x, end='')\n"
              "    print('two', end='\\n\\n')\n    print(x, end=None)\n    return 1")
    path, _ = probe.module(source)
    fixtures = tmp_path / "one.json"
    fixtures.write_text('{"type": "track", "userId": "u", "x": "b"}')
    run = check_bundle(compile_module(path), probe.harness, Budget(cases=0), fixtures=fixtures, record=True)
    run.checker.close()
    assert run.outcome.differences == []
    ((case, python),) = run.outcome.ran
    assert python.logs == ["a-b!", "b", "two\n", "b"]
