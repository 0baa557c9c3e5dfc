"""Where `content/` is: the `content` resource package, in a checkout and a wheel alike."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CONTENT_PACKAGE = "content"


def content_directory() -> Path:
    """The folder holding the coaching library and the programme data."""
    root = files(CONTENT_PACKAGE)
    # Entries are globbed and read as files, so the package must be installed unzipped.
    if not isinstance(root, Path):
        raise RuntimeError(f"the {CONTENT_PACKAGE!r} package must be installed as plain files")
    return root
