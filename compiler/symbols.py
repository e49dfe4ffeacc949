"""What a name refers to: the module-level symbol table of each compiled module, and the frames of
the function being compiled (Python's LEGB lookup, resolved at compile time)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .scope import FunctionScope

BUILTIN_EXCEPTIONS = {
    "Exception": "$PyException", "BaseException": "$PyException", "ValueError": "$ValueError",
    "KeyError": "$KeyError", "IndexError": "$IndexError", "TypeError": "TypeError",
    "AttributeError": "$AttributeError", "ZeroDivisionError": "$ZeroDivisionError",
    "LookupError": "$LookupError", "ArithmeticError": "$ArithmeticError", "RuntimeError": "$RuntimeError",
    "NotImplementedError": "$NotImplementedError", "AssertionError": "$AssertionError",
    "OverflowError": "$OverflowError", "NameError": "$NameError", "UnboundLocalError": "$UnboundLocalError",
    "UnicodeError": "$UnicodeError", "UnicodeEncodeError": "$UnicodeError", "UnicodeDecodeError": "$UnicodeError",
    "StopIteration": "$StopIteration",
}
RUNTIME_ERRORS = {"EventNotSupported", "InvalidEventPayload", "ValidationError", "RetryError", "DropEvent"}
# The module function code imports the runtime from; functions/runtime.py of older projects still works.
RUNTIME_MODULES = frozenset({"segfn.runtime", "functions.runtime"})
RUNTIME_NAMES = RUNTIME_ERRORS | {"fetch", "cache", "Setting", "FetchError", "Headers", "Request", "Response",
                                  "current_transport", "dumps", "Transport"}


@dataclass
class FuncInfo:
    name: str
    js: str  # how to refer to it
    args: ast.arguments
    is_async: bool
    node: ast.AST | None = None
    key: str = ""  # module-level functions: their bundle-wide name, for compiler/signatures.py

    def params(self) -> list[str]:
        a = self.args
        out = [p.arg for p in [*a.posonlyargs, *a.args]]
        if a.vararg:
            out.append(a.vararg.arg)
        out += [p.arg for p in a.kwonlyargs]
        if a.kwarg:
            out.append(a.kwarg.arg)
        return out


@dataclass
class MethodInfo:
    """A function defined in a class body."""

    name: str  # the Python name
    js: str  # the stored name (names.attr_name)
    kind: str  # method | static | class | getter | setter
    node: ast.FunctionDef | ast.AsyncFunctionDef
    info: FuncInfo  # its signature; for a method, self (or cls) is the first parameter


@dataclass
class FieldInfo:
    """A dataclass field."""

    name: str
    node: ast.AnnAssign
    default: ast.AST | None = None  # the default value's expression
    factory: ast.AST | None = None  # field(default_factory=...)
    init: bool = True
    repr: bool = True
    compare: bool = True
    kw_only: bool = False


@dataclass
class ClassInfo:
    """A user class. ``kind``: object (plain classes and dataclasses), exception, enum, typeddict."""

    name: str
    js: str
    base: "ClassInfo | str"  # a ClassInfo, or "object", or a builtin/runtime exception name, "Enum"...
    kind: str = "exception"
    init: FuncInfo | None = None  # its own __init__ (written or, for a dataclass, generated)
    methods: dict[str, MethodInfo] = field(default_factory=dict)
    attrs: dict[str, ast.AST | None] = field(default_factory=dict)  # class attributes (not methods)
    dataclass: dict | None = None  # the dataclass options (eq, order, frozen, repr, init, kw_only)
    fields: list[FieldInfo] = field(default_factory=list)  # its own dataclass fields
    members: list[str] = field(default_factory=list)  # an enum's member names

    def chain(self):
        """This class and its user base classes, nearest first."""
        cls: ClassInfo | str = self
        while isinstance(cls, ClassInfo):
            yield cls
            cls = cls.base

    def init_signature(self) -> FuncInfo | None:
        """The __init__ that runs for this class (its own or an ancestor's), or None (object's or
        BaseException's)."""
        for cls in self.chain():
            if cls.init is not None:
                return cls.init
        return None

    def root(self) -> str:
        cls: ClassInfo | str = self
        while isinstance(cls, ClassInfo):
            cls = cls.base
        return cls

    def find_method(self, name: str) -> MethodInfo | None:
        for cls in self.chain():
            if name in cls.methods:
                return cls.methods[name]
        return None

    def has_method(self, name: str) -> bool:
        return self.find_method(name) is not None

    def has_attr(self, name: str) -> bool:
        return any(name in cls.attrs or name in cls.members for cls in self.chain())

    def all_fields(self) -> list[FieldInfo]:
        """The dataclass fields in __init__ order: the bases' first, a redefined one in its first place."""
        out: list[FieldInfo] = []
        for cls in reversed(list(self.chain())):
            for f in cls.fields:
                at = next((i for i, g in enumerate(out) if g.name == f.name), None)
                if at is None:
                    out.append(f)
                else:
                    out[at] = f
        return out

    def frozen(self) -> bool:
        return any(cls.dataclass is not None and cls.dataclass.get("frozen") for cls in self.chain())


@dataclass
class Symbol:
    """What a name resolves to. ``kind``: local, global, func, class, builtin, runtime, module, std."""

    kind: str
    js: str = ""
    info: object = None  # FuncInfo, ClassInfo, module path, std qualified name
    frame: "Frame | None" = None


@dataclass
class Frame:
    """One function-like scope being compiled."""

    kind: str  # module | function | lambda | comprehension | method
    scope: FunctionScope
    parent: "Frame | None" = None
    is_async: bool = False
    temps: list[str] = field(default_factory=list)
    assigned: set[str] | None = field(default_factory=set)  # definitely assigned names; None: unreachable
    types: dict[str, str] = field(default_factory=dict)
    narrowed: dict[str, str] = field(default_factory=dict)  # types guards proved for the rest of a block
    rebound_by_nested: frozenset[str] = frozenset()  # names a nested def (or, for the module, a function) may rebind
    funcs: dict[str, FuncInfo] = field(default_factory=dict)  # local defs bound once
    imports: dict[str, "Symbol"] = field(default_factory=dict)  # what its own import statements bound
    generator: bool = False  # a def whose own body holds a yield: a JavaScript function*
    catch: list[str] = field(default_factory=list)  # innermost caught exception variable last
    loops: list[str | None] = field(default_factory=list)  # for/while: the else-flag variable, if any
    counter: list[int] = field(default_factory=lambda: [0])
    self_name: str | None = None
    cls: ClassInfo | None = None
    method_kind: str = ""  # a method's: method, static, class, getter, setter
    qualname: str = ""  # Python's __qualname__ of the function (f, C.m, f.<locals>.g, <lambda>)
    generated: bool = False  # a dataclass's generated __init__ (sets frozen fields directly)
    param_types: dict[str, str] = field(default_factory=dict)  # what every call passes (compiler/signatures.py)
    returns: list[str] = field(default_factory=list)  # types of its return statements

    def temp(self, prefix: str = "$t") -> str:
        self.counter[0] += 1
        name = f"{prefix}{self.counter[0]}"
        self.temps.append(name)
        return name
