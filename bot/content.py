"""The bot's content: where `content/` is, and `Content`, loaded once at start-up and passed in.

`content/` ships as the `content` resource package, so it is found in a checkout and in an
installed wheel alike. `bot.wiring.load_content` reads it once; nothing holds it in a global.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.domain.programme import Programme, parse_programme

if TYPE_CHECKING:  # the guide finds its files through this module: no import cycle at run time
    from bot.guide.library import Library
    from bot.guide.ranking import Guide

CONTENT_PACKAGE = "content"


def content_directory() -> Path:
    """The folder holding the coaching library and the programme data."""
    root = files(CONTENT_PACKAGE)
    # Entries are globbed and read as files, so the package must be installed unzipped.
    if not isinstance(root, Path):
        raise RuntimeError(f"the {CONTENT_PACKAGE!r} package must be installed as plain files")
    return root


def load_programme(directory: Path) -> Programme:
    """The programme every coalition is measured against, from `rollout.yaml`."""
    data = yaml.safe_load((directory / "rollout.yaml").read_text(encoding="utf-8"))
    return parse_programme(data)


@dataclass(frozen=True)
class Content:
    """The programme, the coaching library and the guide that answers from it."""

    programme: Programme
    library: Library
    guide: Guide
