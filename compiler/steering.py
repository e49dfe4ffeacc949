"""The check's generation loop: cases are generated, run through both sides, and measured; generation
goes on, steered toward the lines and branches the Python has not reached yet, until coverage stops
growing or the budget (cases, seconds) runs out.

Each round mixes fresh cases (realistic messages drawn by hypothesis, generated settings, HTTP answer
plans, seeds and instants) with mutations of the cases that reached new code (a fuzzer's corpus):
a field set to a constant harvested from the conditions next to the lines still missed, a string as
long as a limit the module compares against, another settings variant or answer plan, a field
removed, another message type.
"""

from __future__ import annotations

import contextlib
import copy
import random
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, given, seed as hseed, settings as hsettings, strategies as st

from .answers import BODIES, NETWORK_CODES, STATUSES, Answer, random_plan, sprig_source, stub_source
from .check import DEFAULT_NOW, Case, Checker, Difference
from .harvest import Harvest
from .jsjson import js_normalise
from .reach import Reach, Summary
from .setting_values import random_settings
from . import strategies

CONTAINERS = ((), ("properties",), ("traits",), ("context",), ("context", "traits"))
# Values worth trying under every key the module reads (a fuzzer's dictionary of boundaries): times
# without an offset (read in the local zone), on a DST change, dates, impossible dates, blanks,
# numeric strings, unicode, integers past 2**53, containers where scalars are expected.
INTERESTING = ["2024-03-05T10:20:30", "2024-03-10T07:30:00", "2024-07-01", "2024-13-45T25:00:00Z",
               "2024-03-05T10:20:30.123456+05:30", "", " ", "0", "10", "-1.5", "1e3", "ünï 😀", None, 0, -1,
               2 ** 53 + 1, 1.5, True, [], {}, ["a", 1], {"a": {"b": 1}}]
USER_IDS = ("user-1", "42", 90210)
YEAR_MS = 365 * 24 * 3600 * 1000
CONTAINER_KEYS = {part for where in CONTAINERS for part in where}


def container(message: dict, where: tuple[str, ...]) -> dict:
    """The object at path ``where`` of ``message``, made (replacing a non-object) when missing."""
    node = message
    for part in where:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    return node


def put_everywhere(message: dict, names: list[str], value: Any) -> None:
    """Set ``names`` to (copies of) ``value`` at the top level and in every container of ``CONTAINERS``:
    wherever the module reads the key, it finds the value. A container that is one of ``names``
    (``traits`` = "x") is replaced, not then remade as an object to hold its own copy."""
    for where in CONTAINERS:
        if any(part in names for part in where):
            continue
        node = container(message, where)
        for name in names:
            node[name] = copy.deepcopy(value)


