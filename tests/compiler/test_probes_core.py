"""Probes of values, operators and the traps listed in shared/specs/python-to-js.md: each compiles a
small function, runs it in CPython and in Node 20, and requires the same value or the same error."""

import pytest

ANY = [None, True, False, 0, 1, -7, 3.5, -0.5, "", "a", "10", "héllo 😀", [], [1, "a"], {}, {"k": 1}, [[]], 2 ** 40]

PROBES = {
    # truthiness and boolean operators
    "truthiness": ("def f(x):\n    return [bool(x), not x, 'yes' if x else 'no']", ANY),
    "and_or_operand": ("def f(x):\n    return [x and 'T', x or 'F', x or 0 or [], 1 and x]", ANY),
    "if_empty_containers": ("def f(x):\n    if x:\n        return 1\n    return 2", ANY),
    # equality and identity
    "eq_no_coercion": ("def f(x):\n    return [x == 1, x == '1', x == True, x == None, x != 0, x == [], x == {}]", ANY),
    "is_none": ("def f(x):\n    return [x is None, x is not None, x is True, x is False]", ANY),
    "deep_eq": ("def f(x):\n    return [x == {'k': 1}, [x] == [x], {'a': x} == {'a': x}, (1, 2) == [1, 2], [1, 2] == [1, 2]]", ANY),
    "one_equals_true": ("def f(x):\n    return [1 == True, 0 == False, 1.0 == 1]", [0]),
    # in
    "in_dict_list_str": ("def f(x):\n    d = {'a': 1, '10': 2}\n    return ['a' in d, x in d if isinstance(x, str) else None, 1 in [1, 2], x in [None, 1, 'a'], 'b' in 'abc']", ANY),
    "in_str_typeerror": ("def f(x):\n    return x in 'abc'", ANY),
    "in_number_typeerror": ("def f(x):\n    return 'a' in x", ANY),
    "proto_key": ("def f(x):\n    d = {}\n    d['__proto__'] = x\n    d['constructor'] = 1\n    return [d, 'toString' in d, d.get('valueOf'), len(d)]", [1, None]),
    # arithmetic traps
    "floor_div_mod_negative": ("def f(x):\n    return [x // 3, x % 3, -x // 3, -x % 3, x // -3, x % -3]", [7, -7, 0, 1, 10]),
    "float_mod": ("def f(x):\n    return [x % 2.5, -x % 2.5, x // 0.5]", [7.25, 1.0, -3.5]),
    "true_division": ("def f(x):\n    return [x / 2, str(x / 2), 7 / 7]", [1, 4, 3, -9]),
    "zero_division": ("def f(x):\n    return 1 / x", [0, 0.0]),
    "zero_floordiv": ("def f(x):\n    return 1 // x", [0]),
    "zero_mod": ("def f(x):\n    return 5 % x", [0]),
    "add_str_int": ("def f(x):\n    return 'a' + x", [1, None, "b", [1]]),
    "add_int_str": ("def f(x):\n    return 1 + x", ["a", None, 2, 2.5, True]),
    "list_concat": ("def f(x):\n    return [[1] + x, (1,) + tuple(x)] if x != 's' else [1] + tuple(x)", [[2], [], "s"]),
    "mul_seq": ("def f(x):\n    return ['ab' * x, [0] * x] if isinstance(x, int) else 'ab' * x", [3, 0, -1, 1.5, "x"]),
    "bool_arith": ("def f(x):\n    return [True + True, x + True, -True, True * 3]", [1, 2.5]),
    "pow": ("def f(x):\n    return [x ** 2, 2 ** x, x ** -1 if x else None]", [2, 3, -2, 0.5]),
    "unary_minus_type": ("def f(x):\n    return -x", ["a", None, 3, True]),
    "round_half_even": ("def f(x):\n    return [round(x), round(x, 1), round(x, 2), round(-x), round(x, -1), round(x, None)]", [0.5, 1.5, 2.5, 2.675, 0.125, 15, 25, 1234.5678, -0.5]),
    "int_float_parse": ("def f(x):\n    return [int(x), float(x)]", [" 12 ", "1_000", "-3", "+4", "1e3", "x", "", "١٢", "0x10", " 1.5"]),
    "int_of_float": ("def f(x):\n    return int(x)", [3.9, -3.9, True, None, "7"]),
    "float_parse_special": ("def f(x):\n    return str(float(x))", ["inf", "-Infinity", "nan", "1e-5", "1e16", "0.1", "123456789.123456789"]),
    "str_of_numbers": ("def f(x):\n    return [str(x), repr(x), f'{x}']", [0, -0.0, 1e-05, 1e16, 1e22, 0.1, 1 / 3, 2 ** 53, 2 ** 60, 4.955795873463251e16, 123.0, -1.5e-7, True, None]),
    "abs_divmod": ("def f(x):\n    return [abs(x), divmod(x, 3), divmod(-x, 3)]", [7, -7, 2.5]),
    "bitwise": ("def f(x):\n    return [x & 6, x | 1, x ^ 3, x << 2, x >> 1, ~x]", [5, -5, 2 ** 35]),
    "chained_comparison": ("def f(x):\n    return [0 < x < 10, 0 <= x <= 0, 1 < 2 > x]", [0, 5, 11, -1]),
    "ordering_types": ("def f(x):\n    return x < 1", ["a", None, [1], 0.5]),
    "ordering_strings": ("def f(x):\n    return [x < 'b', x > 'B', 'ä' < x, '\\uffff' < x]", ["a", "c", "𝔸", "\ufffe"]),
    "ordering_lists": ("def f(x):\n    return [x < [1, 2], [1, 'a'] < x, (1, 2) < (1, 3)]", [[1], [1, 2, 3], [0, 'z']]),
    # strings
    "len_code_points": ("def f(x):\n    return [len(x), x[0] if x else None, x[-1] if x else None, x[::-1], x[1:3]]", ["abc", "😀a😀", "é", "a"]),
    "string_index_error": ("def f(x):\n    return x[5]", ["abc"]),
    "split_rules": ("def f(x):\n    return [x.split(), x.split(' '), x.split(',', 1), x.rsplit(None, 1), x.split(maxsplit=1)]", ["", " a  b ", "a,b,c", "\x1ca\x1fb\u3000c", "\ufeffx y"]),
    "strip_whitespace": ("def f(x):\n    return [x.strip(), x.lstrip(), x.rstrip(), x.strip('ax')]", [" \t\n a \x1f", "\ufeffa\ufeff", "xaxbxa", "\x85z\xa0"]),
    "replace_all": ("def f(x):\n    return [x.replace('a', 'b'), x.replace('a', 'b', 1), x.replace('', '-')]", ["banana", "", "😀a"]),
    "str_methods": ("def f(x):\n    return [x.lower(), x.upper(), x.title(), x.capitalize(), x.startswith(('a', 'B')), x.endswith('z'), x.find('n'), x.rfind('n'), x.count('a'), x.zfill(8), x.center(9, '*'), x.ljust(6), x.rjust(6, '.')]", ["banana", "Hello wORLD", "", "ǆemal", "straße"]),
    "str_predicates": ("def f(x):\n    return [x.isdigit(), x.isdecimal(), x.isnumeric(), x.isalpha(), x.isalnum(), x.isspace(), x.islower(), x.isupper()]", ["123", "²", "½", "abc", "ab1", " \x1c", "", "aB", "ABC1", "١"]),
    "join_types": ("def f(x):\n    return ','.join(x)", [["a", "b"], [], ["a", 1], "abc"]),
    "partition_prefix": ("def f(x):\n    return [x.partition('-'), x.rpartition('-'), x.removeprefix('a'), x.removesuffix('c')]", ["a-b-c", "abc"]),
    "index_errors": ("def f(x):\n    return x.index('z')", ["abc", ["z"], ["a"]]),
    "splitlines": ("def f(x):\n    return [x.splitlines(), x.splitlines(True)]", ["a\nb\r\nc\rd\x1ce\u2028", ""]),
    "encode_decode": ("def f(x):\n    return [x.encode().hex(), x.encode('utf-8').decode()]", ["a", "é😀", ""]),
    "ord_chr": ("def f(x):\n    return [ord(x), chr(ord(x) + 1)]", ["a", "😀", "ab", ""]),
    # formatting
    "fstring_specs": ("def f(x):\n    return [f'{x:.2f}', f'{x:05d}' if isinstance(x, int) else '', f'{x:,}', f'{x:>8}', f'{x:<6}|', f'{x:^7}', f'{x:+.1e}', f'{x:.3g}', f'{x:.1%}', f'{x:_}']", [0.125, 1234567, -42, 3.14159, 0, 1e-7, 2.5, 1e20]),
    "fstring_nested_spec": ("def f(x):\n    w = 8\n    p = 3\n    return f'{x:{w}.{p}f}|{x!r:>10}|{str(x)!s}'", [1.5, 2]),
    "format_int_types": ("def f(x):\n    return [f'{x:x}', f'{x:#X}', f'{x:b}', f'{x:o}', f'{x:08.3f}', f'{x:=+8}', f'{x:c}' if x > 0 else '']", [255, 10, -3]),
    "format_str_spec": ("def f(x):\n    return [f'{x:.2}', f'{x:*^9}', f'{x:10}|', format(x, '>4')]", ["abc", "😀😀😀"]),
    "format_errors": ("def f(x):\n    return f'{x:d}'", [1.5, "a", None, True]),
    "format_none_spec": ("def f(x):\n    return f'{x:>5}'", [None, [1]]),
    "percent_format": ("def f(x):\n    return ['%s|%r|%5s|%-5s|' % (x, x, x, x), '%d items' % 3, '%.2f' % 2.675, '%05.1f%%' % 9.96, '%(a)s-%(b)d' % {'a': x, 'b': 2}, '%x %o %e' % (255, 8, 12345.678)]", ["v", 1, None]),
    "percent_errors": ("def f(x):\n    return '%d' % x", ["a", None, 2.7]),
    "percent_count": ("def f(x):\n    return '%s %s' % tuple(x)", [[1], [1, 2, 3], [1, 2]]),
    "str_format_method": ("def f(x):\n    return ['{} and {}'.format(x, 2), '{0}{0}'.format(x), '{name:>6}'.format(name=x), '{:.2f}'.format(1.005), '{{}}'.format()]", ["a", 1]),
    "repr_strings": ("def f(x):\n    return [repr(x), str([x]), str({'k': x}), str((x,))]", ["it's", 'say "hi"', "both ' \"", "tab\tnl\n\x00\x7f\x85é😀\u200b", "\\"]),
    "repr_containers": ("def f(x):\n    return [str(x), repr(x), str(tuple(x)), repr(set(x) if len(x) < 2 else x)]", [[1, "a", None, True, 2.5], {"a": [1, {}]}, [], [1], [1, 2]]),
}


@pytest.mark.node
@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(source, inputs)
