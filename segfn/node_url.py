"""What node-fetch 2.6 (Segment's ``fetch``) makes of a URL before it sends anything.

node-fetch 2.6.0 reads a URL with Node's legacy ``url.parse`` (``new Request``), then refuses what
has no protocol or hostname, or another protocol than http(s) (``getNodeRequestOptions``)::

    TypeError: Only absolute URLs are supported       'not-a-url', '/v1/track', 'https://:80/'
    TypeError: Only HTTP(S) protocols are supported   'ftp://files.example/x', 'mailto:a@b.example'
    TypeError: Invalid URL                            url.parse's own refusal: 'https://[a', 'https://xn--/'
    URIError: URI malformed                           a user part that is not percent-encoded UTF-8

The rules are those of Node 20's ``lib/url.js`` (``Url.prototype.parse``, ``parseHost``,
``getHostname``, the protocol sets of ``internal/url.js``); tests/compiler/test_node_url.py holds
this port against Node's own ``url.parse`` on thousands of generated strings. One approximation: a
non-ASCII hostname is mapped by IDNA 2003's nameprep (Python's ``encodings.idna``) where Node uses
UTS 46; they agree on what empties a hostname or refuses it for the usual characters.
"""

from __future__ import annotations

import re
from encodings import idna as _idna

ABSOLUTE = "Only absolute URLs are supported"
PROTOCOLS = "Only HTTP(S) protocols are supported"
INVALID = "Invalid URL"
URI_MALFORMED = "URI malformed"

_HOSTLESS = {"javascript", "javascript:"}
_SLASHED = {"http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:",
            "ws", "ws:", "wss", "wss:"}
_PROTOCOL = re.compile(r"[a-z0-9.+-]+:", re.IGNORECASE)
_USER_AT_HOST = re.compile(r"//[^@/]+@[^@/]+")
# JavaScript's \s (not Python's: no \x1c-\x1f or \x85, but \ufeff)
_JS_SPACE = "\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SIMPLE_PATH = re.compile(rf"//?(?!/)[^?{_JS_SPACE}]*(\?[^{_JS_SPACE}]*)?")
_PORT = re.compile(r":[0-9]*\Z")
_NOT_HOST = set(" \"%';<>\\^`{|}")
_HOST_END = set("#/?")
_CUT_HOSTNAME = re.compile(r"[/\\#?:]")
_FORBIDDEN = re.compile(r"[\0\t\n\r #%/:<>?@\[\\\]^|]")
_FORBIDDEN_IPV6 = re.compile(r"[\0\t\n\r #%/<>?@\\^|]")
_DOTS = re.compile("[.\u3002\uff0e\uff61]")
_DEVIATIONS = re.compile("([ßς])")
_LONE_PERCENT = re.compile(r"%(?![0-9a-fA-F]{2})")
_ESCAPES = re.compile(r"(?:%[0-9a-fA-F]{2})+")


