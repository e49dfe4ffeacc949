"""Translate a Python ``re`` pattern into a JavaScript ``RegExp`` (``v`` mode) that matches the same strings.

The classes that differ between the two engines are rewritten: ``\\d``/``\\w``/``\\s``/``\\b`` use
Unicode like Python (or ASCII under ``re.ASCII``), ``.`` does not match ``\\r`` or ``\\u2028`` as JavaScript's
does, ``$`` also matches before a final newline, ``^``/``$`` under ``re.M`` only see ``\\n``.
What cannot be expressed faithfully (possessive quantifiers, atomic groups, conditionals, scoped inline
flags, ``\\N{...}``) is rejected with the reason.
"""

from __future__ import annotations

import re as _re
from dataclasses import dataclass

from .unicode_tables import regex_class

I, M, S, A, X = 2, 8, 16, 256, 64  # the values of re.IGNORECASE, MULTILINE, DOTALL, ASCII, VERBOSE
FLAG_NAMES = {"I": I, "IGNORECASE": I, "M": M, "MULTILINE": M, "S": S, "DOTALL": S, "A": A, "ASCII": A,
              "X": X, "VERBOSE": X, "U": 0, "UNICODE": 0}

_PY_WS = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ASPACE = r" \t\n\r\f\v"


class RegexError(ValueError):
    """The pattern is invalid, or uses what the compiler cannot translate exactly."""


@dataclass(frozen=True)
class Translated:
    source: str
    flags: str  # JavaScript flags, without g/y/d
    groups: int
    names: tuple[str, ...]


def _esc(ch: str) -> str:
    """A literal character, safe anywhere in a u-mode pattern (also inside a class)."""
    if ch.isalnum() or ch == "_" or (ord(ch) > 0x7f and ch.isprintable()):
        return ch
    return f"\\u{{{ord(ch):x}}}"


