"""Encode the library's entry cards once and ship them with the package.

Run after content or model changes: .venv/bin/python tools/ship_vectors.py
`tests/guide/test_encoder.py` fails with a pointer here when the shipped file no longer covers
the library, so a content change cannot silently make every fresh start encode the cards.

Cards already in the shipped file keep their vectors and only new ones are encoded: int8
kernels round differently from one CPU to the next (cosine 0.977-0.999 per text), so encoding
everything afresh on another machine would move borderline answers for no content reason.
`--all` encodes every card again (after a model change, say). Cards no longer in the library
are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content import content_directory
from bot.guide.encoder import load_encoder
from bot.guide.library import load_library
from bot.guide.semantic import library_cards
from bot.guide.vectors import read_vectors, shipped_path, text_key, write_vectors


def main(argv: list[str]) -> int:
    """Write the shipped vectors file; print what it holds."""
    texts = list(dict.fromkeys(library_cards(load_library(content_directory()))))
    path = shipped_path()
    kept = {} if "--all" in argv else read_vectors(path)
    keys = [text_key(t) for t in texts]
    missing = [t for t, k in zip(texts, keys, strict=True) if k not in kept]
    fresh = load_encoder().encode(missing) if missing else []
    kept.update({text_key(t): fresh[n] for n, t in enumerate(missing)})
    for old in path.parent.glob("library-vectors-*.npz"):
        old.unlink()
    write_vectors(path, {k: kept[k] for k in keys})
    print(f"{len(texts)} cards ({len(missing)} encoded), {path.stat().st_size:,} bytes: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
