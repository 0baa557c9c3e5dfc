"""The coach's own SLOs (slo/) are valid SLOs as code, by the importer it offers coalitions."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.slo_files import read_slo_folder

SLO = Path(__file__).resolve().parents[2] / "slo"


def test_the_bots_own_slos_read_as_code() -> None:
    read = read_slo_folder(SLO)
    assert read.problems == ()
    assert {(s.service, s.sli, s.target) for s in read.slos} == {
        ("sre-coach", "ack-latency", 99.0),
        ("sre-coach", "nudge-punctuality", 99.0),
    }
    text = (SLO / "sre-coach.sloth.yaml").read_text()
    assert "sre_coach_ack_seconds_bucket" in text
    assert "sre_coach_nudge_lateness_seconds_bucket" in text
