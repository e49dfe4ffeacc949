"""Probes of collections, control flow, functions, closures and exceptions (CPython vs Node)."""

import pytest

LISTS = [[3, 1, 2], [], ["b", "a", "B", "á"], [[2, "a"], [1, "b"], [2, "0"]], [1, "a"]]

PROBES = {
    # collections
    "list_methods": ("def f(x):\n    y = list(x)\n    y.append(9)\n    y.insert(0, 'i')\n    y.extend([7])\n    z = y.pop()\n    y.reverse()\n    return [y, z, y.count(9), y.copy(), len(y)]", LISTS),
    "list_pop_errors": ("def f(x):\n    return x.pop(5)", [[], [1]]),
    "list_remove": ("def f(x):\n    x.remove(1)\n    return x", [[1, 2, 1], [2]]),
    "negative_index": ("def f(x):\n    return [x[-1], x[-2]]", [[1, 2, 3], [1]]),
    "index_error": ("def f(x):\n    return x[3]", [[1], []]),
    "slices": ("def f(x):\n    return [x[1:], x[:-1], x[::2], x[::-1], x[-2:], x[5:], x[1:3:-1], x[3:0:-1], x[-10:10]]", [[0, 1, 2, 3, 4], "abcdef", []]),
    "slice_step_zero": ("def f(x):\n    return x[::0]", [[1]]),
    "sorted_stable_key_reverse": ("def f(x):\n    return [sorted(x), sorted(x, reverse=True), sorted(x, key=lambda v: str(v)[0]), sorted(x, key=len if x and isinstance(x[0], str) else str, reverse=True)]", LISTS),
    "sorted_tuple_key": ("def f(x):\n    rows = [{'n': 'b', 'v': 2}, {'n': 'a', 'v': 2}, {'n': 'c', 'v': 1}]\n    return [r['n'] for r in sorted(rows, key=lambda r: (-r['v'], r['n']))]", [0]),
    "sorted_numbers_not_strings": ("def f(x):\n    return sorted([10, 9, 1, 100, -5, 2.5])", [0]),
    "list_sort_in_place": ("def f(x):\n    x.sort(key=str, reverse=True)\n    return x", LISTS[:3]),
    "min_max_sum": ("def f(x):\n    return [min(x), max(x), sum(x), min(x, key=lambda v: -v), max(x, default=0)]", [[3, 1, 2], [2.5, -1]]),
    "min_empty": ("def f(x):\n    return min(x)", [[]]),
    "any_all_lazy": ("def f(x):\n    return [any(v['k'] for v in x), all(v['k'] for v in x)]", [[{"k": 1}, {}], [{"k": 0}, {}], []]),
    "enumerate_zip_reversed": ("def f(x):\n    return [list(enumerate(x, 1)), list(zip(x, 'abc')), list(reversed(x)), [i * v for i, v in enumerate(x)]]", [[5, 6, 7, 8], []]),
    "map_filter": ("def f(x):\n    return [list(map(str, x)), list(filter(None, x)), list(map(lambda a, b: a + b, x, x))]", [[0, 1, 2], []]),
    "range": ("def f(x):\n    return [list(range(x)), list(range(1, x, 2)), list(range(x, 0, -1)), len(range(x)), 3 in range(x)]", [0, 5, 7]),
    "dict_methods": ("def f(x):\n    d = dict(x)\n    d.setdefault('z', [])\n    d.update({'a': 0}, b=2)\n    p = d.pop('a', None)\n    return [d, list(d.keys()), list(d.values()), list(d.items()), p, d.get('q'), d.get('q', 5), 'z' in d]", [{"a": 1, "k": None}, {}]),
    "dict_get_none_vs_missing": ("def f(x):\n    return [x.get('a'), x.get('a', 'dflt'), x.get('b', 'dflt')]", [{"a": None}, {}]),
    "dict_keyerror": ("def f(x):\n    return x['missing']", [{}, {"a": 1}]),
    "dict_popitem_del": ("def f(x):\n    d = dict(x)\n    del d['a']\n    return [d.popitem() if d else None, d]", [{"a": 1, "b": 2}, {"a": 1}]),
    "dict_del_missing": ("def f(x):\n    del x['zz']", [{}]),
    "dict_order_insertion": ("def f(x):\n    d = {}\n    d['b'] = 1\n    d['a'] = 2\n    d['c'] = 3\n    del d['a']\n    d['a'] = 4\n    return list(d)", [0]),
    "for_items_pairs": ("def f(x):\n    out = []\n    k = 'before'\n    for k, v in x.items():\n        if v is None:\n            continue\n        out.append(k + '=' + str(v))\n        v = 'changed'\n    else:\n        out.append('done')\n    return [out, k]", [{"a": 1, "b": None, "10": 2, "c": [1]}, {}]),
    "for_items_not_a_dict": ("def f(x):\n    for k, v in x.items():\n        return k\n    return None", [[1, 2], "ab", None]),
    "isinstance_tuple_inline": ("def f(x):\n    return [isinstance(x, (bool, int, float)), isinstance(x, (str, dict)), isinstance(x, (int, str)), isinstance(x, (list, type(None))), isinstance(x, (float, bool))]", [True, 0, 1.5, "s", {}, [], None, 2**53]),
    "dict_comprehension": ("def f(x):\n    return {k.upper(): v * 2 for k, v in x.items() if v}", [{"a": 1, "b": 0, "c": 3}]),
    "dict_unpack": ("def f(x):\n    return {**x, 'extra': 1, **{'a': 9}}", [{"a": 1, "b": 2}, {}]),
    "nested_get_chain": ("def f(x):\n    return (x.get('context') or {}).get('page', {}).get('url')", [{"context": {"page": {"url": "u"}}}, {"context": None}, {}]),
    "attribute_on_none": ("def f(x):\n    return x.get('context').get('page')", [{}, {"context": 5}]),
    "subscript_none": ("def f(x):\n    return x['a']['b']", [{"a": None}, {"a": 1}, {"a": "str"}, {"a": []}]),
    "set_ops": ("def f(x):\n    s = set(x)\n    s.add('z')\n    s.discard('a')\n    return [sorted(s), len(s), 'z' in s, sorted(s | {'q'}), sorted(s & {'z'}), sorted(s - {'z'})]", [["a", "b", "a"], []]),
    "set_true_one": ("def f(x):\n    return [len({1, True, 1.0}), True in {1}, 0 in {False}]", [0]),
    "comprehension_scope": ("def f(x):\n    v = 'outer'\n    out = [v for v in x]\n    return [out, v]", [[1, 2]]),
    "comprehension_late_binding": ("def f(x):\n    fs = [lambda: i for i in range(3)]\n    return [g() for g in fs]", [0]),
    "nested_comprehension": ("def f(x):\n    return [[i, j] for i in range(x) for j in range(i) if (i + j) % 2]", [4]),
    "genexp_join": ("def f(x):\n    return ','.join(str(v) for v in x if v)", [[1, 0, 2], []]),
    "tuple_unpacking": ("def f(x):\n    a, b = x\n    (c, d), e = [x, 5]\n    first, *rest = [1, 2, 3]\n    *init, last = 'abc'\n    return [a, b, c, d, e, first, rest, init, last]", [[1, 2], "xy"]),
    "unpack_errors": ("def f(x):\n    a, b = x\n    return a", [[1], [1, 2, 3], 5]),
    "swap": ("def f(x):\n    a, b = 1, 2\n    a, b = b, a\n    return [a, b]", [0]),
    "deepcopy": ("import copy\ndef f(x):\n    y = copy.deepcopy(x)\n    y['a'].append(1)\n    z = copy.copy(x)\n    return [x, y, z == x]", [{"a": []}]),
    # control flow
    "for_else_break": ("def f(x):\n    for v in x:\n        if v == 2:\n            break\n    else:\n        return 'no break'\n    return 'broke'", [[1, 2], [1], []]),
    "while_else_continue": ("def f(x):\n    i = 0\n    out = []\n    while i < x:\n        i += 1\n        if i % 2:\n            continue\n        out.append(i)\n    else:\n        out.append('done')\n    return out", [0, 5]),
    "loop_var_after_loop": ("def f(x):\n    for v in x:\n        pass\n    return v", [[1, 2], []]),
    "unbound_local": ("def f(x):\n    if x:\n        y = 1\n    return y", [1, 0]),
    "walrus": ("def f(x):\n    if (n := len(x)) > 2:\n        return n\n    return [y for v in x if (y := v * 2)]", [[1, 0, 2], [1, 2, 3]]),
    "augmented": ("def f(x):\n    a = x\n    a += x\n    b = [1]\n    c = b\n    b += [2]\n    d = {'k': 1}\n    d['k'] += 5\n    n = 10\n    n //= 3\n    n **= 2\n    n %= 5\n    s = 'a'\n    s *= 3\n    return [a, b, c, d, n, s]", [1, "s", [0]]),
    "conditional_expression": ("def f(x):\n    return 'big' if x > 10 else 'small' if x > 1 else 'tiny'", [0, 5, 50]),
    # functions
    "defaults_once": ("def g(v, acc=[]):\n    acc.append(v)\n    return len(acc)\n\ndef f(x):\n    g(1)\n    return g(x)", [1, 2]),
    "keyword_only": ("def g(a, b=2, *, c, d=4):\n    return [a, b, c, d]\n\ndef f(x):\n    return [g(x, c=3), g(1, x, c=0, d=x), g(a=x, c=1)]", [1, "s"]),
    "args_kwargs": ("def g(a, *rest, k=1, **kw):\n    return [a, list(rest), k, kw]\n\ndef f(x):\n    return [g(x), g(1, 2, 3, k=x, z=9)]", [0]),
    "closures_nonlocal": ("def f(x):\n    count = 0\n    def inc(by=1):\n        nonlocal count\n        count += by\n        return count\n    inc()\n    inc(x)\n    return count", [1, 5]),
    "global_counter": ("TOTAL = 0\n\ndef bump(n):\n    global TOTAL\n    TOTAL += n\n    return TOTAL\n\ndef f(x):\n    return [bump(x), TOTAL]", [2]),
    "recursion": ("def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\n\ndef f(x):\n    return fact(x)", [0, 5, 15]),
    "lambda_values": ("def f(x):\n    key = lambda v: -v\n    return [key(x), (lambda a, b: a * b)(x, 3), sorted([3, 1, 2], key=key)]", [2]),
    "reserved_names": ("def f(x):\n    default = x\n    new = 1\n    function = 'f'\n    var = [default, new, function]\n    delete = {'var': var}\n    this = delete\n    return this", [7]),
    "module_constants": ("PREFIX = 'seg_'\nLIMITS = {'a': 1}\n\ndef f(x):\n    return PREFIX + str(LIMITS.get(x, 0))", ["a", "b"]),
    "returns_none_by_default": ("def g(x):\n    x.append(1)\n\ndef f(x):\n    return [g([]), x]", [0]),
    # exceptions
    "try_except_classes": ("def f(x):\n    try:\n        return x['k'][0] / x['d']\n    except KeyError as e:\n        return ['KeyError', str(e)]\n    except (IndexError, TypeError) as e:\n        return [type(e).__name__ if False else 'IT', str(e)]\n    except ZeroDivisionError:\n        return 'zero'", [{}, {"k": []}, {"k": None}, {"k": [1], "d": 0}, {"k": [4], "d": 2}]),
    "lookup_base_catches": ("def f(x):\n    try:\n        return x[3]\n    except LookupError as e:\n        return 'lookup: ' + str(e)", [[], {}, "ab"]),
    "exception_catches_all": ("def f(x):\n    try:\n        return 1 + x\n    except Exception as e:\n        return str(e)", ["a", None, 1]),
    "try_else_finally": ("def f(x):\n    log = []\n    try:\n        log.append('try')\n        if x:\n            raise ValueError('bad ' + str(x))\n    except ValueError as e:\n        log.append(str(e))\n    else:\n        log.append('else')\n    finally:\n        log.append('finally')\n    return log", [0, 1]),
    "finally_return": ("def f(x):\n    try:\n        return 'try'\n    finally:\n        x.append('fin')", [[]]),
    "reraise": ("def f(x):\n    try:\n        x['a']\n    except KeyError:\n        raise", [{}]),
    "raise_from": ("def f(x):\n    try:\n        int(x)\n    except ValueError as e:\n        raise RuntimeError('wrapped: ' + str(e)) from e\n    return 'ok'", ["1", "z"]),
    "custom_exception": ("class MappingError(Exception):\n    def __init__(self, message, field=None):\n        super().__init__(message)\n        self.field = field\n\nclass MissingField(MappingError):\n    code = 'E_MISSING'\n\ndef f(x):\n    try:\n        raise MissingField('no ' + x, field=x)\n    except MappingError as e:\n        return [str(e), e.field, e.code, isinstance(e, MissingField), isinstance(e, Exception)]", ["email"]),
    "custom_exception_escapes": ("class Boom(ValueError):\n    pass\n\ndef f(x):\n    raise Boom(x)", ["bang", 1]),
    "exception_args_str": ("def f(x):\n    return [str(ValueError()), str(ValueError('a', 2)), str(KeyError('k')), repr(ValueError('v')), str(Exception(x))]", ["m", None]),
    "exception_str_override": ("class E(Exception):\n    def __init__(self, status):\n        self.status = status\n    def __str__(self):\n        return f'status {self.status}'\n\ndef f(x):\n    raise E(x)", [500]),
    "segment_errors_raise": ("def f(x):\n    if x == 'r':\n        raise RetryError('try later')\n    if x == 'v':\n        raise ValidationError('bad')\n    raise DropEvent('drop ' + x)", ["r", "v", "d"]),
    "segment_error_subclass": ("class SprigRetry(RetryError):\n    pass\n\ndef f(x):\n    try:\n        raise SprigRetry('status ' + str(x))\n    except RetryError as e:\n        return ['caught', str(e)]", [503]),
    "assert_stmt": ("def f(x):\n    assert x, 'x must be truthy'\n    assert x != 2\n    return x", [1, 0, 2]),
    "isinstance_checks": ("def f(x):\n    return [isinstance(x, str), isinstance(x, int), isinstance(x, float), isinstance(x, bool), isinstance(x, (list, tuple)), isinstance(x, dict), isinstance(x, type(None))]", [None, True, 1, 1.5, "s", [], {}]),
}


@pytest.mark.node
@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(source, inputs)
