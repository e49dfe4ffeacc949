"""Naive datetimes are UTC wherever a function runs (Segment's runtime is UTC): the runner gives the
same answers under ``TZ=America/New_York`` as under ``TZ=UTC``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

CLOCK = '''
from datetime import datetime
from segfn.runtime import Setting

KIND = "insert"
NAME = "Clock"


def on_track(event, settings):
    ts = event["properties"]["ts"]
    naive = datetime.fromtimestamp(ts)
    parsed = datetime.fromisoformat("2024-03-05T10:20:30")
    event["properties"]["local"] = [naive.isoformat(), naive.hour, parsed.timestamp(),
                                    parsed.astimezone().isoformat()]
    return event
'''

RUN = '''
import json, sys
from segfn.emulator.runner import Runner, load_function
fn = load_function(sys.argv[1])
runner = Runner()
inv = runner.invoke(fn, {"type": "track", "properties": {"ts": 1709634030.25}}, {}, None)
runner.close()
print(json.dumps(inv.returned["properties"]["local"]))
'''


def _run_under(tz: str, module: Path) -> list:
    env = {**os.environ, "TZ": tz}
    out = subprocess.run([sys.executable, "-c", RUN, str(module)], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_the_runner_reads_naive_datetimes_as_utc_whatever_the_machines_zone(tmp_path):
    module = tmp_path / "functions" / "clock.py"
    module.parent.mkdir()
    module.write_text(textwrap.dedent(CLOCK))
    new_york, utc = _run_under("America/New_York", module), _run_under("UTC", module)
    assert new_york == utc
    assert utc == ["2024-03-05T10:20:30.250000", 10, 1709634030.0, "2024-03-05T10:20:30+00:00"]
