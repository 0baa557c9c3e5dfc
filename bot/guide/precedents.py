"""Questions the library was asked before, and which entry answered each (or that none did).

The encoder places a question near the card of the entry that answers it, but a card is one
point for many ways of asking. The labelled questions the encoder was trained on (the spent
question sets and `tools/encoder_training/`) are more points: a question asked much like an
earlier one is most likely answered by the same entry. Each entry's `asked` phrasings are its
precedents too. So an entry's semantic side is a blend of its card's cosine and its nearest
precedent's (PRECEDENT_WEIGHT), and a question nearer to an earlier off-topic question than to
any of an entry's precedents is held back from that entry by the difference (DECLINED_PULL).
An entry with no precedent keeps its card alone.

The precedents ship as vectors with their answers (`model/precedents-*.npz`, made with the
card vectors by `tools/ship_vectors.py`); the question texts stay in the repository. A fresh
question set is never among them. The file is read at start; a missing or unreadable one is
a one-line `PrecedentsError`, which `sre-coach content check` reports.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.guide.encoder import CHECKSUMS, Matrix
from bot.guide.index import Vector

PRECEDENT_WEIGHT = 0.5  # share of an entry's semantic side from its nearest precedent
DECLINED_PULL = 1.0  # how much a nearer off-topic precedent holds an entry back


class PrecedentsError(Exception):
    """The shipped precedents are missing or unreadable; the message is one line."""


@dataclass(frozen=True)
class Precedent:
    """A question as the guide normalises it, and the entries that answer it, best first."""

    question: str
    answers: tuple[str, ...]  # () : no entry does; the question should be declined


def shipped_path() -> Path:
    """The precedents shipped for the shipped model (vectors depend on the model)."""
    model = CHECKSUMS["encoder.onnx"][:16]
    return Path(__file__).resolve().parent / "model" / f"precedents-{model}.npz"


@dataclass(frozen=True)
class Shipped:
    """The shipped file's contents: one key, vector and answer list per precedent."""

    keys: tuple[str, ...]  # the SHA-256 of each question (`vectors.text_key`)
    vectors: Matrix
    answers: tuple[tuple[str, ...], ...]


def read_precedents(path: Path | None = None) -> Shipped:
    """The precedents at `path` (default: the shipped ones); `PrecedentsError` if unreadable."""
    path = path or shipped_path()
    try:
        with np.load(path, allow_pickle=False) as data:
            keys = tuple(str(k) for k in data["keys"])
            vectors = data["vectors"].astype(np.float32)
            answers = tuple(tuple(str(a).split()) for a in data["answers"])
    except FileNotFoundError:
        raise PrecedentsError(f"the guide's precedents file {path} is missing") from None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise PrecedentsError(
            f"the guide's precedents file {path} does not load ({type(error).__name__})"
        ) from error
    if not len(keys) == len(vectors) == len(answers):
        raise PrecedentsError(f"the guide's precedents file {path} is inconsistent")
    return Shipped(keys, vectors, answers)


def write_precedents(path: Path, shipped: Shipped) -> None:
    """Save precedents at `path`, readable by all (the file ships in the wheel)."""
    np.savez_compressed(  # the keys and answers compress; the vectors hardly
        path,
        keys=np.asarray(shipped.keys),
        vectors=shipped.vectors.astype(np.float16),  # half the size; cosines move < 0.001
        answers=np.asarray([" ".join(a) for a in shipped.answers]),
    )
    path.chmod(0o644)


def check_precedents(path: Path | None = None) -> str | None:
    """Why the shipped precedents cannot be used, in one line, or None when they load."""
    try:
        read_precedents(path)
    except PrecedentsError as error:
        return str(error)
    return None


class Precedents:
    """The precedents bound to one library's entries, for one cosine pass per question."""

    def __init__(self, shipped: Shipped, entry_ids: Sequence[str]) -> None:
        position = {e: n for n, e in enumerate(entry_ids)}
        pairs = sorted(
            (position[a], row)
            for row, answers in enumerate(shipped.answers)
            for a in answers
            if a in position  # an entry since removed answers nothing
        )
        self._vectors = shipped.vectors
        self._rows = np.asarray([row for _, row in pairs], dtype=np.intp)
        entries = np.asarray([entry for entry, _ in pairs], dtype=np.intp)
        self._present, self._starts = np.unique(entries, return_index=True)
        self._declined = np.asarray([not a for a in shipped.answers], dtype=bool)
        self._count = len(entry_ids)

    def nearest(self, vector: Matrix) -> Vector:
        """Per entry, its nearest precedent's cosine held back by any nearer declined one;
        NaN for an entry with no precedent."""
        cosines = (self._vectors @ vector).astype(np.float64)
        near = np.full(self._count, np.nan)
        if len(self._rows):
            near[self._present] = np.maximum.reduceat(cosines[self._rows], self._starts)
        if self._declined.any():
            declined = float(cosines[self._declined].max())
            near -= DECLINED_PULL * np.maximum(0.0, declined - near)
        return near

    def blend(self, cards: Vector, vector: Matrix) -> Vector:
        """The cards' cosines blended with each entry's nearest precedent (PRECEDENT_WEIGHT)."""
        near = self.nearest(vector)
        blended = (1 - PRECEDENT_WEIGHT) * cards + PRECEDENT_WEIGHT * near
        return np.where(np.isnan(near), cards, blended)
