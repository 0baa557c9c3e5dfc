"""Entry-card vectors kept between runs, so a restart does not encode the whole library again.

Encoding the library's cards (one per entry) takes the transformer a few tenths of a second of
CPU; a restart, a console or a test process reads them back in milliseconds instead. The cache
is keyed by the model's checksum and each text's SHA-256, so an edited entry or a new model is
encoded afresh, and a vector read back is the one the encoder would give (one text per run,
deterministic). It lives in `$XDG_CACHE_HOME/sre-coach` (default `~/.cache/sre-coach`); a cache
that cannot be read or written is ignored, never an error.

The library's own vectors also ship with the package (`model/library-vectors-*.npz`, made by
`tools/ship_vectors.py`), so a fresh container or an installed wheel answers within a second
of starting, without encoding anything or writing anywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bot.guide.encoder import CHECKSUMS, DIMENSIONS, Matrix

Encode = Callable[[Sequence[str]], Matrix]
MAX_CACHED = 5000  # vectors kept: the library's own first, then others seen before


def cache_directory() -> Path:
    """Where the vectors are kept: the XDG cache folder's `sre-coach`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sre-coach"


def cache_path(directory: Path | None = None) -> Path:
    """The cache file for the shipped model (a new model starts a new file)."""
    model = CHECKSUMS["encoder.onnx"][:16]
    return (directory or cache_directory()) / f"guide-vectors-{model}.npz"


def shipped_path() -> Path:
    """The library's vectors as shipped with the package, for the shipped model."""
    model = CHECKSUMS["encoder.onnx"][:16]
    return Path(__file__).resolve().parent / "model" / f"library-vectors-{model}.npz"


def text_key(text: str) -> str:
    """A text's cache key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_cached(encode: Encode, texts: Sequence[str], path: Path | None = None) -> Matrix:
    """The texts' vectors, reading known ones from the cache and saving any it lacked."""
    path = path or cache_path()
    shipped = _read(shipped_path())
    known = {**shipped, **_read(path)}
    keys = [text_key(t) for t in texts]
    missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        fresh = encode([t for _, t in missing])
        known.update({k: fresh[n] for n, (k, _) in enumerate(missing)})
        # Others' vectors stay too (a test's small library must not evict the real one's).
        ours = [k for k in dict.fromkeys(keys) if k not in shipped]
        kept = [*ours, *(k for k in known if k not in set(keys) and k not in shipped)]
        _write(path, {k: known[k] for k in kept[:MAX_CACHED]})
    return np.vstack([known[k] for k in keys]) if keys else np.zeros((0, DIMENSIONS), np.float32)


def read_vectors(path: Path) -> dict[str, Matrix]:
    """The vectors saved at `path` (text key -> vector); empty when absent or unreadable."""
    return _read(path)


def _read(path: Path) -> dict[str, Matrix]:
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
            return {str(k): vectors[n].astype(np.float32) for n, k in enumerate(keys)}
    except (OSError, ValueError, KeyError, IndexError):  # absent, unreadable or not ours
        return {}


def write_vectors(path: Path, vectors: dict[str, Matrix]) -> None:
    """Save `vectors` (text key -> vector) at `path`, readable by all (it ships in the wheel)."""
    _write(path, vectors)
    path.chmod(0o644)


def _write(path: Path, vectors: dict[str, Matrix]) -> None:
    """Replaces the cache in one rename, so a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    except OSError:  # a read-only home: encode again next time
        return
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, keys=np.asarray(list(vectors)), vectors=np.vstack([*vectors.values()]))
        os.replace(name, path)
    except OSError:  # a full disk: the same
        with contextlib.suppress(OSError):
            os.unlink(name)
