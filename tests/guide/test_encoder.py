"""The guide's encoder: its checksummed loading, and start-up refusing a broken model."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from bot import cli
from bot.content import content_directory
from bot.guide import encoder as encoder_module
from bot.guide.encoder import (
    CHECKSUMS,
    DIMENSIONS,
    MODEL_DIRECTORY,
    EncoderError,
    check_encoder,
    load_encoder,
)
from bot.guide.library import load_library
from bot.guide.semantic import library_cards
from bot.guide.vectors import encode_cached, shipped_path


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIRECTORY, copy)
    return copy


def test_the_shipped_model_loads_and_encodes_unit_vectors() -> None:
    texts = ["what is an SLI exactly", "the pager goes off all night", "", "???"]
    vectors = load_encoder().encode(texts)
    assert vectors.shape == (4, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not vectors[2:].any()  # a text with no word is the zero vector, not NaN
    assert float(vectors[0] @ vectors[1]) < 0.9


def test_a_batch_encodes_each_text_as_it_would_alone() -> None:
    encoder = load_encoder()
    texts = ["a short one", "a much longer question about error budgets and who signs them", "x"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)  # padding and sorting change nothing


def test_similar_questions_sit_closer_than_unrelated_ones() -> None:
    sli, slo, pizza = load_encoder().encode(
        [
            "what is a service level indicator",
            "define an SLI for checkout",
            "recommend a pizza place",
        ]
    )
    assert float(sli @ slo) > float(sli @ pizza)


def test_the_model_files_match_their_recorded_checksums() -> None:
    for name, digest in CHECKSUMS.items():
        assert hashlib.sha256((MODEL_DIRECTORY / name).read_bytes()).hexdigest() == digest
    assert "Apache License" in (MODEL_DIRECTORY / "LICENSE").read_text()


def test_a_missing_file_is_one_line(model_copy: Path) -> None:
    (model_copy / "tokenizer.json").unlink()
    with pytest.raises(EncoderError, match=r"missing .*tokenizer\.json") as caught:
        load_encoder(model_copy)
    assert "\n" not in str(caught.value)


def test_a_changed_file_fails_its_checksum(model_copy: Path) -> None:
    weights = model_copy / "encoder.onnx"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(EncoderError, match=r"encoder\.onnx fails its SHA-256 check"):
        load_encoder(model_copy)


def test_a_file_that_passes_its_checksum_but_does_not_parse(model_copy: Path) -> None:
    (model_copy / "encoder.onnx").write_bytes(b"not an onnx graph")
    checksums = {**CHECKSUMS, "encoder.onnx": hashlib.sha256(b"not an onnx graph").hexdigest()}
    with pytest.raises(EncoderError, match="does not load") as caught:
        load_encoder(model_copy, checksums)
    assert "\n" not in str(caught.value)


def test_check_encoder_says_what_is_wrong(model_copy: Path) -> None:
    assert check_encoder() is None
    (model_copy / "encoder.onnx").unlink()
    assert "missing" in (check_encoder(model_copy) or "")


@pytest.fixture
def broken_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setattr(encoder_module, "MODEL_DIRECTORY", tmp_path)
    yield tmp_path


def test_start_up_refuses_a_missing_model_in_one_line(
    broken_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.load_content_or_say() is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("sre-coach: the guide's encoder model is missing")


def test_content_check_reports_the_missing_model(
    broken_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.check_content() == 1
    out = capsys.readouterr().out
    assert f"the guide's encoder model is missing {broken_model}" in out


# --- the view-vector cache -------------------------------------------------------------------


class CountingEncoder:
    """Encodes each text as a vector of its length, and counts the texts it was asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.asked += texts
        return np.asarray([[len(t)] * DIMENSIONS for t in texts], dtype=np.float32)


def test_cached_vectors_are_read_back_and_only_new_texts_encoded(tmp_path: Path) -> None:
    path, encoder = tmp_path / "cache" / "vectors.npz", CountingEncoder()
    first = encode_cached(encoder.encode, ["alpha", "be", "alpha"], path)
    assert encoder.asked == ["alpha", "be"] and first[:, 0].tolist() == [5, 2, 5]
    again = encode_cached(encoder.encode, ["be", "gamma!", "alpha"], path)
    assert encoder.asked == ["alpha", "be", "gamma!"]
    assert again[:, 0].tolist() == [2, 6, 5]
    encode_cached(encoder.encode, ["be"], path)  # a smaller library keeps the others cached
    encode_cached(encoder.encode, ["alpha", "gamma!"], path)
    assert encoder.asked == ["alpha", "be", "gamma!"]


def test_a_cache_that_is_not_ours_is_ignored_and_replaced(tmp_path: Path) -> None:
    path, encoder = tmp_path / "vectors.npz", CountingEncoder()
    path.write_bytes(b"not an npz file")
    assert encode_cached(encoder.encode, ["alpha"], path)[0, 0] == 5
    assert encode_cached(encoder.encode, ["alpha"], path)[0, 0] == 5
    assert encoder.asked == ["alpha"]


def test_a_cache_that_cannot_be_written_only_costs_encoding(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a file where the cache folder should be
    encoder = CountingEncoder()
    for _ in range(2):
        assert encode_cached(encoder.encode, ["alpha"], blocker / "vectors.npz")[0, 0] == 5
    assert encoder.asked == ["alpha", "alpha"]


def test_the_real_encoders_vectors_come_back_unchanged(tmp_path: Path) -> None:
    encoder, texts = load_encoder(), ["what is an SLI exactly", "retry storms"]
    fresh = encode_cached(encoder.encode, texts, tmp_path / "vectors.npz")
    cached = encode_cached(encoder.encode, texts, tmp_path / "vectors.npz")
    assert np.array_equal(fresh, cached) and np.allclose(fresh, encoder.encode(texts))


def test_the_shipped_vectors_cover_the_library_so_a_fresh_start_encodes_nothing(
    tmp_path: Path,
) -> None:
    texts = library_cards(load_library(content_directory()))
    encoder = CountingEncoder()
    vectors = encode_cached(encoder.encode, texts, tmp_path / "empty-cache.npz")
    missing = encoder.asked
    assert missing == [], (
        f"{len(missing)} entry cards are not in the shipped vectors "
        "(content or model changed): run `.venv/bin/python tools/ship_vectors.py`"
    )
    # The encoder's own, up to the CPU: onnxruntime's int8 kernels round differently on
    # AVX2 and on AVX-512 VNNI, so vectors shipped from one machine agree with another's
    # at cosine 0.977 or better (measured over the 726 texts of an earlier library), not to
    # the last bit.
    real, ours = load_encoder(), vectors[:8]
    fresh = real.encode(texts[:8])
    cosine = (
        (ours * fresh).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(fresh, axis=1)
    )
    assert cosine.min() > 0.97
    assert shipped_path().stat().st_mode & 0o044 == 0o044  # readable by the image's user
