"""The JavaScript runtime of Python-semantics helpers, and which of them a bundle needs.

``compiler/js/*.js`` is split into helpers at ``// @helper $name`` lines. A helper declares one or
more ``$``-names; it needs every helper whose names its text mentions, other than as a property
(``x.$len()``) or a class's own method (``  $len() {``), which are protocols, not the helpers. A
bundle includes the closure of the helpers its own code mentions, in the files' order, so that the
output is deterministic and only as large as the function requires (pscript's partial standard
library, by name). Whole-line comments stay in ``compiler/js``: the bundle's copy is the code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from . import unicode_tables

JS_DIR = Path(__file__).with_name("js")
FILES = ("core.js", "exceptions.js", "classes.js", "numbers.js", "format.js", "strings.js", "collections.js", "stdlib.js", "pycollections.js",
         "datetime.js", "re.js", "hashlib.js", "language.js")
_MARK = re.compile(r"^// @helper (\$\w+)\s*$", re.M)
_DECL = re.compile(r"^(?:async\s+)?(?:function\*?|const|let|class)\s+(\$\w+)", re.M)
_REF = re.compile(r"(?<![\w$])(?<![^.]\.)\$[A-Za-z_][A-Za-z0-9_]*")  # not x.$prop; ...$spread is a reference
_METHOD_DEF = re.compile(r"^[ \t]+(?:get |static |async )?\$\w+(?=\([^()]*\)\s*\{)", re.M)


def _refs(text: str) -> set[str]:
    """The ``$`` names ``text`` refers to as helpers."""
    return set(_REF.findall(_METHOD_DEF.sub("", text)))


@dataclass(frozen=True)
class Helper:
    name: str
    order: int
    text: str
    declares: frozenset[str]


@functools.lru_cache(maxsize=None)
def helpers() -> tuple[dict[str, Helper], dict[str, str]]:
    """All helpers by name, and which helper declares each ``$`` name."""
    by_name: dict[str, Helper] = {}
    declared_by: dict[str, str] = {}
    order = 0
    for filename in FILES:
        text = (JS_DIR / filename).read_text(encoding="utf-8")
        marks = list(_MARK.finditer(text))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            body = text[mark.end():end].strip("\n")
            # comment lines explain the runtime to its readers here; a bundle carries the code only
            body = "\n".join(line for line in body.split("\n") if not line.lstrip().startswith("//")).rstrip() + "\n"
            declares = frozenset(_DECL.findall(body)) | {mark.group(1)}
            helper = Helper(mark.group(1), order, body, declares)
            if helper.name in by_name:
                raise RuntimeError(f"compiler/js/{filename}: the helper {helper.name} is defined twice")
            order += 1
            by_name[helper.name] = helper
            for name in declares:
                declared_by[name] = helper.name
    for name in unicode_tables.NAMES:
        declared_by[name] = name
    return by_name, declared_by


def _text(name: str) -> str:
    by_name, _ = helpers()
    if name in by_name:
        return by_name[name].text
    return unicode_tables.table(name) + "\n"


# Methods of the runtime's classes that are installed only when a bundle calls a method of that name
# (a datetime without strftime() calls does not carry strftime): method -> (class helper, patch helper).
PATCHES = {
    "strftime": ("$Date", "$dt_strftime"), "finditer": ("$Pattern", "$re_iterate"),
    "findall": ("$Pattern", "$re_iterate"), "sub": ("$Pattern", "$re_sub"), "subn": ("$Pattern", "$re_sub"),
    "split": ("$Pattern", "$re_split"), "groups": ("$Match", "$match_groups"),
    "groupdict": ("$Match", "$match_groups"), "start": ("$Match", "$match_span"), "end": ("$Match", "$match_span"),
    "span": ("$Match", "$match_span"),
}


# Patches a bundle needs when it carries both helpers: a datetime formatted by format(), str.format or
# an f-string whose value the compiler could not type (its __format__, strftime, is the patch's)
PAIRED = {("$Date", "$format"): "$dt_strftime"}


# Helpers that only run on a value of a kind few bundles make: carried only with one of that kind's
# makers (a branch that can never be taken may name a function the bundle does not define). Hashing
# needs bytes made by one of the others first.
BYTES_MAKERS = {"$m_encode", "$b64encode", "$b64decode", "$bytesOf", "$UUID"}  # what gives user code bytes
ONLY_WITH_MAKERS = {
    "$bytesRepr": BYTES_MAKERS, "$bytesMethod": BYTES_MAKERS,
    "$enumName": {"$enumClass"}, "$enumValue": {"$enumClass"},  # only an Enum class has members
    "$FrozenInstanceError": {"$dataclass"},  # only a frozen dataclass raises it
    # only a user class's objects reach them (from a helper; the function's own code may call them)
    "$classAttr": {"$pyClass"}, "$richCompare": {"$pyClass"}, "$callMethod": {"$pyClass"},
}


def closure(code: str, methods: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Helper names needed by ``code`` (which calls ``methods``), dependencies included, in runtime order."""
    by_name, declared_by = helpers()
    needed: set[str] = set()
    pending = [declared_by[ref] for ref in _refs(code) if ref in declared_by]
    while True:
        while pending:
            name = pending.pop()
            if name in needed:
                continue
            needed.add(name)
            for ref in _refs(_text(name)):
                owner = declared_by.get(ref)
                if owner is not None and owner not in needed and owner not in ONLY_WITH_MAKERS:
                    pending.append(owner)
        pending = [patch for method, (cls, patch) in PATCHES.items()
                   if method in methods and cls in needed and patch not in needed]
        pending += [name for name, makers in ONLY_WITH_MAKERS.items() if makers & needed and name not in needed]
        pending += [patch for pair, patch in PAIRED.items() if set(pair) <= needed and patch not in needed]
        if not pending:
            break
    tables = sorted(n for n in needed if n not in by_name)
    return tables + sorted((n for n in needed if n in by_name), key=lambda n: by_name[n].order)


def runtime_for(code: str, methods: frozenset[str] | set[str] = frozenset()) -> str:
    """The JavaScript text of every helper ``code`` needs."""
    return "".join(_text(name) for name in closure(code, methods))
