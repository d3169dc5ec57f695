"""bench.pages' bookkeeping (no browser): when a click's run counts as finished, and the verdict against
issue 23 point 15's targets (median <= 1 s and p95 <= 2 s at 5,000 students, p95 <= 3 s at 200,000)."""

from __future__ import annotations

from bench.pages import Timing, Wire, summarise


def test_a_run_asked_for_is_pending_until_a_run_finishes_after_it() -> None:
    wire = Wire()
    wire.events += [("asked", 1.0), ("finished", 1.5)]
    mark = wire.mark()
    assert not wire.pending(mark) and not wire.asked_since(mark)  # a click that asked for nothing
    wire.events.append(("asked", 2.0))
    assert wire.pending(mark) and wire.asked_since(mark)
    wire.events.append(("asked", 2.1))  # asked again before the first ended: the later one must end
    wire.events.append(("finished", 2.5))
    assert not wire.pending(mark)
    assert wire.run_seconds(mark, 2.0) == 0.5
    wire.events.append(("asked", 3.0))
    assert wire.pending(mark)


def timings(seconds: list[float], page: str = "attestation", action: str = "open") -> list[Timing]:
    return [Timing("dean", page, action, s) for s in seconds]


def test_the_verdict_follows_the_targets_per_page_and_interaction() -> None:
    fast = timings([0.5] * 19 + [1.9])
    assert summarise(fast, 5000)["verdict"] == "pass"
    slow_p95 = timings([0.5] * 18 + [2.5, 2.5])
    found = summarise(slow_p95, 5000)
    assert found["verdict"] == "fail" and found["failing"] == ["attestation open"]
    slow_median = timings([0.5] * 19 + [1.9]) + timings([1.2] * 3, action="select att_faculty")
    assert summarise(slow_median, 5000)["failing"] == ["attestation select att_faculty"]
    # at 200,000 students only the p95 of 3 s applies
    assert summarise(timings([2.5] * 20), 200_000)["verdict"] == "pass"
    assert summarise(timings([2.5] * 20), 5000)["verdict"] == "fail"


def test_warm_up_rounds_and_failures_are_kept_apart() -> None:
    found = summarise([*timings([0.4] * 5), Timing("dean", "attestation", "open", 9.0, warmup=True),
                       Timing("dean", "contingent", "tab 2", None, "TimeoutError")], 5000)
    assert found["overall"]["runs"] == 5 and found["warmup_open"]["attestation"]["max_s"] == 9.0
    assert found["verdict"] == "fail" and found["errors"][0]["page"] == "contingent"
