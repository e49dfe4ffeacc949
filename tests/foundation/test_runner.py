"""The runner: loading function modules, settings, and Segment's error taxonomy."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from segfn.emulator.errors import (BadRequest, ConfigError, InvalidSettings, MessageRejected, RetryRequested, TimedOut,
                             UnsupportedEventType)
from segfn.emulator.runner import Runner, check_settings, load_function
from segfn.emulator.transport import AnswerOk
from segfn.runtime import FetchError, Response, Setting
from tests.conftest import scenario

SETTINGS = {"apiKey": "k"}


@pytest.fixture(scope="module")
def behave():
    return load_function(scenario("behave"))


@pytest.fixture
def runner():
    r = Runner(timeout=0.5)
    yield r
    r.close()


def track(do: str) -> dict:
    return {"type": "track", "event": "Clicked", "properties": {"do": do}}


@pytest.mark.parametrize("do, category, error_class", [
    ("reject", "Message Rejected", MessageRejected),
    ("invalid", "Message Rejected", MessageRejected),
    ("unsupported", "Unsupported Event Type", UnsupportedEventType),
    ("retry", "Retry", RetryRequested),
    ("crash", "Bad Request", BadRequest),
    ("network", "Bad Request", BadRequest),  # an uncaught FetchError is a Bad Request, as in Segment
    ("timeout-error", "Bad Request", BadRequest),  # the function's own TimeoutError is not a Segment timeout
])
def test_what_a_function_raises_maps_to_segments_category(runner, behave, do, category, error_class):
    async def refuse(request):
        raise FetchError(f"request to {request.url} failed, reason: getaddrinfo ENOTFOUND", "ENOTFOUND")

    invocation = runner.invoke(behave, track(do), SETTINGS, refuse)
    assert isinstance(invocation.error, error_class)
    assert invocation.error.category == category
    assert invocation.error.__cause__ is invocation.exception
    assert not invocation.ok


def test_a_bad_request_names_the_exception(runner, behave):
    invocation = runner.invoke(behave, track("crash"), SETTINGS, AnswerOk())
    assert invocation.error.reason == "KeyError: 'missing'"


def test_returning_is_delivered_and_the_return_value_is_kept(runner, behave):
    invocation = runner.invoke(behave, track("ok"), SETTINGS, AnswerOk())
    assert invocation.ok and invocation.returned == "ok" and invocation.error is None


def test_plain_def_handlers_run_and_get_only_declared_settings(runner, behave):
    invocation = runner.invoke(behave, {"type": "identify"}, {"apiKey": "k", "region": "eu"}, AnswerOk())
    assert invocation.returned == {"sync": True, "settings": ["apiKey", "region"]}


def test_a_missing_handler_is_unsupported_event_type(runner, behave):
    invocation = runner.invoke(behave, {"type": "group"}, SETTINGS, AnswerOk())
    assert isinstance(invocation.error, UnsupportedEventType)
    assert "group not supported" in invocation.error.reason


@pytest.mark.parametrize("do", ["sleep", "spin"])
def test_a_function_past_its_timeout_is_retried_and_does_not_hang_the_runner(runner, behave, do):
    invocation = runner.invoke(behave, track(do), SETTINGS, AnswerOk())
    assert isinstance(invocation.error, TimedOut) and invocation.error.retry
    assert invocation.error.reason == "the function ran past its 0.5 s timeout"
    # the runner still works after abandoning a stuck handler
    assert runner.invoke(behave, track("ok"), SETTINGS, AnswerOk()).returned == "ok"


@pytest.mark.parametrize("do", ["forever", "block"])
def test_a_handler_that_never_returns_is_interrupted_on_the_main_thread(runner, behave, do):
    """An endless loop (which even swallows Exception) and a blocking sleep end as Timeout at the
    deadline, and the runner goes on."""
    assert threading.current_thread() is threading.main_thread()
    invocation = runner.invoke(behave, track(do), SETTINGS, AnswerOk())
    assert isinstance(invocation.error, TimedOut) and invocation.error.retry
    assert 500 <= invocation.duration_ms < 3000
    assert runner.invoke(behave, track("ok"), SETTINGS, AnswerOk()).returned == "ok"


def test_a_handler_that_never_returns_is_interrupted_on_another_thread(runner, behave):
    """segfn serve runs handlers on its delivery threads: there the watchdog interrupts them."""
    with ThreadPoolExecutor(2) as pool:
        stuck = pool.submit(runner.invoke, behave, track("forever"), SETTINGS, AnswerOk())
        fine = pool.submit(runner.invoke, behave, track("ok"), SETTINGS, AnswerOk())
        assert fine.result(5).returned == "ok"
        invocation = stuck.result(10)
        assert isinstance(invocation.error, TimedOut)
        assert pool.submit(runner.invoke, behave, track("ok"), SETTINGS, AnswerOk()).result(5).returned == "ok"


@pytest.mark.parametrize("wait", [False, True])
def test_handlers_run_on_the_calling_thread(runner, behave, wait):
    """No hand-off to another thread, whether the coroutine completes at once or waits on a timer."""
    event = {"type": "track", "event": "Clicked", "properties": {"do": "thread", "wait": wait}}
    assert runner.invoke(behave, event, SETTINGS, AnswerOk()).returned == threading.get_ident()
    with ThreadPoolExecutor(1) as pool:
        here = pool.submit(threading.get_ident).result()
        assert pool.submit(runner.invoke, behave, event, SETTINGS, AnswerOk()).result().returned == here


def test_fetch_and_print_are_recorded(runner, behave):
    seen = []

    async def answer(request):
        seen.append(request)
        return Response(202, '{"accepted":true}')

    invocation = runner.invoke(behave, track("fetch"), SETTINGS, answer)
    [exchange] = invocation.requests
    assert (exchange.method, exchange.url, exchange.status) == ("POST", "https://api.example.com/collect", 202)
    assert exchange.body == {"e": "Clicked"} and exchange.response == {"accepted": True}
    assert exchange.headers["Content-Type"] == "application/json"
    assert seen[0].body == '{"e":"Clicked"}'  # serialised like JSON.stringify
    assert invocation.logs == ("sent with key k",)
    assert invocation.returned == 202


def test_print_joins_like_python(runner, behave):
    assert runner.invoke(behave, track("print"), SETTINGS, AnswerOk()).logs == ("hello Clicked 42",)


def test_a_network_failure_is_recorded_with_its_error(runner, behave):
    async def refuse(request):
        raise FetchError("request to https://unreachable.example/ failed, reason: connect ECONNREFUSED", "ECONNREFUSED")

    [exchange] = runner.invoke(behave, track("network"), SETTINGS, refuse).requests
    assert exchange.status is None and "ECONNREFUSED" in exchange.error


@pytest.mark.parametrize("values, problem", [
    ({}, "setting 'apiKey' (API Key) is required but not set"),
    ({"apiKey": ""}, "setting 'apiKey' (API Key) is required but not set"),
    ({"apiKey": "k", "verbose": "yes"}, "setting 'verbose' must be of type boolean"),
    ({"apiKey": 5}, "setting 'apiKey' must be of type string"),
])
def test_invalid_settings_are_discarded_before_the_function_runs(runner, behave, values, problem):
    invocation = runner.invoke(behave, track("fetch"), values, AnswerOk())
    assert isinstance(invocation.error, InvalidSettings)
    assert invocation.error.reason == problem
    assert invocation.requests == ()


def test_settings_changed_in_place_between_calls_are_checked_again(runner, behave):
    """The runner checks a destination's settings once while they stay the same object with the
    same values (and types: 1 == True); any change in place is seen at the next call."""
    values = {"apiKey": "k", "verbose": True}

    def call():
        return runner.invoke(behave, track("fetch"), values, AnswerOk())

    for _ in range(3):
        [exchange] = call().requests
        assert exchange.headers["Authorization"] == "Bearer k"
    values["apiKey"] = "k2"
    [exchange] = call().requests
    assert exchange.headers["Authorization"] == "Bearer k2"
    values["verbose"] = 1  # equal to True, not a boolean
    assert call().error.reason == "setting 'verbose' must be of type boolean"
    values["verbose"] = False
    assert call().error is None and call().error is None
    del values["apiKey"]
    assert call().error.reason == "setting 'apiKey' (API Key) is required but not set"


def test_setting_types():
    declared = [Setting("tags", type="array"), Setting("map", type="map"), Setting("on", type="boolean")]
    assert check_settings(declared, {"tags": ["a"], "map": {"a": "b"}, "on": False}) == []
    assert check_settings(declared, {"tags": [1], "map": {"a": 1}}) == [
        "setting 'tags' must be of type array", "setting 'map' must be of type map"]
    with pytest.raises(ValueError, match="type must be one of string, boolean, array, map"):
        Setting("x", type="text")


def test_insert_functions_drop_with_drop_event(runner):
    insert = load_function(scenario("stamp_insert"))
    dropped = runner.invoke(insert, {"type": "track", "properties": {"insert": "drop"}}, {}, AnswerOk())
    assert dropped.dropped and dropped.error is None and not dropped.ok
    kept = runner.invoke(insert, {"type": "track", "properties": {}}, {}, AnswerOk())
    assert kept.returned == {"type": "track", "properties": {"stamped": True}}


@pytest.mark.parametrize("module, words", [
    ("broken_syntax", r"broken_syntax.py:4:\d+: SyntaxError: expected ':'"),
    ("broken_import", r"broken_import.py:3: ZeroDivisionError while importing the function module"),
    ("no_kind", r"KIND must be \"destination\" or \"insert\""),
])
def test_a_module_that_cannot_load_is_a_config_error_saying_where(module, words):
    with pytest.raises(ConfigError, match=words):
        load_function(scenario(module))


def test_a_syntax_error_shows_the_line_and_a_caret():
    with pytest.raises(ConfigError) as caught:
        load_function(scenario("broken_syntax"))
    _, source, caret = str(caught.value).splitlines()
    assert source.strip() == "def on_track(event, settings)"
    assert caret.index("^") == source.index(")") + 1


def test_no_kind_reports_every_problem():
    with pytest.raises(ConfigError) as caught:
        load_function(scenario("no_kind"))
    assert len(caught.value.problems) == 3


def test_display_name_for_the_integrations_object(behave):
    assert behave.display_name("Acme") == "Behave (Acme)"
    assert behave.sensitive_settings == {"apiKey"}


@pytest.fixture(scope="module")
def side_doors():
    return load_function(scenario("side_doors"))


KEY = {"apiKey": "canary-k3y-0451"}


@pytest.mark.parametrize("do, reason", [
    ("exit", "SystemExit: 3"), ("exit-after-await", "SystemExit: bye"), ("keyboard", "KeyboardInterrupt: KeyboardInterrupt"),
    ("custom", "Custom: custom with canary-k3y-0451"), ("generator-exit", "GeneratorExit: GeneratorExit"),
    ("unprintable", "Unprintable: <the exception's __str__ raised RuntimeError>"),
])
@pytest.mark.parametrize("where", ["main thread", "another thread"])
def test_any_base_exception_is_a_bad_request_and_the_runner_goes_on(runner, side_doors, behave, do, reason, where):
    def run():
        first = runner.invoke(side_doors, track(do), KEY, AnswerOk())
        after = runner.invoke(behave, track("ok"), SETTINGS, AnswerOk())  # the runner still runs handlers
        return first, after

    if where == "main thread":
        first, after = run()
    else:
        with ThreadPoolExecutor(1) as pool:
            first, after = pool.submit(run).result()
    assert isinstance(first.error, BadRequest) and first.error.reason == reason
    assert after.ok


def test_stdout_stderr_and_logging_are_the_functions_logs_not_the_terminals(runner, side_doors, capfd):
    import logging
    logging.getLogger().setLevel(logging.INFO)
    try:
        invocation = runner.invoke(side_doors, track("leak"), KEY, AnswerOk())
    finally:
        logging.getLogger().setLevel(logging.WARNING)
    out, err = capfd.readouterr()
    assert "canary-k3y-0451" not in out + err
    assert invocation.logs == ("canary-k3y-0451", "stderr canary-k3y-0451", "stdout canary-k3y-0451",
                               "raw stdout canary-k3y-0451", "console canary-k3y-0451",
                               "INFO:root:logging canary-k3y-0451", "WARNING:side.doors:logger canary-k3y-0451",
                               "ERROR:root:root canary-k3y-0451",
                               "transformed CANARY-K3Y-0451 canary-k3y-0451 Y2FuYXJ5LWszeS0wNDUx Y2FuYXJ5LWszeS0wNDUx")
    print("after the call")  # outside a handler the terminal is the terminal again
    assert capfd.readouterr().out == "after the call\n"


def test_after_a_timeout_on_another_thread_a_tracer_still_starts():
    """The watchdog once withdrew its fired interrupt with PyThreadState_SetAsyncExc(id, NULL), which
    leaves CPython 3.11's eval breaker set for good: coverage.py started afterwards (segfn check in a
    process that had timed a handler out, as the suite's order found) spun forever."""
    import subprocess
    import sys
    import textwrap

    from tests.conftest import REPO

    script = textwrap.dedent(f'''
        from concurrent.futures import ThreadPoolExecutor
        import coverage
        from segfn.emulator.runner import Runner, load_function
        from segfn.emulator.transport import AnswerOk
        fn = load_function({str(scenario("behave"))!r})
        runner = Runner(timeout=0.3)
        with ThreadPoolExecutor(1) as pool:
            for do in ("forever", "spin"):
                event = {{"type": "track", "event": "Clicked", "properties": {{"do": do}}}}
                print(type(pool.submit(runner.invoke, fn, event, {{"apiKey": "k"}}, AnswerOk()).result(10).error).__name__)
        cov = coverage.Coverage(data_file=None, config_file=False)
        cov.start()
        sum(range(1000))
        cov.stop()
        print("traced")
    ''')
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["TimedOut", "TimedOut", "traced"], done.stderr


