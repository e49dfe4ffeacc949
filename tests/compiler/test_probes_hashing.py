"""Probes of hashlib (md5, sha1, sha224, sha256, sha384, sha512, new), hmac (new, digest,
compare_digest) and base64's urlsafe variants, CPython vs Node."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.node

HEAD = "import hashlib, hmac, base64\nfrom hmac import compare_digest\n"

PROBES = {
    "hashlib_all": ("""
def f(x):
    b = x.encode()
    out = []
    for h in (hashlib.md5(b), hashlib.sha1(b), hashlib.sha224(b), hashlib.sha256(b), hashlib.sha384(b),
              hashlib.sha512(b), hashlib.new("sha512", b), hashlib.sha384(string=b)):
        h2 = h.copy()
        h2.update("!".encode())
        out.append([h.name, h.digest_size, h.block_size, h.hexdigest(), h.digest().hex(), h2.hexdigest()])
    return out
""", ["", "abc", "é😀" * 40, "a" * 1000]),
    "hashlib_errors": ("""
def f(x):
    out = []
    for call in (lambda: hashlib.sha512(x), lambda: hashlib.new(x), lambda: hashlib.sha224().update(x),
                 lambda: hashlib.new(x.upper(), x.encode()), lambda: hashlib.new(len(x))):
        try:
            out.append(call().hexdigest())
        except (TypeError, ValueError, AttributeError) as e:
            out.append([type(e).__name__, str(e)])
    return out
""", ["text", "nope", "sha1"]),
    "hmac_forms": ("""
def f(x):
    key = x["key"].encode()
    msg = x["msg"].encode("utf-8")
    h = hmac.new(key, msg, hashlib.sha256)
    h2 = hmac.new(key, digestmod="sha512")
    h2.update(msg)
    h3 = h2.copy()
    h3.update("x".encode())
    sig = base64.b64encode(hmac.new(key, msg, "sha1").digest()).decode()
    return [h.hexdigest(), h.name, h.digest_size, h.block_size, h2.hexdigest(), h3.hexdigest(), sig,
            hmac.digest(key, msg, "md5").hex(), hmac.new(key, msg, digestmod=hashlib.sha384).hexdigest(),
            compare_digest(h.hexdigest(), hmac.new(key, msg, "sha256").hexdigest()),
            hmac.compare_digest(h.digest(), h2.digest()), compare_digest(x["msg"][:3], "abc")]
""", [{"key": "secret", "msg": "abc"}, {"key": "", "msg": ""}, {"key": "k" * 200, "msg": "é😀" * 50}]),
    "hmac_errors": ("""
def f(x):
    out = []
    for call in (lambda: hmac.new(x, "m".encode(), "sha256"), lambda: hmac.new("k".encode(), x, "sha256"),
                 lambda: hmac.new("k".encode(), "m".encode(), x), lambda: hmac.new("k".encode()), lambda: compare_digest(x, "a"),
                 lambda: compare_digest(x, "a".encode()), lambda: compare_digest(1, 1)):
        try:
            r = call()
            out.append(r if isinstance(r, bool) else r.hexdigest())
        except (TypeError, ValueError) as e:
            out.append([type(e).__name__, str(e)])
    return out
""", ["sha256", "é", "nope"]),
    "base64_urlsafe": ("""
def f(x):
    b = x.encode()
    e = base64.urlsafe_b64encode(b)
    return [e.decode(), base64.urlsafe_b64decode(e).decode(), base64.urlsafe_b64decode(e.decode()).decode(),
            base64.b64encode(b).decode(), base64.urlsafe_b64encode(b).decode().rstrip("=")]
""", ["", "ÿÿÿ>>>???", "é😀", "a" * 50]),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_hashing_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(HEAD + source, inputs)


@settings(max_examples=5)
@given(st.lists(st.tuples(st.binary(max_size=300).map(lambda b: b.decode("latin-1")), st.text(max_size=300)),
                min_size=20, max_size=20))
def test_digests_of_generated_messages(probe, pairs):
    source = HEAD + """
def f(x):
    key, msg = x[0].encode("latin-1") if False else x[0].encode(), x[1].encode()
    return [hashlib.sha224(msg).hexdigest(), hashlib.sha384(msg).hexdigest(), hashlib.sha512(msg).hexdigest(),
            hmac.new(key, msg, hashlib.sha256).hexdigest(), hmac.new(key, msg, "sha512").hexdigest(),
            base64.urlsafe_b64encode(msg).decode()]
"""
    probe.check(source, [list(p) for p in pairs])


REFUSED = [
    ("import hmac, json\ndef g(x):\n    return hmac.new('k'.encode(), x, json.dumps)",
     "hmac.new()'s digestmod must be a hashlib constructor", "json.dumps"),
    ("import hashlib\ndef g(x):\n    return hashlib.sha3_256(x)", "hashlib.sha3_256 is not in the supported",
     "hashlib.sha3_256"),
    ("import hashlib\ndef g(x):\n    return hashlib.new('sha3_256', x)", "hashlib.new('sha3_256') is not supported",
     "'sha3_256'"),
    ("import hashlib\ndef g(x):\n    return hashlib.blake2b(x)", "hashlib.blake2b is not in the supported",
     "hashlib.blake2b"),
]


@pytest.mark.parametrize("code,message,anchor", REFUSED, ids=[r[1][:40] for r in REFUSED])
def test_refused_hashing_neighbours(tmp_path, code, message, anchor):
    from tests.compiler.test_compile_errors import assert_refused

    assert_refused(tmp_path, code, message, anchor)
