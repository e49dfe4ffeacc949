"""Probes of calls and classes (issue 13, points 1 and 2), each compiled, run in the Segment-like vm and
compared with CPython: keyword arguments, defaults, *args and **kwargs to every callable the compiler
resolves, f(*parts) and f(**fields); plain classes, dataclasses, exception classes with arguments,
enums, TypedDicts and erased typing annotations."""

import pytest

pytestmark = pytest.mark.node

CALLS = {
    "module_function_arguments": ('''
def build(kind, *items, sep=",", upper=False, **extra):
    text = sep.join(str(i) for i in items)
    return [kind, text.upper() if upper else text, sorted(extra.items())]

def f(x):
    parts = x.get("parts", [])
    fields = x.get("fields", {})
    return [build("a"), build("b", 1, 2), build("c", *parts), build("d", 0, *parts, sep="-", **fields),
            build(kind="e"), build(*parts, upper=True), build("f", **fields, flag=1)]
''', [{"parts": [1, 2, 3], "fields": {"z": 1, "upper": True}}, {}, {"parts": ["x"], "fields": {"sep": "+"}}]),
    "binding_errors_at_run_time": ('''
def two(a, b, /, c=0, *, d, e=5):
    return [a, b, c, d, e]

def f(x):
    try:
        return two(*x.get("pos", []), **x.get("kw", {}))
    except TypeError as e:
        return ["TypeError", str(e)]
''', [{"pos": [1, 2], "kw": {"d": 4}}, {"pos": [1], "kw": {"d": 4}}, {"pos": [1, 2, 3, 4], "kw": {"d": 1}},
      {"pos": [1, 2], "kw": {}}, {"pos": [1, 2], "kw": {"d": 1, "zz": 2}}, {"pos": [1, 2, 3], "kw": {"c": 1, "d": 1}},
      {"pos": [1, 2], "kw": {"a": 1, "d": 1}}, {"pos": [], "kw": {"d": 1}}, {"pos": 5}, {"pos": [1, 2], "kw": [1]},
      {"pos": [1, 2, 3, 4, 5]}]),
    "nested_defs_and_closures": ('''
def f(x):
    scale = x["scale"]
    def mul(v, by=scale, *rest, **named):
        return [v * by, list(rest), sorted(named)]
    def apply(fn, *args, **kwargs):
        return fn(*args, **kwargs)
    return [mul(2), mul(2, by=10), mul(1, 2, 3, k=4), apply(mul, 3, by=2), apply(mul, v=5)]
''', [{"scale": 3}, {"scale": -1}]),
    "lambdas_with_defaults": ('''
def f(x):
    n = x["n"]
    add = lambda a, b=n, *more, scale=1, **kw: (a + b + sum(more)) * scale + len(kw)
    plain = lambda a, b: a - b
    fns = [add, plain]
    out = [add(1), add(1, 2), add(1, 2, 3, scale=2), add(a=1, b=1, q=0), plain(b=1, a=5)]
    out.append([fn(10, 1) for fn in fns])
    try:
        add()
    except TypeError as e:
        out.append(str(e))
    return out
''', [{"n": 1}, {"n": 10}]),
    "callables_in_variables": ('''
class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting
    def greet(self, name, punct="!"):
        return f"{self.greeting}, {name}{punct}"
    def __call__(self, name):
        return self.greet(name, punct="?")

def shout(s, times=1):
    return s.upper() * times

def f(x):
    g = Greeter(x["g"])
    table = {"shout": shout, "greet": g.greet, "make": Greeter, "call": g}
    out = [table["shout"]("a", times=2), table["greet"](name="Jo"), table["make"]("Yo").greet("B"), table["call"]("C")]
    method = g.greet
    out.append(method("D", punct="."))
    try:
        table[x["bad"]]()
    except TypeError as e:
        out.append(str(e))
    return out
''', [{"g": "Hi", "bad": "shout"}, {"g": "Hey", "bad": "greet"}, {"g": "o", "bad": "make"}]),
}