def test_gathered_requests_interleave_as_in_node(runner, tmp_path):
    """Each request waits for its answer as I/O does, so asyncio.gather's coroutines all start before
    any gets its answer, as Node runs them at `await fetch(...)`: replay printed 'a start, a got, b start,
    b got', where Segment logs the bundle's 'a start, b start, a got, b got'."""
    from segfn.emulator.stubs import StubSet, parse_stubs
    from segfn.emulator.transport import Router

    module = tmp_path / "gather.py"
    module.write_text(
        "import asyncio\nfrom segfn.runtime import fetch\n\nKIND = 'destination'\nNAME = 'Gather'\nSETTINGS = []\n\n\n"
        "async def send(name):\n    print(name, 'start')\n"
        "    res = await fetch('https://api.example.com/' + name, method='POST')\n"
        "    if name == 'a':\n        print(name, 'read', await res.text())\n"
        "    print(name, 'got', res.status)\n    return res.status\n\n\n"
        "async def on_track(event, settings):\n    return await asyncio.gather(send('a'), send('b'))\n")
    stubs, problems = parse_stubs([{"method": "POST", "url": "https://api.example.com/*", "status": 201,
                                    "body": "ok"}], "stubs")
    assert not problems
    invocation = runner.invoke(load_function(module), track("x"), {}, Router(StubSet(stubs)))
    # reading a body is I/O too: b, which reads none, ends first (as in Node)
    assert invocation.logs == ("a start", "b start", "b got 201", "a read ok", "a got 201")
