"""``segfn replay -j N`` and ``--dask``: the same outcomes, goldens, reports and exit codes as ``-j 1``."""

from __future__ import annotations

import gzip
import json
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from segfn.cli import main
from segfn.emulator.cluster import archive_urls
from segfn.emulator.dedupe import SeenIndex
from segfn.emulator.parallel import ParallelReplay, Share, WorkerConfig
from segfn.emulator.workspace import load_workspace
from tests.conftest import scenario

distributed = pytest.importorskip("distributed", reason="the dask extra (in the test extra) is not installed")


def archive_lines(count: int, seed: int) -> list[str]:
    """Realistic traffic with what makes order matter: duplicate messageIds (some more than 24 hours
    apart), messages without one, two sources, filtered and failing messages, and unreadable lines."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 1, tzinfo=timezone.utc)
    lines = []
    for i in range(count):
        kind = rng.choice(["track", "track", "identify", "page", "group"])
        received = start + timedelta(minutes=rng.randrange(0, 60 * 30))
        message = {"type": kind, "userId": f"u{rng.randrange(40)}", "messageId": f"m-{rng.randrange(count * 3 // 4)}",
                   "receivedAt": received.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "timestamp": "2025-03-01T00:00:00.000Z"}
        if kind == "track":
            message["event"] = "Clicked"
            message["properties"] = {"do": rng.choice(["ok", "ok", "fetch", "retry", "reject", "print"])}
        if kind == "group":
            message["groupId"] = "g1"
        if rng.random() < 0.05:
            del message["messageId"]
        if rng.random() < 0.1:
            message["writeKey"] = "wk-mobile"
        if rng.random() < 0.05:
            message["integrations"] = {"All": False}
        if rng.random() < 0.02:
            del message["userId"]  # rejected by the Tracking API
        lines.append(json.dumps(message))
        if rng.random() < 0.01:
            lines.append(rng.choice(["{not json", "[1, 2]", '{"type": "track", "event": NaN}']))
    return lines


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parallel")
    (root / "workspace.toml").write_text(f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[sources]]
name = "mobile"
write_key = "wk-mobile"
[[destinations]]
name = "Behave"
function = "{scenario("behave")}"
settings = {{ apiKey = "s3cr3t-canary" }}
[[destinations]]
name = "Web only"
function = "{scenario("behave")}"
sources = ["web"]
settings = {{ apiKey = "other-key" }}
[[destinations.filters]]
if = 'type = "page"'
actions = [{{ type = "DROP" }}]
''')
    archives = root / "fixtures" / "archives"
    archives.mkdir(parents=True)
    (archives / "day.ndjson.gz").write_bytes(gzip.compress("\n".join(archive_lines(1200, 1)).encode()))
    (archives / "small.ndjson").write_text("\n".join(archive_lines(150, 2)) + "\n")
    (root / "fixtures" / "messages").mkdir()
    (root / "fixtures" / "messages" / "one.json").write_text(json.dumps(json.loads(archive_lines(5, 3)[0])))
    return root


def replay(cli, project: Path, *args: str):
    return cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "--format", "json", *args,
                             str(project / "fixtures")])


def test_the_same_archive_at_j1_j2_and_on_a_local_cluster_gives_identical_outcomes(cli, project):
    one = replay(cli, project, "-j", "1")
    assert one.exit_code == 2, one.output  # the archives hold unreadable lines: exit 2 whatever -j is
    outcomes = [line for line in one.output.splitlines() if line.startswith("{")]
    kinds = {json.loads(line).get("outcome") for line in outcomes}
    assert len(outcomes) > 1500 and {"delivered", "filtered", "discarded", "rejected"} <= kinds
    assert any(json.loads(line).get("stage") == "dedupe" for line in outcomes)
    two = replay(cli, project, "-j", "2")
    assert (two.exit_code, two.output) == (one.exit_code, one.output)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = replay(cli, project, "--dask", cluster.scheduler_address)
    assert (on_dask.exit_code, on_dask.output) == (one.exit_code, one.output)


def test_goldens_written_at_j2_match_at_j1(cli, tmp_path, project):
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    (copy / "fixtures" / "archives" / "day.ndjson.gz").unlink()
    (copy / "fixtures" / "archives" / "small.ndjson").write_text(
        "\n".join(line for line in archive_lines(300, 4) if line.startswith('{"type"') and "NaN" not in line))
    assert replay(cli, copy, "-j", "2", "--update").exit_code == 0
    golden = json.loads((copy / "fixtures/expected/archives/small.ndjson.json").read_text())
    assert sum(golden["summary"].values()) > 300
    checked = replay(cli, copy, "-j", "1")
    assert checked.exit_code == 0 and "2 match, 0 differ, 0 missing" in checked.output


def test_injected_faults_meet_the_same_messages_at_any_j(cli, project):
    faults = ["--sprig-faults", '{"error_rate": 0.5, "status": 503, "seed": 3}']
    assert replay(cli, project, "-j", "2", *faults).output == replay(cli, project, "-j", "1", *faults).output


def test_a_handler_in_an_endless_loop_ends_as_timeout_and_the_replay_goes_on(tmp_path, project):
    archive = tmp_path / "stuck.ndjson"
    stuck = {"type": "track", "userId": "u", "event": "Clicked", "properties": {"do": "forever"}}
    archive.write_text("\n".join(json.dumps({**stuck, "messageId": f"s-{i}"}) if i == 3 else
                                 json.dumps({**stuck, "messageId": f"s-{i}", "properties": {"do": "ok"}})
                                 for i in range(8)))
    config = WorkerConfig(load_workspace(project / "workspace.toml"), project, timeout=0.2)
    runner = ParallelReplay(config, 2)
    try:
        result = runner.run(archive)
    finally:
        runner.close()
    assert result.counts["messages"] == 8 and result.counts["delivered"] == 14
    assert result.summary["Behave | discarded | destination_function | Retries Exhausted"] == 1


def test_segments_s3_layout_replays_on_dask_like_a_local_replay(cli, tmp_path, project):
    """s3://bucket/segment-logs/<source-id>/<received-day>/<file>.gz, as a file:// tree (S3 itself
    cannot be reached here; fsspec reads both the same way)."""
    day = tmp_path / "bucket" / "segment-logs" / "src_1a2b3c" / "1740787200000"
    day.mkdir(parents=True)
    lines = [line for line in archive_lines(400, 5) if line.startswith('{"type"') and "NaN" not in line]
    (day / "1740790000.a1b2.gz").write_bytes(gzip.compress("\n".join(lines[:250]).encode()))
    (day / "1740799000.c3d4.gz").write_bytes(gzip.compress("\n".join(lines[250:]).encode()))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "--dask",
                                    cluster.scheduler_address, "--update", f"file://{tmp_path}/bucket/segment-logs/"])
    assert on_dask.exit_code == 0, on_dask.output
    assert "400 messages" in on_dask.output and "; 2 fixtures, " in on_dask.output
    written = sorted((project / "fixtures" / "expected" / "file").rglob("*.gz.json"))
    assert [p.name for p in written] == ["1740790000.a1b2.gz.json", "1740799000.c3d4.gz.json"]
    for golden, start, end in ((written[0], 0, 250), (written[1], 250, 400)):
        local = tmp_path / f"local-{start}.ndjson"
        local.write_text("\n".join(lines[start:end]))
        summary = json.loads(golden.read_text())["summary"]
        assert summary == _local_summary(cli, project, local)


def _local_summary(cli, project: Path, archive: Path) -> dict:
    update = cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "-j", "1", "--update",
                               str(archive)])
    assert update.exit_code == 0, update.output
    golden = next((project / "fixtures" / "expected").rglob(archive.name + ".json"))
    return json.loads(golden.read_text())["summary"]


def test_urls_without_dask_are_refused_clearly(cli, project):
    result = cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "s3://bucket/x.gz"])
    assert result.exit_code == 2 and "add --dask local" in result.output


def test_a_folder_url_stands_for_the_archives_in_it():
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for name in ("segment-logs/src/1740787200000/b.gz", "segment-logs/src/1740787200000/a.gz",
                 "segment-logs/src/1740873600000/c.gz", "segment-logs/src/notes.txt"):
        memory.pipe(f"/bucket/{name}", b"")
    assert archive_urls(["memory://bucket/segment-logs/"]) == [
        "memory:///bucket/segment-logs/src/1740787200000/a.gz", "memory:///bucket/segment-logs/src/1740787200000/b.gz",
        "memory:///bucket/segment-logs/src/1740873600000/c.gz"]


@given(st.integers(1, 8), st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=30))
def test_each_line_falls_to_exactly_one_share_and_copies_of_a_message_to_the_same(count, ids):
    for line, message_id in enumerate(ids):
        payload = {} if message_id is None else {"messageId": message_id}
        owners = [k for k in range(count) if Share(k, count).owns(line, payload)]
        assert len(owners) == 1
        if message_id:
            assert all(Share(owners[0], count).owns(other, payload) for other in range(5))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "é", ""]),
                          st.integers(-10 ** 13, 10 ** 13) | st.integers(0, 200_000)), max_size=200))
def test_the_compact_dedupe_index_decides_as_a_dict_does(sightings):
    index, reference, window = SeenIndex(), {}, 100_000
    for n, (key, at) in enumerate(sightings):
        first = reference.get(key)
        expected = first[1] if first is not None and at - first[0] < window else None
        if expected is None:
            reference[key] = (at, n % 3)  # the tag: the source that sent it first
        assert index.check(key, at, window, n % 3) == expected
    assert len(index) == len(reference)


def test_the_compact_dedupe_index_grows_and_stays_small():
    index = SeenIndex()
    for i in range(50_000):
        assert index.check(f"m-{i}", 1_740_000_000_000 + i, 86_400_000, i % 2) is None
    assert all(index.check(f"m-{i}", 1_740_000_000_000 + 50_000, 86_400_000) == i % 2 for i in range(0, 50_000, 7))
    size = sum((s.keys.itemsize + s.times.itemsize + s.tags.itemsize) * s.size for s in index._shards)
    assert size / 50_000 < 30  # bytes a key


def test_an_archive_line_that_is_not_utf8_is_that_lines_problem_and_the_rest_replays(cli, tmp_path, project):
    archive = tmp_path / "mixed.ndjson"
    good = [line for line in archive_lines(20, 6) if line.startswith('{"type"') and "NaN" not in line][:3]
    archive.write_bytes(good[0].encode() + b"\n" + b'{"type": "track", "event": "\xff"}\n' + "\n".join(good[1:]).encode())
    result = cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "-j", "1", str(archive)])
    assert result.exit_code == 2
    assert "mixed.ndjson:2:29: not UTF-8 text (byte 0xff" in result.output and "3 messages" in result.output