CLASSES = {
    "plain_class": ('''
class Money:
    CURRENCY = "USD"
    RATE = 1.0
    DOUBLE = RATE * 2

    def __init__(self, cents, currency=None):
        self.cents = cents
        self.currency = currency or self.CURRENCY

    @property
    def units(self):
        return self.cents / 100

    @units.setter
    def units(self, value):
        self.cents = int(round(value * 100))

    @staticmethod
    def parse(text):
        return Money(int(text.replace(".", "")))

    @classmethod
    def zero(cls, currency="EUR"):
        return cls(0, currency=currency)

    def add(self, other, *, times=1):
        return Money(self.cents + other.cents * times, self.currency)

    def __repr__(self):
        return f"Money({self.cents}, {self.currency!r})"

    def __eq__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        return (self.cents, self.currency) == (other.cents, other.currency)

    def __lt__(self, other):
        return self.cents < other.cents

    def __len__(self):
        return len(str(self.cents))

    def __bool__(self):
        return self.cents != 0

    def __contains__(self, digit):
        return str(digit) in str(self.cents)

def f(x):
    a = Money(x["cents"])
    b = Money.parse(x["text"])
    z = Money.zero()
    a.units = 2.5
    c = a.add(b, times=2)
    out = [repr(a), repr(b), repr(c), a.units, str(z), bool(z), bool(a), len(c), 5 in c, a == Money(250), a != b,
           sorted([b, a, c]) == [b, a, c] or [repr(m) for m in sorted([b, a, c])], Money.CURRENCY, Money.DOUBLE, z.currency,
           [m.cents for m in sorted([c, a, b])], max([a, c, b]).cents, a == 250]
    Money.CURRENCY = "GBP"
    out.append(Money(1).currency)
    return out
''', [{"cents": 125, "text": "3.50"}, {"cents": 0, "text": "0.01"}]),
    "inheritance_and_super": ('''
class Shape:
    sides = 0
    def __init__(self, name):
        self.name = name
    def describe(self, prefix=""):
        return f"{prefix}{self.name} with {self.sides} sides"
    def area(self):
        raise NotImplementedError("area")

class Rect(Shape):
    sides = 4
    def __init__(self, w, h):
        super().__init__("rect")
        self.w, self.h = w, h
    def area(self):
        return self.w * self.h
    def describe(self, prefix=""):
        return super().describe(prefix=prefix) + f" ({self.area()})"

class Square(Rect):
    def __init__(self, side):
        super(Square, self).__init__(side, side)
        self.name = "square"

def f(x):
    shapes = [Rect(x, 2), Square(x), Shape("blob")]
    out = []
    for s in shapes:
        try:
            out.append([s.describe(prefix="a "), s.area(), isinstance(s, Rect), type(s).__name__, s.__class__.__name__])
        except NotImplementedError as e:
            out.append(["NotImplementedError", str(e)])
    return out
''', [3, 0.3]),
    "attribute_errors": ('''
class Box:
    def __init__(self):
        self.full = True

def f(x):
    b = Box()
    out = []
    kind = Box  # a class in a variable: what it lacks is found at run time, as in Python
    for attempt in (lambda: b.empty, lambda: b.missing(), lambda: kind.nope, lambda: x.thing, lambda: kind(1)):
        try:
            out.append(attempt())
        except (AttributeError, TypeError) as e:
            out.append([type(e).__name__, str(e)])
    return out
''', [{"a": 1}, [1], "s"]),
    "private_names_and_js_names": ('''
class Account:
    def __init__(self, name, secret):
        self.name = name
        self.__secret = secret
        self.constructor = "c"
        self.then = "t"
        self.message = "m"
    def check(self, guess):
        return self.__hash(guess) == self.__hash(self.__secret)
    def __hash(self, s):
        return len(s)
    def toString(self):
        return "account " + self.name

async def f(x):
    a = Account(x, "abc")
    return [a.name, a.check("xyz"), a.check("x"), a.constructor, a.then, a.message, a.toString(), str(a)[:9], a._Account__secret]
''', ["jo", "constructor"]),
    "exception_classes": ('''
class ApiError(Exception):
    retryable = False
    def __init__(self, message, status=None, *, body=""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body[:10]

class RateLimited(ApiError):
    retryable = True
    def __init__(self, retry_after):
        super().__init__(f"rate limited, retry after {retry_after}s", status=429)
        self.retry_after = retry_after

class Plain(Exception):
    pass

class Custom(ValueError):
    def __init__(self, a, b):
        self.a = a
        self.b = b
    def __str__(self):
        return f"custom {self.a}/{self.b}"

def risky(kind):
    if kind == "api":
        raise ApiError("bad request", 400, body="x" * 20)
    if kind == "rate":
        raise RateLimited(30)
    if kind == "plain":
        raise Plain("one", 2)
    if kind == "custom":
        raise Custom(1, 2)
    if kind == "bare":
        raise Plain
    return "ok"

def f(x):
    try:
        return risky(x)
    except RateLimited as e:
        return ["rate", str(e), e.status, e.retry_after, e.retryable, e.args, repr(e)]
    except ApiError as e:
        return ["api", str(e), e.message, e.status, e.body, e.retryable, e.args]
    except ValueError as e:
        return ["value", str(e), e.args, e.a, repr(e)]
    except Exception as e:
        return ["other", type(e).__name__, str(e), e.args, repr(e)]
''', ["api", "rate", "plain", "custom", "bare", "none"]),
    "uncaught_exception_class": ('''
class TokenError(Exception):
    def __init__(self, reason, code):
        super().__init__(f"token {reason} ({code})")
        self.code = code

def f(x):
    raise TokenError(x, len(x))
''', ["expired", ""]),
    "dataclasses": ('''
from dataclasses import dataclass, field, asdict, astuple, replace, fields

@dataclass
class LineItem:
    sku: str
    quantity: int = 1
    price: float = 0.5
    tags: list = field(default_factory=list)
    note: str = field(default="", repr=False, compare=False)

    @property
    def total(self):
        return self.quantity * self.price

@dataclass(order=True, frozen=True)
class Version:
    major: int
    minor: int = 0

@dataclass
class Order:
    id: str
    items: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    count: int = field(init=False, default=0)

    def __post_init__(self):
        self.count = len(self.items)

@dataclass(kw_only=True)
class Options:
    strict: bool = False
    limit: int = 10

def f(x):
    items = [LineItem(i["sku"], quantity=i.get("q", 1), price=i.get("p", 0.25)) for i in x]
    order = Order("o1", items)
    a = LineItem("a")
    a.tags.append("t")
    b = LineItem("a")
    v = sorted([Version(1, 2), Version(1), Version(0, 9)])
    out = [repr(items), order.count, asdict(order), astuple(LineItem("z", 2)), a == b, a == LineItem("a", tags=["t"], note="n"),
           [str(ver) for ver in v], Version(2) > Version(1, 5), repr(replace(a, quantity=3)), [fl.name for fl in fields(Version)],
           repr(Options(limit=5)), [i.total for i in items]]
    try:
        v[0].major = 5
    except AttributeError as e:
        out.append([type(e).__name__, str(e)])
    for make, args in ((LineItem, []), (Options, [True])):
        try:
            make(*args)
        except TypeError as e:
            out.append(str(e))
    return out
''', [[{"sku": "s1", "q": 2, "p": 1.5}, {"sku": "s2"}], []]),
    "dataclass_inheritance": ('''
from dataclasses import dataclass, field

@dataclass
class Base:
    id: str
    source: str = "web"

@dataclass
class Event(Base):
    name: str = ""
    props: dict = field(default_factory=dict)
    source: str = "api"

def f(x):
    e = Event(x, name="n")
    return [repr(e), repr(Base(x)), e == Event(x, "api", "n"), isinstance(e, Base)]
''', ["e1"]),
    "enums": ('''
from enum import Enum, auto

class Status(Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    GONE = "deleted"
    REMOVED = "deleted"

    @property
    def live(self):
        return self is Status.ACTIVE

    def label(self):
        return self.value.title()

class Level(Enum):
    LOW = auto()
    MID = auto()
    HIGH = 10
    TOP = auto()

def f(x):
    out = []
    try:
        s = Status(x)
        out += [s.name, s.value, str(s), repr(s), s.live, s.label(), s is Status.REMOVED, s == Status.GONE]
    except ValueError as e:
        out.append(["ValueError", str(e)])
    try:
        out.append(Status[x.upper()].name)
    except KeyError as e:
        out.append(["KeyError", str(e)])
    out += [[m.name for m in Status], len(Status), [(l.name, l.value) for l in Level], Level.HIGH.value,
            Status.ACTIVE in list(Status), type(Status.ACTIVE).__name__, isinstance(Status.PAUSED, Status)]
    return out
''', ["active", "deleted", "paused", "nope", "gone"]),
    "typed_dict_and_annotations": ('''
from typing import Any, Dict, List, Optional, TypedDict, cast, TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Sequence

class Payload(TypedDict, total=False):
    userId: str
    traits: Dict[str, Any]

def to_payload(event: dict[str, Any], extra: Optional[List[str]] = None) -> Payload:
    payload: Payload = Payload(userId=str(event.get("userId")), traits={})
    count: int = 0
    for key in extra or []:
        payload["traits"][key] = cast(str, event.get(key))
        count += 1
    return payload

def f(x):
    return [to_payload(x, ["a", "b"]), to_payload(x), Payload(x)]
''', [{"userId": 1, "a": "x"}, {"userId": "u"}]),
    # a dict is a plain object: its keys "constructor", "$fields" must not be taken for its class
    # (segfn check drew {"constructor": null} in an event's traits, and asdict() threw in Node)
    "dataclass_fields_holding_dicts_with_magic_keys": ('''
from dataclasses import dataclass, field, asdict, astuple, replace, fields, is_dataclass

@dataclass
class Event:
    name: str
    props: dict = field(default_factory=dict)

def f(x):
    e = Event("e", x)
    return [asdict(e), astuple(e), asdict(replace(e, name="r")), [f.name for f in fields(e)], is_dataclass(x), e == Event("e", x)]
''', [{"constructor": None}, {"constructor": {"$fields": [1]}, "__proto__x": 1}, {"$fields": "x", "prototype": None}, {}]),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_call(probe, name):
    source, inputs = CALLS[name]
    probe.check(source, inputs)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_class(probe, name):
    source, inputs = CLASSES[name]
    probe.check(source, inputs)
