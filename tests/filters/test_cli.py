"""``segfn fql`` and ``segfn filter`` through click's CliRunner."""

from __future__ import annotations

import json

from segfn.cli import main

EVENTS = "\n".join(json.dumps(e) for e in [
    {"type": "track", "event": "Test Checkout", "properties": {"a": 1}},
    {"type": "track", "event": "Order Completed", "properties": {"password": "x", "a": 1}},
    {"type": "identify", "userId": "u", "traits": {"password": "x"}},
]) + "\n"


def test_fql_prints_the_ir(cli):
    result = cli.invoke(main, ["fql", "type = 'track' and contains(event, 'Order')"])
    assert result.exit_code == 0
    assert json.loads(result.output) == ["and", ["=", "type", {"value": "track"}],
                                         ["contains", "event", {"value": "Order"}]]


def test_fql_syntax_error_exits_2_with_the_caret(cli):
    result = cli.invoke(main, ["fql", "event = "])
    assert result.exit_code == 2
    assert "column 9" in result.stderr and result.stderr.rstrip().endswith("^")


def test_filter_applies_public_api_filters_in_segments_order(cli, tmp_path):
    rules = tmp_path / "filters.json"
    rules.write_text(json.dumps([
        {"if": "all", "actions": [{"type": "DROP_PROPERTIES", "fields": {"properties": ["password"]}}]},
        {"if": "match(event, 'Test *')", "actions": [{"type": "DROP"}]},
    ]))
    result = cli.invoke(main, ["filter", "--rules", str(rules)], input=EVENTS)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "null"
    assert json.loads(lines[1]) == {"type": "track", "event": "Order Completed", "properties": {"a": 1}}
    assert json.loads(lines[2]) == {"type": "identify", "userId": "u", "traits": {"password": "x"}}


def test_filter_applies_routing_rules_for_one_destination(cli, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{
        "destinationName": "Sprig Cloud", "matchers": [{"type": "fql", "ir": '["=","type",{"value":"identify"}]'}],
        "transformers": [[{"type": "drop_properties", "config": {"drop": {"traits": ["password"]}}}]]}]))
    for destination, traits in (("Sprig Cloud", {}), ("Other", {"password": "x"})):
        result = cli.invoke(main, ["filter", "--rules", str(rules), "--destination", destination], input=EVENTS)
        assert result.exit_code == 0
        assert json.loads(result.output.splitlines()[2])["traits"] == traits


def test_bad_rule_files_and_bad_lines_exit_2_saying_where(cli, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text('[{"if": "a = ", "actions": [{"type": "DROP"}]}]')
    result = cli.invoke(main, ["filter", "--rules", str(rules)], input=EVENTS)
    assert result.exit_code == 2 and "filters[0].if" in result.stderr
    rules.write_text("{not json")
    result = cli.invoke(main, ["filter", "--rules", str(rules)], input=EVENTS)
    assert result.exit_code == 2 and "rules.json:1:2: not JSON" in result.stderr
    rules.write_text("[]")
    result = cli.invoke(main, ["filter", "--rules", str(rules)], input='{"a": 1}\n{oops\n')
    assert result.exit_code == 2 and "<stdin>:2:" in result.stderr
    assert result.stdout.splitlines() == ['{"a":1}']  # what was already read is kept


def test_fql_warns_of_a_construct_segments_docs_and_tsub_answer_differently(cli):
    result = cli.invoke(main, ["fql", "length(userId) < 1"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == ["<", ["length", "userId"], {"value": 1}]  # stdout stays the IR
    assert result.stderr.startswith("warning: length(userId) < 1: Segment's FQL docs say")
    quiet = cli.invoke(main, ["fql", "event = 'A'"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_filter_warns_naming_the_filter_and_still_applies_tsubs_answer(cli, tmp_path):
    rules = tmp_path / "filters.json"
    rules.write_text(json.dumps([{"if": "event = 'A'", "actions": [{"type": "DROP"}]},
                                 {"if": "'a' in tags", "actions": [{"type": "DROP"}]}]))
    result = cli.invoke(main, ["filter", "--rules", str(rules)], input='{"type": "track", "event": "B", "tags": ["a"]}\n')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"type": "track", "event": "B", "tags": ["a"]}  # tsub: not in
    assert result.stderr.count("warning: ") == 1 and f"{rules}: $[1].if: \"a\" in tags" in result.stderr
