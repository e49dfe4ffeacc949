"""Calls: user functions (keyword arguments bound at compile time), exception classes, builtins,
methods of str/list/dict/set, the whitelisted standard library, and Segment's fetch."""

from __future__ import annotations

import ast
import re

from .errors import Quiet, Reject
from .expressions import RESPONSE_HINTS, js_str, simple
from .regex import FLAG_NAMES, RegexError, Translated, translate
from .scope import NEVER
from .symbols import BUILTIN_EXCEPTIONS, ClassInfo, FuncInfo

RE_PARAMS = {"compile": ("pattern", "flags"), "match": ("pattern", "string", "flags"),
             "search": ("pattern", "string", "flags"), "fullmatch": ("pattern", "string", "flags"),
             "findall": ("pattern", "string", "flags"), "finditer": ("pattern", "string", "flags"),
             "sub": ("pattern", "repl", "string", "count", "flags"),
             "subn": ("pattern", "repl", "string", "count", "flags"),
             "split": ("pattern", "string", "maxsplit", "flags")}

# method name -> (helper, parameter names after self); "*" collects positional, "**" keywords
METHODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "lower": ("$m_lower", ()), "upper": ("$m_upper", ()), "casefold": ("$m_casefold", ()),
    "swapcase": ("$m_swapcase", ()), "strip": ("$m_strip", ("chars",)), "lstrip": ("$m_lstrip", ("chars",)),
    "rstrip": ("$m_rstrip", ("chars",)), "split": ("$m_split", ("sep", "maxsplit")),
    "rsplit": ("$m_rsplit", ("sep", "maxsplit")), "splitlines": ("$m_splitlines", ("keepends",)),
    "join": ("$m_join", ("iterable",)), "replace": ("$m_replace", ("old", "new", "count")),
    "startswith": ("$m_startswith", ("prefix", "start", "end")),
    "endswith": ("$m_endswith", ("suffix", "start", "end")),
    "removeprefix": ("$m_removeprefix", ("prefix",)), "removesuffix": ("$m_removesuffix", ("suffix",)),
    "find": ("$m_find", ("sub", "start", "end")), "rfind": ("$m_rfind", ("sub", "start", "end")),
    "index": ("$m_index", ("value", "start", "end")), "rindex": ("$m_rindex", ("sub", "start", "end")),
    "count": ("$m_count", ("value", "start", "end")), "isdigit": ("$m_isdigit", ()),
    "isdecimal": ("$m_isdecimal", ()), "isnumeric": ("$m_isnumeric", ()), "isalpha": ("$m_isalpha", ()),
    "isalnum": ("$m_isalnum", ()), "isspace": ("$m_isspace", ()), "islower": ("$m_islower", ()),
    "isupper": ("$m_isupper", ()), "isascii": ("$m_isascii", ()), "title": ("$m_title", ()),
    "capitalize": ("$m_capitalize", ()), "zfill": ("$m_zfill", ("width",)),
    "ljust": ("$m_ljust", ("width", "fillchar")), "rjust": ("$m_rjust", ("width", "fillchar")),
    "center": ("$m_center", ("width", "fillchar")), "expandtabs": ("$m_expandtabs", ("tabsize",)),
    "partition": ("$m_partition", ("sep",)), "rpartition": ("$m_rpartition", ("sep",)),
    "encode": ("$m_encode", ("encoding", "errors")), "decode": ("$m_decode", ("encoding", "errors")),
    "hex": ("$m_hex", ()),
    "append": ("$m_append", ("object",)), "extend": ("$m_extend", ("iterable",)),
    "insert": ("$m_insert", ("index", "object")), "remove": ("$m_remove", ("value",)),
    "reverse": ("$m_reverse", ()), "clear": ("$m_clear", ()), "copy": ("$m_copy", ()),
    "get": ("$m_get", ("key", "default")), "keys": ("$m_keys", ()), "values": ("$m_values", ()),
    "items": ("$m_items", ()), "setdefault": ("$m_setdefault", ("key", "default")),
    "popitem": ("$m_popitem", ()), "add": ("$m_add", ("elem",)), "discard": ("$m_discard", ("elem",)),
    "union": ("$m_union", ("*",)), "intersection": ("$m_intersection", ("*",)),
    "difference": ("$m_difference", ("*",)), "issubset": ("$m_issubset", ("other",)),
    "issuperset": ("$m_issuperset", ("other",)),
    "isdisjoint": ("$m_isdisjoint", ("other",)), "symmetric_difference": ("$m_symmetric_difference", ("other",)),
    "intersection_update": ("$m_intersection_update", ("*",)), "difference_update": ("$m_difference_update", ("*",)),
    "symmetric_difference_update": ("$m_symmetric_difference_update", ("other",)),
    "translate": ("$m_translate", ("table",)), "isprintable": ("$m_isprintable", ()), "istitle": ("$m_istitle", ()), "isidentifier": ("$m_isidentifier", ()),
}
# methods of runtime objects (responses, headers, matches, patterns, datetimes, hashes)
FOREIGN_METHODS = {"json", "text", "has", "group", "groups", "groupdict", "start", "end", "span", "timestamp",
                   "isoformat", "astimezone", "strftime", "weekday", "isoweekday", "hexdigest", "digest",
                   "match", "search", "fullmatch", "sub", "subn", "findall", "finditer", "date", "utcoffset",
                   "tzname", "dst", "total_seconds", "toordinal", "isocalendar", "geturl", "_replace",
                   "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "setLevel",
                   "isEnabledFor", "getEffectiveLevel"}
# logging's keywords that change nothing in the line a record makes in a call's logs
LOGGING_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
LOGGING_IGNORED_KEYWORDS = {"exc_info", "stack_info", "stacklevel", "extra"}
# methods of collections.Counter and OrderedDict (and dict.popitem's OrderedDict form)
METHODS.update({
    "most_common": ("$m_most_common", ("n",)), "elements": ("$m_elements", ()), "total": ("$m_total", ()),
    "subtract": ("$m_subtract", ("iterable",)), "move_to_end": ("$m_move_to_end", ("key", "last")),
    "popitem": ("$m_popitem", ("last",)),
})
FACTORY_BUILTINS = {"int", "float", "str", "bool", "list", "dict", "set", "tuple"}
# the classes of the datetime module, as values (isinstance) and what calling them compiles to
DATETIME_CLASSES = {"datetime.datetime": "$DateTime", "datetime.date": "$Date", "datetime.timedelta": "$TimeDelta",
                    "datetime.timezone": "$Timezone"}
DATETIME_PARAMS = {
    "datetime.datetime": ("$datetime", ("year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo",
                                        "fold"), 3),
    "datetime.date": ("$date", ("year", "month", "day"), 3),
    "datetime.timedelta": ("$timedelta", ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours",
                                          "weeks"), 0),
    "datetime.timezone": ("$timezone", ("offset", "name"), 1),
    "datetime.datetime.strptime": ("$strptime", ("date_string", "format"), 2),
    "datetime.datetime.fromtimestamp": ("$dtFromTimestamp", ("timestamp", "tz"), 1),
    "datetime.datetime.utcfromtimestamp": ("$dtUtcFromTimestamp", ("timestamp",), 1),
    "datetime.datetime.now": ("$dtNow", ("tz",), 0),
    "datetime.datetime.utcnow": ("$dtNow", (), 0),
    "datetime.datetime.today": ("$dtNow", (), 0),
    "datetime.date.today": ("$dateToday", (), 0),
    "datetime.date.fromtimestamp": ("$dateFromTimestamp", ("timestamp",), 1),
    "datetime.date.fromisoformat": ("$dateFromIso", ("date_string",), 1),
}
URLLIB_PARAMS = {
    "urllib.parse.urlencode": ("$urlencode", ("query", "doseq", "safe"), 1),
    "urllib.parse.urlsplit": ("$urlsplit", ("url", "scheme", "allow_fragments"), 1),
    "urllib.parse.urlparse": ("$urlparse", ("url", "scheme", "allow_fragments"), 1),
    "urllib.parse.urljoin": ("$urljoin", ("base", "url", "allow_fragments"), 2),
    "urllib.parse.urldefrag": ("$urldefrag", ("url",), 1),
    "urllib.parse.parse_qsl": ("$parseQsl", ("qs", "keep_blank_values", "strict_parsing", "encoding", "errors",
                                             "max_num_fields", "separator"), 1),
    "urllib.parse.parse_qs": ("$parseQs", ("qs", "keep_blank_values", "strict_parsing", "encoding", "errors",
                                           "max_num_fields", "separator"), 1),
}
# strftime/strptime directives the runtime gives exactly as CPython on Linux
STRFTIME_DIRECTIVES = set("aAbBcdDeFfHIjklmMnpPrRStTuUwWxXyYzZh%")
STRPTIME_DIRECTIVES = set("dfHIjmMSwuUWyYzAaBbpZcxX%")
ASYNC_FOREIGN = {"json", "text"}

BUILTINS = {"iter", "next", "abs", "all", "any", "bool", "chr", "dict", "divmod", "enumerate", "filter", "float", "int",
            "isinstance", "len", "list", "map", "max", "min", "ord", "print", "range", "repr", "reversed",
            "round", "set", "frozenset", "sorted", "str", "sum", "tuple", "zip", "pow", "ascii", "hex", "oct",
            "bin", "format", "type", "NotImplemented"}
