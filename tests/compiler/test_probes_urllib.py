"""Probes of urllib.parse (CPython 3.11 vs Node): urlparse, urlsplit and their results' fields, parse_qs,
parse_qsl, quote, quote_plus, unquote, unquote_plus, urlencode (doseq), urlunparse, urlunsplit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.node

HEAD = ("from urllib.parse import urlparse, urlsplit, urlunparse, urlunsplit, parse_qs, parse_qsl, quote, quote_plus, "
        "unquote, unquote_plus, urlencode, urljoin, urldefrag\nimport urllib.parse\n")

URLS = ["https://user:pw@Example.COM:8443/a/b;p=1?q=1&r=2#frag", "http://[::1]:80/x", "http://[fe80::1%25eth0]/",
        "mailto:jo@example.com", "//cdn.example.com/lib.js", "/relative/path?x=1", "HTTP://Host/Path", "",
        "  \t http://ex\nample.com/a\tb", "http://a:notaport/", "http://a:99999/", "http://[1.2.3.4]/", "http://[zz]/",
        "http://[::1", "http://x]/", "http://[v1.x]/", "http://[v1]/", "file:///etc/hosts", "ftp://h/p;type=a",
        "tel:+1-201-555-0123;ext=1", "http://münchen.de/straße?ä=ö", "http://a/b;c/d;e", "sip:alice@atlanta.com;x",
        "http://a@b@c:1/", "http://:80/", "http://h:/", "1http://x/", "a+b-c.d:rest", "http://h/?#", "x://h/%20"]

PROBES = {
    "urlsplit_fields": ("""
def f(x):
    try:
        u = urlsplit(x)
    except ValueError as e:
        return ["ValueError", str(e)]
    out = [list(u), u.scheme, u.netloc, u.path, u.query, u.fragment, u.username, u.password, u.hostname,
           repr(u), u.geturl(), urlunsplit(u), len(u), u[1], u == tuple(u)]
    try:
        out.append(u.port)
    except ValueError as e:
        out.append(["ValueError", str(e)])
    return out
""", URLS),
    "urlparse_fields": ("""
def f(x):
    try:
        u = urlparse(x)
    except ValueError as e:
        return ["ValueError", str(e)]
    scheme, netloc, path, params, query, fragment = u
    return [scheme, netloc, path, params, query, fragment, u.params, u.hostname, str(u), u.geturl(), urlunparse(u),
            u._replace(query="z=1", fragment="").geturl(), urlparse(x, scheme="https").scheme,
            urlparse(x, allow_fragments=False).path]
""", URLS),
    "parse_qs_forms": ("""
def f(x):
    out = [parse_qs(x), parse_qsl(x), parse_qs(x, keep_blank_values=True), parse_qsl(x, True),
           parse_qsl(x, separator=";"), parse_qs(x, max_num_fields=10)]
    for call in (lambda: parse_qsl(x, strict_parsing=True), lambda: parse_qs(x, max_num_fields=1),
                 lambda: parse_qsl(x, separator="")):
        try:
            out.append(call())
        except ValueError as e:
            out.append(str(e))
    return out
""", ["a=1&b=2&a=3", "a=&b", "", "&&a=%20b+c&", "x=%E9%C3%A9&y=%zz", "a=1;b=2", "=v&k=", "a==b", "+=+"]),
    "quote_forms": ("""
def f(x):
    return [quote(x), quote(x, safe=""), quote(x, "/:é"), quote_plus(x), quote_plus(x, safe="/+"),
            unquote(x), unquote_plus(x), unquote(quote(x)), unquote_plus(quote_plus(x)), quote(x.encode()),
            unquote(x.encode("utf-8"))]
""", ["a b/c?d=é&😀", "", "~._-", "100%", "%41%zz%", "a+b c", "%E9 %C3%A9", "\x00\x7f"]),
    "quote_type_errors": ("""
def f(x):
    out = []
    for call in (lambda: quote(x), lambda: unquote(x), lambda: urlsplit(x) if x is not None else "bytes", lambda: urlencode(x),
                 lambda: parse_qsl(x) if x is not None else "bytes"):
        try:
            out.append(call())
        except (TypeError, AttributeError) as e:
            out.append([type(e).__name__, str(e)])
    return out
