"""Workforce numbers in Dutch evidence and messages carry the Dutch thousands separator
(2.550), as the decimal commas do (+0,5); English keeps its own form (2550)."""

from __future__ import annotations

from imvo_cli.i18n.messages import evidence_value, issue_message
from imvo_cli.model import Issue

LARGE = "2550 workers (policy large_workforce 1000): more people affected"


def test_a_large_workforce_reads_with_a_dutch_thousands_separator():
    assert evidence_value("large-workforce", LARGE, "nl") == \
        "2.550 werknemers (beleid large_workforce 1.000): meer mensen geraakt"
    assert evidence_value("large-workforce", "850 workers (policy large_workforce 500): more "
                          "people affected", "nl").startswith("850 werknemers (beleid large_workforce 500)")
    assert evidence_value("large-workforce", LARGE, "en") == LARGE


def test_an_implausible_workforce_reads_with_a_dutch_thousands_separator():
    issue = Issue("error", "invalid-workers", "2500000 workers is not plausible for one "
                  "production location", "x.xlsx", None, 4, "workers")
    assert issue_message(issue, "nl") == "2.500.000 werknemers is niet aannemelijk voor één productielocatie"
    assert issue_message(issue, "en") == issue.message