class InvalidURL(ValueError):
    """``url.parse`` itself refused the URL: ``name`` is the JavaScript error's (TypeError, URIError)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def parse(url: str) -> tuple[str | None, str | None]:
    """``(protocol, hostname)`` as Node's legacy ``url.parse(url)`` gives them (protocol lower-cased
    with its colon, hostname lower-cased and IDNA-encoded; None where the URL has none).

    Raises ``InvalidURL`` where ``url.parse`` throws."""
    # trimmed of code points below 33, NBSP and BOM; backslashes before the first ? or # are slashes
    spaces = lambda ch: ord(ch) < 33 or ch in "\u00a0\ufeff"  # noqa: E731
    start, end = 0, len(url)
    while start < end and spaces(url[start]):
        start += 1
    while end > start and spaces(url[end - 1]):
        end -= 1
    rest = url[start:end]
    split = next((i for i, ch in enumerate(rest) if ch in "?#"), len(rest))
    has_at, has_hash = "@" in rest[:split], "#" in rest
    rest = rest[:split].replace("\\", "/") + rest[split:]
    if not has_hash and not has_at and _SIMPLE_PATH.fullmatch(rest):
        return None, None  # a path: '/v1/track', '//x'

    proto = _PROTOCOL.match(rest)
    protocol = proto.group().lower() if proto else None
    if proto:
        rest = rest[proto.end():]
    slashes = False
    if proto or _USER_AT_HOST.match(rest):
        slashes = rest.startswith("//")
        if slashes and not (proto and protocol in _HOSTLESS):
            rest = rest[2:]
    # slashedProtocol is asked with the protocol as written: 'Https:host' has the host 'host'
    if protocol in _HOSTLESS or not (slashes or (proto and proto.group() not in _SLASHED)):
        return protocol, None
    return protocol, _hostname(rest)


def _hostname(rest: str) -> str:
    """The hostname at the start of ``rest`` (what follows the protocol and its slashes)."""
    rest = rest.replace("\t", "").replace("\n", "").replace("\r", "")  # as WHATWG URL drops them
    at, cut = -1, -1
    for i, ch in enumerate(rest):
        if ch in _HOST_END:
            cut = i if cut == -1 else cut
            break
        if ch in _NOT_HOST:
            cut = i if cut == -1 else cut
        elif ch == "@":
            at, cut = i, -1
    if at != -1 and not _decodes(rest[:at]):  # the user part goes through decodeURIComponent
        raise InvalidURL("URIError", URI_MALFORMED)
    host = rest[at + 1:] if cut == -1 else rest[at + 1:cut]
    port = _PORT.search(host)
    if port:
        host = host[:port.start()]
    hostname = host
    ipv6 = hostname[:1] == "[" and hostname[-1:] == "]"
    if not ipv6:
        stop = _CUT_HOSTNAME.search(hostname)
        hostname = hostname[:stop.start()] if stop else hostname
    hostname = "" if len(hostname) > 255 else hostname.lower()
    if hostname == "":
        return ""
    if ipv6:
        if _FORBIDDEN_IPV6.search(hostname):
            raise InvalidURL("TypeError", INVALID)
        return hostname[1:-1]
    hostname = _to_ascii(hostname)
    if hostname == "" or _FORBIDDEN.search(hostname):
        raise InvalidURL("TypeError", INVALID)
    return hostname


def _decodes(text: str) -> bool:
    """Whether JavaScript's ``decodeURIComponent(text)`` succeeds: every % starts two hex digits,
    and each run of escapes is UTF-8."""
    if _LONE_PERCENT.search(text):
        return False
    try:
        for run in _ESCAPES.findall(text):
            bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _to_ascii(hostname: str) -> str:
    """IDNA's ToASCII ('' where a label cannot be encoded): a non-ASCII label is mapped (nameprep)
    and punycoded, an 'xn--' label must decode to a label that mapping leaves as it is; Node's C++
    then reads the result up to its first NUL ('é\\0ab' is 'xn--')."""
    labels = []
    for label in _DOTS.split(hostname):
        if not label.isascii():
            try:  # UTS 46 keeps the deviations ß and ς that nameprep folds to ss and σ
                label = "".join(part if part in "ßς" else _idna.nameprep(part) for part in _DEVIATIONS.split(label))
            except UnicodeError:
                return ""
        if label.startswith("xn--") and not (label.isascii() and _punycode_label(label[4:].split("\0", 1)[0])):
            return ""
        if not label.isascii():
            label = "xn--" + label.encode("punycode").decode("ascii")
        labels.append(label)
    return ".".join(labels).split("\0", 1)[0]


def _punycode_label(code: str) -> bool:
    try:
        decoded = code.encode("ascii").decode("punycode")
        return decoded != "" and decoded.isprintable() and _idna.nameprep(decoded) == decoded
    except UnicodeError:
        return False


def refusal(url: str) -> tuple[str, str] | None:
    """``(error name, message)`` of what node-fetch 2.6 rejects ``fetch(url)`` with, before any
    request, or None when it sends the request."""
    try:
        protocol, hostname = parse(url)
    except InvalidURL as exc:
        return exc.name, str(exc)
    if not protocol or not hostname:
        return "TypeError", ABSOLUTE
    if protocol not in ("http:", "https:"):
        return "TypeError", PROTOCOLS
    return None