BUILTIN_VALUES = {"len": "$len", "str": "$str", "int": "$int", "float": "$float", "abs": "$abs", "bool": "$bool",
                  "repr": "$repr", "ord": "$ord", "chr": "$chr", "list": "$list", "tuple": "$tupleOf",
                  "sorted": "$sorted", "sum": "$sum"}
ISINSTANCE_TYPES = {"str", "int", "float", "bool", "list", "tuple", "dict", "set", "frozenset", "bytes"}
REJECTED_BUILTINS = {
    "eval": "eval/exec run code the compiler cannot see", "exec": "eval/exec run code the compiler cannot see",
    "getattr": "attributes must be named in the code (getattr(o, \"name\", default) with the name written "
               "as a literal or a module constant is supported)",
    "setattr": "attributes must be named in the code (write o.name = value)",
    "hasattr": "attributes must be named in the code (hasattr(o, \"name\") with the name written as a literal "
               "or a module constant is supported)", "type": "type() is only supported as type(x).__name__ and as type(None) in isinstance()",
    "id": "object identity differs between Python and JavaScript", "hash": "hash values differ between runs",
    "open": "functions cannot use files in Segment", "input": "functions cannot read input",
    "vars": "not supported", "globals": "not supported", "locals": "not supported", "dir": "not supported",
    "super": "super() is only supported as super().__init__(...) in an exception class",
    "object": "classes other than exceptions are not supported", "bytes": "bytes() is not supported; use str.encode()",
    "bytearray": "not supported", "complex": "complex numbers are not supported", "compile": "not supported",
    "memoryview": "not supported", "property": "not supported", "staticmethod": "not supported",
    "classmethod": "not supported", "slice": "not supported", "__import__": "not supported",
}


# requests' keyword arguments and what Segment's fetch (node-fetch 2) does instead
FETCH_HINTS = {
    "data": "send a str with body= (urllib.parse.urlencode(...) for a form) or a value with json=",
    "params": "put the query in the URL (url + '?' + urllib.parse.urlencode(params))",
    "timeout": "Segment's fetch takes no timeout (a function may run 5 s in all)",
    "auth": "send headers={'Authorization': 'Basic ' + base64.b64encode(...).decode()}",
    "allow_redirects": "fetch follows redirects", "verify": "fetch always verifies TLS certificates",
    "files": "multipart bodies are not supported", "cookies": "send headers={'Cookie': ...}",
}


