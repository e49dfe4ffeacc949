"""User classes, one model for all: plain classes (methods, class attributes, ``@staticmethod``,
``@classmethod``, ``@property``), dataclasses (their ``__init__`` generated as Python and compiled like
any other, ``__eq__``/``__repr__``/ordering by the runtime's ``$dataclass``), exception classes and
``enum.Enum``; ``TypedDict`` classes are dicts. See compiler/js/classes.js for the run-time side.

A class compiles to a JavaScript class whose constructor takes no Python arguments; ``C(...)`` is
``$new(C, [arguments bound to C.__init__])``, so a subclass's ``__init__`` runs once, with its
arguments (an exception class also keeps its positional arguments in ``args``, as BaseException does).
"""

from __future__ import annotations

import ast

from .errors import Reject
from .expressions import js_str
from .names import attr_name, js_name
from .symbols import BUILTIN_EXCEPTIONS, RUNTIME_ERRORS, ClassInfo, FieldInfo, FuncInfo, MethodInfo

# the special methods a class may define, and what uses them
SPECIAL_METHODS = {
    "__init__", "__post_init__", "__str__", "__repr__", "__eq__", "__lt__", "__le__", "__gt__", "__ge__",
    "__len__", "__bool__", "__contains__", "__getitem__", "__setitem__", "__delitem__", "__iter__", "__call__",
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
}
DATACLASS_OPTIONS = {"init", "repr", "eq", "order", "frozen", "kw_only"}
MUTABLE_DEFAULTS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


class MissingDefault(ast.expr):
    """A generated dataclass ``__init__``'s default for a field with a default_factory: no value."""

    _fields = ()


class FactoryOr(ast.expr):
    """``name`` if the caller passed it, else a new value from the field's default_factory."""

    _fields = ("name", "factory")

    def __init__(self, name: ast.expr, factory: ast.expr) -> None:
        super().__init__()
        self.name = name
        self.factory = factory


class ClassAttrRef(ast.expr):
    """A class attribute of the class being defined (a dataclass field's default value)."""

    _fields = ()

    def __init__(self, js: str) -> None:
        super().__init__()
        self.js = js


def _located(node: ast.AST, at: ast.AST) -> ast.AST:
    for sub in ast.walk(node):
        ast.copy_location(sub, at)
        if not hasattr(sub, "end_lineno"):
            sub.end_lineno, sub.end_col_offset = getattr(at, "end_lineno", None), getattr(at, "end_col_offset", None)
    return node


