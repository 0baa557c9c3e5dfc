"""The critical selector: its syntax, its errors, and which components it picks."""

from __future__ import annotations

import pytest

from bot.domain.critical import Facet, Term, parse_selector
from bot.domain.errors import UsageError

TAGS = ("tier-1", "java")
ANNOTATIONS = {"company.com/tier": "1", "backstage.io/techdocs-ref": "dir:."}
LABELS = {"tier": "critical"}


def test_terms_joined_by_commas_mean_or() -> None:
    selector = parse_selector(" tag:Tier-1 , annotation:company.com/tier=1,label:tier")
    assert selector.terms == (
        Term(Facet.TAG, "tier-1"),
        Term(Facet.ANNOTATION, "company.com/tier", "1"),
        Term(Facet.LABEL, "tier"),
    )
    assert str(selector) == "tag:tier-1,annotation:company.com/tier=1,label:tier"
    assert parse_selector(str(selector)) == selector


@pytest.mark.parametrize(
    ("text", "critical"),
    [
        ("tag:tier-1", True),
        ("tag:tier-2", False),
        ("annotation:company.com/tier=1", True),
        ("annotation:company.com/tier=2", False),
        ("annotation:company.com/tier", True),
        ("label:tier=critical", True),
        ("label:tier=Critical", False),  # label values are compared exactly
        ("label:team", False),
        ("tag:tier-2,label:tier=critical", True),
        ("tag:tier-2,label:tier=low", False),
    ],
)
def test_matching(text: str, critical: bool) -> None:
    assert parse_selector(text).matches(TAGS, ANNOTATIONS, LABELS) is critical


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "The critical selector is empty: write tag:NAME, annotation:KEY=VALUE or "
             "label:KEY=VALUE, several joined by commas."),
        ("tier-1", "`tier-1` is not a selector term: write tag:NAME, annotation:KEY=VALUE or "
                   "label:KEY=VALUE, several joined by commas."),
        ("owner:payments", "`owner:payments` is not a selector term: write tag:NAME, "
                           "annotation:KEY=VALUE or label:KEY=VALUE, several joined by commas."),
        ("tag:", "`tag:` is not a selector term: write tag:NAME, annotation:KEY=VALUE or "
                 "label:KEY=VALUE, several joined by commas."),
        ("tag:tier 1", "`tag:tier 1`: a tag is lowercase letters, digits and dashes."),
        ("label:tier=", "`label:tier=`: write label:KEY=VALUE or label:KEY."),
        ("annotation:bad key=1", "`annotation:bad key=1`: `bad key` is not a annotation key."),
        ("tag:a,", "`` is not a selector term: write tag:NAME, annotation:KEY=VALUE or "
                   "label:KEY=VALUE, several joined by commas."),
        (",".join(["tag:a"] * 21), "A critical selector takes at most 20 terms."),
    ],
)  # fmt: skip
def test_errors_say_the_syntax(text: str, error: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_selector(text)
    assert raised.value.message == error
