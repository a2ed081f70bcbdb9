#!/usr/bin/env bash
# Set-up on a fresh machine: fetch the pinned real test data, then build spatia (release).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/fetch_motorcycle.py
cargo build --release --workspace --quiet
