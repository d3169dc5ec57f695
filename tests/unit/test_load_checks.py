"""The load test's verdicts (bench/load.py) on made-up page runs: a page run across the publish
may show the old warehouse's figures or the new one's, never a mix; a run begun after the publish
shows the new ones; before and after, a role's page shows one set of figures."""

from __future__ import annotations

from bench.load import PageRun, mixed_data, passed, phase

OLD = [["Refreshed on", "05.12.2026"], ["Students ever admitted", "5,000"]]
NEW = [["Refreshed on", "06.12.2026"], ["Students ever admitted", "5,250"]]
MIX = [["Refreshed on", "06.12.2026"], ["Students ever admitted", "5,000"]]
PUBLISHED = 10.0


def run(started: float, seconds: float, figures: list[list[str]], role: str = "dean", page: str = "home") -> PageRun:
    return PageRun(0, role, page, started, seconds, figures=figures)


def test_runs_are_placed_before_across_or_after_the_publish() -> None:
    assert phase(run(1, 2, OLD), PUBLISHED) == "before"
    assert phase(run(9, 0.95, OLD), PUBLISHED) == "across"  # ended within the publish's polling delay
    assert phase(run(9, 2, OLD), PUBLISHED) == "across"
    assert phase(run(10, 1, NEW), PUBLISHED) == "after"
    assert phase(run(50, 1, NEW), None) == "before"  # no publish at all


def test_old_or_new_figures_pass_and_a_mix_does_not() -> None:
    good = [run(1, 1, OLD), run(9, 2, OLD), run(9.5, 2, NEW), run(12, 1, NEW),
            run(1, 1, NEW, role="registrar"), run(12, 1, NEW, role="registrar")]  # the publish changed nothing here
    problems, changed = mixed_data(good, PUBLISHED)
    assert problems == []
    assert changed == {"dean/home": True, "registrar/home": False}

    mixed, _ = mixed_data([*good, run(9, 2, MIX)], PUBLISHED)
    assert len(mixed) == 1 and "neither" in mixed[0] and mixed[0].startswith("dean/home")

    stale, _ = mixed_data([*good, run(11, 1, OLD)], PUBLISHED)
    assert any("two" in p or "different" in p for p in stale) and any("old figures" in p for p in stale)

    wavering, _ = mixed_data([run(1, 1, OLD), run(3, 1, MIX)], None)
    assert wavering and "2 different sets of figures before" in wavering[0]


def test_a_run_with_an_error_is_an_error_not_a_mix() -> None:
    broken = run(9, 2, MIX)
    broken.errors.append("error box: no published warehouse")
    assert mixed_data([run(1, 1, OLD), broken, run(12, 1, NEW)], PUBLISHED)[0] == []


def test_the_verdict_needs_no_error_no_lost_session_no_mix_and_a_publish() -> None:
    summary = {"runs_total": 10, "errors_count": 0, "session_failures": [], "mixed_count": 0,
               "refresh": {"returncode": 0, "published_at": 12.0},
               "figures_changed_by_publish": {"dean/home": True, "dean/status": False},
               "sign_in": {"runs": 3}, "sessions_with_cookie": 3}
    assert passed(summary)
    # a session without the session cookie is signed out a minute after signing in: its runs time
    # the sign-in form, not the pages
    assert not passed({**summary, "sessions_with_cookie": 2})
    assert not passed({**summary, "errors_count": 1})
    assert not passed({**summary, "session_failures": ["session 3 (dean): ConnectionClosedError"]})
    assert not passed({**summary, "mixed_count": 2})
    assert not passed({**summary, "refresh": {"returncode": 4, "published_at": None}})
    assert not passed({**summary, "runs_total": 0})
    # published, but no page showed anything new: the server kept serving the old file
    assert not passed({**summary, "figures_changed_by_publish": {"dean/home": False}})
    assert passed({**summary, "refresh": None})