""", [None, 5, [1], {"a": 1}]),
    "urlencode_forms": ("""
def f(x):
    out = [urlencode(x), urlencode(x, doseq=True), urlencode(x, True, "/"),
           urlencode(x, quote_via=urllib.parse.quote), urlencode(x, doseq=True, quote_via=quote)]
    out.append(urlencode([("a", 1), ("a", "b c"), ("é", None)]))
    out.append(urlencode((("t", (1, 2)),), doseq=True))
    for bad in ([1, 2], "ab", [("a", 1, 2)]):
        try:
            out.append(urlencode(bad))
        except (TypeError, ValueError) as e:
            out.append([type(e).__name__, str(e)])
    return out
""", [{"q": "a b&c", "n": 1, "l": [1, "x y"], "d": {"k": 1}, "b": True, "none": None, "f": 1.5, "e": []},
      {"path": "/a/b", "é": "😀"}, {}]),
}


BASES = ["http://a/b/c/d;p?q", "https://api.example.com/v1/", "https://api.example.com/v1", "file:///tmp/x", "", "mailto:a@b"]
RELATIVE = ["g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s", "g?y#s", ";x", "g;x", "", ".", "./", "..",
            "../", "../g", "../..", "../../", "../../g", "../../../g", "/./g", "/../g", "g.", ".g", "g..", "..g",
            "./../g", "./g/.", "g/./h", "g/../h", "g;x=1/./y", "users/42?x=1", "https://other/x", "http:g"]
PROBES["urljoin_rfc3986"] = ("""
def f(x):
    out = []
    for base in BASES:
        try:
            out.append(urljoin(base, x))
        except ValueError as e:
            out.append(str(e))
    d = urldefrag(urljoin(BASES[0], x))
    return [out, urljoin(BASES[1], x, allow_fragments=False), list(d), d.url, d.fragment, repr(d), d.geturl()]
""".replace("BASES", repr(BASES)), RELATIVE)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_urllib_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(HEAD + source, inputs)


URL_ALPHABET = "abcAB09:/?#[]@!$&'()*+,;=%-._~ \t\né😀"


@settings(max_examples=6)
@given(st.lists(st.text(alphabet=URL_ALPHABET, max_size=30), min_size=40, max_size=40))
def test_urlsplit_and_urlparse_on_generated_text(probe, texts):
    source = HEAD + """
def f(x):
    out = []
    for which in (0, 1):
        try:
            u = urlsplit(x) if which == 0 else urlparse(x)
            out.append([list(u), u.geturl(), u.hostname, u.username, u.password, urljoin("http://h/a/b", x)])
            out.append(u.port)
        except ValueError as e:
            out.append(str(e))
    return out
"""
    probe.check(source, texts + ["http://" + t for t in texts[:10]] + ["http://[" + t for t in texts[10:20]])


@settings(max_examples=6)
@given(st.lists(st.text(alphabet="ab=&;+% 0123456789ABCDEFéz😀", max_size=24), min_size=40, max_size=40))
def test_quoting_and_query_strings_on_generated_text(probe, texts):
    source = HEAD + """
def f(x):
    return [quote(x), quote_plus(x, safe="&="), unquote(x), unquote_plus(x), parse_qsl(x, keep_blank_values=True),
            parse_qs(x), urlencode(parse_qsl(x)), urlencode({"k": x, "l": [x, x]}, doseq=True)]
"""
    probe.check(source, texts)


REFUSED = [
    ("from urllib.parse import parse_qs\ndef g(x):\n    return parse_qs(x, encoding='latin-1')",
     "parse_qs() supports only encoding='utf-8'", "'latin-1'"),
    ("from urllib.parse import urlencode, quote\ndef g(x):\n    return urlencode(x, quote_via=str)",
     "urlencode(quote_via=) takes urllib.parse.quote or quote_plus", "str)"),
    ("from urllib.parse import quote_from_bytes\n",
     "urllib.parse.quote_from_bytes is not in the supported standard library subset", "from urllib"),
]


@pytest.mark.parametrize("code,message,anchor", REFUSED, ids=[r[1][:40] for r in REFUSED])
def test_refused_urllib_neighbours(tmp_path, code, message, anchor):
    from tests.compiler.test_compile_errors import assert_refused

    assert_refused(tmp_path, code, message, anchor)
