"""``segfn replay`` says what ``segfn build`` would refuse (issue 13, point 8): once per module, with the
compiler's ``file:line:col`` messages and carets, on stderr (stdout stays the replay's), while the
replay itself runs the Python as written and keeps its exit code."""

from __future__ import annotations

import json
import textwrap

from segfn.cli import main
from segfn.emulator.replay import build_warnings

REFUSED = '''
from segfn.runtime import fetch

KIND = "destination"
NAME = "Refused"


def label(event, field="type"):
    return getattr(event, field, "none")


def send(event, settings):
    codes = {1: "one"}
    return {"label": label(event), "code": codes.get(1), "plain": hash("x") is not None}


on_track = send
on_identify = send
'''
HELPER = '''
def label(event, field="type"):
    return getattr(event, field, "none")
'''
FINE = '''
KIND = "destination"
NAME = "Fine"


async def on_track(event, settings):
    return None
'''


def project(tmp_path):
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "refused.py").write_text(textwrap.dedent(REFUSED).lstrip(), encoding="utf-8")
    (functions / "helpers.py").write_text(textwrap.dedent(HELPER).lstrip(), encoding="utf-8")
    (functions / "fine.py").write_text(textwrap.dedent(FINE).lstrip(), encoding="utf-8")
    (tmp_path / "workspace.toml").write_text('''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "One"
function = "functions/refused.py"
[[destinations]]
name = "Two"
function = "functions/refused.py"
[[destinations]]
name = "Three"
function = "functions/fine.py"
''', encoding="utf-8")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "one.json").write_text(json.dumps(
        {"type": "track", "userId": "u", "event": "E", "messageId": "m1"}), encoding="utf-8")
    return tmp_path


def test_replay_warns_once_per_module_with_the_compilers_positions(tmp_path, cli):
    root = project(tmp_path)
    result = cli.invoke(main, ["replay", "--workspace", str(root / "workspace.toml"), "--format", "json", "-j", "1",
                               "--update", str(root / "fixtures")])
    assert result.exit_code == 0, result.output
    warnings = [block for block in result.stderr.split("warning: ")[1:] if "segfn build" in block]
    assert len(warnings) == 1, result.stderr  # two destinations, one module; the fine module says nothing
    text = warnings[0]
    assert text.startswith("functions/refused.py: segfn build refuses this function (3 problems; "
                           "replay runs the Python as written):")
    assert "functions/refused.py:8:12: getattr() is not supported: attributes must be named in the code" in text
    assert "functions/refused.py:12:14: dict keys must be str" in text
    assert "functions/refused.py:13:67: hash() is not supported" in text
    assert "    return getattr(event, field, \"none\")\n               ^" in text  # the caret under the column
    assert str(tmp_path) not in text
    assert "segfn build" not in result.stdout
    outcomes = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {o["outcome"] for o in outcomes} == {"delivered"}  # the Python ran as written


def test_the_verdict_follows_the_modules_files_helpers_included(tmp_path):
    root = project(tmp_path)
    module = root / "functions" / "refused.py"
    module.write_text(textwrap.dedent(REFUSED).replace("from segfn.runtime import fetch",
                                                       "from segfn.runtime import fetch\nfrom functions.helpers import label as other").lstrip())
    (warning,) = build_warnings([module, module], root)
    assert "(4 problems;" in warning and "functions/helpers.py:2:12: getattr() is not supported" in warning
    (root / "functions" / "helpers.py").write_text("def label(event):\n    return event.get('type')\n")
    (warning,) = build_warnings([module], root)
    assert "(3 problems;" in warning and "helpers.py" not in warning  # a helper's fix is seen
    module.write_text(textwrap.dedent(REFUSED).replace('{1: "one"}', '{"1": "one"}').replace(
        'hash("x") is not None', "True").replace("codes.get(1)", 'codes.get("1")').replace(
        'getattr(event, field, "none")', 'event.get(field)').lstrip())
    assert build_warnings([module], root) == []
