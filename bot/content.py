"""Where `content/` is: beside the package in a checkout, else in the working directory."""

from __future__ import annotations

from pathlib import Path


def content_directory() -> Path:
    """The folder holding the coaching library and the programme data."""
    beside = Path(__file__).resolve().parent.parent / "content"
    return beside if beside.is_dir() else Path.cwd() / "content"
