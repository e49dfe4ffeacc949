"""Statements and control flow: assignment and unpacking, if/for/while with else, try/except/else/finally,
raise, functions (defaults evaluated once), exception classes.

Definite assignment is tracked while compiling, so that a read of a local that may not be bound yet
raises UnboundLocalError as in Python instead of reading ``undefined``.
"""

from __future__ import annotations

import ast
import contextlib

from .errors import Reject
from .lines import tag
from .expressions import SELF_ITERATING, js_str, simple
from .names import HANDLERS, js_name
from .narrowing import rebound_by_nested
from .scope import function_scope, union
from .symbols import BUILTIN_EXCEPTIONS, ClassInfo, Frame, FuncInfo

AUG = {ast.Add: "$iadd", ast.Sub: "$isub", ast.Mult: "$imul", ast.Div: "$idiv", ast.FloorDiv: "$ifloordiv",
       ast.Mod: "$imod", ast.Pow: "$ipow"}  # each names the augmented operator in its TypeError, as CPython


STD_EXCEPTIONS = {"json.JSONDecodeError": "$JSONDecodeError", "dataclasses.FrozenInstanceError": "$FrozenInstanceError"}


def own_nodes(node: ast.AST):
    """The nodes of a def's own body, not those of a def, lambda or class nested in it."""
    todo = list(reversed(node.body))
    while todo:
        sub = todo.pop()
        yield sub
        if not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(reversed(list(ast.iter_child_nodes(sub))))


def is_generator(node: ast.AST) -> bool:
    """A def whose own body (not a nested def, lambda or class) holds ``yield`` or ``yield from``."""
    todo = list(node.body)
    while todo:
        sub = todo.pop()
        if isinstance(sub, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(sub))
    return False

