"""``match`` statements (PEP 634) as CPython 3.11 runs them.

The subject is evaluated once; the cases are tried in order; a case's pattern is one JavaScript
condition that stores what it captures in temporaries, and only when the whole pattern matched are the
names bound (then the guard runs, with them bound, as in CPython; a failed guard leaves them bound and
goes on to the next case). Supported: literals and dotted constants (``==``), ``None``/``True``/
``False`` (``is``), captures and ``_``, ``as``, ``|`` alternatives binding the same names, sequence
patterns with one ``*rest`` over lists and tuples (never str), mapping patterns with literal or dotted
keys and ``**rest`` over dicts, and class patterns of the builtin types with at most one positional
pattern (``str(name)``, ``int()``) or of any class without arguments (an isinstance test). Class
patterns with attributes or positional patterns of other classes are refused: they need
``__match_args__`` and attribute lookups the compiler does not translate.
"""

from __future__ import annotations

import ast

from .errors import Reject
from .expressions import js_str

# the builtin classes whose one positional pattern matches the subject itself (PEP 634)
SELF_MATCHING = {"bool", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple", "bytes"}


class PatternMixin:
    def s_Match(self, node: ast.Match) -> list[str]:
        frame = self.frame
        subject = frame.temp("$subj")
        label = frame.temp("$match")  # a unique name; the temp itself stays unused
        out = [f"{subject} = {self.code(node.subject)};", f"{label}: {{"]
        before = frame.assigned
        ends = []
        irrefutable = False
        for case in node.cases:
            captures: dict[str, str] = {}
            try:
                test = self.pattern(case.pattern, subject, captures)
            except Reject as exc:
                self.report(exc)
                saved = frame.assigned  # its guard and body are still compiled: their errors are reported too
                for sub in ast.walk(case.pattern):
                    for name in (getattr(sub, "name", None), getattr(sub, "rest", None)):
                        if isinstance(name, str):
                            self.mark_assigned(name)
                if case.guard is not None:
                    self.truth(case.guard)
                self.sub_block(case.body, "  ")
                frame.assigned = saved
                continue
            frame.assigned = None if before is None else set(before)
            binds = []
            for name, temp in captures.items():
                binds.append(f"{self.assign_name(name, case.pattern)} = {temp};")
                self.mark_assigned(name)
            guard = self.truth(case.guard) if case.guard is not None else None
            body, after = self.sub_block(case.body, "    " if guard else "  ")
            ends.append(after)
            leave = [] if after is None else [("    " if guard else "  ") + f"break {label};"]
            inner = [*(f"  {b}" for b in binds)]
            if guard is not None:
                inner += [f"  if ({guard}) {{", *body, *leave, "  }"]
            else:
                inner += [*body, *leave]
            out += [f"if ({test}) {{", *inner, "}"]
            if test == "true" and guard is None:
                irrefutable = True
                break
        out.append("}")
        if not irrefutable:
            ends.append(before)  # no case matched
        frame.assigned = self.merge(*ends) if ends else before
        return out

    # --- patterns -------------------------------------------------------------------------------
    def pattern(self, pat: ast.pattern, s: str, captures: dict[str, str]) -> str:
        """A JavaScript condition: does the value of ``s`` (a side-effect-free expression) match?"""
        method = getattr(self, "p_" + type(pat).__name__, None)
        if method is None:
            raise Reject(pat, f"this pattern ({type(pat).__name__}) is not supported")
        return method(pat, s, captures)

    def capture(self, name: str, value: str, captures: dict[str, str], node: ast.AST) -> str:
        if name in captures and not getattr(self, "_in_or", False):
            raise Reject(node, f"multiple assignments to name {name!r} in pattern")
        temp = captures.get(name) or self.frame.temp("$cap")
        captures[name] = temp
        return f"(({temp} = {value}), true)"

    def p_MatchValue(self, pat: ast.MatchValue, s: str, captures) -> str:
        value = pat.value
        if isinstance(value, ast.Constant) and type(value.value) is str:
            return f"({s} === {js_str(value.value)})"
        return f"$eq({s}, {self.code(value)})"

    def p_MatchSingleton(self, pat: ast.MatchSingleton, s: str, captures) -> str:
        return f"({s} === {'null' if pat.value is None else 'true' if pat.value else 'false'})"

    def p_MatchAs(self, pat: ast.MatchAs, s: str, captures) -> str:
        test = "true" if pat.pattern is None else self.pattern(pat.pattern, s, captures)
        if pat.name is None:
            return test
        bind = self.capture(pat.name, s, captures, pat)
        return bind if test == "true" else f"({test} && {bind})"

    def p_MatchOr(self, pat: ast.MatchOr, s: str, captures) -> str:
        names = None
        tests = []
        base = set(captures)
        saved = getattr(self, "_in_or", False)
        self._in_or = True
        try:
            for alt in pat.patterns:
                mine: dict[str, str] = dict(captures)
                tests.append(self.pattern(alt, s, mine))
                bound = set(mine) - base
                if names is not None and bound != names:
                    raise Reject(alt, "alternative patterns bind different names")
                names = bound
                captures.update(mine)
        finally:
            self._in_or = saved
        return "(" + " || ".join(tests) + ")"

    def p_MatchSequence(self, pat: ast.MatchSequence, s: str, captures) -> str:
        items = pat.patterns
        stars = [i for i, p in enumerate(items) if isinstance(p, ast.MatchStar)]
        if len(stars) > 1:
            raise Reject(pat, "multiple starred names in sequence pattern")
        tests = [f"$Array.isArray({s})"]
        if not stars:
            tests.append(f"{s}.length === {len(items)}")
            for i, p in enumerate(items):
                tests.append(self.pattern(p, f"{s}[{i}]", captures))
        else:
            k = stars[0]
            after = len(items) - k - 1
            tests.append(f"{s}.length >= {len(items) - 1}")
            for i, p in enumerate(items[:k]):
                tests.append(self.pattern(p, f"{s}[{i}]", captures))
            for j, p in enumerate(items[k + 1:]):
                tests.append(self.pattern(p, f"{s}[{s}.length - {after - j}]", captures))
            star = items[k]
            if star.name is not None:
                tests.append(self.capture(star.name, f"{s}.slice({k}, {s}.length - {after})", captures, star))
        return "(" + " && ".join(t for t in tests if t != "true") + ")"

    def p_MatchStar(self, pat, s, captures) -> str:
        raise Reject(pat, "a starred name is only allowed in a sequence pattern")

    def p_MatchMapping(self, pat: ast.MatchMapping, s: str, captures) -> str:
        tests = [f"$isDict({s})"]
        keys = []
        seen = set()
        for key, sub in zip(pat.keys, pat.patterns):
            if isinstance(key, ast.Constant):
                if key.value in seen:
                    raise Reject(key, f"mapping pattern checks duplicate key ({key.value!r})")
                seen.add(key.value)
                if type(key.value) is not str:
                    tests.append("false")  # a bundle's dicts hold str keys only: never there
                    continue
                k = js_str(key.value)
            else:
                k = self.code(key)
                tests.append(f"(typeof {k} === \"string\")")
            keys.append(k)
            tests.append(f"$Object.hasOwn({s}, {k})")
            tests.append(self.pattern(sub, f"{s}[{k}]", captures))
        if pat.rest is not None:
            tests.append(self.capture(pat.rest, f"$dictRest({s}, [{', '.join(keys)}])", captures, pat))
        return "(" + " && ".join(t for t in tests if t != "true") + ")"

    def p_MatchClass(self, pat: ast.MatchClass, s: str, captures) -> str:
        cls = pat.cls
        if pat.kwd_patterns:
            raise Reject(pat, "class patterns with attributes "
                         f"({pat.kwd_attrs[0]}=...) are not supported: match the class, then test "
                         "the attributes in a guard (case C() if x.attr == ...)")
        builtin = isinstance(cls, ast.Name) and cls.id in SELF_MATCHING and \
            getattr(self.lookup(cls.id, quiet=True), "kind", None) == "builtin"
        if pat.patterns and not builtin:
            raise Reject(pat.patterns[0], "positional patterns of a class need its __match_args__, which is not "
                                          "supported: match the class, then test its attributes in a guard")
        if len(pat.patterns) > 1:
            raise Reject(pat.patterns[1], f"{cls.id}() accepts 1 positional sub-pattern ({len(pat.patterns)} given)")
        test = self.isinstance_js(s, self.type_spec(cls))
        if pat.patterns:
            sub = self.pattern(pat.patterns[0], s, captures)
            return test if sub == "true" else f"({test} && {sub})"
        return test
