"""Precedents: the nearest labelled question per entry, their shipped file, and its checks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot import cli
from bot.content import content_directory
from bot.guide import precedents as precedents_module
from bot.guide.encoder import DIMENSIONS
from bot.guide.library import load_library
from bot.guide.precedents import (
    DECLINED_PULL,
    PRECEDENT_WEIGHT,
    Precedents,
    PrecedentsError,
    Shipped,
    check_precedents,
    read_precedents,
    shipped_path,
    write_precedents,
)
from bot.guide.vectors import text_key
from tools.finetune_encoder import BENCH, FRESH, normaliser
from tools.ship_vectors import labelled_questions

ENTRIES = ["alpha", "beta", "gamma"]


def unit(*values: float) -> np.ndarray:
    """A unit vector with these leading components."""
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def shipped(*rows: tuple[np.ndarray, tuple[str, ...]]) -> Shipped:
    keys = tuple(f"key{n}" for n in range(len(rows)))
    return Shipped(keys, np.vstack([v for v, _ in rows]), tuple(a for _, a in rows))


def test_each_entry_gets_its_nearest_precedents_cosine() -> None:
    found = shipped(
        (unit(1, 0), ("alpha",)),
        (unit(1, 1), ("alpha", "beta")),  # a second answer is a precedent of both
        (unit(0, 1), ("beta",)),
    )
    near = Precedents(found, ENTRIES).nearest(unit(1, 0))
    assert near[:2] == pytest.approx([1.0, float(unit(1, 1)[0])])
    assert np.isnan(near[2])  # gamma has no precedent


def test_a_nearer_declined_precedent_holds_entries_back() -> None:
    found = shipped((unit(1, 0), ("alpha",)), (unit(1, 3), ()))
    question = unit(1, 2)
    alpha = float(question @ unit(1, 0))
    declined = float(question @ unit(1, 3))
    assert declined > alpha
    near = Precedents(found, ENTRIES).nearest(question)
    assert near[0] == pytest.approx(alpha - DECLINED_PULL * (declined - alpha))


def test_the_blend_keeps_the_card_alone_where_an_entry_has_no_precedent() -> None:
    found = shipped((unit(1, 0), ("alpha",)), (unit(0, 1), ("removed-entry",)))
    cards = np.array([0.2, 0.4, 0.6])
    blended = Precedents(found, ENTRIES).blend(cards, unit(1, 0))
    expected_alpha = (1 - PRECEDENT_WEIGHT) * 0.2 + PRECEDENT_WEIGHT * 1.0
    assert blended.tolist() == pytest.approx([expected_alpha, 0.4, 0.6])


def test_written_precedents_read_back(tmp_path: Path) -> None:
    found = shipped((unit(1, 0), ("alpha", "beta")), (unit(0, 1), ()))
    write_precedents(tmp_path / "p.npz", found)
    back = read_precedents(tmp_path / "p.npz")
    assert back.keys == found.keys and back.answers == found.answers
    assert np.allclose(back.vectors, found.vectors, atol=1e-3)


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "is missing"), (b"PK\x03\x04 not a zip", "does not load"), (b"", "does not load")],
)
def test_a_missing_or_corrupt_file_is_one_line(
    tmp_path: Path, content: bytes | None, says: str
) -> None:
    path = tmp_path / "precedents.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PrecedentsError, match=says) as raised:
        read_precedents(path)
    assert "\n" not in str(raised.value)
    assert check_precedents(path) == str(raised.value)


@pytest.fixture
def no_precedents(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    missing = tmp_path / "precedents-gone.npz"
    monkeypatch.setattr(precedents_module, "shipped_path", lambda: missing)
    return missing


def test_start_up_refuses_missing_precedents_in_one_line(
    no_precedents: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.load_content_or_say() is None
    err = capsys.readouterr().err
    assert err == f"sre-coach: the guide's precedents file {no_precedents} is missing\n"


def test_content_check_reports_missing_precedents(
    no_precedents: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.check_content() == 1
    assert f"the guide's precedents file {no_precedents} is missing" in capsys.readouterr().out


def test_the_shipped_precedents_are_the_labelled_questions_of_today() -> None:
    library = load_library(content_directory())
    today = Counter((p.question, p.answers) for p in labelled_questions(library))
    ours = read_precedents()
    keyed = {text_key(q): (q, a) for q, a in today}
    assert len(ours.keys) == len(today) and set(ours.keys) == set(keyed), (
        "the labelled questions changed since the precedents were shipped: "
        "run `.venv/bin/python tools/ship_vectors.py`"
    )
    assert {k: a for k, a in zip(ours.keys, ours.answers, strict=True)} == {
        k: a for k, (_, a) in keyed.items()
    }, "a label changed since the precedents were shipped: run tools/ship_vectors.py"
    assert shipped_path().stat().st_mode & 0o044 == 0o044  # readable by the image's user


def test_no_fresh_question_is_a_precedent() -> None:
    library = load_library(content_directory())
    norm = normaliser(library)
    fresh = {norm(i["q"]) for i in yaml.safe_load((BENCH / FRESH).read_text(encoding="utf-8"))}
    assert fresh.isdisjoint(p.question for p in labelled_questions(library))