class StatementMixin:
    frame: Frame

    # --- frames ---------------------------------------------------------------------------------
    def child_frame(self, kind: str, scope, is_async: bool) -> Frame:
        frame = Frame(kind=kind, scope=scope, parent=self.frame, is_async=is_async, counter=self.frame.counter)
        if kind == "comprehension":
            frame.assigned = set(scope.locals)
        return frame

    @contextlib.contextmanager
    def in_frame(self, frame: Frame):
        saved = self.frame
        self.frame = frame
        try:
            yield frame
        finally:
            self.frame = saved

    def mark_assigned(self, name: str) -> None:
        frame = self.frame
        while frame.kind == "comprehension" and name not in frame.scope.locals and frame.parent is not None:
            frame = frame.parent
        if name in frame.scope.globals and frame.kind != "module":
            return
        if frame.assigned is not None:
            frame.assigned.add(name)

    def assign_name(self, name: str, node: ast.AST) -> str:
        sym = self.lookup(name, node=node, store=True)
        if sym.kind not in ("local", "global"):
            raise Reject(node, f"cannot assign to {name!r} here")
        return sym.js

    # --- blocks ---------------------------------------------------------------------------------
    def block(self, stmts: list[ast.stmt], indent: str) -> list[str]:
        out: list[str] = []
        frame = self.frame
        outer = dict(frame.narrowed)
        for i, stmt in enumerate(stmts):
            if frame.assigned is None:
                break  # unreachable after return/raise/break/continue, as CPython would never run it
            try:
                for line in tag(self.stmt(stmt), self.file_index, stmt.lineno):
                    out.append(indent + line if line else line)
            except Reject as exc:
                self.report(exc)
            frame.narrowed.update(self.guard_types(stmt, stmts[i + 1:]))
        frame.narrowed = outer  # what a guard proved holds to the end of its block only
        return out

    def sub_block(self, stmts, indent: str, narrowed: dict[str, str] | None = None) -> tuple[list[str], set[str] | None]:
        """A nested block (``narrowed``: types its guard proved for it), and what it leaves assigned."""
        saved = self.frame.assigned
        self.frame.assigned = None if saved is None else set(saved)
        outer = self.frame.narrowed
        self.frame.narrowed = {**outer, **(narrowed or {})}
        lines = self.block(stmts, indent)
        self.frame.narrowed = outer
        after = self.frame.assigned
        self.frame.assigned = saved
        return lines, after

    @staticmethod
    def merge(*sets):
        live = [s for s in sets if s is not None]
        if not live:
            return None
        out = set(live[0])
        for s in live[1:]:
            out &= s
        return out

    def stmt(self, node: ast.stmt) -> list[str]:
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is None:
            raise Reject(node, f"the {type(node).__name__.lower()} statement is not supported")
        return method(node)

    # --- simple statements ------------------------------------------------------------------------
    def s_Expr(self, node: ast.Expr) -> list[str]:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return []  # a docstring or a bare string
        if isinstance(node.value, (ast.Yield, ast.YieldFrom)):
            return [self.yield_js(node.value)]
        if isinstance(node.value, ast.Await):
            return [self.code(node.value) + ";"]
        return [self.code(node.value) + ";"]

    def yield_js(self, node) -> str:
        """``yield value`` / ``yield from iterable`` as a statement of a generator function (a JavaScript
        ``function*``: lazy like CPython's, and an iterator the runtime's ``for``, ``next``, ``list``
        ... take as they take a generator expression)."""
        if not self.frame.generator:
            raise Reject(node, "'yield' is only supported in the body of a def (a generator function)")
        if isinstance(node, ast.YieldFrom):
            return f"yield* $iter({self.code(node.value)});"
        return f"yield {'null' if node.value is None else self.code(node.value)};"

    def s_Pass(self, node) -> list[str]:
        return []

    def s_Global(self, node) -> list[str]:
        if self.frame.kind == "module":
            raise Reject(node, "'global' at module level has no effect; remove it")
        return []

    def s_Nonlocal(self, node) -> list[str]:
        return []

    def s_Return(self, node: ast.Return) -> list[str]:
        if self.frame.kind not in ("function", "method"):
            raise Reject(node, "'return' outside a function")
        value = "null" if node.value is None else self.code(node.value)
        self.frame.returns.append("none" if node.value is None else self.infer(node.value))
        self.frame.assigned = None
        return [f"return {value};"]

    def s_Assign(self, node: ast.Assign) -> list[str]:
        if self.rooted_in_rejected(node.value):  # client = boto3.client(...): its uses add no errors
            for target in node.targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        self.taint(sub.id)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = self.code(node.value)
            name = node.targets[0].id
            target = self.assign_name(name, node.targets[0])
            self.mark_assigned(name)
            return [f"{target} = {value};"]
        value = self.code(node.value)
        out = []
        if len(node.targets) > 1 or not all(self._simple_target(t) for t in node.targets):
            t = self.frame.temp()
            out.append(f"{t} = {value};")
            value = t
        for target in node.targets:
            out += self.assign(target, value)
        return out

    @staticmethod
    def _simple_target(node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return True
        if isinstance(node, ast.Subscript):
            return simple(node.value) and not isinstance(node.slice, ast.Slice) and simple(node.slice)
        if isinstance(node, ast.Attribute):
            return simple(node.value)
        return False

    def assign(self, target: ast.AST, value: str) -> list[str]:
        """Assign an already evaluated JS expression ``value`` to a Python target."""
        if isinstance(target, ast.Name):
            js = self.assign_name(target.id, target)
            self.mark_assigned(target.id)
            return [f"{js} = {value};"]
        if isinstance(target, (ast.Tuple, ast.List)):
            stars = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
            if len(stars) > 1:
                raise Reject(target, "multiple starred expressions in assignment")
            t = self.frame.temp()
            unpack = f"$unpackStar({value}, {len(target.elts)}, {stars[0]})" if stars else f"$unpack({value}, {len(target.elts)})"
            out = [f"{t} = {unpack};"]
            for i, elt in enumerate(target.elts):
                if isinstance(elt, ast.Starred):
                    elt = elt.value
                out += self.assign(elt, f"{t}[{i}]")
            return out
        if isinstance(target, ast.Subscript):
            if isinstance(target.slice, ast.Slice):
                raise Reject(target, "assigning to a slice is not supported")
            if self.infer(target.value) == "dict":
                key = target.slice
                self.check_dict_key(key)
                if isinstance(key, ast.Constant) and type(key.value) is str and key.value != "__proto__":
                    return [f"{self.code(target.value)}[{self.code(key)}] = {value};"]
                return [f"$dictSet({self.code(target.value)}, {self.code(key)}, {value});"]
            if self.infer(target.value) == "list":
                return [f"$listSet({self.code(target.value)}, {self.code(target.slice)}, {value});"]
            return [f"$setitem({self.code(target.value)}, {self.code(target.slice)}, {value});"]
        if isinstance(target, ast.Attribute):
            return [self.store_attribute(target, value)]
        if isinstance(target, ast.Starred):
            raise Reject(target, "a starred assignment target must be in a list or tuple")
        raise Reject(target, "cannot assign to this expression")

    def store_attribute(self, target: ast.Attribute, value: str, obj_js: str | None = None) -> str:
        """``obj.name = value`` (``value`` already evaluated JavaScript)."""
        obj = target.value
        if target.attr.startswith("__") and target.attr.endswith("__"):
            raise Reject(target, f"assigning the special attribute {target.attr} is not supported")
        js = self.attr_js(target.attr)
        frame = self.frame
        if (frame.cls is not None and isinstance(obj, ast.Name) and obj.id == frame.self_name
                and frame.method_kind in ("method", "getter", "setter")):
            cls = frame.cls
            if cls.kind == "exception" and target.attr == "args":
                return f"this.args = $tupleOf({value});"
            property_named = any(m.kind == "getter" and m.js == js for c in cls.chain() for m in c.methods.values())
            if frame.generated or not (cls.frozen() or property_named):
                return f"this.{js} = {value};"
            return f"$setattr(this, {js_str(js)}, {value});"
        if isinstance(obj, ast.Name):
            sym = self.lookup(obj.id, quiet=True)
            if sym is not None and sym.kind == "class":
                if not (sym.info.has_attr(target.attr) or sym.info.find_method(target.attr)):
                    raise Reject(target, f"type object {sym.info.name!r} has no attribute {target.attr!r} to assign "
                                         "(define it in the class body)")
                return f"{sym.info.js}.prototype.{js} = {value};"
        return f"$setattr({obj_js or self.code(obj)}, {js_str(js)}, {value});"

    def s_AnnAssign(self, node: ast.AnnAssign) -> list[str]:
        self.check_annotation(node.annotation)
        if node.value is None:
            return []
        return self.s_Assign(ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno,
                                        col_offset=node.col_offset))

    def s_AugAssign(self, node: ast.AugAssign) -> list[str]:
        op = type(node.op)
        target = node.target
        flt = self.infer(target) == "float" or self.infer(node.value) == "float"
        if op in AUG:
            helper = AUG[op]

            def combine(cur: str, val: str) -> str:
                if helper == "$iadd" and self.infer(target) in ("int", "float", "num") and \
                        self.infer(node.value) in ("int", "float", "num"):
                    return f"({cur} + {val})"
                extra = ", true" if flt and helper in ("$idiv", "$ifloordiv", "$imod", "$ipow") else ""
                return f"{helper}({cur}, {val}{extra})"
        else:
            bit = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>"}.get(op)
            if bit is None:
                raise Reject(node, "this augmented assignment is not supported")

            def combine(cur: str, val: str) -> str:
                return f"$ibitop({js_str(bit)}, {cur}, {val})"
        if isinstance(target, ast.Name):
            cur = self.code(target)
            js = self.assign_name(target.id, target)
            return [f"{js} = {combine(cur, self.code(node.value))};"]
        if isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
            if self.infer(target.value) == "dict":
                self.check_dict_key(target.slice)
            o, k = self.frame.temp(), self.frame.temp()
            return [f"{o} = {self.code(target.value)};", f"{k} = {self.code(target.slice)};",
                    f"$setitem({o}, {k}, {combine(f'$getitem({o}, {k})', self.code(node.value))});"]
        if isinstance(target, ast.Attribute):
            o = self.frame.temp()
            js = self.attr_js(target.attr)
            current = f"$attr({o}, {js_str(js)})"
            if isinstance(target.value, ast.Name):
                sym = self.lookup(target.value.id, quiet=True)
                if sym is not None and sym.kind == "class":
                    current = self.class_attribute(sym.info, ast.copy_location(
                        ast.Attribute(target.value, target.attr, ast.Load()), target))
            store = self.store_attribute(target, combine(current, self.code(node.value)), obj_js=o)
            return [f"{o} = {self.code(target.value)};", store]
        raise Reject(node, "this augmented assignment target is not supported")

    def s_Delete(self, node: ast.Delete) -> list[str]:
        out = []
        for target in node.targets:
            if isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
                out.append(f"$delitem({self.code(target.value)}, {self.code(target.slice)});")
            elif isinstance(target, ast.Subscript):  # del lst[a:b:c]
                sl = target.slice
                parts = [self.code(p) if p is not None else "null" for p in (sl.lower, sl.upper, sl.step)]
                out.append(f"$delslice({self.code(target.value)}, {', '.join(parts)});")
            else:
                raise Reject(target, "only 'del container[key]' and 'del lst[a:b]' are supported")
        return out

    def s_Assert(self, node: ast.Assert) -> list[str]:
        msg = self.code(node.msg) if node.msg is not None else ""
        return [f"if (!{self.truth(node.test)}) throw new $AssertionError({msg});"]

    def s_Raise(self, node: ast.Raise) -> list[str]:
        if node.exc is None:
            if not self.frame.catch:
                raise Reject(node, "a bare 'raise' is only supported inside an except block")
            out = [f"throw {self.frame.catch[-1]};"]
        else:
            out = [f"throw {self.raise_value(node.exc)};"]
        self.frame.assigned = None
        return out

    def raise_value(self, exc: ast.AST) -> str:
        if isinstance(exc, (ast.Name, ast.Attribute)):
            cls = self.exception_class(exc, quiet=True)
            if cls is not None:
                user = isinstance(exc, ast.Name) and getattr(self.lookup(exc.id, quiet=True), "kind", None) == "class"
                if user or (isinstance(exc, ast.Attribute) and (self.module_callable(exc) or ("",))[0] == "class"):
                    return f"$construct({cls}, [], null)"
                return f"new {cls}()"
        if isinstance(exc, ast.Call):
            if isinstance(exc.func, (ast.Name, ast.Attribute)):
                if isinstance(exc.func, ast.Name):
                    sym = self.lookup(exc.func.id, quiet=True)
                    info = sym.info if sym is not None and sym.kind == "class" else None
                else:
                    target = self.module_callable(exc.func) if not self.rooted_in_rejected(exc.func) else None
                    info = target[1] if target is not None and target[0] == "class" else None
                if info is not None and info.kind != "exception":
                    raise Reject(exc, f"{info.name} is not an exception class: it cannot be raised "
                                      "(CPython raises TypeError: exceptions must derive from BaseException)")
                if info is not None or self.exception_class(exc.func, quiet=True) is not None:
                    return self.code(exc)
            return f"$raisable({self.code(exc)})"
        return f"$raisable({self.code(exc)})"

    # --- control flow -----------------------------------------------------------------------------
    def s_If(self, node: ast.If) -> list[str]:
        if isinstance(node.test, ast.Name) and getattr(self.lookup(node.test.id, quiet=True), "info", None) == \
                "typing.TYPE_CHECKING":
            return self.block(node.orelse, "") if node.orelse else []  # imports for annotations only
        test = self.truth(node.test)
        in_body, in_else = self.branch_types(node)
        body, after_body = self.sub_block(node.body, "  ", in_body)
        out = [f"if ({test}) {{", *body]
        if node.orelse:
            orelse, after_else = self.sub_block(node.orelse, "  ", in_else)
            out += ["} else {", *orelse]
        else:
            after_else = self.frame.assigned
        out.append("}")
        self.frame.assigned = self.merge(after_body, after_else)
        return out

    def _loop(self, head: list[str], loop_line: str, prelude: list[str], node, orelse) -> list[str]:
        flag = None
        if orelse:
            flag = self.frame.temp("$broke")
        self.frame.loops.append(flag)
        before = self.frame.assigned
        body, _ = self.sub_block(node.body, "  ")
        self.frame.loops.pop()
        self.frame.assigned = before
        out = list(head)
        if flag:
            out.append(f"{flag} = false;")
        out += [loop_line, *["  " + p for p in prelude], *body, "}"]
        if orelse:
            orelse_lines, after = self.sub_block(orelse, "  ")
            out += [f"if (!{flag}) {{", *orelse_lines, "}"]
            self.frame.assigned = self.merge(before, after) if before is not None else after
        return out

    def s_While(self, node: ast.While) -> list[str]:
        test = self.truth(node.test)
        infinite = isinstance(node.test, ast.Constant) and node.test.value is True
        lines = self._loop([], f"while ({test}) {{", [], node, node.orelse)
        if infinite and not node.orelse and not any(isinstance(n, ast.Break) for n in ast.walk(node)):
            self.frame.assigned = None
        return lines

    def s_For(self, node: ast.For) -> list[str]:
        it = node.iter
        # fast paths that iterate like Python without building a list
        if (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
                and self.lookup("range", quiet=True) is not None and self.lookup("range").kind == "builtin"
                and not it.keywords and 1 <= len(it.args) <= 2 and isinstance(node.target, ast.Name)
                and all(self.infer(a) in ("int",) for a in it.args)):
            args = [self.code(a) for a in it.args]
            start, stop = ("0", args[0]) if len(args) == 1 else args
            i, end = self.frame.temp("$i"), self.frame.temp("$n")
            target = self.assign_name(node.target.id, node.target)
            loop = f"for ({i} = {start}, {end} = {stop}; {i} < {end}; {i}++) {{"
            saved = None if self.frame.assigned is None else set(self.frame.assigned)
            self.mark_assigned(node.target.id)
            lines = self._loop([], loop, [f"{target} = {i};"], node, node.orelse)
            if saved is not None:
                self.frame.assigned = self.merge(self.frame.assigned, saved)
            return lines
        iterable = self.code(it)
        if self.infer(it) == "set":
            raise Reject(it, "iterating over a set: Python's set order is not defined; iterate sorted(the_set)")
        saved = None if self.frame.assigned is None else set(self.frame.assigned)
        enumerated = (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate"
                      and getattr(self.lookup("enumerate", quiet=True), "kind", None) == "builtin")
        pairs = (iterable if enumerated else f"$itemPairs({iterable[len('$m_items('):]}"
                 if iterable.startswith("$m_items(") else None)
        if pairs is not None and self.is_pair_of_names(node.target):
            # enumerate() and dict.items() yield fresh pairs: destructure them, no $iter or $unpack per item
            names = [self.assign_name(e.id, e) for e in node.target.elts]
            for e in node.target.elts:
                self.mark_assigned(e.id)
            lines = self._loop([], f"for ([{names[0]}, {names[1]}] of {pairs}) {{", [], node, node.orelse)
            if saved is not None:
                self.frame.assigned = self.merge(self.frame.assigned, saved)
            return lines
        var, unpack = self.loop_target(node.target)
        temporary = isinstance(it, (ast.Call, ast.GeneratorExp))  # CPython closes it when the loop leaves
        source = iterable if self.infer(it) in SELF_ITERATING else f"${'iterTemp' if temporary else 'iter'}({iterable})"
        loop = f"for ({var} of {source}) {{"
        lines = self._loop([], loop, [unpack] if unpack else [], node, node.orelse)
        if saved is not None:
            self.frame.assigned = self.merge(self.frame.assigned, saved)
        return lines

    @staticmethod
    def is_pair_of_names(target: ast.AST) -> bool:
        return (isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2
                and all(isinstance(e, ast.Name) for e in target.elts) and target.elts[0].id != target.elts[1].id)

    def loop_target(self, target: ast.AST) -> tuple[str, str]:
        """(the for-of variable, the statements that assign the Python target from it)."""
        if isinstance(target, ast.Name):
            js = self.assign_name(target.id, target)
            self.mark_assigned(target.id)
            return js, ""
        v = self.frame.temp("$v")
        return v, " ".join(self.assign(target, v)) + " "

    def s_Break(self, node) -> list[str]:
        if not self.frame.loops:
            raise Reject(node, "'break' outside a loop")
        flag = self.frame.loops[-1]
        self.frame.assigned = None
        return [f"{flag} = true;", "break;"] if flag else ["break;"]

    def s_Continue(self, node) -> list[str]:
        if not self.frame.loops:
            raise Reject(node, "'continue' outside a loop")
        self.frame.assigned = None
        return ["continue;"]

    def s_Try(self, node: ast.Try) -> list[str]:
        before = self.frame.assigned
        body, after_body = self.sub_block(node.body, "  ")
        out: list[str] = []
        ends = []
        if node.handlers:
            ok = self.frame.temp("$ok") if node.orelse else None
            e = self.frame.temp("$e")
            inner = ["try {", *body]
            if ok:
                inner.append(f"  {ok} = true;")
            inner.append(f"}} catch ({e}) {{")
            first = True
            has_catch_all = False
            for handler in node.handlers:
                cond = "true" if handler.type is None else self.except_test(handler.type, e)
                self.frame.catch.append(e)
                self.frame.assigned = None if before is None else set(before)
                lines: list[str] = []
                if handler.name:
                    lines.append(f"  {self.assign_name(handler.name, handler)} = {e};")
                    self.mark_assigned(handler.name)
                lines += self.block(handler.body, "  ")
                ends.append(self.frame.assigned)
                self.frame.catch.pop()
                keyword = "if" if first else "} else if"
                inner.append(f"  {keyword} ({cond}) {{")
                inner += ["  " + line for line in lines]
                first = False
                if cond == "true":
                    has_catch_all = True
                    break
            if not has_catch_all:
                inner += ["  } else {", f"    throw {e};", "  }"]
            else:
                inner.append("  }")
            inner.append("}")
            if ok:
                self.frame.assigned = after_body
                orelse, after_else = self.sub_block(node.orelse, "  ")
                inner += [f"if ({ok}) {{", *orelse, "}"]
                after_body = after_else
                out.append(f"{ok} = false;")
            ends.append(after_body)
            body = inner
        else:
            ends.append(after_body)
        merged = self.merge(*ends)
        if node.finalbody:
            self.frame.assigned = before
            fin, after_fin = self.sub_block(node.finalbody, "  ")
            out += ["try {", *["  " + line for line in body], "} finally {", *fin, "}"]
            if after_fin is None:
                merged = None
            elif merged is not None:
                merged |= after_fin
        else:
            out += body
        self.frame.assigned = merged
        return out

    def except_test(self, node: ast.AST, e: str) -> str:
        if isinstance(node, ast.Tuple):
            return "(" + " || ".join(self.except_test(elt, e) for elt in node.elts) + ")"
        if isinstance(node, ast.Name) and node.id in ("Exception", "BaseException"):
            sym = self.lookup(node.id, node=node)
            if sym.kind == "builtin":
                return f"$isExc({e})"
        if isinstance(node, ast.Name) and node.id == "FetchError":
            sym = self.lookup(node.id, node=node)
            if sym.kind == "runtime":
                return f"$isFetchError({e})"
        cls = self.exception_class(node)
        return f"({e} instanceof {cls})"

    def exception_class(self, node: ast.AST, quiet: bool = False) -> str | None:
        """The JS class of an exception class named in ``except``/``raise``."""
        if isinstance(node, ast.Name):
            sym = self.lookup(node.id, node=node, quiet=quiet)
            if sym is None:
                return None
            if sym.kind == "class":
                if sym.info.kind != "exception":
                    if quiet:
                        return None
                    raise Reject(node, f"{node.id} is not an exception class: it cannot be raised or caught")
                return sym.info.js
            if sym.kind == "builtin" and node.id in BUILTIN_EXCEPTIONS:
                return BUILTIN_EXCEPTIONS[node.id]
            if sym.kind == "runtime" and sym.js in ("RetryError", "ValidationError", "InvalidEventPayload",
                                                    "EventNotSupported", "DropEvent"):
                return "$" + sym.js
            if sym.kind == "std" and sym.info in STD_EXCEPTIONS:  # from json import JSONDecodeError
                return STD_EXCEPTIONS[sym.info]
        elif isinstance(node, ast.Attribute):
            qual = self.std_name(node)
            if qual in STD_EXCEPTIONS:
                return STD_EXCEPTIONS[qual]
            target = self.module_callable(node)
            if target is not None and target[0] == "class":
                return target[1].js
        if quiet:
            return None
        raise Reject(node, "expected an exception class")

    # --- functions and classes ----------------------------------------------------------------------
    def function_js(self, node, js: str, cls: ClassInfo | None = None, declaration: bool = False,
                    info: FuncInfo | None = None, method_kind: str = "method") -> tuple[list[str], list[str]]:
        """(lines evaluating the defaults, lines of the function) for a def; with ``cls``, a method of
        that class (``method_kind``: method, static, class, getter, setter)."""
        if node.decorator_list and cls is None:  # reported, and the function still compiled for its own errors
            self.report(Reject(node.decorator_list[0], "decorators are not supported on functions (a class's "
                                                       "methods may use @staticmethod, @classmethod and @property)"))
        a = node.args
        for annotation in [*(p.annotation for p in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
                             if p is not None), node.returns]:
            try:
                self.check_annotation(annotation)
            except Reject as exc:
                self.report(exc)
        is_async = isinstance(node, ast.AsyncFunctionDef)
        scope = function_scope(node)
        frame = self.child_frame("method" if cls else "function", scope, is_async)
        frame.generator = is_generator(node)
        with self.in_frame(frame):
            self.function_imports(node)
        if frame.generator and is_async:
            raise Reject(node, "async generators (an 'async def' with 'yield') are not supported: collect the "
                               "values in a list and return it")
        frame.cls = cls
        frame.method_kind = method_kind if cls is not None else ""
        frame.generated = getattr(node, "generated", False)
        frame.qualname = info.name if info is not None and (cls is not None or info.key) else self.qualname_of(node.name)
        frame.rebound_by_nested = rebound_by_nested(node)
        for stmt in node.body:  # a def bound once at the top of the body: calls to it are bound here
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and scope.defs.get(stmt.name) == 1 \
                    and stmt.name not in frame.rebound_by_nested and not stmt.decorator_list:
                frame.funcs[stmt.name] = FuncInfo(f"{frame.qualname}.<locals>.{stmt.name}", js_name(stmt.name),
                                                  stmt.args, isinstance(stmt, ast.AsyncFunctionDef), stmt)
        signatures = self.module.signatures
        frame.param_types = signatures.param_types(info)
        if info is not None and self.unit.main and info.key and node.name in HANDLERS:
            signatures.saw_segment_call(info)
        pre: list[str] = []
        params: list[str] = []
        positional = [*a.posonlyargs, *a.args]
        defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
        all_params = list(zip(positional, defaults))
        if a.vararg:
            all_params.append((a.vararg, "vararg"))
        all_params += list(zip(a.kwonlyargs, a.kw_defaults))
        if a.kwarg:
            all_params.append((a.kwarg, "kwarg"))
        default_frame = self.frame
        for i, (arg, default) in enumerate(all_params):
            name = js_name(arg.arg)
            if cls is not None and i == 0 and method_kind != "static":
                frame.self_name = arg.arg
                continue
            if default == "vararg":
                params.append(f"{name} = $tuple([])")
            elif default == "kwarg":
                params.append(f"{name} = {{}}")
            elif default is not None:
                if info is not None:
                    signatures.saw_param(info, arg.arg, self.infer(default))  # a call may leave it out
                if isinstance(default, ast.Constant) and not isinstance(default.value, (list, dict)):
                    params.append(f"{name} = {self.code(default)}")
                else:
                    holder = default_frame.temp("$dflt")
                    pre.append(f"{holder} = {self.code(default)};")
                    params.append(f"{name} = {holder}")
            else:
                params.append(name)
        for arg in [*positional, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x is not None)]:
            frame.assigned.add(arg.arg)
        with self.in_frame(frame):
            self.infer_locals(frame)
            body = self.block(node.body, "  ")
        falls_off = frame.assigned is not None  # the end is reachable: it returns None
        if cls is not None and frame.self_name is None and method_kind != "static":
            raise Reject(node, "a method needs 'self'")
        decl_names = sorted(js_name(n) for n in scope.locals if n not in {p.arg for p in [*positional, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]})
        head: list[str] = []
        if cls is not None and method_kind == "class":
            head.append(f"  const {js_name(frame.self_name)} = $clsOf(this);")
        elif cls is not None and method_kind != "static":
            head.append(f"  const {js_name(frame.self_name)} = this;")
        names = decl_names + frame.temps
        if names:
            head.append(f"  let {', '.join(names)};")
        if not body or not body[-1].strip().startswith(("return", "throw")):
            body.append("  return null;")
        if (is_async or frame.generator) and self.module.stop_iteration:
            kind = "generator" if frame.generator else "coroutine"
            body = ["  try {", *[f"  {line}" for line in body], f'  }} catch ($e) {{ throw $stopGuard($e, "{kind}"); }}']
        asyn = "async " if is_async else ""
        if frame.generator:  # calling it makes a generator object; its body runs as it is iterated
            frame.returns = ["any"]
            falls_off = False
            if cls is not None:
                js = f"*{js}"
        signature = f"({', '.join(params)})"
        if cls is not None:
            lines = [f"{asyn}{js}{signature} {{", *head, *body, "}"]
        elif frame.generator:
            lines = [f"function* {js if declaration else ''}{signature} {{", *head, *body, "}"]
        elif declaration:
            lines = [f"{asyn}function {js}{signature} {{", *head, *body, "}"]
        else:
            lines = [f"{asyn}function {signature} {{", *head, *body, "}"]
        if info is not None:
            signatures.saw_return(info, union(frame.returns + (["none"] if falls_off else [])))
        return pre, lines

    def infer_locals(self, frame: Frame) -> None:
        """Static types of locals assigned only from typed expressions (two passes reach a fixpoint
        for the usual ``x = 0; x = x + 1`` shapes). A parameter starts as what every call passes, when
        compiler/signatures.py knows it; a name another function rebinds (``nonlocal``, ``global``)
        can hold anything."""
        for _ in range(2):
            for name, values in frame.scope.assign_values.items():
                seed: list[str] = []
                if name in frame.param_types:  # its first binding is the parameter itself
                    seed, values = [frame.param_types[name]], values[1:]
                if any(v is None for v in values) or name in frame.rebound_by_nested:
                    frame.types[name] = "any"
                    continue
                frame.types[name] = union(seed + [self.infer(v) for v in values])

    def s_FunctionDef(self, node) -> list[str]:
        info = self.frame.funcs.get(node.name)
        if info is None:
            info = FuncInfo(self.qualname_of(node.name), js_name(node.name), node.args,
                            isinstance(node, ast.AsyncFunctionDef), node)
        pre, lines = self.function_js(node, "", info=info)
        target = self.assign_name(node.name, node)
        self.mark_assigned(node.name)
        # the defaults are evaluated here, each time the def runs, and each function made keeps its own
        # (a def in a loop, `def g(i=i)`): they are passed into an arrow function that makes it
        holders = [line.split(" = ", 1) for line in pre]
        if holders:
            lines[0] = f"(({', '.join(h for h, _ in holders)}) => {lines[0]}"
            lines[-1] = lines[-1] + f")({', '.join(v.rstrip().removesuffix(';') for _, v in holders)})"
        lines[0] = f"{target} = $sig({lines[0]}"
        lines[-1] = lines[-1] + f", {self.signature_js(info, 0)});"
        return lines

    def qualname_of(self, name: str) -> str:
        """The __qualname__ of a function named ``name`` defined here."""
        frame = self.frame
        while frame is not None and frame.kind == "comprehension":
            frame = frame.parent
        if frame is None or frame.kind == "module":
            return name
        return f"{frame.qualname}.<locals>.{name}"

    s_AsyncFunctionDef = s_FunctionDef

    def s_ClassDef(self, node) -> list[str]:
        raise Reject(node, "classes are only supported at module level")

    def function_imports(self, node) -> None:
        """The imports of a def's own body, resolved before its body (and the defs nested in it, which
        may run after the import) is compiled: an import inside a function binds its names for that
        function and the functions nested in it, the same modules and names as at module level. A name
        the function also binds otherwise (assigned, imported twice) is refused: the compiler resolves
        an imported name statically."""
        for sub in own_nodes(node):
            if isinstance(sub, (ast.Import, ast.ImportFrom)):
                try:
                    self.bind_import(sub)
                except Reject as exc:
                    self.report(exc)

    def s_Import(self, node) -> list[str]:
        if self.frame.kind == "module":
            raise Reject(node, "imports inside a module-level block are not supported: import at the top of the module")
        names = [alias.asname or (alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name)
                 for alias in node.names]
        if self.frame.assigned is not None:
            self.frame.assigned.update(names)
        return []  # bound when the def was entered (function_imports)

    def bind_import(self, node) -> None:
        frame = self.frame
        names = [alias.asname or (alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name)
                 for alias in node.names]
        for name in names:
            if frame.scope.defs.get(name, 0) != 1:
                raise Reject(node, f"{name!r} is imported here and bound elsewhere in {frame.qualname or 'this function'}: "
                                   "import it once (or at the top of the module)")
        found: dict = {}
        if isinstance(node, ast.Import):
            for alias in node.names:  # each module on its own: every bad one is reported
                try:
                    self._import_module(alias.name, alias.asname, node, found)
                except Reject as exc:
                    self.report(exc)
        else:
            self._import_from(node, found)
        frame.imports.update(found)

    s_ImportFrom = s_Import

    def s_With(self, node) -> list[str]:
        self.refused_block(node, [i.optional_vars for i in node.items])
        raise Reject(node, "'with' is not supported")

    def s_AsyncFor(self, node) -> list[str]:
        self.refused_block(node, [node.target])
        raise Reject(node, "'async for' is not supported")

    def s_AsyncWith(self, node) -> list[str]:
        self.refused_block(node, [i.optional_vars for i in node.items])
        raise Reject(node, "'async with' is not supported")

    def refused_block(self, node, targets) -> None:
        """The body of a refused statement is still compiled, so that its own errors are reported with the
        others; the names the statement binds hold nothing the compiler knows, and add no errors."""
        for target in targets:
            for sub in ast.walk(target) if target is not None else []:
                if isinstance(sub, ast.Name):
                    self.taint(sub.id)
        saved = self.frame.assigned
        self.sub_block(node.body, "")
        self.frame.assigned = saved