class _Parser:
    def __init__(self, pattern: str, flags: int) -> None:
        self.p = pattern
        self.i = 0
        self.flags = flags
        self.groups = 0
        self.names: list[str] = []
        self._inline_flags()

    def _inline_flags(self) -> None:
        """Global inline flags ``(?imsx)`` (Python requires them at the start)."""
        while True:
            m = _re.match(r"\(\?([aiLmsux]+)\)", self.p[self.i:])
            if not m:
                return
            for c in m.group(1):
                if c == "L":
                    raise RegexError("re.LOCALE is not supported")
                self.flags |= {"a": A, "i": I, "m": M, "s": S, "u": 0, "x": X}[c]
            self.i += m.end()

    def peek(self, n: int = 1) -> str:
        return self.p[self.i:self.i + n]

    def take(self) -> str:
        if self.i >= len(self.p):
            raise RegexError("unexpected end of pattern")
        ch = self.p[self.i]
        self.i += 1
        return ch

    # --- grammar -------------------------------------------------------------------------
    def parse(self) -> str:
        out = self.alternation()
        if self.i < len(self.p):
            raise RegexError(f"unbalanced parenthesis at position {self.i}")
        return out

    def alternation(self) -> str:
        parts = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            parts.append(self.sequence())
        return "|".join(parts)

    def sequence(self) -> str:
        out = ""
        while self.i < len(self.p) and self.peek() not in ("|", ")"):
            if self.flags & X:
                ch = self.peek()
                if ch.isspace():
                    self.i += 1
                    continue
                if ch == "#":
                    while self.i < len(self.p) and self.p[self.i] != "\n":
                        self.i += 1
                    continue
            atom, quantifiable = self.atom()
            q = self.quantifier()
            if q and not quantifiable:
                raise RegexError(f"nothing to repeat at position {self.i}")
            out += atom + q
        return out

    def quantifier(self) -> str:
        ch = self.peek()
        q = ""
        if ch in ("*", "+", "?"):
            self.i += 1
            q = ch
        elif ch == "{":
            m = _re.match(r"\{(\d*)(,?)(\d*)\}", self.p[self.i:])
            if not m or (not m.group(1) and not m.group(3) and m.group(2)) or (not m.group(1) and not m.group(2)):
                if m and not m.group(1) and m.group(2) and not m.group(3):
                    self.i += m.end()
                    q = "{0,}"
                else:
                    return ""
            else:
                self.i += m.end()
                lo = m.group(1) or "0"
                if m.group(1) and m.group(3) and int(m.group(1)) > int(m.group(3)):
                    raise RegexError("min repeat greater than max repeat")
                q = "{" + lo + m.group(2) + m.group(3) + "}"
        if not q:
            return ""
        if self.peek() == "?":
            self.i += 1
            q += "?"
        elif self.peek() == "+":
            raise RegexError("possessive quantifiers are not supported (JavaScript has none)")
        if self.peek() in ("*", "+", "?", "{") and self.peek() != "{":
            raise RegexError(f"multiple repeat at position {self.i}")
        return q

    def atom(self) -> tuple[str, bool]:
        ch = self.take()
        if ch == "(":
            return self.group(), True
        if ch == "[":
            return self.char_class(), True
        if ch == "\\":
            return self.escape(in_class=False)
        if ch == ".":
            return ("[\\s\\S]" if self.flags & S else "[^\\n]"), True
        if ch == "^":
            return ("(?<![^\\n])" if self.flags & M else "^"), False
        if ch == "$":
            return ("(?=\\n|(?![\\s\\S]))" if self.flags & M else "(?=\\n?(?![\\s\\S]))"), False
        if ch in "*+?":
            raise RegexError(f"nothing to repeat at position {self.i - 1}")
        if ch == ")":
            raise RegexError(f"unbalanced parenthesis at position {self.i - 1}")
        return _esc(ch), True

    def group(self) -> str:
        if self.peek() != "?":
            self.groups += 1
            inner = self.alternation()
            self._close()
            return "(" + inner + ")"
        self.i += 1
        kind = self.take()
        if kind == ":":
            inner = self.alternation(); self._close()
            return "(?:" + inner + ")"
        if kind in "=!":
            inner = self.alternation(); self._close()
            return "(?" + kind + inner + ")"
        if kind == "<":
            look = self.take()
            if look not in "=!":
                raise RegexError("unknown extension ?<" + look)
            inner = self.alternation(); self._close()
            return "(?<" + look + inner + ")"
        if kind == "P":
            t = self.take()
            if t == "<":
                end = self.p.index(">", self.i)
                name = self.p[self.i:end]
                if not name.isidentifier():
                    raise RegexError(f"bad character in group name {name!r}")
                if name in self.names:
                    raise RegexError(f"redefinition of group name {name!r}")
                self.i = end + 1
                self.groups += 1
                self.names.append(name)
                inner = self.alternation(); self._close()
                return f"(?<{name}>" + inner + ")"
            if t == "=":
                end = self.p.index(")", self.i)
                name = self.p[self.i:end]
                if name not in self.names:
                    raise RegexError(f"unknown group name {name!r}")
                self.i = end + 1
                return f"\\k<{name}>"
            raise RegexError("unknown extension ?P" + t)
        if kind == "#":
            end = self.p.index(")", self.i)
            self.i = end + 1
            return ""
        if kind == ">":
            raise RegexError("atomic groups (?>...) are not supported (JavaScript has none)")
        if kind == "(":
            raise RegexError("conditional groups (?(...)...) are not supported")
        raise RegexError("scoped inline flags (?flags:...) are not supported")

    def _close(self) -> None:
        if self.peek() != ")":
            raise RegexError(f"missing ), unterminated subpattern at position {self.i}")
        self.i += 1

    def escape(self, in_class: bool) -> tuple[str, bool]:
        ch = self.take()
        ascii_mode = bool(self.flags & A)
        word = "[A-Za-z0-9_]" if ascii_mode else regex_class("$RE_WORD")
        classes = {
            "d": "[0-9]" if ascii_mode else regex_class("$RE_DIGIT"),
            "w": word,
            "s": "[" + (_ASPACE if ascii_mode else _PY_WS) + "]",
        }
        if ch in classes:
            return classes[ch], True
        if ch in "DWS":
            return "[^" + classes[ch.lower()] + "]", True
        if in_class:
            if ch == "b":
                return "\\u{8}", True
        else:
            if ch == "b":
                return (f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"), False
            if ch == "B":
                return (f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"), False
            if ch == "A":
                return "(?<![\\s\\S])", False
            if ch == "Z":
                return "(?![\\s\\S])", False
        simple = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\x07"}
        if ch in simple:
            return _esc(simple[ch]), True
        if ch == "x":
            hexd = self.p[self.i:self.i + 2]
            if not _re.fullmatch(r"[0-9a-fA-F]{2}", hexd):
                raise RegexError(f"incomplete escape \\x{hexd}")
            self.i += 2
            return _esc(chr(int(hexd, 16))), True
        if ch in "uU":
            n = 4 if ch == "u" else 8
            hexd = self.p[self.i:self.i + n]
            if not _re.fullmatch(r"[0-9a-fA-F]{%d}" % n, hexd):
                raise RegexError(f"incomplete escape \\{ch}{hexd}")
            self.i += n
            return _esc(chr(int(hexd, 16))), True
        if ch == "N":
            raise RegexError("\\N{...} escapes are not supported")
        if ch == "0":
            m = _re.match(r"[0-7]{0,2}", self.p[self.i:])
            self.i += m.end()
            return _esc(chr(int("0" + m.group(0), 8))), True
        if ch.isdigit():
            m = _re.match(r"\d?", self.p[self.i:])
            digits = ch + m.group(0)
            if len(digits) == 2 and ch in "01234567" and self.peek(1) in tuple("01234567") and digits[1] in "01234567":
                self.i += 2
                return _esc(chr(int(digits + self.p[self.i - 1], 8) & 0x1FF)), True
            self.i += m.end()
            if in_class:
                raise RegexError("backreferences inside a character class are invalid")
            if int(digits) > self.groups:
                raise RegexError(f"invalid group reference {int(digits)}")
            return f"\\{int(digits)}", True
        if ch.isascii() and ch.isalpha():
            raise RegexError(f"bad escape \\{ch}")
        return _esc(ch), True

    def char_class(self) -> str:
        negate = False
        if self.peek() == "^":
            negate = True
            self.i += 1
        items: list[str] = []
        first = True
        while True:
            if self.i >= len(self.p):
                raise RegexError("unterminated character set")
            ch = self.take()
            if ch == "]" and not first:
                break
            first = False
            if ch == "[" and self.peek() in (":", "=", "."):
                raise RegexError("POSIX classes [[:...:]] are not supported")
            if ch == "\\":
                lo, single = self.escape(in_class=True)
                lo_char = self._single(lo)
            else:
                lo, lo_char = _esc(ch), ch
            if self.peek() == "-" and self.peek(2) != "-]" and len(self.p) > self.i + 1 and self.p[self.i + 1] != "]":
                self.i += 1
                hc = self.take()
                if hc == "\\":
                    hi, _ = self.escape(in_class=True)
                    hi_char = self._single(hi)
                else:
                    hi, hi_char = _esc(hc), hc
                if lo_char is None or hi_char is None:
                    raise RegexError("bad character range")
                if ord(hi_char) < ord(lo_char):
                    raise RegexError(f"bad character range {lo_char}-{hi_char}")
                items.append(lo + "-" + hi)
            else:
                items.append(lo)
        body = "".join(items)
        if not body:
            return "[^\\s\\S]" if not negate else "[\\s\\S]"
        return ("[^" if negate else "[") + body + "]"

    @staticmethod
    def _single(js: str) -> str | None:
        m = _re.fullmatch(r"\\u\{([0-9a-f]+)\}", js)
        if m:
            return chr(int(m.group(1), 16))
        if len(js) == 1:
            return js
        return None


def translate(pattern: str, flags: int = 0) -> Translated:
    """The JavaScript equivalent of ``re.compile(pattern, flags)``; ``RegexError`` when there is none."""
    if flags & ~(I | M | S | A | X):
        raise RegexError("unsupported flags")
    try:
        _re.compile(pattern, flags)
    except _re.error as exc:
        raise RegexError(f"invalid pattern: {exc}") from None
    parser = _Parser(pattern, flags)
    source = parser.parse()
    js_flags = "v" + ("i" if parser.flags & I else "")
    return Translated(source, js_flags, parser.groups, tuple(parser.names))
