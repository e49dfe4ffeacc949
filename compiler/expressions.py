"""Expressions: operators, literals, names, subscripts, comprehensions, f-strings, lambdas.

Each Python operator becomes a runtime helper that checks operand types like CPython, unless the
static types (``scope.py``) show that the plain JavaScript operator means the same thing.
"""

from __future__ import annotations

import ast
import json
import re

from .errors import Quiet, Reject
from .names import js_name
from .scope import NEVER, NUMERIC, FunctionScope, LoopItem, function_scope, union
from .symbols import Frame, FuncInfo, Symbol

BINOPS = {ast.Add: "$add", ast.Sub: "$sub", ast.Mult: "$mul", ast.Div: "$div", ast.FloorDiv: "$floordiv",
          ast.Mod: "$mod", ast.Pow: "$pow"}
BITOPS = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>"}
CMPOPS = {ast.Lt: ("$lt", "<"), ast.LtE: ("$le", "<="), ast.Gt: ("$gt", ">"), ast.GtE: ("$ge", ">=")}
MAX_SAFE = 2 ** 53
SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")

STR_METHODS_STR = {"lower", "upper", "strip", "lstrip", "rstrip", "replace", "title", "capitalize", "zfill",
                   "ljust", "rjust", "center", "format", "removeprefix", "removesuffix", "casefold", "swapcase",
                   "expandtabs", "join", "isoformat", "strftime", "hexdigest", "group"}
UNBOUND_STR_METHODS = {
    "lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold", "swapcase", "isdigit", "isalpha",
    "isalnum", "isspace", "isdecimal", "isnumeric", "islower", "isupper", "isascii", "istitle", "isidentifier",
    "isprintable", "split", "rsplit", "splitlines", "startswith", "endswith", "replace", "join", "zfill", "center",
    "ljust", "rjust", "find", "rfind", "index", "rindex", "count", "encode", "partition", "rpartition",
    "removeprefix", "removesuffix", "expandtabs"}
BOUND_METHOD_VALUES = UNBOUND_STR_METHODS | {
    "get", "keys", "values", "items", "setdefault", "append", "extend", "insert", "remove", "count", "index", "add",
    "discard", "union", "intersection", "difference", "issubset", "issuperset", "isdisjoint", "copy"}
BOOL_METHODS = {"startswith", "endswith", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace",
                "islower", "isupper", "isascii", "issubset", "issuperset"}
INT_METHODS = {"find", "rfind", "index", "rindex", "count"}
DATETIME_FIELDS = {"year", "month", "day", "hour", "minute", "second", "microsecond"}
DATETIME_MAKERS = {"datetime.datetime.fromisoformat", "datetime.datetime.fromtimestamp", "datetime.datetime",
                   "datetime.datetime.strptime", "datetime.datetime.utcfromtimestamp", "datetime.datetime.now",
                   "datetime.datetime.utcnow", "datetime.datetime.today"}
RESPONSE_TYPES = {"status": "int", "ok": "bool"}
# what a user of the requests library reaches for, and the runtime's spelling of it
RESPONSE_HINTS = {"status_code": "res.status", "text": "await res.text()", "content": "await res.text()",
                  "reason": "res.status_text", "json": "await res.json()", "raise_for_status": "if not res.ok: raise ... (res.status tells which)",
                  "statusText": "res.status_text", "body": "await res.text()", "data": "await res.json()",
                  "elapsed": "nothing (Segment's fetch does not time requests)", "cookies": "res.headers.get('set-cookie')"}
SELF_ITERATING = {"list", "tuple", "str"}
NON_STR_KEYS = {"int": "an int", "float": "a float", "num": "a number", "bool": "a bool", "none": "None",
                "tuple": "a tuple"}
MAPPING_ANNOTATIONS = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "DefaultDict", "OrderedDict",
                       "Counter"}  # JavaScript's for-of walks them as Python does (strs by code point)


def js_str(value: str) -> str:
    """A JavaScript string literal for any Python str (lone surrogates included)."""
    return json.dumps(value, ensure_ascii=True)


def simple(node: ast.AST) -> bool:
    """Evaluating it has no side effects and its value cannot change meanwhile."""
    return isinstance(node, ast.Constant) or (isinstance(node, ast.Name))