@dataclass
class Budget:
    cases: int = 1000  # generated cases at most
    seconds: float = 45.0  # wall time at most
    patience: int | None = None  # stop after this many cases without new coverage (default: cases // 4, >= 200)
    round_size: int = 50

    def stall_after(self) -> int:
        return self.patience if self.patience is not None else max(200, self.cases // 4)


@dataclass
class Outcome:
    cases: int = 0
    generated: int = 0
    differences: list[Difference] = field(default_factory=list)
    summary: Summary | None = None
    seconds: float = 0.0
    stopped: str = ""  # why generation stopped
    growth: list[tuple[int, float, float]] = field(default_factory=list)  # (cases, lines %, branches %)
    ran: list = field(default_factory=list)  # (case, Python side) of every case, when recording


def draw_many(strategy, count: int, seed: int) -> list:
    """``count`` values of a hypothesis strategy, reproducibly for ``seed``: the same values whatever
    the process imported before (see ``_seed_only``)."""
    out: list = []
    if count <= 0:
        return out

    @hseed(seed)
    @hsettings(max_examples=count, database=None, phases=[Phase.generate], deadline=None,
               suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        out.append(value)

    with _seed_only():
        collect()
    return out


@contextlib.contextmanager
def _seed_only():
    """Hypothesis draws only from the seed while this is open.

    Hypothesis 6.131+ now and then (1 draw in 20) answers with a literal found in the "local" modules
    imported so far (those outside site-packages and the standard library, parsed within a time
    budget), and caches what it found for the process: the same seed drew other messages after
    another test, the user's folder or a slower machine had imported or parsed other modules (a
    generated e-commerce event went missing in CI only). The check harvests the function module's
    constants itself (``harvest.py``), so hypothesis's are turned off, through its internals,
    where a version has them: ``providers._get_local_constants`` and ``providers.CONSTANTS_CACHE``."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.cache import LRUCache
    except ImportError:  # an older hypothesis: no local constants
        yield
        return
    if not (hasattr(providers, "_get_local_constants") and hasattr(providers, "CONSTANTS_CACHE")
            and hasattr(providers, "Constants")):
        yield
        return
    saved = providers._get_local_constants, providers.CONSTANTS_CACHE
    providers._get_local_constants = lambda *args, **kwargs: providers.Constants()
    providers.CONSTANTS_CACHE = LRUCache(1024)
    try:
        yield
    finally:
        providers._get_local_constants, providers.CONSTANTS_CACHE = saved


class Generator:
    """Fresh and mutated cases for one function (``rng`` drives everything: runs repeat)."""

    def __init__(self, harvest: Harvest, declared, variants: list[dict], with_batches: bool, seed: int = 0,
                 handled: set[str] | None = None) -> None:
        """``handled``: the message types the function has handlers for (others are tried, but seldom:
        both sides only answer EventNotSupported)."""
        self.handled = handled
        self.harvest = harvest
        self.declared = list(declared)
        self.variants = variants  # the workspace's and the user's settings, tried first
        self.with_batches = with_batches
        self.rng = random.Random(seed)
        self.seed = seed
        self.count = 0
        self._focus: list = []  # string constants next to the lines missed, while mutating
        self._pool: list = []  # hypothesis draws not used yet
        self._draws = 0
        constants = sorted(harvest.strings, key=repr)[:200]
        self.constants = constants
        self.messages = strategies.realistic_messages(constants, sorted(harvest.keys)[:100], USER_IDS)
        options = [self.messages, self.messages, strategies.messages()]
        if with_batches:
            options.append(st.lists(st.one_of(self.messages, self.messages, strategies.messages()), min_size=1,
                                    max_size=6))
        self.strategy = st.one_of(*options)

    def settings(self) -> dict | None:
        if self.variants and self.rng.random() < 0.3:
            return copy.deepcopy(self.rng.choice(self.variants))
        return random_settings(self.declared, self.rng, self.constants + self._focus, self.harvest.for_key)

    def wrap(self, payload: Any, origin: str) -> Case:
        self.count += 1
        return Case(origin, payload, batch=isinstance(payload, list), settings=self.settings(),
                    answers=random_plan(self.rng, network="FetchError" in self.harvest.catches), seed=self.rng.randrange(1 << 30),
                    now=DEFAULT_NOW + self.rng.randrange(-5 * YEAR_MS, 5 * YEAR_MS))

    def fresh(self, count: int) -> list[Case]:
        """``count`` new cases; hypothesis draws them 200 at a time (its first examples of a run are
        its simplest, so many short runs would give mostly small messages)."""
        out = []
        while len(out) < count:
            if not self._pool:
                self._draws += 1
                self._pool = draw_many(self.strategy, 200, seed=self.seed * 1000 + self._draws)
            value = self._pool.pop(self.rng.randrange(len(self._pool)))
            if not self.useful(value) and self.rng.random() < 0.8:
                continue
            out.append(self.wrap(js_normalise(value), f"generated #{self.count + 1}"))
        return out

    # -- mutation ------------------------------------------------------------------------------

    def value(self, focus: list) -> Any:
        rng = self.rng
        roll = rng.random()
        numbers = [n for n in self.harvest.numbers if isinstance(n, int) and 0 < n <= 5000]
        if focus and roll < 0.45:
            return rng.choice(focus)
        if numbers and roll < 0.6:
            n = rng.choice(numbers) + rng.choice([-1, 0, 1])
            return rng.choice(["x", "é", "a@"]) * max(n, 0)
        if self.constants and roll < 0.8:
            return rng.choice(self.constants)
        return rng.choice([None, "", 0, 1, -1, True, False, [], {}, "ünï", "42", 2 ** 53 + 1, [1, "a"],
                           {"nested": {"deeper": 1}}, "ann@example.com", "2024-03-05T10:20:30.123Z",
                           "2024-03-05T10:20:30", "2024-03-10T07:30:00", "2024-07-01", "2024-13-45T25:00:00Z",
                           "not a date", "2024-03-05T10:20:30+05:30"])

    def combos(self, base: Case, focus: list, limit: int = 64) -> list[Case]:
        """Every assignment of the focus constants to the focus keys, when there are few (``limit``):
        two conditions joined by ``and`` come true together without coverage leading there."""
        import itertools

        if base.batch or not isinstance(base.payload, dict):
            return []
        keys = [f for f in focus if isinstance(f, str) and f in self.harvest.keys and f != "type"
                and f not in CONTAINER_KEYS and not isinstance(base.payload.get(f), (dict, list))]
        values = [f for f in focus if not (isinstance(f, str) and f in self.harvest.keys)]
        values += ["x" * (n + d) for n in focus if isinstance(n, int) and 0 < n <= 5000 for d in (0, 1)]
        if not keys or not values or len(values) ** len(keys) > limit:
            return []
        out = []
        for chosen in itertools.product(values, repeat=len(keys)):
            message = copy.deepcopy(base.payload)
            for key, value in zip(keys, chosen):
                put_everywhere(message, [key], value)
            self.count += 1
            out.append(replace(base, origin=f"generated #{self.count} (focus {dict(zip(keys, chosen))!r})",
                               payload=js_normalise(message)))
        return out

    def combine(self, message: dict, focus: list) -> dict:
        """Every key of the conditions next to a missed line given one of their constants at once (what
        ``if traits.get("plan") == "pro" and len(user_id) > 40`` needs, and coverage cannot lead to)."""
        rng = self.rng
        keys = [f for f in focus if isinstance(f, str) and f in self.harvest.keys and f != "type"]
        values = [f for f in focus if not (isinstance(f, str) and f in self.harvest.keys)]
        values += ["x" * (n + d) for n in focus if isinstance(n, int) and 0 < n <= 5000 for d in (0, 1)]
        if not keys or not values:
            return self.mutate_message(message, focus)
        message = copy.deepcopy(message)
        for key in keys:
            if key not in CONTAINER_KEYS and rng.random() >= 0.25:
                put_everywhere(message, [key], rng.choice(values))
        return message

    def mutate_message(self, message: dict, focus: list) -> dict:
        rng = self.rng
        message = copy.deepcopy(message)
        for _ in range(rng.choice([1, 1, 2, 3])):
            roll = rng.random()
            keys = sorted(self.harvest.keys - {"type"}) + ["0", "10", "email", "name"]  # type: below
            if roll < 0.6:
                node = container(message, rng.choice(CONTAINERS))
                near = [k for k in focus if isinstance(k, str) and k != "type"]
                key = rng.choice(near or keys) if rng.random() < 0.5 else rng.choice(keys)
                node[key] = copy.deepcopy(self.value(focus))
            elif roll < 0.75 and len(message) > 1:
                key = rng.choice(sorted(k for k in message if k != "type") or ["type"])
                message.pop(key, None)
            elif roll < 0.85:
                message["type"] = rng.choice(strategies.TYPES)
            else:
                message["userId"] = rng.choice(USER_IDS) if rng.random() < 0.5 else self.value(focus)
        return message

    def borrow(self, case: Case) -> dict | None:
        """The case's settings with a string of its own message put into a string or array setting:
        how a trigger list (``triggerEvents``) comes to match the event it is checked against."""
        read, found = self.strings_of(case.payload)
        if read and (not found or self.rng.random() < 0.75):
            found = read
        targets = [s for s in self.declared if s.type in ("string", "array")]
        if not found or not targets:
            return self.settings()
        settings = copy.deepcopy(case.settings) if case.settings is not None else self.settings() or {}
        target, value = self.rng.choice(targets), self.rng.choice(found)
        if target.type == "string":
            settings[target.name] = value
        else:
            current = settings.get(target.name)
            settings[target.name] = (list(current) if isinstance(current, list) else []) + [value]
        return settings

    def strings_of(self, payload: Any) -> tuple[list[str], list[str]]:
        """The non-empty strings of ``payload``: (those at keys the module reads, the others)."""
        read: list[str] = []
        other: list[str] = []

        def walk(value: Any, key: str = "") -> None:
            if isinstance(value, str) and value:
                (read if key in self.harvest.keys else other).append(value)
            elif isinstance(value, dict):
                for name, inner in value.items():
                    walk(inner, name)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner, key)

        walk(payload)
        return read, other

    def read_strings(self, payload: Any) -> list[str]:
        """The distinct strings of ``payload`` at keys the module reads, in message order."""
        return list(dict.fromkeys(self.strings_of(payload)[0]))

    def neighbours(self, case: Case) -> list[Case]:
        """A case that reached new code and made requests, tried with every answer (each status with
        a shaped body, each body kind with 200, a network failure) and with each boolean setting
        flipped and each optional setting removed: a fuzzer's deterministic stage on a new corpus
        entry. What follows a request (``if res.status >= 500``, ``if settings.get("includeX")``) is
        only reached from a case that got that far, which random mutation seldom finds again."""
        rng = self.rng
        out = [replace(case, origin=f"{case.origin}, answered {status}",
                       answers=(Answer("status", status, "shaped", seed=rng.randrange(1 << 16)),))
               for status in STATUSES]
        out += [replace(case, origin=f"{case.origin}, answered 200 {body}",
                        answers=(Answer("status", 200, body, seed=rng.randrange(1 << 16)),))
                for body in BODIES if body != "shaped"]
        out.append(replace(case, origin=f"{case.origin}, network failure",
                           answers=(Answer("network", code=rng.choice(NETWORK_CODES)),)))
        settings = case.settings if case.settings is not None else None
        for setting in self.declared:
            base = dict(settings) if settings is not None else None
            if base is None:
                continue
            if setting.type == "boolean":
                base[setting.name] = not base.get(setting.name)
                out.append(replace(case, origin=f"{case.origin}, {setting.name} = {base[setting.name]}", settings=base))
            elif not setting.required and setting.name in base:
                del base[setting.name]
                out.append(replace(case, origin=f"{case.origin}, without {setting.name}", settings=base))
        self.count += len(out)
        return out

    def required_only(self, settings: dict | None) -> dict | None:
        """``settings`` without its optional settings."""
        if settings is None:
            return None
        required = {s.name for s in self.declared if s.required}
        return {name: value for name, value in settings.items() if name in required}

    def borrowers(self, case: Case, per_setting: int = 3) -> list[Case]:
        """A case that ended a new way, with each string or array setting given a string its message
        has at a key the module reads (the whole string: a substring setting then matches it): an
        allow list that rescues what a marker list caught, a trigger list that names the event."""
        if case.batch or not isinstance(case.payload, dict):
            return []
        read = self.read_strings(case.payload)[:per_setting]
        base = case.settings if case.settings is not None else self.settings() or {}
        out = []
        for setting in self.declared:
            if setting.type not in ("string", "array"):
                continue
            for value in read:
                settings = dict(base)
                settings[setting.name] = value if setting.type == "string" else [value]
                out.append(replace(case, origin=f"{case.origin}, {setting.name} = its own {value!r}", settings=settings))
        self.count += len(out)
        return out

    def tweak(self, settings: dict | None) -> dict | None:
        """One setting given another value of its type (or removed, when optional); the rest kept."""
        from .setting_values import random_value

        if not self.declared:
            return settings
        out = dict(settings) if settings is not None else self.settings() or {}
        target = self.rng.choice(self.declared)
        if not target.required and self.rng.random() < 0.2:
            out.pop(target.name, None)
        else:
            out[target.name] = random_value(target, self.rng, self.constants + self._focus,
                                            self.harvest.for_key(target.name))
        return out

    def mutate(self, case: Case, focus: list) -> Case:
        """One to three changes to ``case``: its message, a setting, its answers, its clock."""
        rng = self.rng
        self._focus = [f for f in focus if isinstance(f, str)]
        payload = case.payload
        settings, answers, seed, now = case.settings, case.answers, case.seed, case.now
        for _ in range(rng.choice([1, 1, 2, 3])):
            roll = rng.random()
            if roll < 0.4:
                if case.batch and isinstance(payload, list) and payload:
                    payload = list(payload)
                    i = rng.randrange(len(payload))
                    if isinstance(payload[i], dict):
                        payload[i] = self.mutate_message(payload[i], focus)
                    if rng.random() < 0.3:
                        payload.append(copy.deepcopy(rng.choice(payload)))
                elif isinstance(payload, dict):
                    combining = focus and rng.random() < 0.35
                    payload = self.combine(payload, focus) if combining else self.mutate_message(payload, focus)
            elif roll < 0.55:
                settings = self.tweak(settings)
            elif roll < 0.65:
                settings = self.borrow(replace(case, payload=payload, settings=settings))
            elif roll < 0.7:
                settings = self.settings()
            elif roll < 0.95:
                statuses = sorted({n for n in focus if n in STATUSES}) or sorted(
                    n for n in self.harvest.numbers if n in STATUSES)
                answers = random_plan(self.rng, 0.3, statuses, "FetchError" in self.harvest.catches)
            else:
                seed, now = rng.randrange(1 << 30), DEFAULT_NOW + rng.randrange(-5 * YEAR_MS, 5 * YEAR_MS)
        self.count += 1
        return replace(case, origin=f"generated #{self.count} (from {case.origin})", payload=js_normalise(payload),
                       settings=settings, answers=answers, seed=seed, now=now)


    def useful(self, payload: Any) -> bool:
        """Whether a handler of the function runs for ``payload``."""
        if self.handled is None:
            return True
        if isinstance(payload, list):
            return "batch" in self.handled
        return isinstance(payload, dict) and payload.get("type") in self.handled

    def sweep(self, bases: list[Case], limit: int) -> list[Case]:
        """The dictionary, tried systematically: each harvested string constant put under each key the
        module reads (at the top level, in properties, traits, context and context.traits at once),
        each setting given each constant read next to it, and each status and body kind answered.
        Line coverage cannot see which constant of a list matched (a bot marker among thirty), so
        steering alone would never try them all. At most ``limit`` cases (a seeded sample)."""
        singles = [c for c in bases if not c.batch and isinstance(c.payload, dict) and self.useful(c.payload)] or [
            self.wrap({"type": t, "userId": "user-1"}, "sweep base") for t in strategies.TYPES
            if self.useful({"type": t})]
        rng = self.rng
        groups: dict[str, list[Case]] = {"every key": [], "paths": [], "answers": [], "boundaries": [],
                                         "constants": [], "settings": [], "borrowed": []}
        keys = sorted(self.harvest.keys)

        def put(base: Case, names: list[str], constant: Any, origin: str) -> Case:
            message = copy.deepcopy(base.payload)
            put_everywhere(message, names, constant)
            if "type" not in names or constant not in strategies.TYPES:  # a type Segment would accept
                message["type"] = base.payload.get("type")
            return replace(base, origin=f"{origin} (from {base.origin})", payload=js_normalise(message))

        for constant in self.constants:
            if isinstance(constant, str) and "." in constant.strip("."):  # a dot path: make it exist
                message = copy.deepcopy(rng.choice(singles).payload)
                parts = constant.split(".")
                container(message, tuple(parts[:-1]))[parts[-1]] = rng.choice(["x", 1, None, {"inner": "y"}])
                case = self.wrap(js_normalise(message), f"sweep: path {constant}")
                # and with only the required settings: a list of default paths (DEFAULT_FIELDS) applies
                # when the setting that replaces it is absent
                groups["paths"] += [case, replace(case, origin=f"{case.origin}, optional settings absent",
                                                  settings=self.required_only(case.settings))]
            most = [k for k in keys if k not in ("type", "userId") and k not in CONTAINER_KEYS]
            if most:
                groups["every key"].append(put(rng.choice(singles), most, constant, f"sweep: every key = {constant!r}"))
            for key in keys:
                groups["constants"].append(put(rng.choice(singles), [key], constant, f"sweep: {key} = {constant!r}"))
        lengths = [n for n in self.harvest.numbers if isinstance(n, int) and 0 < n <= 5000]
        for value in INTERESTING + ["x" * n for n in lengths] + ["x" * (n + 1) for n in lengths]:
            for key in keys:
                groups["boundaries"].append(put(rng.choice(singles), [key], value, f"sweep: {key} = {value!r}"))
        for setting in self.declared:
            values = self.harvest.for_key(setting.name) or self.constants
            for constant in values:
                if not isinstance(constant, str) or (setting.required and constant == ""):
                    continue
                base = rng.choice(singles)
                settings = dict(base.settings) if base.settings is not None else self.settings() or {}
                settings[setting.name] = {"string": constant, "array": [constant], "map": {constant: constant},
                                          "boolean": bool(constant)}[setting.type]
                groups["settings"].append(replace(base, origin=f"sweep: setting {setting.name} = {constant!r}",
                                                  settings=settings))
        for setting in [s for s in self.declared if s.type in ("string", "array")]:
            for base in rng.sample(singles, min(len(singles), 8)):
                for value in self.read_strings(base.payload)[:6]:
                    settings = dict(base.settings) if base.settings is not None else self.settings() or {}
                    settings[setting.name] = value if setting.type == "string" else [value]
                    groups["borrowed"].append(replace(base, origin=f"sweep: setting {setting.name} = {value!r} "
                                                                   f"(the message's own)", settings=settings))
        if self.harvest.fetches:
            for i, status in enumerate(STATUSES * 2):
                base = rng.choice(singles)
                body = BODIES[i % len(BODIES)]
                groups["answers"].append(replace(base, origin=f"sweep: answer {status} {body}",
                                                 answers=(Answer("status", status, body, seed=rng.randrange(1 << 16)),)))
            for code in NETWORK_CODES:
                base = rng.choice(singles)
                groups["answers"].append(replace(base, origin=f"sweep: {code}", answers=(Answer("network", code=code),)))
        for name in ("boundaries", "constants", "settings", "borrowed"):
            rng.shuffle(groups[name])
        out: list[Case] = []
        lists = [g for g in groups.values() if g]
        while lists and len(out) < limit:  # round-robin: each kind gets its share of a small budget
            for group in list(lists):
                if len(out) >= limit:
                    break
                out.append(group.pop(0))
                if not group:
                    lists.remove(group)
        self.count += len(out)
        return out


def pursue(checker: Checker, reach: Reach, generator: Generator, start_cases: list[Case], budget: Budget,
           on_round: Callable[[Outcome], None] | None = None, record: bool = False) -> Outcome:
    """Run ``start_cases`` (fixtures), then generated rounds until coverage stops growing or the budget
    ends. Coverage is measured over every case run (``reach`` must be started before the checker's
    first Python call). ``record`` keeps every case with its Python side in ``Outcome.ran``."""
    started = time.monotonic()
    outcome = Outcome()
    corpus: list[Case] = []
    pending: list[Case] = []  # neighbours of the cases that reached new code, run first in later rounds
    neighbours: set[int] = set()  # ids of those neighbours (not expanded again)
    endings: set[tuple] = set()  # how the Python side of the cases so far ended
    seen = reach.snapshot()

    def run(cases: list[Case], timed: bool = True) -> bool:
        nonlocal seen
        grew = False
        for i in range(0, len(cases), 16):  # coverage read per slice: the slices that grow it join the corpus
            if timed and time.monotonic() - started >= budget.seconds:
                break
            part = cases[i:i + 16]
            ran: list = []
            outcome.differences += checker.run(part, record=ran)
            if record:
                outcome.ran.extend(ran)
            outcome.cases += len(part)
            now_seen = reach.snapshot()
            if len(now_seen) > len(seen):
                corpus.extend(part)
                grew = True
                fetched = [case for case, side in ran if side.requests and id(case) not in neighbours]
                for case in generator.rng.sample(fetched, min(len(fetched), 2)):
                    more = generator.neighbours(case)
                    neighbours.update(id(c) for c in more)
                    pending.extend(more)
            seen = now_seen
            # A case that ended a new way (another error, raised elsewhere, another number of requests)
            # is tried with its own strings as settings: coverage cannot tell which case of a slice
            # took the new path, its ending can.
            for case, side in ran:
                ending = (side.error[0] if side.error else None, side.where, len(side.requests),
                          type(side.returned).__name__)
                if ending not in endings and id(case) not in neighbours:
                    endings.add(ending)
                    more = generator.borrowers(case)
                    neighbours.update(id(c) for c in more)
                    pending.extend(more)
        return grew

    run(start_cases, timed=False)  # fixtures always run whole
    corpus.extend(start_cases[:50])
    if budget.cases and time.monotonic() - started < budget.seconds:
        swept = generator.sweep(corpus or start_cases, budget.cases // 2)
        outcome.generated += len(swept)
        run(swept)
        # Cases carrying a constant of the conditions next to a line not reached yet are seeds too:
        # coverage cannot see half of an `a and b` come true.
        summary = reach.summary()
        missing = {line for lines in summary.missing.values() for line in lines}
        focus = [f for f in generator.harvest.near(missing) if isinstance(f, str) and f]
        corpus.extend([c for c in swept if any(repr(f) in c.origin for f in focus)][:50])
    since_growth = 0
    round_no = 0
    tried: dict[str, set] = {}  # focus -> message types its combinations were tried on
    summary = reach.summary()
    outcome.growth.append((outcome.cases, summary.lines_pct, summary.branches_pct))
    while True:
        if outcome.generated >= budget.cases:
            outcome.stopped = f"the budget of {budget.cases} generated cases"
            break
        if time.monotonic() - started >= budget.seconds:
            outcome.stopped = f"the budget of {budget.seconds:g} s"
            break
        if since_growth >= budget.stall_after():
            outcome.stopped = f"coverage stopped growing ({since_growth} cases without a new line or branch)"
            break
        round_no += 1
        size = min(budget.round_size, budget.cases - outcome.generated)
        missing = {line for lines in summary.missing.values() for line in lines}
        missing |= {arc[0] for arcs in summary.missing_branches.values() for arc in arcs}
        focus = generator.harvest.near(missing)
        fresh_share = 0.5 if corpus else 1.0
        combos: list[Case] = []
        # Try the missed lines' constants together, on a message of each type in turn (which handler
        # leads to those lines is not known).
        untried = sorted({c.payload.get("type") for c in corpus if not c.batch and isinstance(c.payload, dict)
                          and isinstance(c.payload.get("type"), str) and generator.useful(c.payload)}
                         - tried.get(repr(focus), set()))
        if untried:
            kind = untried[0]
            tried.setdefault(repr(focus), set()).add(kind)
            bases = [c for c in corpus if not c.batch and isinstance(c.payload, dict) and c.payload.get("type") == kind]
            combos = generator.combos(generator.rng.choice(bases), focus, limit=max(min(size, 64), 1))
        size = max(size - len(combos), 0)
        queued, pending[:] = pending[:size // 2], pending[size // 2:]
        size -= len(queued)
        fresh = generator.fresh(int(size * fresh_share))
        mutants = [generator.mutate(generator.rng.choice(corpus), focus) for _ in range(size - len(fresh))] if corpus else []
        cases = queued + combos + fresh + mutants
        outcome.generated += len(cases)
        if run(cases):
            since_growth = 0
            summary = reach.summary()
            outcome.growth.append((outcome.cases, summary.lines_pct, summary.branches_pct))
        else:
            since_growth += len(cases)
        if on_round:
            on_round(outcome)
    outcome.summary = reach.summary()
    outcome.seconds = time.monotonic() - started
    return outcome


def workspace_stubs(workspace_file: Path | None):
    """The HTTP stubs of ``workspace.toml`` (and its ``fixtures/http/*.toml``); none without one.

    Raises ``ConfigError`` for a workspace that does not load: checking without its stubs (and its
    settings) would prove less than the user asked for and say nothing (a corpus workspace of 30
    functions, over Segment's 25, lost every stub and every setting, and the check still passed)."""
    import os

    from segfn.emulator.stubs import StubSet
    from segfn.emulator.workspace import load_workspace

    if workspace_file is None or not Path(workspace_file).is_file():
        return StubSet()
    return load_workspace(workspace_file, env=os.environ).stubs


@dataclass
class CheckRun:
    """One function checked: its module, the checker (still loaded: close it), what happened."""

    fn: Any
    checker: Checker
    outcome: Outcome
    executed: dict[Path, set[int]] = field(default_factory=dict)  # Python lines the cases ran


def check_bundle(bundle, harness, budget: Budget, *, workspace_file: Path | None = None,
                 user_settings: list[dict] = (), fixtures: Path | None = None, seed: int = 0, record: bool = False,
                 warn: Callable[[str], None] = lambda text: None) -> CheckRun:
    """Check ``bundle`` against its Python module: fixtures first (with the default settings and with
    each of the workspace's and the user's settings), then generation steered by coverage.

    Raises ``ConfigError`` when the module does not load. ``warn`` hears of fixtures and settings
    that cannot be used."""
    from segfn.emulator.runner import check_settings, load_function

    from .check import fixture_cases
    from .harvest import harvest_files
    from .reach import helper_files
    from .setting_values import workspace_settings

    files = helper_files(Path(bundle.module))
    reach = Reach(files)
    for stale in [name for name, module in list(sys.modules.items())
                  if getattr(module, "__file__", None) and Path(module.__file__).resolve() in files]:
        del sys.modules[stale]  # helper modules run their top level again, measured
    reach.start()
    try:
        fn = load_function(bundle.module)
        helpers = [m for m in list(sys.modules.values())
                   if getattr(m, "__file__", None) and Path(m.__file__).resolve() in files[1:]]
        harvest = harvest_files(files)
        stubs = workspace_stubs(workspace_file)  # first: a workspace that does not load is a ConfigError
        variants = []
        found = [("workspace.toml", v) for v in (workspace_settings(Path(bundle.module), workspace_file)
                                                 if workspace_file else [])]
        for where, values in found + [("--settings", v) for v in user_settings]:
            problems = check_settings(fn.settings, values)
            if problems:
                warn(f"{where} settings for {bundle.module} not checked: {'; '.join(problems)}")
            else:
                variants.append(values)
        with_batches = "batch" in fn.handlers
        base, problems = fixture_cases([fixtures], with_batches) if fixtures and fixtures.exists() else ([], [])
        for problem in problems:
            warn(problem)
        start = list(base)
        for i, values in enumerate(variants):
            start += [replace(c, origin=f"{c.origin} with settings variant {i + 1}", settings=values) for c in base]
        checker = Checker(fn, bundle, harness, body_paths=harvest.body_paths, strings=harvest.strings,
                          modules=helpers, sources=lambda: [stub_source(stubs), sprig_source()])
        generator = Generator(harvest, fn.settings, variants, with_batches, seed=seed, handled=set(fn.handlers))
        try:
            outcome = pursue(checker, reach, generator, start, budget, record=record)
            executed = reach.executed()
        except BaseException:
            checker.close()
            raise
    finally:
        reach.stop()
    return CheckRun(fn, checker, outcome, executed)
