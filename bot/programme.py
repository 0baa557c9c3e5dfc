"""Loads the rollout programme from `content/rollout.yaml` (once per process)."""

from __future__ import annotations

from functools import cache

import yaml

from bot.content import content_directory
from bot.domain.programme import Programme, parse_programme


@cache
def programme() -> Programme:
    """The programme every coalition is measured against."""
    data = yaml.safe_load((content_directory() / "rollout.yaml").read_text(encoding="utf-8"))
    return parse_programme(data)
