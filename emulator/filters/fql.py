"""FQL text -> the JSON IR that @segment/tsub evaluates.

The lexing rules follow Segment's own FQL lexer (``@segment/fql-ts``, a port of the Go one):

- A field path is dot-separated names made of ``A-Z a-z 0-9 _ -``; ``\\x`` escapes any character
  (``properties.product\\ 1.price``). A name must be followed by a space, ``,`` ``]`` ``)`` ``(`` ``=``
  or ``!``, so ``a>5`` is an error while ``a="x"`` is fine.
- Strings are ``"..."`` or ``'...'`` with no escapes: the first matching quote ends them.
- Numbers are ``[+-]digits[.digits]``; there is no exponent.
- ``and``, ``or`` and ``null`` are keywords only when a space, ``,`` ``]`` ``)`` or the end follows;
  ``true``, ``false`` and ``in`` are names the parser gives a meaning.
- Two-character operators (``!= <= >=``) must be followed by a space, ``,`` ``]`` or ``)``.

Grammar (segfn's choices where Segment does not publish its compiler; see docs/semantics.md)::

    or_expr    := and_expr ('or' or_expr)?          right-nested: A or B or C = ["or",A,["or",B,C]]
    and_expr   := unary ('and' and_expr)?           and binds tighter than or
    unary      := '!' unary | '(' or_expr ')' | comparison
    comparison := value (('=' | '!=' | '<' | '<=' | '>' | '>=' | 'in') value)?
    value      := path | string | number | true | false | null | '[' values ']' | name '(' values ')'

IR: a path is a bare string, a literal is ``{"value": v}``, a list literal is ``{"value": [...]}``
whose path elements stay bare strings, operators and functions are arrays headed by their name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from .errors import FQLSyntaxError
from .jsvalues import stringify

MAX_BYTES = 5 * 1024  # "FQL queries are limited to 5 KB each" (guides/filtering-data.md)
MAX_DEPTH = 64

FUNCTIONS = {"contains": 2, "match": 2, "lowercase": 1, "typeof": 1, "length": 1, "semver": 3}
# In Segment's FQL reference, absent from @segment/tsub: tsub throws "could not evaluate" on them.
DOCUMENTED_ONLY = ("uppercase", "snakecase", "kebabcase", "titlecase", "bool", "string", "number")

_SPACE = " \t\n\r"
_TERMINATORS = _SPACE + ",])"
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_AFTER_NAME = _TERMINATORS + "(=!"


class Token(NamedTuple):
    kind: str  # path string number null op not and or [ ] , ( ) end
    value: Any
    start: int
    end: int


def _describe(token: Token, text: str) -> str:
    if token.kind == "end":
        return "the end of the query"
    return repr(text[token.start:token.end])


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def error(self, message: str, at: int) -> FQLSyntaxError:
        return FQLSyntaxError(message, self.text, at)

    def peek(self, at: int) -> str:
        return self.text[at] if at < len(self.text) else ""

    def terminated(self, at: int) -> bool:
        return at >= len(self.text) or self.text[at] in _TERMINATORS

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text = self.text
        while True:
            while self.i < len(text) and text[self.i] in _SPACE:
                self.i += 1
            start = self.i
            if start >= len(text):
                out.append(Token("end", None, start, start))
                return out
            c = text[start]
            if c in "[],()":
                self.i += 1
                out.append(Token(c, c, start, self.i))
            elif c == "=":
                self.i += 1
                out.append(Token("op", "=", start, self.i))
            elif c in "<>":
                out.append(self.comparison(c, start))
            elif c == "!":
                out.append(self.bang(start))
            elif c in "\"'":
                out.append(self.string(c, start))
            elif c.isascii() and (c.isdigit() or c in "+-"):
                out.append(self.number(start))
            elif c in _NAME_CHARS or c == "\\":
                out.append(self.name(start))
            elif c == ".":
                raise self.error("a field path cannot start with '.'", start)
            elif c.isascii():
                raise self.error(f"unexpected character {c!r}", start)
            else:
                raise self.error(f"unexpected character {c!r}; escape it with '\\' inside a field name", start)

    def comparison(self, c: str, start: int) -> Token:
        if self.peek(start + 1) == "=":
            if not self.terminated(start + 2):
                raise self.error(f"'{c}=' must be followed by a space, ',', ']' or ')'", start)
            self.i = start + 2
            return Token("op", c + "=", start, self.i)
        self.i = start + 1
        return Token("op", c, start, self.i)

    def bang(self, start: int) -> Token:
        following = self.peek(start + 1)
        if following == "=":
            if not self.terminated(start + 2):
                raise self.error("'!=' must be followed by a space, ',', ']' or ')'", start)
            self.i = start + 2
            return Token("op", "!=", start, self.i)
        if following and (following in _NAME_CHARS or following in "(\\") and following not in "-0123456789":
            self.i = start + 1
            return Token("not", "!", start, self.i)
        raise self.error("'!' must be followed directly by '=' (not equal), '(' or a field name (negation)", start)

    def string(self, quote: str, start: int) -> Token:
        end = self.text.find(quote, start + 1)
        if end < 0:
            raise self.error(f"unterminated string: no closing {quote} (FQL strings have no escapes)", start)
        self.i = end + 1
        return Token("string", self.text[start + 1:end], start, self.i)

    def number(self, start: int) -> Token:
        i = start + 1
        text = self.text
        dot = False
        while i < len(text) and (text[i].isascii() and text[i].isdigit() or text[i] == "."):
            if text[i] == ".":
                if dot:
                    raise self.error("a number can have only one decimal point", i)
                if self.terminated(i + 1):
                    raise self.error("expected digits after the decimal point", i)
                dot = True
            i += 1
        raw = text[start:i]
        body = raw.lstrip("+-")
        whole, _, fraction = body.partition(".")
        if len(raw) - len(body) > 1 or not whole or (dot and not fraction) or not (whole + fraction).isdigit():
            hint = "" if raw not in "+-" else " (a sign must be followed by digits)"
            raise self.error(f"invalid number {raw!r}{hint}", start)
        if i < len(text) and text[i] in "eE" and i + 1 < len(text) and (text[i + 1].isdigit() or text[i + 1] in "+-"):
            raise self.error("FQL numbers have no exponent; write the digits out", i)
        self.i = i
        value: Any = float(raw) if dot else int(raw)
        return Token("number", value, start, i)

    def name(self, start: int) -> Token:
        """A field path (one or more names joined by dots), or the keywords and, or, null."""
        text = self.text
        for keyword in ("and", "or", "null"):
            end = start + len(keyword)
            if text.startswith(keyword, start) and self.terminated(end):
                self.i = end
                return Token(keyword if keyword != "null" else "null", keyword, start, end)
        segments: list[str] = []
        i = start
        while True:
            segment, i = self.segment(i)
            segments.append(segment)
            if i < len(text) and text[i] == ".":
                i += 1
                continue
            break
        if i < len(text) and text[i] not in _AFTER_NAME:
            raise self.error(f"expected a space, ',', ']', ')', '(', '=' or '!' after the field name "
                             f"{text[start:i]!r}, got {text[i]!r}", i)
        self.i = i
        return Token("path", tuple(segments), start, i)

    def segment(self, i: int) -> tuple[str, int]:
        text = self.text
        start = i
        chars: list[str] = []
        while i < len(text):
            c = text[i]
            if c == "\\":
                if i + 1 >= len(text):
                    raise self.error("expected a character after the escape '\\'", i)
                chars.append(text[i + 1])
                i += 2
            elif c in _NAME_CHARS:
                chars.append(c)
                i += 1
            else:
                break
        if i == start:
            got = repr(text[i]) if i < len(text) else "the end of the query"
            raise self.error(f"expected a field name after '.', got {got}", i)
        return "".join(chars), i


def _path_ir(segments: tuple[str, ...]) -> str:
    """A path as tsub's ``dlv`` reads it: names joined by dots; a dot inside a name stays escaped as
    ``\\.`` (dlv cannot reach such a key; tsub's ``unset`` understands the escape)."""
    return ".".join(s.replace(".", "\\.") for s in segments)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _Lexer(text).tokens()
        self.pos = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def error(self, message: str, token: Token | None = None) -> FQLSyntaxError:
        token = token or self.token
        return FQLSyntaxError(message, self.text, token.start)

    def expect(self, kind: str, what: str) -> Token:
        if self.token.kind != kind:
            raise self.error(f"expected {what}, got {_describe(self.token, self.text)}")
        return self.advance()

    def nest(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the query is nested more than {MAX_DEPTH} levels deep", token)

    def query(self) -> Any:
        ir = self.or_expr()
        if self.token.kind != "end":
            raise self.error(f"expected 'and', 'or' or the end of the query, got {_describe(self.token, self.text)}")
        return ir

    def or_expr(self) -> Any:
        left = self.and_expr()
        if self.token.kind == "or":
            self.advance()
            return ["or", left, self.or_expr()]
        return left

    def and_expr(self) -> Any:
        left = self.unary()
        if self.token.kind == "and":
            self.advance()
            return ["and", left, self.and_expr()]
        return left

    def unary(self) -> Any:
        token = self.token
        if token.kind == "not":
            self.advance()
            self.nest(token)
            inner = self.unary()
            self.depth -= 1
            return ["!", inner]
        if token.kind == "(":
            self.advance()
            self.nest(token)
            inner = self.or_expr()
            self.depth -= 1
            self.expect(")", "')' to close the '('")
            return inner
        return self.comparison()

    def comparison(self) -> Any:
        left = self.value()
        token = self.token
        if token.kind == "op":
            self.advance()
            return [token.value, left, self.value()]
        if token.kind == "path" and token.value == ("in",) and self.tokens[self.pos + 1].kind != "(":
            self.advance()
            return ["in", left, self.value()]
        return left

    def value(self) -> Any:
        token = self.token
        kind = token.kind
        if kind == "path":
            self.advance()
            if self.token.kind == "(":
                return self.call(token)
            if token.value in (("true",), ("false",)):
                return {"value": token.value == ("true",)}
            return _path_ir(token.value)
        if kind in ("string", "number"):
            self.advance()
            return {"value": token.value}
        if kind == "null":
            self.advance()
            return {"value": None}
        if kind == "[":
            return self.list_literal()
        raise self.error("expected a value (a field path, a string, a number, true, false, null, a list "
                         f"or a function call), got {_describe(token, self.text)}")

    def list_literal(self) -> Any:
        opening = self.advance()
        self.nest(opening)
        items: list[Any] = []
        if self.token.kind != "]":
            while True:
                start = self.token
                item = self.value()
                if isinstance(item, list):
                    raise self.error("a list can hold paths and literals, not function calls", start)
                items.append(item)
                if self.token.kind != ",":
                    break
                self.advance()
        self.expect("]", "',' or ']' in the list")
        self.depth -= 1
        return {"value": items}

    def call(self, name_token: Token) -> Any:
        segments = name_token.value
        name = ".".join(segments)
        if len(segments) != 1 or name not in FUNCTIONS:
            if name in DOCUMENTED_ONLY:
                raise self.error(f"{name}() is in Segment's FQL reference but @segment/tsub, the engine segfn "
                                 f"reproduces, does not implement it (it throws, so no event would be sent); "
                                 f"use one of {', '.join(f + '()' for f in FUNCTIONS)}", name_token)
            raise self.error(f"unknown function {name}(); FQL has {', '.join(f + '()' for f in FUNCTIONS)}",
                             name_token)
        opening = self.advance()
        self.nest(opening)
        args: list[Any] = []
        if self.token.kind != ")":
            while True:
                args.append(self.value())
                if self.token.kind != ",":
                    break
                self.advance()
        self.expect(")", "',' or ')' after the function's argument")
        self.depth -= 1
        wanted = FUNCTIONS[name]
        if len(args) != wanted:
            plural = "s" if wanted != 1 else ""
            raise self.error(f"{name}() takes {wanted} argument{plural}, got {len(args)}", name_token)
        return [name, *args]


def compile_fql(text: str) -> Any:
    """FQL text -> IR (a fresh JSON value). Raises FQLSyntaxError with the column and a caret."""
    if not isinstance(text, str):
        raise FQLSyntaxError(f"FQL must be a string, not {type(text).__name__}", "", None)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise FQLSyntaxError(f"the query is {size:,} bytes; Segment limits FQL to 5 KB ({MAX_BYTES:,} bytes)",
                             text, None)
    if not text.strip():
        raise FQLSyntaxError('empty query; write a condition such as type = "track"', text, 0)
    return _Parser(text).query()


@lru_cache(maxsize=4096)
def fql_ir_text(text: str) -> str:
    """FQL text -> its IR as ``JSON.stringify`` writes it (a routing rule matcher's ``ir``)."""
    return stringify(compile_fql(text))
