"""The benchmark plumbing that can be checked without load: wrk output parsing, the verdict
against the targets, and which scripts ``make bench`` runs."""

from __future__ import annotations

import pytest

from bench import run_all
from bench.http_api import Result, parse_wrk, verdict

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234/api/v1/profile
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.31ms    6.20ms  98.10ms   90.12%
    Req/Sec     3.01k   210.55     3.40k    71.00%
  Latency Distribution
     50%   20.50ms
     75%   22.90ms
     90%   26.10ms
     99%  850.00us
  30012 requests in 10.00s, 35.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   3001.20
Transfer/sec:      3.51MB
"""


def test_wrk_output_is_parsed_with_units_and_errors() -> None:
    result = parse_wrk("GET /api/v1/profile", 64, WRK_OUTPUT)
    assert result == Result("GET /api/v1/profile", 64, 3001.20, 20.5, 0.85, 30012, 7)


def test_wrk_seconds_are_milliseconds_times_a_thousand() -> None:
    output = WRK_OUTPUT.replace("20.50ms", "1.20s").replace("850.00us", "2.00s")
    result = parse_wrk("x", 16, output)
    assert (result.p50_ms, result.p99_ms) == (1200.0, 2000.0)


PROFILE_W1 = "GET /api/v1/profile (workers=1)"


def _results(profile_rps: float, select_rps: float, p99_16: float) -> list[Result]:
    return [
        Result(PROFILE_W1, 64, profile_rps, 10, 30, 1, 0, cpu_us_per_request=250),
        Result("ceiling: asyncpg SELECT", 64, select_rps, 5, 10, 1, 0, cpu_us_per_request=150),
        Result(PROFILE_W1, 16, profile_rps, 5, p99_16, 1, 0, cpu_us_per_request=240),
        Result("ceiling: asyncpg SELECT", 16, select_rps, 5, 9, 1, 0, cpu_us_per_request=140),
    ]


@pytest.mark.parametrize(
    ("profile", "select", "p99", "met"),
    [
        (3600, 7000, 9.0, (True, True)),
        (3400, 7000, 9.0, (False, True)),
        (3600, 7000, 10.0, (True, False)),
    ],
)
def test_the_verdict_applies_the_issue_targets(profile, select, p99, met) -> None:
    row = verdict(_results(profile, select, p99))[PROFILE_W1]
    assert (row["meets_share"], row["meets_p99"]) == met
    assert row["share"] == round(profile / select, 3)
    assert (row["cpu_us_service"], row["cpu_us_ceiling"]) == (240, 140)  # at 16 connections
    assert (row["ceiling_rps"], row["service_rps"]) == (select, profile)


def test_make_bench_runs_every_script_but_helpers_and_itself() -> None:
    scripts = run_all.scripts()
    assert scripts[0] == "http_api"
    assert "run_all" not in scripts and not any(name.startswith("_") for name in scripts)
    assert set(scripts) == {
        path.stem
        for path in run_all.BENCH_DIR.glob("*.py")
        if path.stem != "run_all" and not path.stem.startswith("_")
    }
