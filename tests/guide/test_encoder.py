"""The guide's encoder: its checksummed loading, and start-up refusing a broken model."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot import cli
from bot.guide import encoder as encoder_module
from bot.guide.encoder import (
    CHECKSUMS,
    MODEL_DIRECTORY,
    EncoderError,
    check_encoder,
    load_encoder,
    prepare,
)


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIRECTORY, copy)
    return copy


def test_the_shipped_model_loads_and_encodes_unit_vectors() -> None:
    vectors = load_encoder().encode(["what is an SLI exactly", "the pager goes off all night", ""])
    assert vectors.shape == (3, 128) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not vectors[2].any()  # nothing to encode is the zero vector, not NaN
    assert float(vectors[0] @ vectors[1]) < 0.9


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


def test_prepare_applies_synonyms_and_drops_stopwords() -> None:
    assert prepare("How much on call is too much?") == "oncall"
    assert prepare("what is it") == "what is it"  # only stopwords: keep them


def test_a_missing_file_is_one_line(model_copy: Path) -> None:
    (model_copy / "tokenizer.json").unlink()
    with pytest.raises(EncoderError, match=r"missing .*tokenizer\.json") as caught:
        load_encoder(model_copy)
    assert "\n" not in str(caught.value)


def test_a_changed_file_fails_its_checksum(model_copy: Path) -> None:
    weights = model_copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(EncoderError, match=r"model\.safetensors fails its SHA-256 check"):
        load_encoder(model_copy)


def test_a_file_that_passes_its_checksum_but_does_not_parse(model_copy: Path) -> None:
    (model_copy / "model.safetensors").write_bytes(b"not a safetensors file")
    checksums = {
        **CHECKSUMS,
        "model.safetensors": hashlib.sha256(b"not a safetensors file").hexdigest(),
    }
    with pytest.raises(EncoderError, match="does not load") as caught:
        load_encoder(model_copy, checksums)
    assert "\n" not in str(caught.value)


def test_check_encoder_says_what_is_wrong(model_copy: Path) -> None:
    assert check_encoder() is None
    (model_copy / "config.json").unlink()
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
