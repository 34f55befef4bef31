"""The browser timings' report (bench/browser.py): ratios to the bare page, verdicts against the
targets, and its section put into docs/benchmarks.md without touching the rest. Values by hand."""

from __future__ import annotations

from bench.browser import END, SECTION, section, splice


def _row(what: str, rep: int, seconds: float) -> dict:
    return {"section": "browser", "what": what, "rep": rep, "seconds": seconds, "load_1min": 1.5}


def test_changes_are_read_against_the_bare_page_of_the_same_run():
    rows = [
        *(_row("bare:region change", n, s) for n, s in ((1, 0.2), (2, 0.25), (3, 0.3))),
        # medians: overview 0.45 s (1.8x the bare 0.25 s), engagement 0.5 s (2x: on the target, met)
        *(_row("overview:region change", n, s) for n, s in ((1, 0.4), (2, 0.45), (3, 0.9))),
        *(_row("engagement:region change", n, s) for n, s in ((1, 0.5), (2, 0.5), (3, 0.6))),
        *(_row("overview:first draw cold", n, s) for n, s in ((1, 1.9), (2, 2.0), (3, 2.5))),
    ]
    # Back to a region seen before: overview 0.3 s, 1.2x the bare change (0.25 s).
    rows += [_row("overview:region change, seen before", n, s) for n, s in ((2, 0.2), (3, 0.4))]
    lines = section(rows)
    assert "| bare page: its selectbox | 0.250 | 1.00× | – | – | – |" in lines
    assert "| overview: region filter | 0.450 | 1.80× | 0.300 | 1.20× | yes |" in lines
    assert "| engagement: region filter | 0.500 | 2.00× | – | – | yes |" in lines
    assert "| overview | – | 2.0 | – | yes |" in lines  # first draw: 2.0 s, on the target
    assert lines[0] == SECTION and lines[-1] == END
    assert "1-minute load average during these timings: 1.5 to 1.5." in lines[2]


def test_a_change_over_twice_the_bare_page_is_missed_by_how_much():
    rows = [
        _row("bare:region change", 1, 0.2),
        _row("volume:region change", 1, 0.5),  # 2.5x: 1.25 times the target
    ]
    assert (
        "| volume: region filter | 0.500 | 2.50× | – | – | **no**: 1.2 times the target |"
        in section(rows)
    )


def test_the_section_replaces_its_old_self_and_leaves_the_rest():
    findings = "## What the figures say\n\nBy hand.\n"
    old = "# Benchmarks\n\n## Targets\n\n| a |\n\n" + findings
    first = splice(old, [SECTION, "", "one", "", END], findings)
    assert first == (
        "# Benchmarks\n\n## Targets\n\n| a |\n\n"
        f"{SECTION}\n\none\n\n{END}\n\n## What the figures say\n\nBy hand.\n"
    )
    again = splice(first, [SECTION, "", "two", "", END], findings)
    assert again == first.replace("one", "two")
