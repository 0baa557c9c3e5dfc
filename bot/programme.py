"""Loads the rollout programme from `content/rollout.yaml` (once per process)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.domain.programme import Programme, parse_programme


def content_directory() -> Path:
    """The `content/` folder: beside the package in a checkout, else in the working directory."""
    beside = Path(__file__).resolve().parent.parent / "content"
    return beside if beside.is_dir() else Path.cwd() / "content"


@cache
def programme() -> Programme:
    """The programme every coalition is measured against."""
    data = yaml.safe_load((content_directory() / "rollout.yaml").read_text(encoding="utf-8"))
    return parse_programme(data)