class ExpressionMixin:
    frame: Frame

    # --- entry points -----------------------------------------------------------------------
    def code(self, node: ast.AST) -> str:
        """The JavaScript of an expression. A part that cannot be compiled is reported and the rest
        goes on (a placeholder stands in for it), so that one statement can show several errors."""
        method = getattr(self, "x_" + type(node).__name__, None)
        try:
            if method is None:
                raise Reject(node, f"{type(node).__name__} expressions are not supported")
            if self.rooted_in_rejected(node):
                raise Quiet(node)
            return method(node)
        except Reject as exc:
            self.report(exc)
            return "undefined"

    def check_dict_key(self, key: ast.AST) -> None:
        """A key the compiler can see is not a str, stored into a dict: refused (a bundle's dicts are
        JSON objects, whose keys are strings; 1 and "1" would become one key)."""
        t = self.infer(key)
        if t in NON_STR_KEYS:
            raise Reject(key, f"dict keys must be str (a bundle's dicts are JSON objects), and this key is "
                              f"{NON_STR_KEYS[t]}: use str(...) of it (Python keeps 1 and '1' apart, "
                              "a JavaScript object cannot)")

    def check_annotation(self, node: ast.AST | None) -> None:
        """``dict[int, ...]`` (or Dict, Mapping, defaultdict, OrderedDict ...) anywhere in an annotation."""
        for sub in ast.walk(node) if node is not None else []:
            if isinstance(sub, ast.Subscript):
                name = sub.value.attr if isinstance(sub.value, ast.Attribute) else getattr(sub.value, "id", "")
                if isinstance(sub.slice, ast.Tuple) and sub.slice.elts:
                    key = sub.slice.elts[0]
                elif name == "Counter":
                    key = sub.slice
                else:
                    continue
                key_name = key.id if isinstance(key, ast.Name) else key.attr if isinstance(key, ast.Attribute) else ""
                if name in MAPPING_ANNOTATIONS and key_name in ("int", "float", "bool", "tuple", "Tuple", "bytes"):
                    shown = f"{key_name}, ..." if isinstance(sub.slice, ast.Tuple) else key_name
                    raise Reject(key, f"{name}[{shown}]: dict keys must be str (a bundle's dicts are JSON "
                                      "objects, whose keys are strings): key it by str(...)")

    def rooted_in_rejected(self, node: ast.AST) -> bool:
        """``node`` is a name (or its attribute, item, call or await of these) whose import was refused,
        or a name assigned from one (``client = boto3.client("s3")``): already reported."""
        while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript, ast.Await)):
            node = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Name):
            sym = self.lookup(node.id, quiet=True)
            if sym is None:
                return False
            return sym.kind == "rejected" or self._taint_key(node.id, sym) in self.module.tainted
        return False

    def _taint_key(self, name: str, sym) -> tuple:
        return (id(sym.frame.scope) if sym.kind == "local" and sym.frame is not None else self.unit.dotted, name)

    def taint(self, name: str) -> None:
        """``name`` holds a value of a refused import: its uses are not reported again."""
        sym = self.lookup(name, quiet=True)
        if sym is not None:
            self.module.tainted.add(self._taint_key(name, sym))

    def truth(self, node: ast.AST) -> str:
        """A JavaScript boolean with Python's truthiness of ``node``."""
        t = self.infer(node)
        if t == "bool":
            return self.code(node)
        tested = self.re_test(node)
        if tested is not None:
            return tested
        c = self.code(node)
        if t == "str":
            return f"({c} !== \"\")"
        if t in ("list", "tuple"):
            return f"({c}.length !== 0)"
        if t == "none":
            return "false"
        return f"$truthy({c})"

    # --- static types -----------------------------------------------------------------------
    def infer(self, node: ast.AST) -> str:
        if isinstance(node, ast.Constant):
            v = node.value
            if v is None:
                return "none"
            return {bool: "bool", int: "int", float: "float", str: "str"}.get(type(v), "any")
        if isinstance(node, ast.JoinedStr):
            return "str"
        if isinstance(node, (ast.List, ast.ListComp)):
            return "list"
        if isinstance(node, ast.Tuple):
            return "tuple"
        if isinstance(node, (ast.Dict, ast.DictComp)):
            return "dict"
        if isinstance(node, (ast.Set, ast.SetComp)):
            return "set"
        if isinstance(node, ast.Compare):
            return "bool"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return "bool"
            t = self.infer(node.operand)
            return "int" if t == "bool" else t if t in NUMERIC else "any"
        if isinstance(node, ast.BoolOp):
            return union(self.infer(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return union([self.infer(node.body), self.infer(node.orelse)])
        if isinstance(node, ast.NamedExpr):
            return self.infer(node.value)
        if isinstance(node, ast.BinOp):
            return self._infer_binop(node)
        if isinstance(node, ast.Name):
            sym = self.lookup(node.id, quiet=True)
            if sym is not None and sym.kind == "local" and sym.frame is not None:
                if sym.frame is self.frame and node.id in self.frame.narrowed:
                    return self.frame.narrowed[node.id]
                return sym.frame.types.get(node.id, "any")
            if sym is not None and sym.kind == "global":
                return self.module.global_types.get(node.id, "any")
            return "any"
        if isinstance(node, ast.Await):
            inner = node.value
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                sym = self.lookup(inner.func.id, quiet=True)
                if sym is not None and sym.kind == "runtime" and sym.js == "fetch":
                    return "response"
                if sym is not None and sym.kind == "func" and sym.info.is_async:
                    return self.module.signatures.return_type(sym.info)
            if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "text"
                    and self.infer(inner.func.value) == "response"):
                return "str"
            return "any"
        if isinstance(node, ast.Call):
            return self._infer_call(node)
        if isinstance(node, LoopItem):
            return self._infer_loop_item(node)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name):
                sym = self.lookup(node.value.id, quiet=True)
                if sym is not None and sym.kind == "class" and sym.info.kind == "enum" and node.attr in sym.info.members:
                    return "obj"  # a member
            t = self.infer(node.value)
            if t == "response":
                return RESPONSE_TYPES.get(node.attr, "any")
            if t == "datetime" and node.attr in DATETIME_FIELDS:
                return "int"
        return "any"

    def _infer_loop_item(self, node: LoopItem) -> str:
        """The type of what ``for`` binds: enumerate's and range's ints, a dict's keys (always str:
        the runtime's dicts are JSON objects), the elements of a literal, a str's characters."""
        it = node.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name):
            sym = self.lookup(it.func.id, quiet=True)
            if sym is not None and sym.kind == "builtin":
                if (it.func.id, node.part) in (("enumerate", 0), ("range", None)):
                    return "int"
                return "any"
        if (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args and not it.keywords
                and (it.func.attr, node.part) in (("items", 0), ("keys", None))):
            receiver = self.infer(it.func.value)
            if receiver in ("dict", NEVER):
                return "str" if receiver == "dict" else NEVER
        if node.part is not None:
            return NEVER if self.infer(it) == NEVER else "any"
        if isinstance(it, (ast.Tuple, ast.List)) and it.elts and not any(isinstance(e, ast.Starred) for e in it.elts):
            return union(self.infer(e) for e in it.elts)
        t = self.infer(it)
        return "str" if t in ("str", "dict") else t if t == NEVER else "any"

    def _infer_binop(self, node: ast.BinOp) -> str:
        a, b = self.infer(node.left), self.infer(node.right)
        if NEVER in (a, b):
            return NEVER  # no value reaches it yet (compiler/signatures.py)
        if isinstance(node.op, ast.Div):
            return "float"
        if isinstance(node.op, ast.Add) and a == b == "str":
            return "str"
        if isinstance(node.op, ast.Mod) and a == "str":
            return "str"
        if isinstance(node.op, ast.Add) and a == b == "list":
            return "list"
        if isinstance(node.op, ast.Mult) and (a, b) in (("list", "int"), ("list", "bool"), ("int", "list"), ("bool", "list")):
            return "list"
        if a in NUMERIC and b in NUMERIC:
            if isinstance(node.op, tuple(BITOPS)):
                return "int"
            if "float" in (a, b):
                return "float"
            if isinstance(node.op, ast.Pow):
                return "num"
            if a in ("int", "bool") and b in ("int", "bool"):
                return "int"
            return "num"
        if isinstance(node.op, ast.Mult) and "str" in (a, b) and (a in NUMERIC or b in NUMERIC):
            return "str"
        return "any"

    def _infer_call(self, node: ast.Call) -> str:
        f = node.func
        if isinstance(f, ast.Name):
            fixed = {"str": "str", "repr": "str", "int": "int", "len": "int", "float": "float", "bool": "bool",
                     "list": "list", "sorted": "list", "dict": "dict", "tuple": "tuple", "set": "set",
                     "isinstance": "bool", "any": "bool", "all": "bool", "chr": "str", "ord": "int",
                     "hex": "str", "abs": None, "round": None}
            sym = self.lookup(f.id, quiet=True)
            if sym is not None and sym.kind == "builtin":
                t = fixed.get(f.id, "any")
                if f.id == "round":
                    return "int" if len(node.args) == 1 else union([self.infer(node.args[0])]) if node.args else "any"
                if f.id == "abs" and node.args:
                    t = self.infer(node.args[0])
                    return "int" if t == "bool" else t if t in NUMERIC else "any"
                return t or "any"
            if sym is not None and sym.kind == "func" and not sym.info.is_async:
                return self.module.signatures.return_type(sym.info)
            if sym is not None and sym.kind == "std" and sym.info in DATETIME_MAKERS:
                return "datetime"
            if sym is not None and sym.kind == "class" and sym.info.kind in ("object", "exception", "enum"):
                return "obj"
        if isinstance(f, ast.Attribute):
            try:
                qual = self.std_name(f)
            except Reject:
                qual = None
            if qual is None and self.module_callable(f) is None and self.infer(f.value) == NEVER:
                return NEVER
            if qual in DATETIME_MAKERS:
                return "datetime"
            if qual == "time.time":
                return "float"
            if f.attr in STR_METHODS_STR and not (f.attr == "replace" and self.infer(f.value) == "datetime"):
                if f.attr in ("isoformat", "strftime", "hexdigest", "group"):
                    return "str" if f.attr != "group" else "any"
                if self.infer(f.value) == "str" or f.attr == "join":
                    return "str"
                # the runtime's str methods return a str or raise, whatever the receiver; only an
                # exception's own methods can return something else
                user_method = self.infer(f.value) == "exc" or (
                    self.frame.cls is not None and isinstance(f.value, ast.Name) and f.value.id == self.frame.self_name)
                return "str" if f.attr != "replace" and not user_method else "any"
            if f.attr in BOOL_METHODS:
                return "bool"
            if f.attr in INT_METHODS and self.infer(f.value) == "str":
                return "int"
            if f.attr in ("split", "rsplit", "splitlines", "keys", "values", "items"):
                return "list"
            if f.attr in ("timestamp", "total_seconds"):
                return "float"
            if f.attr in ("astimezone", "replace") and self.infer(f.value) == "datetime":
                return "datetime"
            if f.attr in ("dumps", "quote", "quote_plus", "urlencode", "unquote", "unquote_plus", "escape", "urlunparse",
                          "urlunsplit", "geturl", "urljoin"):
                return "str"
            if f.attr in ("floor", "ceil") and isinstance(f.value, ast.Name) and f.value.id == "math":
                return "int"
            if f.attr in ("sqrt", "fabs") and isinstance(f.value, ast.Name) and f.value.id == "math":
                return "float"
            if f.attr == "isclose" and isinstance(f.value, ast.Name) and f.value.id == "math":
                return "bool"
        return "any"

    # --- names ------------------------------------------------------------------------------
    def x_Name(self, node: ast.Name) -> str:
        sym = self.lookup(node.id, node=node)
        return self.load_symbol(sym, node)

    def load_symbol(self, sym: Symbol, node: ast.AST) -> str:
        name = getattr(node, "id", "")
        if sym.kind == "local":
            if sym.frame is self.frame:
                if self.frame.assigned is not None and name in self.frame.assigned:
                    return sym.js
                return f"$chk({sym.js}, {js_str(name)})"
            if sym.frame is not None and sym.frame.assigned is not None and name in sym.frame.assigned:
                return sym.js
            return f"$chk({sym.js}, {js_str(name)})"
        if sym.kind == "global":
            if self.frame.kind == "module" and self.frame.assigned is not None and name not in self.frame.assigned:
                return f"$chk({sym.js}, {js_str(name)})"
            if self.frame.kind != "module" and name not in self.module.safe_globals:
                return f"$chk({sym.js}, {js_str(name)})"
            return sym.js
        if sym.kind == "func":
            return sym.info.js
        if sym.kind == "class":
            if sym.info.kind == "typeddict":
                raise Reject(node, f"the TypedDict {name} can only be called (it makes a dict) or used in annotations")
            return sym.info.js
        if sym.kind == "classattr":
            return sym.js
        if sym.kind == "ignored":
            if sym.info == "typing.TYPE_CHECKING":
                return "false"
            raise Reject(node, f"{sym.info} is only supported in annotations")
        if sym.kind == "builtin":
            return self.builtin_value(name, node)
        if sym.kind == "runtime":
            if sym.js in ("RetryError", "ValidationError", "InvalidEventPayload", "EventNotSupported", "DropEvent"):
                return "$" + sym.js
            raise Reject(node, f"{sym.js} from segfn.runtime can only be called here")
        if sym.kind == "std":
            return self.std_value(sym.info, node)
        if sym.kind == "constant":
            return sym.js
        raise Reject(node, f"the module {name!r} can only be used as {name}.<function>(...)")

    # --- literals ---------------------------------------------------------------------------
    def x_Constant(self, node: ast.Constant) -> str:
        v = node.value
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if isinstance(v, int):
            if abs(v) > MAX_SAFE:
                raise Reject(node, "integer literals beyond 2**53 cannot be represented in JavaScript")
            return str(v)
        if isinstance(v, float):
            if v != v:
                return "NaN"
            if v in (float("inf"), float("-inf")):
                return "Infinity" if v > 0 else "-Infinity"
            return repr(v)
        if isinstance(v, str):
            if SURROGATE_PAIR.search(v):
                raise Reject(node, "a string literal with a high surrogate followed by a low one: Python keeps "
                                   "two code points, JavaScript reads one character (write the character itself)")
            return js_str(v)
        if isinstance(v, bytes):  # b"...": a Uint8Array of its bytes, as "...".encode() gives
            return f"$bytesOf([{', '.join(str(b) for b in v)}])"
        raise Reject(node, f"{type(v).__name__} literals are not supported")

    def x_JoinedStr(self, node: ast.JoinedStr) -> str:
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                if value.value:
                    parts.append(self.x_Constant(value))
            else:
                parts.append(self.formatted(value))
        if not parts:
            return '""'
        if len(parts) == 1 and not parts[0].startswith('"'):
            parts.insert(0, '""')
        return "(" + " + ".join(parts) + ")"

    def formatted(self, node: ast.FormattedValue) -> str:
        t = self.infer(node.value)
        inner = self.code(node.value)
        conv = {-1: "", 115: "s", 114: "r", 97: "a"}[node.conversion]
        flt = ", true" if t == "float" else ""
        if node.format_spec is None:
            if conv in ("", "s"):
                return inner if t == "str" else f"$str({inner}{flt})"
            if conv == "r":
                return f"$repr({inner}{flt})"
            return f"$fstr({inner}, {js_str(conv)}, \"\"{flt})"
        spec = self.x_JoinedStr(node.format_spec)
        if t not in ("str", "int", "float", "num", "bool"):
            self.module.methods_used.add("strftime")  # a date's __format__ is its strftime
        return f"$fstr({inner}, {js_str(conv)}, {spec}{flt})"

    def x_List(self, node: ast.List) -> str:
        return "[" + ", ".join(self.element(e) for e in node.elts) + "]"

    def x_Tuple(self, node: ast.Tuple) -> str:
        return "$tuple([" + ", ".join(self.element(e) for e in node.elts) + "])"

    def x_Set(self, node: ast.Set) -> str:
        return "$mkset([" + ", ".join(self.element(e) for e in node.elts) + "])"

    def element(self, node: ast.AST) -> str:
        if isinstance(node, ast.Starred):
            return f"...$iter({self.code(node.value)})"
        return self.code(node)

    def x_Dict(self, node: ast.Dict) -> str:
        groups: list[str] = []
        literal: list[str] = []
        computed = False
        pairs: list[str] = []
        for key, value in zip(node.keys, node.values):
            if key is None:
                if pairs:
                    groups.append(self._dict_group(pairs, computed))
                    pairs, computed = [], False
                groups.append(self.code(value))
                continue
            if isinstance(key, ast.Constant) and not isinstance(key.value, str):
                raise Reject(key, f"dict keys must be str (JSON objects have string keys), not {type(key.value).__name__}")
            if isinstance(key, ast.Constant) and key.value != "__proto__":
                pairs.append(("c", js_str(key.value), self.code(value)))
            else:
                kt = self.infer(key)
                if kt not in ("str", "any", NEVER):
                    raise Reject(key, f"dict keys must be str (JSON objects have string keys), not {kt}")
                computed = True
                pairs.append(("k", self.code(key), self.code(value)))
        if pairs or not groups:
            groups.append(self._dict_group(pairs, computed))
        del literal
        if len(groups) == 1 and not any(k is None for k in node.keys):
            return groups[0]
        return "$dictMerge([" + ", ".join(groups) + "])"

    @staticmethod
    def _dict_group(pairs, computed: bool) -> str:
        if computed:
            return "$dictLit([" + ", ".join(f"{k}, {v}" for _, k, v in pairs) + "])"
        return "{" + ", ".join(f"{k}: {v}" for _, k, v in pairs) + "}"

    # --- operators --------------------------------------------------------------------------
    def keys_view(self, node: ast.AST) -> bool:
        """``d.keys()`` of a dict (or of a value of unknown type): a set-like view in CPython, which
        ``- & | ^`` and comparisons treat as a set (``required.keys() - props.keys()``); the runtime
        gives a list, so those operations make it a set first."""
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys"
                and not node.args and not node.keywords and self.infer(node.func.value) in ("dict", "any"))

    def x_BinOp(self, node: ast.BinOp) -> str:
        a, b = self.infer(node.left), self.infer(node.right)
        left, right = self.code(node.left), self.code(node.right)
        op = type(node.op)
        if op in (ast.Sub, ast.BitAnd, ast.BitOr, ast.BitXor) and (self.keys_view(node.left) or self.keys_view(node.right)):
            # CPython's dictviews_sub/and/or/xor: set(left) with the other side, any iterable
            left, right = f"$setOf({left})", f"$setOf({right})"
            a = b = "set"
        if op in BITOPS:
            return f"$bitop({js_str(BITOPS[op])}, {left}, {right})"
        if op is ast.MatMult:
            raise Reject(node, "the @ operator is not supported")
        flt = "float" in (a, b)
        if op is ast.Add:
            if (a == b == "str") or (a in ("int", "float", "num") and b in ("int", "float", "num")):
                return f"({left} + {right})"
            return f"$add({left}, {right})"
        if op is ast.Mod and a == "str":
            return f"$percentFormat({left}, {right})"
        if op in (ast.Sub, ast.Mult) and a in ("int", "float", "num") and b in ("int", "float", "num"):
            return f"({left} {'-' if op is ast.Sub else '*'} {right})"
        if op is ast.Mult and a in ("list", "str") and b in ("int", "bool"):
            return f"$repeat({left}, {right})"  # a sequence times a count
        divisor = node.right.value if (isinstance(node.right, ast.Constant) and type(node.right.value) in (int, float)
                                       and node.right.value != 0) else None
        if divisor is not None and a in ("int", "float", "num"):
            # a number over a non-zero constant: no type error or ZeroDivisionError to raise
            if op is ast.Div:
                return f"({left} / {right})"
            if op is ast.FloorDiv and a == "int" and type(divisor) is int:
                return f"$Math.floor({left} / {right})"  # what $floordiv does for two ints
        helper = BINOPS[op]
        if helper in ("$div", "$floordiv", "$mod", "$pow"):
            return f"{helper}({left}, {right}{', true' if flt else ''})"
        return f"{helper}({left}, {right})"

    def x_UnaryOp(self, node: ast.UnaryOp) -> str:
        if isinstance(node.op, ast.Not):
            return f"!{self.truth(node.operand)}"
        operand = node.operand
        if isinstance(node.op, ast.USub) and isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
            return f"(-{self.code(operand)})"
        inner = self.code(operand)
        if isinstance(node.op, ast.USub):
            return f"(-{inner})" if self.infer(operand) in ("int", "float", "num") else f"$neg({inner})"
        if isinstance(node.op, ast.UAdd):
            return f"$pos({inner})"
        return f"$invert({inner})"

    def x_BoolOp(self, node: ast.BoolOp) -> str:
        values = node.values
        codes, types = [], []
        for i, value in enumerate(values):  # `isinstance(x, float) and x.is_integer()`: a term knows what
            with self.narrowed_by(values[:i] if isinstance(node.op, ast.And) else [], values[i:]):
                codes.append(self.code(value))  # the isinstance terms before it in an `and` proved
                types.append(self.infer(value))
        if all(t == "bool" for t in types):
            op = " && " if isinstance(node.op, ast.And) else " || "
            return "(" + op.join(codes) + ")"
        result = codes[-1]
        for i in range(len(values) - 2, -1, -1):
            t = self.frame.temp()
            test = f"$truthy({t} = {codes[i]})"
            if types[i] == "bool":
                test = f"({t} = {codes[i]})"
            if isinstance(node.op, ast.And):
                result = f"({test} ? {result} : {t})"
            else:
                result = f"({test} ? {t} : {result})"
        return result

    def x_IfExp(self, node: ast.IfExp) -> str:
        return f"({self.truth(node.test)} ? {self.code(node.body)} : {self.code(node.orelse)})"

    def x_Compare(self, node: ast.Compare) -> str:
        tested = self.re_test_compare(node)
        if tested is not None:
            return tested
        operands = [node.left, *node.comparators]
        codes: list[str] = [self.code(node.left)]
        pre: list[str] = []
        for i, operand in enumerate(node.comparators):
            c = self.code(operand)
            if i < len(node.comparators) - 1 and not simple(operand):
                t = self.frame.temp()
                pre.append(f"{t} = {c}")
                c = t
            codes.append(c)
        parts = []
        for i, op in enumerate(node.ops):
            parts.append(self.compare_one(op, operands[i], operands[i + 1], codes[i], codes[i + 1], node))
        if len(parts) == 1:
            return parts[0]
        # evaluate the shared operands lazily and once, like Python's chained comparison
        out = parts[-1]
        for i in range(len(parts) - 2, -1, -1):
            assign = next((p for p in pre if p.startswith(codes[i + 1] + " =")), None)
            head = f"({assign}, {parts[i]})" if assign else parts[i]
            out = f"({head} && {out})"
        return out

    def compare_one(self, op, left_node, right_node, left: str, right: str, node) -> str:
        lt, rt = self.infer(left_node), self.infer(right_node)
        if isinstance(op, (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
            if self.keys_view(left_node):  # a keys view compares as a set
                left, lt = f"$setOf({left})", "set"
            if self.keys_view(right_node):
                right, rt = f"$setOf({right})", "set"
        if isinstance(op, (ast.Is, ast.IsNot)):
            neg = isinstance(op, ast.IsNot)
            for n, other in ((right_node, left), (left_node, right)):
                if isinstance(n, ast.Constant) and (n.value is None or n.value is True or n.value is False):
                    lit = {None: "null", True: "true", False: "false"}[n.value]
                    return f"({other} {'!==' if neg else '==='} {lit})"
            if "obj" in (lt, rt):  # an object's identity is its JavaScript identity
                return f"({left} {'!==' if neg else '==='} {right})"
            raise Reject(node, "'is' compares identity, which JavaScript values do not share with Python: "
                               "use 'is' only with None, True or False, and '==' otherwise")
        if isinstance(op, (ast.Eq, ast.NotEq)):
            neg = isinstance(op, ast.NotEq)
            fast = (("str" in (lt, rt) and (lt == rt or isinstance(left_node, ast.Constant) or isinstance(right_node, ast.Constant)))
                    or "none" in (lt, rt)
                    or (lt in ("int", "float", "num") and rt in ("int", "float", "num")))
            if fast:
                return f"({left} {'!==' if neg else '==='} {right})"
            return f"{'!' if neg else ''}$eq({left}, {right})"
        if isinstance(op, (ast.In, ast.NotIn)):
            neg = "!" if isinstance(op, ast.NotIn) else ""
            fast = self.fast_membership(left_node, right_node, left, right, neg)
            if fast is not None:
                return fast
            if not simple(left_node) and not simple(right_node):
                t = self.frame.temp()
                return f"({t} = {left}, {neg}$contains({right}, {t}))"
            return f"{neg}$contains({right}, {left})"
        helper, jsop = CMPOPS[type(op)]
        if lt in ("int", "float", "num") and rt in ("int", "float", "num"):
            return f"({left} {jsop} {right})"
        return f"{helper}({left}, {right})"

    def re_test_compare(self, node: ast.Compare) -> str | None:
        """``re.fullmatch(P, s) is None`` (or ``is not None``, either way round) as a RegExp test."""
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Is, ast.IsNot)):
            return None
        for none, other in ((node.comparators[0], node.left), (node.left, node.comparators[0])):
            if isinstance(none, ast.Constant) and none.value is None:
                tested = self.re_test(other)
                if tested is not None:
                    return tested if isinstance(node.ops[0], ast.IsNot) else f"!{tested}"
        return None

    def fast_membership(self, left_node, right_node, left: str, right: str, neg: str) -> str | None:
        """``x in ("a", None)`` as ``===`` tests (only None equals None, and only a str equals a str,
        so no ``True == 1`` case arises), and a str key ``in`` a dict as an own-property test."""
        if (isinstance(right_node, (ast.Tuple, ast.List)) and 0 < len(right_node.elts) <= 8
                and all(isinstance(e, ast.Constant) and (e.value is None or type(e.value) is str) for e in right_node.elts)):
            if not simple(left_node):
                t = self.frame.temp()
                first, rest = f"({t} = {left})", t
            else:
                first = rest = left
            tests = [f"{first if i == 0 else rest} === {'null' if e.value is None else js_str(e.value)}"
                     for i, e in enumerate(right_node.elts)]
            joined = " || ".join(tests)
            return f"!({joined})" if neg else f"({joined})"
        if self.infer(right_node) == "dict":
            test = "$Object.hasOwn" if self.infer(left_node) == "str" else "$dictHas"
            if not simple(left_node) and not simple(right_node):
                t = self.frame.temp()
                return f"({t} = {left}, {neg}{test}({right}, {t}))"
            return f"{neg}{test}({right}, {left})"
        return None

    # --- subscripts and attributes --------------------------------------------------------------
    def x_Subscript(self, node: ast.Subscript) -> str:
        obj = self.code(node.value)
        if isinstance(node.slice, ast.Slice):
            s = node.slice
            parts = [self.code(p) if p is not None else "null" for p in (s.lower, s.upper, s.step)]
            if s.step is None and self.infer(node.value) == "str":
                return f"$strSlice({obj}, {parts[0]}, {parts[1]})"
            return f"$slice({obj}, {', '.join(parts)})"
        if self.infer(node.value) == "dict":
            return f"$dictGet({obj}, {self.code(node.slice)})"
        if self.infer(node.value) == "list":
            return f"$listGet({obj}, {self.code(node.slice)})"
        if isinstance(node.slice, ast.Constant) and type(node.slice.value) is str:
            return f"$getKey({obj}, {self.code(node.slice)})"
        return f"$getitem({obj}, {self.code(node.slice)})"

    def x_Attribute(self, node: ast.Attribute) -> str:
        v = node.value
        if (node.attr == "__name__" and isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "type"
                and len(v.args) == 1 and not v.keywords and self.lookup("type", quiet=True) is not None
                and self.lookup("type").kind == "builtin"):
            return f"$className({self.code(v.args[0])})"
        if node.attr == "__name__" and isinstance(v, ast.Attribute) and v.attr == "__class__":
            return f"$className({self.code(v.value)})"
        if isinstance(v, ast.Name):
            sym = self.lookup(v.id, quiet=True)
            if sym is not None and sym.kind == "class":
                return self.class_attribute(sym.info, node)
            if sym is not None and sym.kind == "builtin" and v.id == "str" and node.attr in UNBOUND_STR_METHODS:
                # str.lower as a value (sorted(words, key=str.lower), map(str.strip, parts)): the method
                # of a str passed first, CPython's TypeError for anything else
                return f"$unboundStr({js_str(node.attr)}, $m_{node.attr})"
        special = self.module_attribute(node)
        if special is not None:
            return special
        t = self.infer(node.value)
        obj = self.code(node.value)
        if t == "response":
            if node.attr in ("status", "ok", "headers", "url"):
                return f"{obj}.{node.attr}"
            if node.attr == "status_text":
                return f"{obj}.statusText"
            hint = RESPONSE_HINTS.get(node.attr)
            raise Reject(node, f"a fetch response has no attribute {node.attr!r} in Segment's runtime"
                               + (f": use {hint}" if hint else "")
                               + " (status, ok, status_text, headers, url, await res.json(), await res.text())")
        if t == "datetime" and (node.attr in DATETIME_FIELDS or node.attr == "tzinfo"):
            return f"{obj}.{node.attr}"
        if node.attr == "status_text":
            return f"$attr({obj}, \"statusText\")"
        if node.attr.startswith("__") and node.attr.endswith("__"):
            raise Reject(node, f"the attribute {node.attr} is not supported")
        if t != "obj" and node.attr in BOUND_METHOD_VALUES:
            # a method of a str, list, dict or set as a value (max(d, key=d.get), parts.append
            # passed on): bound to it, as CPython's bound method; a user object's attribute otherwise
            return f"$methodValue({obj}, {js_str(self.attr_js(node.attr))}, $m_{node.attr})"
        return f"$attr({obj}, {js_str(self.attr_js(node.attr))})"

    def x_Yield(self, node) -> str:
        raise Reject(node, "'yield' is only supported as a statement ('yield value' or 'yield from "
                           "iterable' on a line of its own): the value a yield expression receives (send()) "
                           "is not supported")

    x_YieldFrom = x_Yield

    def x_Await(self, node: ast.Await) -> str:
        if not self.frame.is_async:
            raise Reject(node, "'await' outside an async function")
        return f"(await {self.code_awaited(node.value)})"

    def x_NamedExpr(self, node: ast.NamedExpr) -> str:
        value = self.code(node.value)
        target = self.assign_name(node.target.id, node.target)
        self.mark_assigned(node.target.id)
        return f"({target} = {value})"

    def x_Starred(self, node: ast.Starred) -> str:
        raise Reject(node, "a starred expression is only allowed in a list, tuple, set or call")

    def x_Slice(self, node: ast.Slice) -> str:
        raise Reject(node, "a slice is only allowed inside [...]")

    # --- functions and comprehensions ---------------------------------------------------------
    def x_Lambda(self, node: ast.Lambda) -> str:
        a = node.args
        if any(isinstance(n, ast.NamedExpr) for n in ast.walk(node.body)):
            raise Reject(node, "':=' inside a lambda is not supported")
        scope = function_scope(node)
        qualname = self.qualname_of("<lambda>")
        # defaults are evaluated where the lambda is, each time: passed into a function making it
        defaults = [d for d in [*a.defaults, *a.kw_defaults] if d is not None]
        holders = [self.frame.temp("$dflt") for _ in defaults]
        frame = self.child_frame("lambda", scope, is_async=False)
        frame.qualname = qualname
        params, taken = [], iter(holders)
        positional = [*a.posonlyargs, *a.args]
        first_default = len(positional) - len(a.defaults)
        for i, p in enumerate(positional):
            params.append(js_name(p.arg) + (f" = {next(taken)}" if i >= first_default else ""))
        if a.vararg:
            params.append(f"{js_name(a.vararg.arg)} = $tuple([])")
        for p, d in zip(a.kwonlyargs, a.kw_defaults):
            params.append(js_name(p.arg) + (f" = {next(taken)}" if d is not None else ""))
        if a.kwarg:
            params.append(f"{js_name(a.kwarg.arg)} = {{}}")
        for p in [*positional, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x is not None)]:
            frame.assigned.add(p.arg)
        with self.in_frame(frame):
            self.infer_locals(frame)
            body = self.code(node.body)
        joined = ", ".join(params)
        fn = f"(({joined}) => {{ let {', '.join(frame.temps)}; return {body}; }})" if frame.temps else f"(({joined}) => {body})"
        if defaults:  # each lambda made keeps its own defaults (`[lambda i=i: i for i in ...]`)
            fn = f"(({', '.join(holders)}) => {fn})({', '.join(self.code(d) for d in defaults)})"
        info = FuncInfo(qualname, "", a, False, node)
        return f"$sig({fn}, {self.signature_js(info, 0)})"

    def comprehension(self, node, kind: str) -> str:
        scope = FunctionScope()
        for gen in node.generators:
            for target in ast.walk(gen.target):
                if isinstance(target, ast.Name):
                    scope.locals.add(target.id)
        has_await = any(isinstance(n, ast.Await) for n in ast.walk(node)) or any(g.is_async for g in node.generators)
        if has_await and kind == "gen":
            raise Reject(node, "'await' inside a generator expression makes an async generator; use a list comprehension")
        if has_await and not self.frame.is_async:
            raise Reject(node, "'await' outside an async function")
        if any(g.is_async for g in node.generators):
            raise Reject(node, "'async for' is not supported")
        first_iter = self.code(node.generators[0].iter)
        first_plain = self.infer(node.generators[0].iter) in SELF_ITERATING
        first_types = self._target_types(node.generators[0])  # its iterable is the enclosing scope's
        frame = self.child_frame("comprehension", scope, is_async=has_await)
        with self.in_frame(frame):
            for gen in node.generators:
                found = first_types if gen is node.generators[0] else self._target_types(gen)
                for name, t in found.items():
                    frame.types[name] = union([frame.types[name], t]) if name in frame.types else t
            if kind == "map":
                key, value = self.code(node.key), self.code(node.value)
                body = f"$r.set({key}, {value});"
            elif kind == "dict":
                self.check_dict_key(node.key)
                key, value = self.code(node.key), self.code(node.value)
                # Python evaluates the key first, then the value
                body = f"$setitem($r, {key}, {value});"
            elif kind == "gen":
                body = f"yield {self.code(node.elt)};"
            else:
                body = f"$r.push({self.code(node.elt)});"
            for gen in reversed(node.generators):
                for cond in reversed(gen.ifs):
                    body = f"if ({self.truth(cond)}) {{ {body} }}"
                if gen is node.generators[0]:
                    it = "$it" if first_plain else "$iter($it)"
                else:
                    it = self.code(gen.iter) if self.infer(gen.iter) in SELF_ITERATING else f"$iter({self.code(gen.iter)})"
                var, unpack = self.loop_target(gen.target)
                body = f"for ({var} of {it}) {{ {unpack}{body} }}"
        names = sorted(js_name(n) for n in scope.locals)
        decls = names + frame.temps + [v for v in self._loop_vars_of(frame)]
        decl = f"let {', '.join(decls)}; " if decls else ""
        init = {"list": "const $r = []; ", "set": "const $r = []; ", "dict": "const $r = {}; ", "gen": "",
                "map": "const $r = new Map(); "}[kind]
        ret = {"list": " return $r;", "set": " return $mkset($r);", "dict": " return $r;", "gen": "", "map": " return $r;"}[kind]
        if kind == "gen":
            if self.module.stop_iteration:
                body = f'try {{ {body} }} catch ($e) {{ throw $stopGuard($e, "generator"); }}'
            return f"(function* ($it) {{ {decl}{body} }})({first_iter})"
        asyn = "async " if has_await else ""
        call = f"({asyn}($it) => {{ {decl}{init}{body}{ret} }})({first_iter})"
        return f"(await {call})" if has_await else call

    def _target_types(self, gen: ast.comprehension) -> dict[str, str]:
        """Types of the names one ``for`` of a comprehension binds."""
        target = gen.target
        if isinstance(target, ast.Name):
            return {target.id: self.infer(LoopItem(gen.iter, None))}
        if isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts):
            if target.elts[0].id != target.elts[1].id:
                return {e.id: self.infer(LoopItem(gen.iter, part)) for part, e in enumerate(target.elts)}
        return {sub.id: "any" for sub in ast.walk(target) if isinstance(sub, ast.Name)}

    def _loop_vars_of(self, frame: Frame) -> list[str]:
        return []

    def x_ListComp(self, node: ast.ListComp) -> str:
        return self.comprehension(node, "list")

    def x_SetComp(self, node: ast.SetComp) -> str:
        return self.comprehension(node, "set")

    def x_DictComp(self, node: ast.DictComp) -> str:
        return self.comprehension(node, "dict")

    def x_GeneratorExp(self, node: ast.GeneratorExp) -> str:
        return self.comprehension(node, "gen")
