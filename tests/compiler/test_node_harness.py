"""The Node harness outlives what one bundle does: a promise the bundle started and never awaited
rejecting later (Node 20 exits on an unhandled rejection, and every later call of the session died
with it: the corpus found it through asyncio.gather), and it says so when Node is gone."""

from __future__ import annotations

import pytest

from segfn.compiler.node import HarnessError, NodeHarness

pytestmark = pytest.mark.node

ORPHAN = """
async function onTrack(event, settings) {
  new Promise((_, reject) => setTimeout(() => reject(new Error("nobody awaits this")), 1));
  Promise.reject(new TypeError("nor this"));
  return event.n;
}
"""


def test_a_rejection_no_one_awaits_does_not_end_the_harness():
    with NodeHarness() as harness:
        bundle, handlers = harness.load(ORPHAN)
        assert handlers == ["onTrack"]
        for n in range(3):
            (result,) = harness.call_many(bundle, [("onTrack", {"n": n}, {})], None)
            assert result.returned == n and result.error is None
        assert harness.proc.poll() is None  # still running


def test_calls_after_node_is_gone_fail_at_once_and_say_so():
    harness = NodeHarness(answer_timeout=30)
    bundle, _ = harness.load(ORPHAN)
    harness.proc.kill()
    harness.proc.wait()
    for _ in range(2):
        with pytest.raises(HarnessError, match="the Node harness exited"):
            harness.call_many(bundle, [("onTrack", {"n": 1}, {})], None)
    harness.close()


GATHER = """
async function send(name, logs) {
  logs.push(name + " start");
  const res = await fetch("https://api.example.com/" + name, { method: "POST" });
  if (name === "a") logs.push("a read " + (await res.text()));
  logs.push(name + " got " + res.status);
}
async function onTrack(event, settings) {
  const logs = [];
  await Promise.all([send("a", logs), send("b", logs), send("c", logs)]);
  return logs;
}
"""


@pytest.mark.parametrize("pause", [0, 0.05])
def test_a_calls_requests_are_answered_together_however_the_answers_arrive(pause):
    """Equal latency: every request a call has out resumes in the same turn, in the order it was sent,
    as on the Python side. Answers written 50 ms apart reached Node in separate chunks, and the bundle
    ran the first request's coroutine to its end before the second had its answer (the corpus's
    parallel forwarder logged in either order, from one CI run to the next)."""
    import time

    from segfn.runtime import Response

    async def slow(request):
        time.sleep(pause)  # the parent writes each answer apart
        return Response(201, "ok")

    with NodeHarness() as harness:
        bundle, _ = harness.load(GATHER)
        (result,) = harness.call_many(bundle, [("onTrack", {}, {})], slow)
    assert result.returned == ["a start", "b start", "c start", "b got 201", "c got 201", "a read ok", "a got 201"]