class CallMixin:
    # --- binding ------------------------------------------------------------------------------
    def bind(self, node: ast.Call, params: tuple[str, ...], name: str, required: int = 0,
             keywords_ok: bool = True) -> list[str | None]:
        """Positional and keyword arguments of a builtin/method call, in parameter order (None: absent)."""
        out: list[str | None] = [None] * len(params)
        if "*" in params:
            if node.keywords:
                raise Reject(node, f"{name}() takes no keyword arguments")
            return [self.element_args(node.args)]
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise Reject(arg, f"*args in a call to {name}() is not supported")
        if len(node.args) > len(params):
            raise Reject(node, f"{name}() takes at most {len(params)} arguments ({len(node.args)} given)")
        for i, arg in enumerate(node.args):
            out[i] = self.code(arg)
        for kw in node.keywords:
            if kw.arg is None:
                raise Reject(kw, f"**kwargs in a call to {name}() is not supported")
            if not keywords_ok or kw.arg not in params:
                raise Reject(kw, f"{name}() got an unexpected keyword argument {kw.arg!r}")
            i = params.index(kw.arg)
            if out[i] is not None:
                raise Reject(kw, f"{name}() got multiple values for argument {kw.arg!r}")
            out[i] = self.code(kw.value)
        for i in range(required):
            if out[i] is None:
                raise Reject(node, f"{name}() missing required argument {params[i]!r}")
        if not self._in_order(node):
            # Python evaluates arguments in call order; keep it when a keyword comes before a positional
            pass
        return out

    @staticmethod
    def _in_order(node: ast.Call) -> bool:
        return True

    def element_args(self, args) -> str:
        return ", ".join(self.element(a) for a in args)

    @staticmethod
    def args_js(values: list[str | None]) -> str:
        while values and values[-1] is None:
            values = values[:-1]
        return ", ".join(v if v is not None else "undefined" for v in values)

    def bind_user(self, node: ast.Call, info: FuncInfo, label: str, skip_self: bool = False) -> str:
        """A call to a function whose signature the compiler knows: keyword arguments bound here."""
        a = info.args
        positional = [p.arg for p in [*a.posonlyargs, *a.args]]
        if skip_self:
            positional = positional[1:]
        posonly = {p.arg for p in a.posonlyargs}
        kwonly = [p.arg for p in a.kwonlyargs]
        n_pos_defaults = len(a.defaults)
        required_pos = positional[: len(positional) - n_pos_defaults] if n_pos_defaults else positional
        kw_required = [p.arg for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]
        slots: dict[str, str] = {}
        passed: dict[str, ast.AST] = {}  # parameter -> the argument's node, for compiler/signatures.py
        extra_pos: list[str] = []
        extra_kw: list[tuple[str, str]] = []
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                raise Reject(arg, f"*args in a call to {label}() is not supported: pass the arguments one by one")
            if i < len(positional):
                slots[positional[i]] = self.code(arg)
                passed[positional[i]] = arg
            elif a.vararg:
                extra_pos.append(self.code(arg))
            else:
                raise Reject(node, f"{label}() takes {len(positional)} positional arguments but {len(node.args)} were given")
        for kw in node.keywords:
            if kw.arg is None:
                raise Reject(kw, f"**kwargs in a call to {label}() is not supported: pass keywords one by one")
            if kw.arg in slots:
                raise Reject(kw, f"{label}() got multiple values for argument {kw.arg!r}")
            if (kw.arg in positional and kw.arg not in posonly) or kw.arg in kwonly:
                slots[kw.arg] = self.code(kw.value)
                passed[kw.arg] = kw.value
            elif a.kwarg:
                extra_kw.append((kw.arg, self.code(kw.value)))
            else:
                raise Reject(kw, f"{label}() got an unexpected keyword argument {kw.arg!r}")
        missing = [p for p in [*required_pos, *kw_required] if p not in slots]
        if missing:
            raise Reject(node, f"{label}() missing required argument{'s' if len(missing) > 1 else ''}: "
                               + ", ".join(repr(m) for m in missing))
        for param, arg in passed.items():
            self.module.signatures.saw_param(info, param, self.infer(arg))
        values: list[str | None] = [slots.get(p) for p in positional]
        if a.vararg:
            values.append("$tuple([" + ", ".join(extra_pos) + "])")
        values += [slots.get(p) for p in kwonly]
        if a.kwarg:
            values.append("{" + ", ".join(f"{js_str(k)}: {v}" for k, v in extra_kw) + "}")
        return self.args_js(values)

    # --- the call itself ------------------------------------------------------------------------
    def code_awaited(self, node: ast.AST) -> str:
        if isinstance(node, ast.Call):
            return self.call(node, awaited=True)
        return self.code(node)

    def x_Call(self, node: ast.Call) -> str:
        return self.call(node, awaited=False)

    def _need_await(self, node, awaited: bool, what: str) -> None:
        if not awaited:
            raise Reject(node, f"{what} is a coroutine here: call it with 'await' (JavaScript would run it "
                               "without waiting, Python would not run it at all)")

    def call(self, node: ast.Call, awaited: bool) -> str:
        f = node.func
        if id(node) in self.module.coroutine_ok:
            awaited = True  # an argument of asyncio.gather, which awaits it
        if self.rooted_in_rejected(node):
            raise Quiet(node)
        if isinstance(f, ast.Attribute) and f.attr == "maketrans" and isinstance(f.value, ast.Name) \
                and f.value.id == "str" and self.lookup("str", quiet=True).kind == "builtin":
            if len(node.args) == 1 and isinstance(node.args[0], (ast.Dict, ast.DictComp)) and not node.keywords:
                return f"$maketrans({self.code_table(node.args[0])})"
            vals = self.bind(node, ("x", "y", "z"), "maketrans", required=1, keywords_ok=False)
            return f"$maketrans({self.args_js(vals)})"
        if isinstance(f, ast.Attribute) and f.attr == "fromkeys" and isinstance(f.value, ast.Name) \
                and f.value.id == "dict" and self.lookup("dict", quiet=True).kind == "builtin":
            if node.args and isinstance(node.args[0], (ast.List, ast.Tuple, ast.Set)):
                for elt in node.args[0].elts:  # keys the compiler can see
                    self.check_dict_key(elt)
            vals = self.bind(node, ("iterable", "value"), "fromkeys", required=1, keywords_ok=False)
            return f"$fromkeys({self.args_js(vals)})"
        if isinstance(f, ast.Name):
            sym = self.lookup(f.id, node=f)
            if sym.kind == "builtin":
                return self.builtin_call(f.id, node)
            if sym.kind == "func":
                return self.user_call(sym.info, node, awaited, f.id)
            if sym.kind == "class":
                return self.construct(sym.info, node)
            if sym.kind == "runtime":
                return self.runtime_call(sym.js, node, awaited)
            if sym.kind == "std":
                return self.std_call(sym.info, node, awaited)
            if sym.kind == "ignored":
                return self.typing_call(sym.info, node)
            return self.dynamic_call(self.load_symbol(sym, f), node, f.id)
        if isinstance(f, ast.Attribute):
            target = self.module_callable(f)
            if target is not None:
                kind, info = target
                if kind == "func":
                    return self.user_call(info, node, awaited, f.attr)
                if kind == "class":
                    return self.construct(info, node)
                return self.std_call(info, node, awaited)
            if isinstance(f.value, ast.Name) and getattr(self.lookup(f.value.id, quiet=True), "js", None) == "cache" \
                    and self.lookup(f.value.id).kind == "runtime":
                return self.cache_call(node, awaited)
            if (isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name) and f.value.func.id == "super"
                    and self.lookup("super", quiet=True).kind == "builtin"):
                return self.super_call(node)
            return self.method_call(node, awaited)
        return self.dynamic_call(self.code(f), node, "function")

    def user_call(self, info: FuncInfo, node: ast.Call, awaited: bool, label: str) -> str:
        """A call of a function the compiler can see: its arguments bound here, or (``*parts``,
        ``**fields``) at run time against its signature."""
        if info.is_async:
            self._need_await(node, awaited, f"{label}()")
        deferred = info.is_async and id(node) in self.module.coroutine_ok  # an argument of asyncio.gather
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            for k in node.keywords:
                if k.arg is not None:
                    self.module.signatures.saw_param(info, k.arg, "any")
            for p in info.params():
                self.module.signatures.saw_param(info, p, "any")
            args = (f"...$bindArgs({self.signature_js(info, 0)}, {self.positional_js(node, info.name)}, "
                    f"{self.keywords_js(node, info.name)})")
        else:
            args = self.bind_user(node, info, label)
        if deferred:  # its arguments now, its body when gather runs it (a Python coroutine starts there)
            return f"$coroutine({info.js}, [{args}])"
        return f"{info.js}({args})"

    def dynamic_call(self, callee: str, node: ast.Call, label: str) -> str:
        """A call of a value: a function, lambda, bound method or class held in a variable."""
        if not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args):
            return f"$call({callee}, [{self.element_args(node.args)}])"
        return f"$call({callee}, {self.positional_js(node, label)}, {self.keywords_js(node, label)})"

    def typing_call(self, qual: str, node: ast.Call) -> str:
        """``typing.cast(T, value)`` is its value; other typing names are annotations only."""
        if qual == "typing.cast":
            if len(node.args) != 2 or node.keywords:
                raise Reject(node, "cast() takes two arguments: a type and a value")
            return self.code(node.args[1])
        raise Reject(node, f"{qual} is only supported in annotations")

    def exception_args(self, node: ast.Call, name: str, runtime: bool) -> str:
        if node.keywords:
            raise Reject(node, f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise Reject(node, f"*args in a call to {name}() is not supported")
        if runtime and len(node.args) > 1:
            raise Reject(node, f"{name} takes one argument, the message (Segment's error classes are plain Errors)")
        if runtime:
            if not node.args:
                return ""
            message = self.code(node.args[0])
            return message if self.infer(node.args[0]) == "str" else f"$str({message})"
        return ", ".join(self.code(a) for a in node.args)

    def method_call(self, node: ast.Call, awaited: bool) -> str:
        f = node.func
        name = f.attr
        self.module.methods_used.add(name)
        recv_t = self.infer(f.value)
        if recv_t == "obj" or self.is_self(f.value):
            return self.object_method_call(node)
        if isinstance(f.value, ast.Name):
            sym = self.lookup(f.value.id, quiet=True)
            if sym is not None and sym.kind == "class":
                return self.object_method_call(node, cls=sym.info)
        if name == "is_integer":
            # float.is_integer(): JavaScript has one number type, so only a value the compiler knows is a
            # float (float(...), a float literal, '/', isinstance(x, float) before it) has the method;
            # int.is_integer() is 3.12's, and 3.11 raises AttributeError for it
            if recv_t != "float":
                raise Reject(f, "x.is_integer() needs a value the compiler knows is a float (CPython 3.11 has "
                                "no int.is_integer()): test isinstance(x, float) first, or write float(x).is_integer()")
            if node.args or node.keywords:
                raise Reject(node, "is_integer() takes no arguments")
            return f"$Number.isInteger({self.code(f.value)})"
        recv = self.code(f.value)
        if (name == "get" and recv_t == "dict" and simple(f.value) and not node.keywords and 1 <= len(node.args) <= 2
                and isinstance(node.args[0], ast.Constant) and type(node.args[0].value) is str
                and all(isinstance(a, ast.Constant) for a in node.args[1:])):
            # a dict's .get("key"): an own-property read (a constant default costs nothing to
            # evaluate only when the key is missing)
            key = self.code(node.args[0])
            default = self.code(node.args[1]) if len(node.args) == 2 else "null"
            return f"($Object.hasOwn({recv}, {key}) ? {recv}[{key}] : {default})"
        if (name in ("startswith", "endswith") and len(node.args) == 1 and not node.keywords
                and isinstance(node.args[0], ast.Constant) and type(node.args[0].value) is str):
            # one constant prefix: JavaScript's startsWith/endsWith compare the same code points
            test = "startsWith" if name == "startswith" else "endsWith"
            if recv_t == "str":
                return f"{recv}.{test}({self.code(node.args[0])})"
            return f"$affixStr({recv}, {self.code(node.args[0])}, {js_str(name)})"
        if name == "pop":
            if node.keywords:
                raise Reject(node, "pop() takes no keyword arguments")
            args = [self.code(a) for a in node.args]
            if len(args) > 2:
                raise Reject(node, "pop() takes at most 2 arguments")
            if len(args) == 2:
                return f"$m_pop({recv}, {args[0]}, {args[1]}, true)"
            return f"$m_pop({recv}{', ' + args[0] if args else ''})"
        if name in LOGGING_METHODS and any(k.arg in LOGGING_IGNORED_KEYWORDS for k in node.keywords):
            node = ast.copy_location(ast.Call(func=node.func, args=node.args, keywords=[
                k for k in node.keywords if k.arg not in LOGGING_IGNORED_KEYWORDS]), node)
        if name == "popitem" and node.keywords and not node.args:
            vals = self.bind(node, ("last",), "popitem")
            return f"$m_popitem({recv}, {vals[0]}, true)"
        if name == "sort":
            if node.args:
                raise Reject(node, "sort() takes no positional arguments")
            vals = self.bind(node, ("key", "reverse"), "sort")
            return f"$m_sort({recv}{', ' if any(vals) else ''}{self.args_js(vals)})"
        if name == "update":
            if len(node.args) > 1:
                raise Reject(node, "update() takes at most 1 positional argument")
            other = self.code(node.args[0]) if node.args else "undefined"
            kws = [k for k in node.keywords]
            if any(k.arg is None for k in kws):
                raise Reject(node, "update(**kwargs) is not supported")
            if recv_t == "hash" or not kws:
                return f"$m_update({recv}, {other})"
            return f"$m_update({recv}, {other}, {{{', '.join(f'{js_str(k.arg)}: {self.code(k.value)}' for k in kws)}}})"
        if name == "format" and recv_t in ("str", "any", NEVER):
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                raise Reject(node, "format(*args/**kwargs) is not supported")
            args = ", ".join(self.code(a) for a in node.args)
            kws = ", ".join(f"{js_str(k.arg)}: {self.code(k.value)}" for k in node.keywords)
            return f"$m_format({recv}, [{args}], {{{kws}}})"
        if recv_t == "response" and name in ("text", "json") and not node.args and not node.keywords:
            self._need_await(node, awaited, f".{name}()")
            return f"$resJson({recv})" if name == "json" else f"{recv}.{name}()"
        if name == "timestamp" and recv_t == "datetime" and not node.args and not node.keywords:
            return f"{recv}.timestamp()"
        if name == "replace" and (recv_t == "datetime" or any(k.arg not in ("old", "new", "count") for k in node.keywords)):
            # a datetime's or date's replace(year=, ..., tzinfo=): bound at run time against its signature
            return f"$callMethod({recv}, \"replace\", {self.positional_js(node, name)}, {self.keywords_js(node, name)})"
        if name == "strftime":
            self.check_time_format(node, ("format",), "strftime", STRFTIME_DIRECTIVES)
        if name in ("isoformat", "strftime") or (name in FOREIGN_METHODS and name not in METHODS):
            if name in ASYNC_FOREIGN:
                self._need_await(node, awaited, f".{name}()")
            if name == "isoformat" and not any(k.arg is None for k in node.keywords) \
                    and not any(isinstance(a, ast.Starred) for a in node.args):
                vals = self.bind(node, ("sep", "timespec"), "isoformat")
                return f"$callMethod({recv}, \"isoformat\", [{self.args_js(vals)}])"
            if name in ("sub", "subn"):
                vals = self.bind(node, ("repl", "string", "count"), name, required=2)
                return f"$callMethod({recv}, {js_str(name)}, [{self.args_js(vals)}])"
            if name == "split" and recv_t == "pattern":
                vals = self.bind(node, ("string", "maxsplit"), name, required=1)
                return f"$callMethod({recv}, \"split\", [{self.args_js(vals)}])"
            if name == "json" and not node.args and not node.keywords:
                return f"$resJson({recv})"
            if node.keywords:
                return f"$callMethod({recv}, {js_str(name)}, {self.positional_js(node, name)}, {self.keywords_js(node, name)})"
            return f"$callMethod({recv}, {js_str(name)}, [{self.element_args(node.args)}])"
        if name == "split" and recv_t == "pattern":
            vals = self.bind(node, ("string", "maxsplit"), name, required=1)
            return f"$callMethod({recv}, \"split\", [{self.args_js(vals)}])"
        if name in ("translate", "maketrans") and recv_t in ("str", "any", NEVER) \
                and any(isinstance(a, (ast.Dict, ast.DictComp)) for a in node.args):
            if node.keywords or len(node.args) != 1:
                raise Reject(node, f"{name}() with a dict takes that one argument")
            helper = "$m_translate" if name == "translate" else "$maketransOf"
            return f"{helper}({recv}, {self.code_table(node.args[0])})"
        if name == "maketrans" and recv_t in ("str", "any", NEVER):
            vals = self.bind(node, ("x", "y", "z"), "maketrans", required=1, keywords_ok=False)
            return f"$maketransOf({recv}, {self.args_js(vals)})"
        if name in METHODS:
            helper, params = METHODS[name]
            if params == ("*",):
                if node.keywords:
                    raise Reject(node, f"{name}() takes no keyword arguments")
                return f"{helper}({recv}{', ' if node.args else ''}{self.element_args(node.args)})"
            vals = self.bind(node, params, name)
            rest = self.args_js(vals)
            return f"{helper}({recv}{', ' + rest if rest else ''})"
        if recv_t == "response":
            hint = RESPONSE_HINTS.get(name)
            raise Reject(f, f"a fetch response has no method .{name}() in Segment's runtime"
                            + (f": use {hint}" if hint else "")
                            + " (status, ok, status_text, headers, url, await res.json(), await res.text())")
        if name in self.user_attribute_names():
            return self.object_method_call(node, recv=recv)
        raise Reject(f, f"the method .{name}() is not supported (see docs/python-subset.md for the list)")

    def object_method_call(self, node: ast.Call, cls: ClassInfo | None = None, recv: str | None = None) -> str:
        """``obj.name(...)`` on a user object (or class), bound at run time against the method's signature."""
        f = node.func
        js = self.attr_js(f.attr)
        if cls is not None:
            if cls.kind == "typeddict":
                raise Reject(f, f"a TypedDict ({cls.name}) has no methods")
            method = cls.find_method(f.attr)
            if method is None and not cls.has_attr(f.attr):
                raise Reject(f, f"type object {cls.name!r} has no attribute {f.attr!r}")
            if method is not None and method.info.is_async:
                pass
        if recv is None:
            recv = self.code(f.value)
        kw = self.keywords_js(node, f.attr)
        return f"$callMethod({recv}, {js_str(js)}, {self.positional_js(node, f.attr)}{', ' + kw if kw != 'null' else ''})"

    # --- builtins -------------------------------------------------------------------------------
    def builtin_value(self, name: str, node: ast.AST) -> str:
        if name in BUILTIN_VALUES:
            return BUILTIN_VALUES[name]
        if name in BUILTIN_EXCEPTIONS:
            return BUILTIN_EXCEPTIONS[name]
        if name == "NotImplemented":
            return "$NotImplemented"
        if name == "None":
            return "null"
        raise Reject(node, f"the builtin {name!r} can only be called here, not used as a value")

    def exception_js(self, name: str, node: ast.AST) -> str:
        if name in BUILTIN_EXCEPTIONS:
            return BUILTIN_EXCEPTIONS[name]
        if name in ("RetryError", "ValidationError", "InvalidEventPayload", "EventNotSupported", "DropEvent"):
            return "$" + name
        if name == "JSONDecodeError":
            return "$JSONDecodeError"
        raise Reject(node, f"{name} is not an exception class the compiler knows")

    def builtin_call(self, name: str, node: ast.Call) -> str:
        if name in BUILTIN_EXCEPTIONS:
            return f"new {BUILTIN_EXCEPTIONS[name]}({self.exception_args(node, name, runtime=False)})"
        if name in ("getattr", "hasattr") and len(node.args) >= 2 and not node.keywords:
            found = self.named_attribute(name, node)
            if found is not None:
                return found
        if name in REJECTED_BUILTINS:
            raise Reject(node, f"{name}() is not supported: {REJECTED_BUILTINS[name]}")
        handler = getattr(self, "b_" + name, None)
        if handler is None:
            raise Reject(node, f"the builtin {name}() is not supported")
        return handler(node)

    def named_attribute(self, name: str, node: ast.Call) -> str | None:
        """getattr(o, "name"[, default]) and hasattr(o, "name") with a name the compiler can read (a literal
        or a module constant): the attribute access ``o.name``, AttributeError giving the default or False
        (getattr(e, "status", None) in an error handler). None when the name is computed at run time."""
        attr = self.constant_str(node.args[1])
        if attr is None or any(isinstance(a, ast.Starred) for a in node.args):
            return None
        if not attr.isidentifier():
            raise Reject(node.args[1], f"{name}() of {attr!r}: an attribute the compiler can name is an identifier")
        if len(node.args) > (3 if name == "getattr" else 2):
            raise Reject(node, f"{name}() takes {'at most 3' if name == 'getattr' else '2'} arguments")
        access = ast.copy_location(ast.Attribute(value=node.args[0], attr=attr, ctx=ast.Load()), node)
        if name == "getattr" and len(node.args) == 2:
            return self.code(access)
        if not simple(node.args[0]):  # CPython evaluates the object before the default
            raise Reject(node.args[0], f"{name}() of a computed object: assign it to a name first")
        if name == "hasattr":
            return f"$hasattr(() => {self.code(access)})"
        return f"$getattrOr(() => {self.code(access)}, {self.code(node.args[2])})"

    def _n(self, node: ast.Call, lo: int, hi: int, name: str) -> list[str]:
        if node.keywords:
            raise Reject(node, f"{name}() takes no keyword arguments")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise Reject(node, f"*args in a call to {name}() is not supported")
        if not lo <= len(node.args) <= hi:
            raise Reject(node, f"{name}() takes {lo if lo == hi else f'{lo} to {hi}'} arguments ({len(node.args)} given)")
        return [self.code(a) for a in node.args]

    def _flt(self, node: ast.AST) -> str:
        return ", true" if self.infer(node) == "float" else ""

    def b_len(self, node):
        (x,) = self._n(node, 1, 1, "len")
        if self.infer(node.args[0]) in ("list", "tuple"):
            return f"{x}.length"
        return f"$len({x})"

    def b_str(self, node):
        args = self._n(node, 0, 1, "str")
        if not args:
            return '""'
        t = self.infer(node.args[0])
        return args[0] if t == "str" else f"$str({args[0]}{self._flt(node.args[0])})"

    def b_repr(self, node):
        (x,) = self._n(node, 1, 1, "repr")
        return f"$repr({x}{self._flt(node.args[0])})"

    def b_ascii(self, node):
        (x,) = self._n(node, 1, 1, "ascii")
        return f"$ascii($repr({x}{self._flt(node.args[0])}))"

    def b_format(self, node):
        args = self._n(node, 1, 2, "format")
        if self.infer(node.args[0]) not in ("str", "int", "float", "num", "bool"):
            self.module.methods_used.add("strftime")  # a date's __format__ is its strftime
        return f"$format({args[0]}, {args[1] if len(args) > 1 else js_str('')}{self._flt(node.args[0])})"

    def b_int(self, node):
        vals = self.bind(node, ("x", "base"), "int")
        return f"$int({self.args_js(vals)})"

    def b_float(self, node):
        args = self._n(node, 0, 1, "float")
        return f"$float({args[0] if args else ''})"

    def b_bool(self, node):
        args = self._n(node, 0, 1, "bool")
        return f"$bool({args[0]})" if args else "false"

    def b_abs(self, node):
        (x,) = self._n(node, 1, 1, "abs")
        return f"$abs({x})"

    def b_round(self, node):
        vals = self.bind(node, ("number", "ndigits"), "round", required=1)
        if vals[1] is None or vals[1] == "null":
            return f"$round({vals[0]})"
        return f"$roundTo({vals[0]}, {vals[1]})"

    def b_divmod(self, node):
        a, b = self._n(node, 2, 2, "divmod")
        flt = "float" in (self.infer(node.args[0]), self.infer(node.args[1]))
        return f"$divmod({a}, {b}{', true' if flt else ''})"

    def b_pow(self, node):
        vals = self.bind(node, ("base", "exp", "mod"), "pow", required=2)
        if vals[2] is None or vals[2] == "null":
            return f"$pow({vals[0]}, {vals[1]})"
        return f"$powMod({vals[0]}, {vals[1]}, {vals[2]})"

    def b_iter(self, node):
        if len(node.args) == 2:
            raise Reject(node, "iter(callable, sentinel) is not supported: loop with while and a test")
        (x,) = self._n(node, 1, 1, "iter")
        return f"$pyIter({x})"

    def b_next(self, node):
        args = self._n(node, 1, 2, "next")  # map/filter/zip/enumerate/reversed make iterators, as in Python
        return f"$next({', '.join(args)})"

    def gather_call(self, node: ast.Call, awaited: bool) -> str:
        """``await asyncio.gather(*aws, return_exceptions=False)``: the coroutine calls among its
        arguments (also as the element of a comprehension it unpacks) need no ``await`` of their own."""
        self._need_await(node, awaited, "asyncio.gather()")
        flag = "false"
        for kw in node.keywords:
            if kw.arg != "return_exceptions":
                raise Reject(kw, f"asyncio.gather() got an unexpected keyword argument {kw.arg!r}")
            flag = self.truth(kw.value)
        for arg in node.args:
            item = arg.value if isinstance(arg, ast.Starred) else arg
            if isinstance(item, (ast.ListComp, ast.GeneratorExp)):
                item = item.elt
            if isinstance(item, ast.Call):
                self.module.coroutine_ok.add(id(item))
        return f"$gather([{self.element_args(node.args)}], {flag})"

    def code_table(self, node: ast.AST) -> str:
        """A translate table written as a dict display or comprehension: a Map, whose keys may be the
        ints ``ord()`` gives (a bundle's dicts hold str keys only)."""
        if isinstance(node, ast.DictComp):
            return self.comprehension(node, "map")
        if any(k is None for k in node.keys):
            raise Reject(node, "a translate table with ** unpacking is not supported")
        pairs = ", ".join(f"[{self.code(k)}, {self.code(v)}]" for k, v in zip(node.keys, node.values))
        return f"new Map([{pairs}])"

    def b_chr(self, node):
        return f"$chr({self._n(node, 1, 1, 'chr')[0]})"

    def b_ord(self, node):
        return f"$ord({self._n(node, 1, 1, 'ord')[0]})"

    def b_hex(self, node):
        return f"$format({self._n(node, 1, 1, 'hex')[0]}, \"#x\")"

    def b_oct(self, node):
        return f"$format({self._n(node, 1, 1, 'oct')[0]}, \"#o\")"

    def b_bin(self, node):
        return f"$format({self._n(node, 1, 1, 'bin')[0]}, \"#b\")"

    def b_list(self, node):
        args = self._n(node, 0, 1, "list")
        return f"$list({args[0]})" if args else "[]"

    def b_tuple(self, node):
        args = self._n(node, 0, 1, "tuple")
        return f"$tupleOf({args[0] if args else ''})"

    def b_set(self, node):
        args = self._n(node, 0, 1, "set")
        return f"$setOf({args[0] if args else 'undefined'})"

    def b_frozenset(self, node):
        args = self._n(node, 0, 1, "frozenset")
        return f"$setOf({args[0] if args else 'undefined'}, true)"

    def b_dict(self, node):
        if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
            raise Reject(node, "dict() takes at most one positional argument (a mapping or pairs), then keywords")
        if node.args and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name) \
                and node.args[0].func.id == "enumerate" and self.lookup("enumerate", quiet=True).kind == "builtin":
            raise Reject(node.args[0], "dict(enumerate(...)) has int keys, and a bundle's dicts are JSON objects "
                                       "(str keys): use {str(i): v for i, v in enumerate(...)} or a list")
        src = self.code(node.args[0]) if node.args else "undefined"
        if node.keywords:  # dict(**fields, extra=1) as CPython binds keywords: each key once
            return f"$dict({src}, {self.keywords_js(node, 'dict')})"
        return f"$dict({src})"

    def b_range(self, node):
        args = self._n(node, 1, 3, "range")
        return f"$range({', '.join(args)})"

    def b_enumerate(self, node):
        vals = self.bind(node, ("iterable", "start"), "enumerate", required=1)
        return f"$enumerate({self.args_js(vals)})"

    def b_zip(self, node):
        if node.keywords:
            raise Reject(node, "zip() keyword arguments (strict=) are not supported")
        return f"$zip({self.element_args(node.args)})"

    def b_map(self, node):
        if len(node.args) < 2 or node.keywords:
            raise Reject(node, "map() needs a function and at least one iterable")
        return f"$map({self.element_args(node.args)})"

    def b_filter(self, node):
        args = self._n(node, 2, 2, "filter")
        return f"$filter({args[0]}, {args[1]})"

    def b_reversed(self, node):
        return f"$reversed({self._n(node, 1, 1, 'reversed')[0]})"

    def b_sorted(self, node):
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise Reject(node, "sorted() takes exactly one positional argument")
        vals = [self.code(node.args[0]), None, None]
        for kw in node.keywords:
            if kw.arg not in ("key", "reverse"):
                raise Reject(kw, f"sorted() got an unexpected keyword argument {kw.arg!r}")
            vals[1 if kw.arg == "key" else 2] = self.code(kw.value)
        return f"$sorted({self.args_js(vals)})"

    def _minmax(self, node, name):
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise Reject(node, f"*args in a call to {name}() is not supported")
        key, default, has_default = "undefined", "undefined", "false"
        for kw in node.keywords:
            if kw.arg == "key":
                key = self.code(kw.value)
            elif kw.arg == "default":
                if len(node.args) != 1:
                    raise Reject(kw, f"Cannot specify a default for {name}() with multiple positional arguments")
                default, has_default = self.code(kw.value), "true"
            else:
                raise Reject(kw, f"{name}() got an unexpected keyword argument {kw.arg!r}")
        if not node.args:
            raise Reject(node, f"{name} expected at least 1 argument, got 0")
        args = ", ".join(self.code(a) for a in node.args)
        return f"$minmax({js_str(name)}, [{args}], {key if key != 'undefined' else 'null'}, {default}, {has_default})"

    def b_min(self, node):
        return self._minmax(node, "min")

    def b_max(self, node):
        return self._minmax(node, "max")

    def b_sum(self, node):
        vals = self.bind(node, ("iterable", "start"), "sum", required=1)
        return f"$sum({self.args_js(vals)})"

    def b_any(self, node):
        return f"$any({self._n(node, 1, 1, 'any')[0]})"

    def b_all(self, node):
        return f"$all({self._n(node, 1, 1, 'all')[0]})"

    def b_print(self, node):
        sep = end = "undefined"
        for kw in node.keywords:
            if kw.arg == "sep":
                sep = self.code(kw.value)
            elif kw.arg == "end":
                end = self.code(kw.value)
            elif kw.arg == "flush":
                continue
            else:
                raise Reject(kw, f"print() keyword {kw.arg!r} is not supported")
        # a value the compiler knows is a float prints as str() does (1.0, not 1)
        args = [f"$str({self.code(a)}, true)" if not isinstance(a, ast.Starred) and self.infer(a) == "float"
                else self.element(a) for a in node.args]
        return f"$print([{', '.join(args)}], {sep}, {end})"

    def b_isinstance(self, node):
        if len(node.args) != 2 or node.keywords:
            raise Reject(node, "isinstance() takes exactly two arguments")
        spec = self.type_spec(node.args[1])
        value = self.code(node.args[0])
        return self.isinstance_js(value, spec)

    def isinstance_js(self, value: str, spec: str) -> str:
        """isinstance(value, <spec>) for a type_spec() (value: a JavaScript expression)."""
        inline = {'"str"': "(typeof {} === \"string\")", '"bool"': "(typeof {} === \"boolean\")",
                  '"int"': "$isIntLike({})", '"float"': "$isFloat({})", '"dict"': "$isDict({})",
                  '"list"': "$isList({})", '"tuple"': "$isTuple({})", '"NoneType"': "({} === null)",
                  '["int", "float"]': "$isNum({})", '["float", "int"]': "$isNum({})"}
        if spec in inline:
            return inline[spec].format(value)
        if spec.startswith("[") and re.fullmatch(r"[A-Za-z_$][\w$]*", value):
            # a tuple of builtin types on a plain name: one inline test per type, no helper call
            names = [n.strip() for n in spec[1:-1].split(",")]
            if all(n in inline for n in names):
                if '"int"' in names and '"float"' in names:
                    names = ['["int", "float"]'] + [n for n in names if n not in ('"int"', '"float"', '"bool"')]
                return "(" + " || ".join(inline[n].format(value) for n in names) + ")"
        if not spec.startswith(("[", '"')):
            return f"({value} instanceof {spec})"
        return f"$isinstance({value}, {spec})"

    def type_spec(self, node: ast.AST) -> str:
        if isinstance(node, ast.Tuple):
            return "[" + ", ".join(self.type_spec(e) for e in node.elts) + "]"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value is None:
            return '"NoneType"'
        if isinstance(node, ast.Name):
            sym = self.lookup(node.id, node=node)
            if sym.kind == "builtin" and node.id in ISINSTANCE_TYPES:
                return js_str(node.id)
            if sym.kind == "builtin" and node.id in ("Exception", "BaseException"):
                return '"Exception"'
            if sym.kind == "builtin" and node.id in BUILTIN_EXCEPTIONS:
                return BUILTIN_EXCEPTIONS[node.id]
            if sym.kind == "class":
                return sym.info.js
            if sym.kind == "runtime" and node.id == "FetchError":
                return '"FetchError"'
            if sym.kind == "runtime" and sym.js in ("RetryError", "ValidationError", "InvalidEventPayload",
                                                    "EventNotSupported", "DropEvent"):
                return "$" + sym.js
        if isinstance(node, ast.Attribute) and node.attr == "JSONDecodeError":
            return "$JSONDecodeError"
        if isinstance(node, (ast.Name, ast.Attribute)):
            qual = self.std_name(node)
            if qual in DATETIME_CLASSES:
                return DATETIME_CLASSES[qual]
        raise Reject(node, "isinstance() takes str, int, float, bool, list, tuple, dict, set, type(None), "
                           "exception classes, or a tuple of these")

    # --- Segment's runtime ----------------------------------------------------------------------
    def runtime_call(self, name: str, node: ast.Call, awaited: bool) -> str:
        if name == "fetch":
            self._need_await(node, awaited, "fetch()")
            if not node.args or len(node.args) > 2 or any(isinstance(a, ast.Starred) for a in node.args):
                raise Reject(node, "fetch(url, options=None, *, method=, headers=, body=, json=)")
            url = self.code(node.args[0])
            options = self.code(node.args[1]) if len(node.args) > 1 else "null"
            kws = []
            bad = [kw for kw in node.keywords if kw.arg not in (None, "method", "headers", "body", "json", "options")]
            for kw in bad:  # each one reported, with the runtime's spelling of what requests calls it
                hint = FETCH_HINTS.get(kw.arg)
                self.report(Reject(kw, f"fetch() got an unexpected keyword argument {kw.arg!r}"
                                       + (f": {hint}" if hint else " (method=, headers=, body=, json=)")))
            if bad:
                raise Quiet(node)
            if any(kw.arg is None for kw in node.keywords):  # fetch(url, **options): bound at run time
                positional = node.args[1] if len(node.args) > 1 else None
                return (f"$fetchKw({url}, {self.code(positional) if positional is not None else 'undefined'}, "
                        f"{self.keywords_js(node, 'fetch')})")
            for kw in node.keywords:
                if kw.arg == "options":
                    options = self.code(kw.value)
                else:
                    kws.append(f"{kw.arg}: {self.code(kw.value)}")
            return f"$fetch({url}, {options}, {{{', '.join(kws)}}})"
        if name in ("RetryError", "ValidationError", "InvalidEventPayload", "EventNotSupported", "DropEvent"):
            return f"new ${name}({self.exception_args(node, name, runtime=True)})"
        if name == "FetchError":
            raise Reject(node, "FetchError is raised by fetch(), not by functions")
        raise Reject(node, f"{name} from segfn.runtime cannot be used in a function's code")

    def cache_call(self, node: ast.Call, awaited: bool) -> str:
        """Segment's ``cache`` global: ``await cache.load(key, ttl_ms, fn)``, ``cache.delete(key)``."""
        name = node.func.attr
        if name == "load":
            self._need_await(node, awaited, "cache.load()")
            key, ttl, fn = self.bind(node, ("key", "ttl_ms", "fn"), "cache.load", required=3)
            return f"cache.load($cacheKey({key}), $cacheTtl({ttl}), {fn})"
        if name == "delete":
            (key,) = self.bind(node, ("key",), "cache.delete", required=1)
            return f"(cache.delete($cacheKey({key})), null)"
        raise Reject(node.func, f"Segment's cache has load(key, ttl_ms, fn) and delete(key), not {name}()")

    # --- the standard library ---------------------------------------------------------------------
    def std_value(self, qual: str, node: ast.AST) -> str:
        values = {"math.pi": "Math.PI", "math.e": "Math.E", "math.inf": "Infinity", "math.nan": "NaN",
                  "datetime.timezone.utc": "$UTC", "json.JSONDecodeError": "$JSONDecodeError", **DATETIME_CLASSES,
                  "logging.DEBUG": "10", "logging.INFO": "20", "logging.WARNING": "30", "logging.WARN": "30",
                  "logging.ERROR": "40", "logging.CRITICAL": "50", "logging.FATAL": "50", "logging.NOTSET": "0",
                  "uuid.NAMESPACE_DNS": "$uuidFrom($UUID_NAMESPACES.DNS)", "uuid.NAMESPACE_URL": "$uuidFrom($UUID_NAMESPACES.URL)",
                  "uuid.NAMESPACE_OID": "$uuidFrom($UUID_NAMESPACES.OID)",
                  "uuid.NAMESPACE_X500": "$uuidFrom($UUID_NAMESPACES.X500)",
                  "copy.deepcopy": "$deepcopy", "copy.copy": "$copy",
                  "dataclasses.FrozenInstanceError": "$FrozenInstanceError"}
        if qual in values:
            return values[qual]
        if qual.startswith("re.") and qual[3:] in FLAG_NAMES:
            return str(FLAG_NAMES[qual[3:]])
        raise Reject(node, f"{qual} can only be called here")

    def std_call(self, qual: str, node: ast.Call, awaited: bool) -> str:
        if qual == "asyncio.gather":
            return self.gather_call(node, awaited)
        simple1 = {
            "copy.deepcopy": "$deepcopy", "copy.copy": "$copy", "json.loads": "$jsonLoads",
            "datetime.datetime.fromisoformat": "$fromisoformat", "re.escape": "$reEscape",
            "urllib.parse.unquote": "$unquote", "urllib.parse.unquote_plus": "$unquote",
            "urllib.parse.urlunparse": "$urlunparse", "urllib.parse.urlunsplit": "$urlunsplit",
        }
        if qual in simple1:
            (x,) = self._n(node, 1, 1, qual.rsplit(".", 1)[1])
            return f"{simple1[qual]}({x}{', true' if qual.endswith('_plus') else ''})"
        if qual.startswith("dataclasses."):
            return self.dataclasses_call(qual.split(".")[1], node)
        if qual == "enum.auto":
            raise Reject(node, "auto() is only supported as the value of an Enum member")
        if qual == "json.dumps":
            if len(node.args) != 1:
                raise Reject(node, "json.dumps() takes one positional argument")
            allowed = ("sort_keys", "separators", "ensure_ascii", "indent", "allow_nan", "default")
            kws = []
            for kw in node.keywords:
                if kw.arg not in allowed:
                    raise Reject(kw, f"json.dumps() keyword {kw.arg!r} is not supported")
                kws.append(f"{kw.arg}: {self.code(kw.value)}")
            return f"$jsonDumps({self.code(node.args[0])}{', {' + ', '.join(kws) + '}' if kws else ''})"
        if qual in DATETIME_PARAMS:
            helper, params, required = DATETIME_PARAMS[qual]
            if qual in ("datetime.datetime.strptime",):
                self.check_time_format(node, params, "strptime", STRPTIME_DIRECTIVES)
            return self.std_bound(node, helper, params, required, qual.rsplit(".", 1)[1])
        if qual == "time.time":
            self._n(node, 0, 0, "time")
            return "(Date.now() / 1000)"
        if qual == "hashlib.new":
            name_node = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
            name = self.constant_str(name_node) if name_node is not None else None
            if name is not None and name.lower() not in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512"):
                raise Reject(name_node, f"hashlib.new({name!r}) is not supported (md5, sha1, sha224, sha256, sha384, sha512)")
            vals = self.bind(node, ("name", "data"), "new", required=1)
            return f"new $Hash({self.args_js(vals)})"
        if qual.startswith("hashlib."):
            alg = qual.split(".")[1]
            vals = self.bind(node, ("string",), alg)
            return f"new $Hash({js_str(alg)}{', ' + vals[0] if vals[0] else ''})"
        if qual in ("hmac.new", "hmac.digest"):
            params = ("key", "msg", "digestmod") if qual == "hmac.new" else ("key", "msg", "digest")
            node = ast.copy_location(ast.Call(func=node.func, args=list(node.args), keywords=list(node.keywords)), node)
            for i, arg in enumerate(node.args):
                if i == 2:
                    node.args[i] = self.digest_name(arg, qual, params[2])
            node.keywords = [ast.keyword(arg=k.arg, value=self.digest_name(k.value, qual, params[2]))
                             if k.arg == params[2] else k for k in node.keywords]
            vals = self.bind(node, params, qual.split(".")[1], required=3 if qual == "hmac.digest" else 1)
            helper = "new $Hmac" if qual == "hmac.new" else "$hmacDigest"
            return f"{helper}({', '.join(v or 'null' for v in vals)})"
        if qual == "html.escape":
            vals = self.bind(node, ("s", "quote"), "escape", required=1)
            return f"$htmlEscape({self.args_js(vals)})"
        if qual == "operator.itemgetter":
            if node.keywords or not node.args:
                raise Reject(node, "itemgetter() takes one or more keys, positionally")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise Reject(node, "itemgetter(*keys) is not supported: name the keys")
            return f"$itemgetter([{', '.join(self.code(a) for a in node.args)}])"
        if qual == "hmac.compare_digest":
            a, b = self.bind(node, ("a", "b"), "compare_digest", required=2)
            return f"$compareDigest({a}, {b})"
        if qual.startswith("base64."):
            fn = qual.split(".")[1]
            (x,) = self._n(node, 1, 1, fn)
            alt = ', "-_"' if fn.startswith("urlsafe") else ""
            return f"{'$b64encode' if fn.endswith('encode') else '$b64decode'}({x}{alt})"
        if qual in ("urllib.parse.quote", "urllib.parse.quote_plus"):
            vals = self.bind(node, ("string", "safe"), qual.rsplit(".", 1)[1], required=1)
            return f"$quote({vals[0]}, {vals[1] or 'undefined'}{', true' if qual.endswith('plus') else ''})"
        if qual.split(".")[0] in ("logging", "uuid", "random"):
            return self.runtime_module_call(qual, node)
        if qual.split(".")[0] in ("collections", "itertools", "functools"):
            return self.collections_call(qual, node)
        if qual in URLLIB_PARAMS:
            helper, params, required = URLLIB_PARAMS[qual]
            node = self.check_defaults(node, params, {"encoding": ("utf-8",), "errors": ("replace",)}, qual)
            if qual == "urllib.parse.urlencode":
                via = next((k.value for k in node.keywords if k.arg == "quote_via"), None)
                node.keywords = [k for k in node.keywords if k.arg != "quote_via"]
                if via is not None:
                    via_name = self.std_name(via) if isinstance(via, (ast.Name, ast.Attribute)) else None
                    if via_name not in ("urllib.parse.quote", "urllib.parse.quote_plus"):
                        raise Reject(via, "urlencode(quote_via=) takes urllib.parse.quote or quote_plus")
                    params = params[:3] + ("$via",)
                    node.keywords.append(ast.keyword(arg="$via", value=ast.Constant(via_name.endswith(".quote"))))
            return self.std_bound(node, helper, tuple(p for p in params if p not in ("encoding", "errors")), required,
                                  qual.rsplit(".", 1)[1])
        if qual == "math.isclose":
            if len(node.args) != 2 or any(isinstance(a, ast.Starred) for a in node.args):
                raise Reject(node, "isclose() takes a and b positionally, and rel_tol=, abs_tol= by keyword")
            tols = {"rel_tol": "undefined", "abs_tol": "undefined"}
            for kw in node.keywords:
                if kw.arg not in tols:
                    raise Reject(kw, f"isclose() got an unexpected keyword argument {kw.arg!r}")
                tols[kw.arg] = self.code(kw.value)
            a, b = (self.code(v) for v in node.args)
            return f"$isclose({a}, {b}, {tols['rel_tol']}, {tols['abs_tol']})"
        if qual.startswith("math."):
            fn = qual[5:]
            (x,) = self._n(node, 1, 1, fn)
            if fn == "fabs":
                return f"$mathFloat({x}, Math.abs)"
            if fn in ("floor", "ceil", "trunc"):
                return f"$mathInt({x}, Math.{fn}, {js_str(fn)})"
            if fn == "sqrt":
                return f"$mathFloat({x}, Math.sqrt, (v) => v >= 0)"
            if fn in ("isnan", "isinf", "isfinite"):
                test = {"isnan": "Number.isNaN", "isinf": "((v) => v === Infinity || v === -Infinity)",
                        "isfinite": "Number.isFinite"}[fn]
                return f"$mathFloat({x}, {test})"
            raise Reject(node, f"math.{fn}() is not supported")
        if qual.startswith("re."):
            return self.re_call(qual[3:], node)
        raise Reject(node, f"{qual}() is not supported (see docs/python-subset.md)")

    def std_bound(self, node: ast.Call, helper: str, params: tuple[str, ...], required: int, name: str) -> str:
        """A stdlib function with Python parameters ``params`` (the first ``required`` without default):
        its arguments bound here, or at run time for ``f(*parts)`` / ``f(**fields)``."""
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            sig = (f"[{js_str(name)}, [{', '.join(js_str(p) for p in params)}], 0, {len(params) - required}, "
                   f"null, [], [], null, 0]")
            return f"{helper}(...$bindArgs({sig}, {self.positional_js(node, name)}, {self.keywords_js(node, name)}))"
        vals = self.bind(node, params, name, required=required)
        return f"{helper}({self.args_js(vals)})"

    def collections_call(self, qual: str, node: ast.Call) -> str:
        """collections.defaultdict/Counter/OrderedDict, itertools.chain/islice/groupby/product,
        functools.reduce/partial (compiler/js/pycollections.js)."""
        name = qual.rsplit(".", 1)[1]
        if qual in ("collections.defaultdict", "collections.Counter", "collections.OrderedDict"):
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                raise Reject(node, f"*args/**kwargs in a call to {name}() are not supported")
            args = list(node.args)
            factory = None
            if qual == "collections.defaultdict":
                factory = self.factory_js(args.pop(0)) if args else "null"
            if len(args) > 1:
                raise Reject(node, f"{name}() takes at most {2 if factory else 1} positional arguments")
            src = self.code(args[0]) if args else "undefined"
            kws = "{" + ", ".join(f"{js_str(k.arg)}: {self.code(k.value)}" for k in node.keywords) + "}" \
                if node.keywords else "undefined"
            helper = {"collections.defaultdict": "$defaultdict", "collections.Counter": "$counter",
                      "collections.OrderedDict": "$ordereddict"}[qual]
            return f"{helper}({factory + ', ' if factory else ''}{src}, {kws})"
        if qual == "itertools.chain":
            if node.keywords:
                raise Reject(node, "chain() takes no keyword arguments")
            return f"$chain([{self.element_args(node.args)}])"
        if qual == "itertools.chain.from_iterable":
            (it,) = self._n(node, 1, 1, "from_iterable")
            return f"$chainFrom({it})"
        if qual == "itertools.islice":
            if node.keywords:
                raise Reject(node, "islice() takes no keyword arguments")
            return f"$islice({self.element_args(node.args)})"
        if qual == "itertools.groupby":
            vals = self.bind(node, ("iterable", "key"), "groupby", required=1)
            return f"$groupby({self.args_js(vals)})"
        if qual == "itertools.product":
            repeat = "undefined"
            for k in node.keywords:
                if k.arg != "repeat":
                    raise Reject(k, f"product() got an unexpected keyword argument {k.arg!r}")
                repeat = self.code(k.value)
            return f"$product([{self.element_args(node.args)}], {repeat})"
        if qual == "functools.reduce":
            args = self._n(node, 2, 3, "reduce")
            return f"$reduce({args[0]}, {args[1]}, {args[2] if len(args) > 2 else 'undefined'}, {str(len(args) > 2).lower()})"
        if qual == "functools.partial":
            if not node.args or isinstance(node.args[0], ast.Starred):
                raise Reject(node, "partial() takes the function first")
            first = node.args[0]
            f = self.code(first)
            rest = ast.Call(func=node.func, args=node.args[1:], keywords=node.keywords)
            kws = self.keywords_js(rest, "partial")
            return f"$partial({f}, {self.positional_js(rest, 'partial')}, {kws if kws != 'null' else '{}'})"
        raise Reject(node, f"{qual}() is not supported (see docs/python-subset.md)")

    def runtime_module_call(self, qual: str, node: ast.Call) -> str:
        """logging, uuid and random (compiler/js/pycollections.js; the check controls the clock and the
        random words on both sides, compiler/determinism.py)."""
        name = qual.rsplit(".", 1)[1]
        if qual == "logging.getLogger":
            vals = self.bind(node, ("name",), "getLogger")
            return f"$getLogger({self.args_js(vals)})"
        if qual.startswith("logging."):
            if name not in LOGGING_METHODS:
                raise Reject(node, f"{qual} can only be used as a value here")
            node = ast.copy_location(ast.Call(func=node.func, args=node.args, keywords=[
                k for k in node.keywords if k.arg not in LOGGING_IGNORED_KEYWORDS]), node)
            if node.keywords:
                raise Reject(node.keywords[0], f"{name}() got an unexpected keyword argument {node.keywords[0].arg!r}")
            return f"$callMethod($getLogger(null), {js_str(name)}, {self.positional_js(node, name)})"
        if qual == "uuid.uuid4":
            self._n(node, 0, 0, "uuid4")
            return "$uuid4()"
        if qual == "uuid.uuid5":
            ns, nm = self.bind(node, ("namespace", "name"), "uuid5", required=2)
            return f"$uuid5({ns}, {nm})"
        if qual == "uuid.UUID":
            vals = self.bind(node, ("hex",), "UUID", required=1)
            return f"$uuidFrom({vals[0]})"
        if qual == "random.random":
            self._n(node, 0, 0, "random")
            return "$random()"
        if qual == "random.randint":
            a, b = self.bind(node, ("a", "b"), "randint", required=2)
            return f"$randrange({a}, $add({b}, 1))"
        if qual == "random.randrange":
            vals = self.bind(node, ("start", "stop", "step"), "randrange", required=1)
            return f"$randrange({self.args_js(vals)})"
        if qual == "random.getrandbits":
            (k,) = self.bind(node, ("k",), "getrandbits", required=1)
            return f"$getrandbits($randbitsCount({k}))"
        if qual == "random.sample":
            for k in node.keywords:
                if k.arg == "counts":
                    raise Reject(k, "sample(counts=) is not supported")
            vals = self.bind(node, ("population", "k"), "sample", required=2)
            return f"$sample({self.args_js(vals)})"
        if qual == "random.choices":
            vals = self.bind(node, ("population", "weights", "cum_weights", "k"), "choices", required=1)
            return f"$choices({self.args_js(vals)})"
        helpers = {"random.choice": ("$choice", ("seq",)), "random.shuffle": ("$shuffle", ("x",)),
                   "random.uniform": ("$uniform", ("a", "b"))}
        if qual in helpers:
            helper, params = helpers[qual]
            vals = self.bind(node, params, name, required=len(params))
            return f"{helper}({self.args_js(vals)})"
        raise Reject(node, f"{qual}() is not supported (see docs/python-subset.md)")

    def factory_js(self, node: ast.AST) -> str:
        """A callable argument, where int, list, dict, set... may stand as values."""
        if isinstance(node, ast.Name) and node.id in FACTORY_BUILTINS:
            sym = self.lookup(node.id, quiet=True)
            if sym is not None and sym.kind == "builtin":
                return f"$builtinFactory({js_str(node.id)})"
        return self.code(node)

    def digest_name(self, node: ast.AST, qual: str, param: str) -> ast.AST:
        """hmac's digestmod: a hashlib constructor (``hashlib.sha256``) becomes its name; a str stays."""
        if isinstance(node, (ast.Name, ast.Attribute)):
            try:
                mod = self.std_name(node)
            except Reject:
                mod = None
            if mod is not None:
                if not mod.startswith("hashlib.") or mod == "hashlib.new":
                    raise Reject(node, f"{qual}()'s {param} must be a hashlib constructor (hashlib.sha256) or its name")
                return ast.copy_location(ast.Constant(mod.split(".")[1]), node)
        return node

    def check_defaults(self, node: ast.Call, params: tuple[str, ...], only: dict[str, tuple], qual: str) -> ast.Call:
        """Parameters the runtime supports with one value only (``encoding="utf-8"``): anything else given
        is a compile error; the call without them (a copy: the tree is compiled more than once)."""
        node = ast.copy_location(ast.Call(func=node.func, args=list(node.args), keywords=list(node.keywords)), node)
        for name, allowed in only.items():
            if name not in params:
                continue
            at = params.index(name)
            given = node.args[at] if len(node.args) > at else next((k.value for k in node.keywords if k.arg == name), None)
            if given is None:
                continue
            if not (isinstance(given, ast.Constant) and given.value in allowed + (None,)):
                raise Reject(given, f"{qual.rsplit('.', 1)[1]}() supports only {name}={allowed[0]!r} (the default)")
            if len(node.args) > at:
                raise Reject(given, f"pass {name}= as a keyword, or leave it out")
            node.keywords = [k for k in node.keywords if k.arg != name]
        return node

    def check_time_format(self, node: ast.Call, params: tuple[str, ...], what: str, allowed: set[str]) -> None:
        """A constant strftime/strptime format may only use the directives the runtime gives exactly."""
        at = params.index("format")
        fmt = node.args[at] if len(node.args) > at else next((k.value for k in node.keywords if k.arg == "format"), None)
        text = self.constant_str(fmt) if fmt is not None else None
        if text is None:
            return
        if what == "strftime":
            # what the runtime refuses: the conversions segfn does not give, and field widths
            for m in re.finditer(r"%([-_0^#]*)([0-9]*)([EO]?)(.?)", text, re.S):
                if m.group(2) or (m.group(4) and m.group(4) in "CGgVs"):
                    raise Reject(fmt, f"the strftime directive {m.group(0)} is not supported (glibc's %C %G %g %V %s "
                                      "and field widths are not given by the bundle)")
            return
        i, seen = 0, set()
        while i < len(text):
            if text[i] == "%" and i + 1 < len(text):
                d = text[i + 1]
                if d not in allowed:
                    raise Reject(fmt, f"the {what} directive %{d} is not supported (supported: "
                                      + " ".join("%" + c for c in sorted(allowed)) + ")")
                if d != "%" and d in seen:
                    raise Reject(fmt, f"the strptime directive %{d} appears twice (CPython raises re.error)")
                seen.add(d)
                i += 2
            else:
                i += 1

    def dataclasses_call(self, fn: str, node: ast.Call) -> str:
        if fn in ("asdict", "astuple"):
            (x,) = self._n(node, 1, 1, fn)
            return f"$asdict({x}, {'true' if fn == 'astuple' else 'false'})"
        if fn == "replace":
            if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise Reject(node, "replace() takes the dataclass instance and keyword arguments")
            return f"$dcReplace({self.code(node.args[0])}, {self.keywords_js(node, 'replace')})"
        if fn == "fields":
            (x,) = self._n(node, 1, 1, fn)
            return f"$dcFields({x})"
        if fn == "is_dataclass":
            (x,) = self._n(node, 1, 1, fn)
            return f"$isDataclass({x})"
        if fn == "field":
            raise Reject(node, "field() is only supported as the value of a dataclass field")
        raise Reject(node, f"dataclasses.{fn}() is not supported")

    def re_test(self, node: ast.AST) -> str | None:
        """``re.match/search/fullmatch(PATTERN, s)`` used only as a test (``is None``, ``is not None``,
        truthiness): a RegExp test, without the runtime's Pattern and Match classes."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("match", "search", "fullmatch")):
            return None
        try:
            qual = self.std_name(node.func)
        except Reject:
            return None
        if qual not in ("re.match", "re.search", "re.fullmatch"):
            return None
        nodes = self.re_arguments(qual[3:], node)
        if "string" not in nodes:
            return None
        _, t = self.translate_pattern(nodes.get("pattern"), nodes.get("flags"), node)
        return (f"$reTest({js_str(t.source)}, {js_str(t.flags)}, {js_str(qual[3:])}, "
                f"{self.code(nodes['string'])})")

    def re_arguments(self, fn: str, node: ast.Call) -> dict[str, ast.AST]:
        if fn not in RE_PARAMS:
            raise Reject(node, f"re.{fn}() is not supported")
        names = RE_PARAMS[fn]
        nodes: dict[str, ast.AST] = {}
        for i, arg in enumerate(node.args):
            if i >= len(names) or isinstance(arg, ast.Starred):
                raise Reject(node, f"re.{fn}() takes at most {len(names)} arguments")
            nodes[names[i]] = arg
        for kw in node.keywords:
            if kw.arg not in names or kw.arg in nodes:
                raise Reject(kw, f"re.{fn}() got an unexpected keyword argument {kw.arg!r}")
            nodes[kw.arg] = kw.value
        return nodes

    def re_call(self, fn: str, node: ast.Call) -> str:
        nodes = self.re_arguments(fn, node)
        names = RE_PARAMS[fn]
        pattern = self.compile_pattern(nodes.get("pattern"), nodes.get("flags"), node)
        self.module.methods_used.add(fn)
        if fn == "compile":
            return pattern
        rest = [n for n in names[1:] if n != "flags"]
        args = [self.code(nodes[n]) if n in nodes else None for n in rest]
        if fn in ("sub", "subn", "match", "search", "fullmatch", "findall", "finditer", "split") and args[0 if fn not in ("sub", "subn") else 1] is None:
            raise Reject(node, f"re.{fn}() missing required argument")
        return f"{pattern}.{fn}({self.args_js(args)})"

    def compile_pattern(self, pattern: ast.AST | None, flags: ast.AST | None, node: ast.AST) -> str:
        text, t = self.translate_pattern(pattern, flags, node)
        names = "[" + ", ".join(js_str(n) for n in t.names) + "]"
        return f"$reCompile({js_str(t.source)}, {js_str(t.flags)}, {js_str(text)}, {t.groups}, {names})"

    def translate_pattern(self, pattern: ast.AST | None, flags: ast.AST | None, node: ast.AST) -> tuple[str, Translated]:
        """(the Python pattern, its JavaScript translation)."""
        if pattern is None:
            raise Reject(node, "missing pattern")
        text = self.constant_str(pattern)
        if text is None:
            raise Reject(pattern, "regular expressions must be string literals or module constants: the compiler "
                                  "translates them to JavaScript")
        flag_value = 0
        if flags is not None:
            flag_value = self.constant_flags(flags)
        try:
            return text, translate(text, flag_value)
        except RegexError as exc:
            raise Reject(pattern, f"regular expression: {exc}") from None

    def constant_flags(self, node: ast.AST) -> int:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self.constant_flags(node.left) | self.constant_flags(node.right)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        qual = self.std_name(node)
        if qual and qual.startswith("re.") and qual[3:] in FLAG_NAMES:
            return FLAG_NAMES[qual[3:]]
        raise Reject(node, "re flags must be re.IGNORECASE, re.MULTILINE, ... combined with |")
