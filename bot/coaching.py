"""The coaching library and its question answering, loaded and indexed once per process."""

from __future__ import annotations

from functools import cache

from bot.guide.encoder import load_encoder
from bot.guide.library import Library, load_library
from bot.guide.ranking import Guide


@cache
def library() -> Library:
    """The checked library (raises `LibraryError` listing every problem)."""
    return load_library(Library.default_directory())


@cache
def guide() -> Guide:
    """Hybrid question answering over the library (raises `EncoderError` if the model is bad)."""
    return Guide(library(), load_encoder())
