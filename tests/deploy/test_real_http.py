"""``segfn deploy`` through its real urllib transport: the fake Public API on a local port."""

from __future__ import annotations

import logging
import socket

from segfn.cli import main

from .conftest import TOKEN, write_bundle


def run(cli, url, *args, token=TOKEN):
    return cli.invoke(main, ["deploy", "--api-url", url, *args], env={"SEGMENT_API_TOKEN": token})


def test_create_unchanged_update_over_http(cli, project, state, fake_url, caplog):
    caplog.set_level(logging.DEBUG)
    write_bundle(project / "dist", "sprig", "async function onTrack() { return 1 }\n", name="Sprig")
    write_bundle(project / "dist", "scrub_pii", "exports = 1\n", kind="insert", name="Scrub PII")
    first = run(cli, fake_url)
    assert first.exit_code == 0, first.output + first.stderr
    assert "scrub_pii: created INSERT_DESTINATION function 'Scrub PII' ifnd_" in first.output
    assert "sprig: created DESTINATION function 'Sprig' dfn_" in first.output
    assert "unchanged" in run(cli, fake_url).output
    write_bundle(project / "dist", "sprig", "async function onTrack() { return 2 }\n", name="Sprig")
    third = run(cli, fake_url, "sprig")
    assert third.exit_code == 0 and "sprig: updated" in third.output
    assert [(m, p.split("/")[1]) for m, p, _ in state.writes] == [("POST", "functions")] * 2 + [("PATCH", "functions")]
    assert {a for _, _, a in state.requests} == {"application/vnd.segment.v1+json"}
    assert TOKEN not in caplog.text + first.output + third.output


def test_errors_over_http_keep_their_class(cli, project, state, fake_url):
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    unauthorized = run(cli, fake_url, token="sgp_not_the_token")
    assert unauthorized.exit_code == 1 and "GET / answered 401" in unauthorized.stderr
    state.rate_limit(retry_after="0")
    assert run(cli, fake_url).exit_code == 0  # a 429, honoured, then through


def test_a_network_failure_is_clear_and_masked(cli, project):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = run(cli, f"http://127.0.0.1:{port}")
    assert result.exit_code == 1, result.output
    assert f"error: GET http://127.0.0.1:{port}/ failed:" in result.stderr and "--api-url" in result.stderr
    assert TOKEN not in result.stderr and "Traceback" not in result.output + result.stderr