class ClassMixin:
    # --- declaration ------------------------------------------------------------------------
    def declare_class(self, node: ast.ClassDef) -> ClassInfo:
        base, kind = self._class_base(node)
        info = ClassInfo(node.name, self.gjs(node.name), base, kind)
        info.dataclass = self._dataclass_options(node, info)
        for item in node.body:
            try:
                self._declare_member(node, info, item)
            except Reject as exc:
                self.report(exc)
        if info.dataclass is not None:
            self._dataclass_fields(node, info)
        return info

    def _class_base(self, node: ast.ClassDef) -> tuple[ClassInfo | str, str]:
        for kw in node.keywords:
            if not (kw.arg == "total" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool)):
                raise Reject(kw, "class keywords are not supported (only TypedDict's total=True/False)")
        if not node.bases:
            return "object", "object"
        if len(node.bases) > 1:
            if any(self.qualified(b) in ("enum.Enum", "enum.IntEnum", "enum.StrEnum") for b in node.bases):
                raise Reject(node.bases[0], "a mixed-in Enum (class X(str, Enum)) is not supported: its members would "
                                            "be strs or ints too, which JavaScript values cannot be; use "
                                            "class X(Enum) and compare or send X.MEMBER.value")
            raise Reject(node.bases[1], "a class may have only one base class: multiple inheritance is not supported")
        b = node.bases[0]
        if isinstance(b, ast.Name):
            sym = self.lookup(b.id, node=b, quiet=True)
            if sym is None:
                raise Reject(b, f"name {b.id!r} is not defined")
            if sym.kind == "class":
                base: ClassInfo = sym.info
                if base.kind == "enum" and base.members:
                    raise Reject(b, f"cannot extend the enumeration {b.id!r}: it has members")
                if base.kind == "typeddict":
                    return base, "typeddict"
                return base, base.kind
            if sym.kind == "builtin" and b.id == "object":
                return "object", "object"
            if sym.kind == "builtin" and b.id in BUILTIN_EXCEPTIONS:
                return b.id, "exception"
            if sym.kind == "runtime" and sym.js in RUNTIME_ERRORS:
                return sym.js, "exception"
        qual = self.qualified(b)
        if qual == "enum.Enum":
            return "Enum", "enum"
        if qual == "typing.TypedDict":
            return "TypedDict", "typeddict"
        if qual == "json.JSONDecodeError":
            return "JSONDecodeError", "exception"
        if qual in ("enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"):
            raise Reject(b, f"{qual.split('.')[1]} is not supported: its members are ints or strs, which JavaScript "
                            "values cannot also be; use Enum and .value")
        if isinstance(b, ast.Attribute):
            target = self.module_callable(b)
            if target is not None and target[0] == "class":
                return target[1], target[1].kind
        if self.qualified(b) in ("typing.NamedTuple", "typing_extensions.NamedTuple"):
            raise Reject(b, "typing.NamedTuple is not supported: use @dataclass(frozen=True) for named fields (or a "
                            "plain tuple)")
        raise Reject(b, "the base class must be object, a class of your functions, an exception class, enum.Enum "
                        "or typing.TypedDict")

    def qualified(self, node: ast.AST) -> str | None:
        """The qualified name of a std/typing name (``enum.Enum``, ``typing.TypedDict``), or None."""
        if isinstance(node, ast.Name):
            sym = self.lookup(node.id, quiet=True)
            if sym is not None and sym.kind in ("std", "ignored"):
                return sym.info
            return None
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        return None

    def _dataclass_options(self, node: ast.ClassDef, info: ClassInfo) -> dict | None:
        options = None
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if self.qualified(target) != "dataclasses.dataclass":
                raise Reject(deco, "class decorators other than @dataclass are not supported")
            if info.kind != "object":
                raise Reject(deco, "@dataclass is supported on plain classes (not on exceptions, enums or TypedDicts)")
            options = {"init": True, "repr": True, "eq": True, "order": False, "frozen": False, "kw_only": False}
            if isinstance(deco, ast.Call):
                if deco.args:
                    raise Reject(deco, "@dataclass(...) takes keyword options")
                for kw in deco.keywords:
                    if kw.arg not in DATACLASS_OPTIONS:
                        raise Reject(kw, f"the dataclass option {kw.arg!r} is not supported "
                                         f"({', '.join(sorted(DATACLASS_OPTIONS))} are)")
                    if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool)):
                        raise Reject(kw.value, f"the dataclass option {kw.arg} must be True or False")
                    options[kw.arg] = kw.value.value
            if options["order"] and not options["eq"]:
                raise Reject(deco, "eq must be true if order is true")
        if options is None:
            for base in info.chain():
                if base is not info and base.dataclass is not None:
                    break
        return options

    def _declare_member(self, node: ast.ClassDef, info: ClassInfo, item: ast.stmt) -> None:
        if isinstance(item, ast.Pass) or (isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant)):
            return
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if info.kind == "typeddict":
                raise Reject(item, "a TypedDict has no methods")
            self._declare_method(node, info, item)
            return
        if isinstance(item, ast.Assign):
            if len(item.targets) != 1 or not isinstance(item.targets[0], ast.Name):
                raise Reject(item, "a class attribute is assigned one name at a time (NAME = value)")
            name = item.targets[0].id
            self._class_name_ok(name, item)
            if info.kind == "typeddict":
                raise Reject(item, "a TypedDict holds annotations only")
            if info.kind == "enum" and not name.startswith("_"):
                info.members.append(name)
            info.attrs[name] = item.value
            return
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            name = item.target.id
            self._class_name_ok(name, item)
            if info.kind == "typeddict":
                if item.value is not None:
                    raise Reject(item.value, "a TypedDict's keys have no default values")
                return
            if info.kind == "enum" and item.value is not None and not name.startswith("_"):
                info.members.append(name)
                info.attrs[name] = item.value
                return
            class_var = self.qualified(item.annotation.value if isinstance(item.annotation, ast.Subscript)
                                       else item.annotation) == "typing.ClassVar"
            if info.dataclass is not None and not class_var:
                info.fields.append(self._field(item))
                if info.fields[-1].default is not None:  # the default is the class attribute
                    info.attrs[name] = info.fields[-1].default
                return
            if item.value is not None:
                info.attrs[name] = item.value
            return
        raise Reject(item, "a class body may hold a docstring, methods, class attributes and annotated fields")

    def _class_name_ok(self, name: str, item: ast.AST) -> None:
        if name.startswith("__") and name.endswith("__"):
            raise Reject(item, f"the special attribute {name} is not supported")

    def _declare_method(self, node: ast.ClassDef, info: ClassInfo, item) -> None:
        kind = "method"
        for deco in item.decorator_list:
            if isinstance(deco, ast.Name) and deco.id in ("staticmethod", "classmethod", "property") \
                    and getattr(self.lookup(deco.id, quiet=True), "kind", None) == "builtin" and kind == "method":
                kind = {"staticmethod": "static", "classmethod": "class", "property": "getter"}[deco.id]
            elif (isinstance(deco, ast.Attribute) and deco.attr == "setter" and isinstance(deco.value, ast.Name)
                  and deco.value.id == item.name and kind == "method"):
                getter = info.methods.get(item.name)
                if getter is None or getter.kind != "getter":
                    raise Reject(deco, f"@{item.name}.setter needs the @property {item.name} defined above it")
                kind = "setter"
            else:
                raise Reject(deco, "the decorators supported on methods are @staticmethod, @classmethod, @property "
                                   "and @<property>.setter")
        name = item.name
        if name == "__hash__" and kind == "method":
            return  # nothing in the subset hashes an instance (no set of them, no dict key): never called
        if name.startswith("__") and name.endswith("__") and name not in SPECIAL_METHODS:
            raise Reject(item, f"the special method {name} is not supported")
        if kind in ("getter", "setter") and isinstance(item, ast.AsyncFunctionDef):
            raise Reject(item, "a property cannot be async")
        if kind != "static" and not (item.args.posonlyargs or item.args.args):
            raise Reject(item, f"the method {name} needs a first parameter ({'cls' if kind == 'class' else 'self'})")
        if info.kind == "enum" and name == "__init__":
            raise Reject(item, "an Enum with __init__ is not supported (members are their values)")
        js = attr_name(name, node.name)
        qual = f"{node.name}.{name}"
        func = FuncInfo(qual, js, item.args, isinstance(item, ast.AsyncFunctionDef), item)
        key = name if kind != "setter" else name + ".setter"
        info.methods[key] = MethodInfo(name, js, kind, item, func)
        if name == "__init__" and kind == "method":
            info.init = func

    def _field(self, item: ast.AnnAssign) -> FieldInfo:
        f = FieldInfo(item.target.id, item)
        value = item.value
        if isinstance(value, ast.Call) and self.qualified(value.func) == "dataclasses.field":
            if value.args:
                raise Reject(value, "field() takes keyword arguments")
            for kw in value.keywords:
                if kw.arg == "default":
                    f.default = kw.value
                elif kw.arg == "default_factory":
                    f.factory = kw.value
                elif kw.arg in ("init", "repr", "compare", "kw_only"):
                    if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool)):
                        raise Reject(kw.value, f"field({kw.arg}=...) must be True or False")
                    setattr(f, kw.arg, kw.value.value)
                else:
                    raise Reject(kw, f"field({kw.arg}=...) is not supported")
            if f.default is not None and f.factory is not None:
                raise Reject(value, "cannot specify both default and default_factory")
        elif value is not None:
            f.default = value
        if f.default is not None and isinstance(f.default, MUTABLE_DEFAULTS):
            kind = {ast.List: "list", ast.ListComp: "list", ast.Dict: "dict", ast.DictComp: "dict"}.get(type(f.default), "set")
            raise Reject(f.default, f"mutable default <class '{kind}'> for field {f.name} is not allowed: "
                                    "use default_factory")
        return f

    def _dataclass_fields(self, node: ast.ClassDef, info: ClassInfo) -> None:
        """Check the fields' order and generate ``__init__`` (unless the class writes its own)."""
        fields = info.all_fields()
        kw_only = info.dataclass["kw_only"]
        seen_default = None
        for f in fields:
            if not f.init or kw_only or f.kw_only:
                continue
            has_default = f.default is not None or f.factory is not None
            if has_default:
                seen_default = f
            elif seen_default is not None:
                raise Reject(f.node, f"non-default argument {f.name!r} follows default argument")
        if info.init is not None or not info.dataclass["init"]:
            return
        init = self._generated_init(node, info, fields)
        info.init = FuncInfo(f"{node.name}.__init__", "__init__", init.args, False, init)
        info.methods["__init__"] = MethodInfo("__init__", "__init__", "method", init, info.init)

    def _generated_init(self, node: ast.ClassDef, info: ClassInfo, fields: list[FieldInfo]) -> ast.FunctionDef:
        kw_only = info.dataclass["kw_only"]
        positional, defaults, kwonly, kw_defaults, body = [], [], [], [], []
        for f in fields:
            if f.init:
                default = None
                if f.factory is not None:
                    default = MissingDefault()
                elif f.default is not None:
                    default = ClassAttrRef(f"{info.js}.prototype.{attr_name(f.name, node.name)}")
                if kw_only or f.kw_only:
                    kwonly.append(ast.arg(f.name))
                    kw_defaults.append(default)
                else:
                    positional.append(ast.arg(f.name))
                    if default is not None:
                        defaults.append(default)
                value = ast.Name(f.name, ast.Load())
                if f.factory is not None:
                    value = FactoryOr(value, ast.Call(f.factory, [], []))
            elif f.factory is not None:
                value = ast.Call(f.factory, [], [])
            elif f.default is not None:
                value = ClassAttrRef(f"{info.js}.prototype.{attr_name(f.name, node.name)}")
            else:
                continue
            target = ast.Attribute(ast.Name("self", ast.Load()), f.name, ast.Store())
            body.append(_located(ast.Assign([target], value), f.node))
        if info.has_method("__post_init__"):
            call = ast.Call(ast.Attribute(ast.Name("self", ast.Load()), "__post_init__", ast.Load()), [], [])
            body.append(_located(ast.Expr(call), node))
        if not body:
            body.append(_located(ast.Pass(), node))
        args = ast.arguments(posonlyargs=[], args=[ast.arg("self"), *positional], vararg=None, kwonlyargs=kwonly,
                             kw_defaults=kw_defaults, kwarg=None, defaults=defaults)
        init = ast.FunctionDef("__init__", args, body, [], None)
        init.generated = True
        return _located(init, node)

    # --- emission ---------------------------------------------------------------------------
    def class_lines(self, node: ast.ClassDef) -> list[str]:
        info: ClassInfo = self.unit.symbols[node.name].info
        if info.kind == "typeddict":
            return []  # a TypedDict is a dict
        base = info.base
        if isinstance(base, ClassInfo):
            base_js = base.js
        elif info.kind == "enum":
            base_js = "$PyEnum"
        elif base == "object":
            base_js = "$PyObject"
        else:
            base_js = self.exception_js(base, node)
        out = [f"class {info.js} extends {base_js} {{"]
        after: list[str] = []  # the class body's evaluations, in the body's order
        sigs: list[str] = []
        saved_class, self.class_names = self.class_names, {}
        self.class_context.append(node.name)
        try:
            for item in node.body:
                try:
                    self._class_item(node, info, item, out, after, sigs)
                except Reject as exc:
                    self.report(exc)
            init = info.methods.get("__init__")
            if init is not None and getattr(init.node, "generated", False):
                self._class_method(node, info, init, out, after, sigs)
        finally:
            self.class_names = saved_class
            self.class_context.pop()
        out.append("}")
        sig_obj = "{" + ", ".join(sigs) + "}"
        if info.kind == "exception":
            out.append(f"$userExcClass({info.js}, {js_str(node.name)}, {sig_obj});")
        else:
            if info.dataclass is not None:
                out.append(self._dataclass_js(node, info))
            out.append(f"$pyClass({info.js}, {js_str(node.name)}, {sig_obj});")
        out += after
        if info.kind == "enum":
            members = ", ".join(f"[{js_str(m)}, {info.js}.prototype.{attr_name(m, node.name)}]" for m in info.members)
            out.append(f"$enumClass({info.js}, [{members}]);")
        return out

    def _class_item(self, node, info: ClassInfo, item, out: list[str], after: list[str], sigs: list[str]) -> None:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            method = next((m for m in info.methods.values() if m.node is item), None)
            if method is None:  # __hash__, or a method whose declaration was already reported
                return
            self._class_method(node, info, method, out, after, sigs)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            name = item.targets[0].id if isinstance(item, ast.Assign) else item.target.id
            if name not in info.attrs:
                return
            js = f"{info.js}.prototype.{attr_name(name, node.name)}"
            if info.kind == "enum" and name in info.members:
                value = self._enum_value(info, name)
            else:
                value = self.code(info.attrs[name])
            after.append(f"{js} = {value};")
            self.class_names[name] = js

    def _enum_value(self, info: ClassInfo, name: str) -> str:
        node = info.attrs[name]
        if isinstance(node, ast.Call) and self.qualified(node.func) == "enum.auto":
            if node.args or node.keywords:
                raise Reject(node, "auto() takes no arguments")
            values: list = []  # the earlier members' values, as Enum._generate_next_value_ sees them
            for other in info.members[: info.members.index(name)]:
                prev = info.attrs[other]
                if isinstance(prev, ast.Call) and self.qualified(prev.func) == "enum.auto":
                    values.append(self._auto_values[(info.js, other)])
                elif isinstance(prev, ast.Constant):
                    values.append(prev.value)
                else:
                    raise Reject(node, "auto() after a member whose value is not a literal is not supported")
            last = next((v for v in reversed(values) if isinstance(v, (int, float)) and not isinstance(v, bool)), 0)
            self._auto_values[(info.js, name)] = last + 1
            return repr(last + 1)
        return self.code(node)

    # --- the generated __init__'s expressions -----------------------------------------------------
    def x_MissingDefault(self, node: MissingDefault) -> str:
        return "undefined"

    def x_ClassAttrRef(self, node: ClassAttrRef) -> str:
        return node.js

    def x_FactoryOr(self, node: FactoryOr) -> str:
        name = self.code(node.name)
        return f"({name} === undefined ? {self.code(node.factory)} : {name})"

    def _class_method(self, node, info: ClassInfo, method: MethodInfo, out: list[str], after: list[str],
                      sigs: list[str]) -> None:
        pre, lines = self.function_js(method.node, method.js, cls=info, method_kind=method.kind, info=method.info)
        if method.kind == "getter":
            lines[0] = "get " + lines[0]
        elif method.kind == "setter":
            lines[0] = "set " + lines[0]
        elif method.kind == "static":
            lines[0] = lines[0]
        out += ["  " + line for line in lines]
        after += pre
        if method.kind in ("method", "static", "class"):
            kind = {"method": 1, "static": 2, "class": 3}[method.kind]
            sigs.append(f"{js_str(method.js)}: {self.signature_js(method.info, kind)}")

    def signature_js(self, info: FuncInfo, kind: int) -> str:
        """The run-time signature of a compiled function (compiler/js/classes.js, $bindArgs)."""
        a = info.args
        positional = [p.arg for p in [*a.posonlyargs, *a.args]]
        posonly = len(a.posonlyargs)
        if kind in (1, 3):
            positional, posonly = positional[1:], max(0, posonly - 1)
        names = "[" + ", ".join(js_str(p) for p in positional) + "]"
        kwonly = "[" + ", ".join(js_str(p.arg) for p in a.kwonlyargs) + "]"
        kwdef = "[" + ", ".join("0" if d is None else "1" for d in a.kw_defaults) + "]"
        vararg = js_str(a.vararg.arg) if a.vararg else "null"
        kwarg = js_str(a.kwarg.arg) if a.kwarg else "null"
        ndef = min(len(a.defaults), len(positional))
        return f"[{js_str(info.name)}, {names}, {posonly}, {ndef}, {vararg}, {kwonly}, {kwdef}, {kwarg}, {kind}]"

    def _dataclass_js(self, node: ast.ClassDef, info: ClassInfo) -> str:
        fields = ", ".join(f"[{js_str(f.name)}, {js_str(attr_name(f.name, node.name))}, {int(f.repr)}, {int(f.compare)}]"
                           for f in info.all_fields())
        opts = info.dataclass
        flags = ", ".join(f"{k}: {'true' if opts[k] else 'false'}" for k in ("repr", "eq", "order", "frozen"))
        return f"$dataclass({info.js}, [{fields}], {{{flags}}});"

    # --- calls ------------------------------------------------------------------------------
    def construct(self, cls: ClassInfo, node: ast.Call) -> str:
        if cls.kind == "typeddict":
            if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
                raise Reject(node, f"{cls.name}() takes at most one positional argument (a mapping) and keywords")
            return self.b_dict(node)
        if cls.kind == "enum":
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                raise Reject(node, f"{cls.name}(value) takes exactly one argument: the member's value")
            return f"$enumValue({cls.js}, {self.code(node.args[0])})"
        dynamic = any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords)
        init = cls.init_signature()
        exception = cls.kind == "exception"
        if dynamic:
            return f"$construct({cls.js}, {self.positional_js(node, cls.name)}, {self.keywords_js(node, cls.name)})"
        if init is None:
            if exception:
                return self._exception_new(cls, node)
            if node.args or node.keywords:
                raise Reject(node, f"{cls.name}() takes no arguments")
            return f"$new({cls.js}, [])"
        bound = self.bind_user(node, init, init.name, skip_self=True)
        if exception:
            return f"$construct({cls.js}, [{self.element_args(node.args)}], {self.keywords_js(node, cls.name)})"
        return f"$new({cls.js}, [{bound}])"

    def _exception_new(self, cls: ClassInfo, node: ast.Call) -> str:
        if node.keywords:
            raise Reject(node.keywords[0], f"{cls.name}() takes no keyword arguments")
        args = self.element_args(node.args)
        return f"$new({cls.js}, [{args}], [{args}])" if not node.args or all(
            isinstance(a, (ast.Constant, ast.Name)) for a in node.args) else f"$construct({cls.js}, [{args}], null)"

    def positional_js(self, node: ast.Call, name: str) -> str:
        """The positional arguments of a call as a JavaScript array (``*parts`` unpacked)."""
        if not any(isinstance(a, ast.Starred) for a in node.args):
            return "[" + self.element_args(node.args) + "]"
        parts = ", ".join(f"[{'true' if isinstance(a, ast.Starred) else 'false'}, "
                          f"{self.code(a.value if isinstance(a, ast.Starred) else a)}]" for a in node.args)
        return f"$starArgs({js_str(name)}, [{parts}])"

    def keywords_js(self, node: ast.Call, name: str) -> str:
        """The keyword arguments of a call as a dict (``**fields`` merged), or ``null``."""
        if not node.keywords:
            return "null"
        if not any(k.arg is None for k in node.keywords):
            return "{" + ", ".join(f"{js_str(k.arg)}: {self.code(k.value)}" for k in node.keywords) + "}"
        parts = []
        for k in node.keywords:
            if k.arg is None:
                parts.append(f"[true, {self.code(k.value)}]")
            else:
                parts.append(f"[false, {{{js_str(k.arg)}: {self.code(k.value)}}}]")
        return f"$kwArgs({js_str(name)}, [{', '.join(parts)}])"

    def super_call(self, node: ast.Call) -> str:
        f = node.func
        sup = f.value
        cls = self.frame.cls
        method = self.frame
        while method is not None and method.kind != "method":
            method = method.parent if method.kind in ("lambda", "comprehension") else None
        if cls is None or method is None or method.method_kind == "static":
            raise Reject(sup, "super() is only supported inside a method of a class")
        if sup.args and not (len(sup.args) == 2 and isinstance(sup.args[0], ast.Name) and sup.args[0].id == cls.name
                             and isinstance(sup.args[1], ast.Name) and sup.args[1].id == method.self_name):
            raise Reject(sup, f"super() takes no arguments here (or super({cls.name}, {method.self_name}))")
        base = cls.base
        name = f.attr
        js = attr_name(name, cls.name) if name != "__init__" else "__init__"
        if name == "__init__" and isinstance(base, ClassInfo) and base.init_signature() is not None \
                and not any(isinstance(a, ast.Starred) for a in node.args) and not any(k.arg is None for k in node.keywords):
            return f"super.__init__({self.bind_user(node, base.init_signature(), base.init_signature().name, skip_self=True)})"
        if name == "__init__" and not (isinstance(base, ClassInfo) and base.init_signature() is not None):
            if cls.kind == "exception":
                if node.keywords:
                    raise Reject(node.keywords[0], f"{base if isinstance(base, str) else base.root()}.__init__() "
                                                   "takes no keyword arguments")
                args = self.element_args(node.args)
                # Segment's own error classes (ValidationError, ...) have no __init__: BaseException's
                return f"(super.__init__ ?? $PyException.prototype.__init__).call(this{', ' + args if args else ''})"
            if node.args or node.keywords:
                raise Reject(node, "object.__init__() takes exactly one argument (the instance to initialize)")
            return "super.__init__()"
        return (f"$superCall(super.{js}, {js_str(name)}, this, {self.positional_js(node, name)}, "
                f"{self.keywords_js(node, name)})")

    def class_attribute(self, cls: ClassInfo, node: ast.Attribute) -> str:
        """``C.name`` for a class C the compiler knows."""
        name = node.attr
        js = attr_name(name, cls.name)
        if cls.kind == "typeddict":
            raise Reject(node, f"a TypedDict ({cls.name}) has no attributes")
        if name == "__name__":
            return js_str(cls.name)
        method = cls.find_method(name)
        if method is not None:
            if method.kind == "static":
                return f"{cls.js}.prototype.{js}"
            return f"$classAttr({cls.js}, {js_str(js)})"
        if cls.has_attr(name):
            return f"{cls.js}.prototype.{js}"
        raise Reject(node, f"type object {cls.name!r} has no attribute {name!r}")
