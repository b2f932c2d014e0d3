#!/usr/bin/env bash
# GPU check of the training recipes (run on a CUDA machine from anywhere in the repository):
#   bash scripts/gpu_check.sh [extra args for scripts/gpu_check.py]
# SFT 20 steps at 8k context on a random model with the Qwen2.5-Coder-1.5B shape (nothing
# downloaded), with and without liger kernels and padding-free batches: tokens/s and MFU;
# then GRPO 5 steps (no vLLM) with the judge reward. Results also go to $OUT/gpu_check.json.
#
# Python: .venv when its torch sees the GPU (`make install` pins the CPU wheel, so usually not);
# else a .venv-gpu on top of a system python whose torch sees the GPU; else .venv with the CUDA
# build of the pinned torch installed. liger-kernel is installed when possible, and its absence
# is tolerated (those runs are reported as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

sees_gpu() { "$1" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; }

PY=.venv/bin/python
if ! { [ -x "$PY" ] && sees_gpu "$PY"; }; then
    if sees_gpu python3; then
        [ -x .venv-gpu/bin/python ] || python3 -m venv --system-site-packages .venv-gpu
        PY=.venv-gpu/bin/python
    else
        [ -x "$PY" ] || python3 -m venv .venv
        "$PY" -m pip install --quiet "torch==2.13.0" --index-url https://download.pytorch.org/whl/cu128 \
            || { echo "no torch that sees the GPU, and none could be installed"; exit 1; }
    fi
fi
if ! "$PY" -c "import judge, builders" 2>/dev/null; then
    "$PY" -m pip install --quiet --no-deps -e . || { echo "cannot install this repository into $PY"; exit 1; }
fi
"$PY" -c "import trl, accelerate, datasets, tokenizers" 2>/dev/null || "$PY" -m pip install --quiet -e '.[train]' \
    || { echo "trl/accelerate missing and not installable (no package index?)"; exit 1; }
"$PY" -c "import liger_kernel" 2>/dev/null || "$PY" -m pip install --quiet liger-kernel 2>/dev/null \
    || echo "liger-kernel not installed: the liger runs will be skipped"

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.get_device_name(0))"
export OLYMPICFORGE_CACHE=${OLYMPICFORGE_CACHE:-$(mktemp -d)}
exec "$PY" scripts/gpu_check.py --steps 20 --seq-len 8192 --grpo-steps 5 --json "${OUT:-.}/gpu_check.json" "$@"
