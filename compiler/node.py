"""Drive ``harness.js`` (beside this module): one long-lived Node process running compiled bundles the way
Segment does, with every ``fetch`` answered by a Python transport (the very one the Python run uses).
"""

from __future__ import annotations

import asyncio
import json
import queue
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segfn.runtime import FetchError, Headers, Request, Response, Transport

HARNESS = Path(__file__).resolve().with_name("harness.js")


class HarnessError(RuntimeError):
    """Node could not be started, or the harness broke its protocol."""


@dataclass
class NodeResult:
    returned: Any = None  # parsed JSON of what the handler returned
    error: dict | None = None  # {"name", "message"} of what it threw
    requests: list[dict] = field(default_factory=list)  # {"method","url","headers","body"} as sent
    logs: list[str] = field(default_factory=list)


class NodeHarness:
    """A Node 20 process serving the harness protocol. Use as a context manager."""

    def __init__(self, node: str | None = None, timeout_ms: int = 5000, answer_timeout: float | None = None) -> None:
        """``answer_timeout``: seconds to wait for any line from Node before giving up with HarnessError
        (a bundle stuck in a synchronous loop never lets the harness's own timeout fire)."""
        self.answer_timeout = answer_timeout
        exe = node or shutil.which("node")
        if exe is None:
            raise HarnessError("node is not installed: segfn check runs compiled bundles in Node 20")
        # Segment runs functions on AWS Lambda, whose local time zone is UTC.
        env = {"SEGFN_HARNESS_TIMEOUT_MS": str(timeout_ms), "PATH": "/usr/bin:/bin", "TZ": "UTC"}
        self.proc = subprocess.Popen([exe, str(HARNESS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1, env=env)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._next = 0
        self._loop = asyncio.new_event_loop()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def __enter__(self) -> "NodeHarness":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._loop.close()

    def _send(self, obj: dict) -> None:
        try:
            self.proc.stdin.write(json.dumps(obj, ensure_ascii=True, allow_nan=False) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise HarnessError("the Node harness exited: " + self.proc.stderr.read()[-2000:]) from None

    def _request(self, op: str, **fields) -> int:
        self._next += 1
        self._send({"id": self._next, "op": op, **fields})
        return self._next

    def _serve(self, waiting: set[int], transport: Transport | dict[int, Transport] | None,
               requests: dict[int, list[dict]] | None = None) -> dict[int, dict]:
        """Read answers until every id in ``waiting`` is answered; answer fetches on the way (with the
        transport of the call that made them, when ``transport`` maps call ids to transports)."""
        answers: dict[int, dict] = {}
        while waiting:
            try:
                line = self.lines.get(timeout=self.answer_timeout)
            except queue.Empty:
                raise HarnessError(f"the Node harness gave no answer in {self.answer_timeout:g} s") from None
            if line is None:
                self.lines.put(None)  # every later read learns it too (it waited forever on an empty queue)
                raise HarnessError("the Node harness exited: " + self.proc.stderr.read()[-2000:])
            msg = json.loads(line)
            if "fetch" in msg:
                if requests is not None and msg.get("call") in requests:
                    requests[msg["call"]].append(msg["request"])
                chosen = transport.get(msg.get("call")) if isinstance(transport, dict) else transport
                self._send(self._answer_fetch(msg, chosen))
                continue
            answers[msg["id"]] = msg
            waiting.discard(msg["id"])
        return answers

    def _answer_fetch(self, msg: dict, transport: Transport | None) -> dict:
        r = msg["request"]
        request = Request(method=r["method"], url=r["url"], headers=Headers(r["headers"]), body=r["body"])
        if transport is None:
            return {"fetch": msg["fetch"], "error": {"message": f"request to {r['url']} failed, reason: no transport",
                                                   "code": "ENOTRANSPORT"}}
        try:
            response: Response = self._loop.run_until_complete(transport(request))
        except FetchError as exc:
            return {"fetch": msg["fetch"], "error": {"message": str(exc), "code": exc.code}}
        return {"fetch": msg["fetch"], "response": {"status": response.status, "statusText": response.status_text,
                                                    "headers": response.headers.to_dict(), "body": response.body,
                                                    "url": response.url or r["url"]}}

    def load(self, code: str, filename: str = "bundle.js", error_classes: bool = True) -> tuple[str, list[str]]:
        """Load a bundle; returns its id and the handlers it defines."""
        rid = self._request("load", code=code, filename=filename, errorClasses=error_classes)
        answer = self._serve({rid}, None)[rid]
        if not answer.get("ok"):
            err = answer.get("error") or {}
            raise HarnessError(f"the bundle did not load: {err.get('name')}: {err.get('message')}")
        return answer["bundle"], answer["handlers"]

    def unload(self, bundle: str) -> None:
        rid = self._request("unload", bundle=bundle)
        self._serve({rid}, None)

    def call_many(self, bundle: str, calls: list[tuple], transport: Transport | list[Transport] | None
                  ) -> list[NodeResult]:
        """Run (handler, event, settings[, control]) calls concurrently (pipelined); results in the same
        order. ``control`` is ``{"seed": s, "now": ms}`` for a frozen clock and seeded randomness
        (``compiler/determinism.py``), or None for the real ones; ``"freshCache": True`` in it gives the
        call an empty Segment ``cache`` of its own. ``transport`` answers every call's fetches, or is a
        list: one transport per call."""
        ids = []
        for handler, event, settings, *rest in calls:
            control = (rest[0] if rest else None) or {}
            ids.append(self._request("call", bundle=bundle, handler=handler,
                                     event=json.dumps(event, ensure_ascii=True, allow_nan=False),
                                     settings=json.dumps(settings, ensure_ascii=True, allow_nan=False),
                                     **{k: control[k] for k in ("seed", "now", "freshCache") if k in control}))
        sent: dict[int, list[dict]] = {i: [] for i in ids}
        if isinstance(transport, list):
            transport = dict(zip(ids, transport))
        answers = self._serve(set(ids), transport, sent)
        out = []
        for i in ids:
            a = answers[i]
            if not a.get("ok"):
                err = a.get("error") or {}
                raise HarnessError(f"harness failure: {err.get('name')}: {err.get('message')}")
            out.append(NodeResult(returned=None if a["returned"] is None else json.loads(a["returned"]),
                                  error=a["error"], logs=a["logs"], requests=sent[i]))
        return out

    def call(self, bundle: str, handler: str, event: Any, settings: Any, transport: Transport | None = None,
             control: dict | None = None) -> NodeResult:
        return self.call_many(bundle, [(handler, event, settings, control)], transport)[0]
