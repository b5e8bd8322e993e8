#!/usr/bin/env bash
# One device check: the CUDA tests, then benchmarks.gpu_check (and benchmarks.gpu_walks when present).
# Run from the repository root on a machine with a CUDA GPU, torch, numba and pytest installed.
# Extra wheels (array-api-compat) may be carried in .whl/. Output goes to $OUT when it is set.
set -u
OUT=${OUT:-/tmp/gpu_out}; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 NUMBA_CACHE_DIR=/tmp/numba_cache PYTHONPATH=$PWD:${PYTHONPATH:-}
if ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH=$PYTHONPATH:/tmp/site
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, numba, numpy, scipy, sklearn; print('torch', torch.__version__, 'numba', numba.__version__, 'numpy', numpy.__version__, 'scipy', scipy.__version__, 'sklearn', sklearn.__version__)"
timeout ${TEST_TIMEOUT:-150} python3 -m pytest -p no:cacheprovider -q -o addopts="" --timeout=120 -m gpu \
  tests/sampling tests/dpp tests/cluster tests/walks 2>&1 | tee "$OUT/gpu_tests.log" | tail -25
for mod in ${GPU_BENCH:-gpu_check gpu_walks}; do
  if [ -f benchmarks/$mod.py ]; then
    timeout ${BENCH_TIMEOUT:-200} python3 -m benchmarks.$mod 2>&1 | tee "$OUT/$mod.log" | tail -40
  fi
done
