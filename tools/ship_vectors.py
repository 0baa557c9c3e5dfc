"""Encode the library's entry views once and ship them with the package.

Run after content or model changes: .venv/bin/python tools/ship_vectors.py
`tests/test_encoder.py` fails with a pointer here when the shipped file no longer covers the
library, so a content change cannot silently make every fresh start encode ~700 texts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content import content_directory
from bot.guide.encoder import load_encoder
from bot.guide.library import load_library
from bot.guide.semantic import library_views
from bot.guide.vectors import shipped_path, text_key, write_vectors


def main() -> int:
    """Write the shipped vectors file; print what it holds."""
    texts = list(dict.fromkeys(library_views(load_library(content_directory()))))
    vectors = load_encoder().encode(texts)
    path = shipped_path()
    for old in path.parent.glob("library-vectors-*.npz"):
        old.unlink()
    write_vectors(path, {text_key(t): vectors[n] for n, t in enumerate(texts)})
    print(f"{len(texts)} views, {path.stat().st_size:,} bytes: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
