"""Encode the library's entry cards and the precedents once and ship them with the package.

Run after content, question-set or model changes: .venv/bin/python tools/ship_vectors.py
`tests/guide/test_encoder.py` fails with a pointer here when the shipped files no longer cover
the library or the labelled questions, so a change cannot silently make every fresh start
encode the cards, or leave the precedents behind the question sets.

The precedents (`bot/guide/precedents.py`) are the encoder's training questions with their
labels: each entry's `asked` phrasings and multi-word aliases, the spent sets in bench/ and
tools/encoder_training/, never the fresh set, each normalised as the guide normalises a
question at run time.

Texts already in a shipped file keep their vectors and only new ones are encoded: int8
kernels round differently from one CPU to the next (cosine 0.977-0.999 per text), so encoding
everything afresh on another machine would move borderline answers for no content reason.
`--all` encodes every text again (after a model change, say). Texts no longer in the library
or the question sets are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content import content_directory
from bot.guide import precedents
from bot.guide.encoder import Encoder, Matrix, load_encoder
from bot.guide.library import Library, load_library
from bot.guide.precedents import Precedent, PrecedentsError, Shipped
from bot.guide.semantic import library_cards
from bot.guide.vectors import read_vectors, shipped_path, text_key, write_vectors
from tools.finetune_encoder import labelled, question_files


def labelled_questions(library: Library) -> list[Precedent]:
    """Every question the encoder is trained on (`finetune_encoder.labelled`), once each."""
    found: dict[str, Precedent] = {}
    for precedent in labelled(library, question_files(held=())):
        found.setdefault(precedent.question, precedent)
    return list(found.values())


def vectors_for(encoder: Encoder, texts: list[str], kept: dict[str, Matrix]) -> list[Matrix]:
    """Each text's vector: the kept one where there is one, else freshly encoded."""
    missing = [t for t in texts if text_key(t) not in kept]
    fresh = encoder.encode(missing) if missing else []
    known = {**kept, **{text_key(t): fresh[n] for n, t in enumerate(missing)}}
    print(f"  {len(texts)} texts, {len(missing)} encoded")
    return [known[text_key(t)] for t in texts]


def ship_cards(encoder: Encoder, library: Library, again: bool) -> None:
    """The entry cards' vectors."""
    texts = list(dict.fromkeys(library_cards(library)))
    path = shipped_path()
    kept = {} if again else read_vectors(path)
    vectors = vectors_for(encoder, texts, kept)
    for old in path.parent.glob("library-vectors-*.npz"):
        old.unlink()
    write_vectors(path, {text_key(t): v for t, v in zip(texts, vectors, strict=True)})
    print(f"cards, {path.stat().st_size:,} bytes: {path}")


def ship_precedents(encoder: Encoder, library: Library, again: bool) -> None:
    """The labelled questions' vectors with their answers."""
    found = labelled_questions(library)
    path = precedents.shipped_path()
    kept: dict[str, Matrix] = {}
    if not again:
        try:
            old = precedents.read_precedents(path)
            kept = dict(zip(old.keys, old.vectors, strict=True))
        except PrecedentsError:
            pass
    texts = [p.question for p in found]
    vectors = np.vstack(vectors_for(encoder, texts, kept))
    for stale in path.parent.glob("precedents-*.npz"):
        stale.unlink()
    keys = tuple(text_key(t) for t in texts)
    shipped = Shipped(keys, vectors, tuple(p.answers for p in found))
    precedents.write_precedents(path, shipped)
    print(f"precedents, {path.stat().st_size:,} bytes: {path}")


def main(argv: list[str]) -> int:
    """Write the shipped card and precedent files; print what they hold."""
    library = load_library(content_directory())
    encoder = load_encoder()
    ship_cards(encoder, library, "--all" in argv)
    ship_precedents(encoder, library, "--all" in argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
