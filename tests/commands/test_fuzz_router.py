"""Random requests of every kind (commands, buttons, forms, mentions) keep two promises."""

from __future__ import annotations

from tests.fuzzing import fuzz, report

EXAMPLES = 150  # a standing check; bench/fuzz.py runs ten thousand and more


def test_nothing_raises_and_a_refusal_changes_nothing(database_url: str) -> None:
    verdicts = fuzz(database_url, EXAMPLES)
    assert verdicts.cases == EXAMPLES
    assert verdicts.refused > EXAMPLES // 4  # the cases do reach the refusals
    assert not verdicts.exceptions and not verdicts.unintended_writes, "\n".join(report(verdicts))
