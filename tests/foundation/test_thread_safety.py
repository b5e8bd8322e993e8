"""Parallel numba kernels called from several Python threads at once (issue 17).

numba's ``workqueue`` threading layer aborts the interpreter ("Concurrent access has been
detected") when two Python threads launch parallel kernels at the same time;
``samplingstats._kernels._jit.LazyKernel`` serialises parallel launches under that layer. Each
available layer runs in its own subprocess (``NUMBA_THREADING_LAYER`` is read once per process): 4
threads call the walks entry points that run ``parallel=True`` kernels, several times each, and
every result must equal the sequential one. An abort shows up as a non-zero return code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("numba")

SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    import numpy as np
    import numba
    from samplingstats._kernels import _walk
    from samplingstats.walks import graph_average, random_walk, self_repellent_walk

    parallel = [k for k in vars(_walk).values() if getattr(k, "options", {}).get("parallel")]
    assert parallel, "no parallel kernel found in samplingstats._kernels._walk"

    rng = np.random.default_rng(0)
    n = 60
    A = (rng.random((n, n)) < 0.1).astype(float)
    A = np.triu(A, 1)
    A = A + A.T
    for i in range(n):  # a ring keeps it connected
        A[i, (i + 1) % n] = A[(i + 1) % n, i] = 1.0
    values = np.arange(n, dtype=float)

    def calls(seed):
        w = random_walk(A, n_steps=300, n_walkers=64, rng=seed)
        s = self_repellent_walk(A, n_steps=300, alpha=2.0, n_walkers=8, rng=seed)
        g = graph_average(A, values, n_steps=300, n_walkers=16, rng=seed)
        return (np.asarray(w.trace), np.asarray(s.empirical_measure), float(g.estimate))

    try:
        expected = {seed: calls(seed) for seed in range(4)}
    except ValueError as e:  # the requested layer cannot be loaded here
        if "threading layer" in str(e):
            print(json.dumps({"unavailable": str(e)}))
            sys.exit(0)
        raise
    layer = numba.threading_layer()
    errors, mismatches = [], []
    barrier = threading.Barrier(4)

    def worker(seed):
        try:
            barrier.wait()
            for _ in range(3):
                got = calls(seed)
                ok = all(np.array_equal(a, b) for a, b in zip(got[:2], expected[seed][:2]))
                if not ok or got[2] != expected[seed][2]:
                    mismatches.append(seed)
        except BaseException as e:  # reported, not swallowed
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"layer": layer, "errors": errors, "mismatches": mismatches,
                      "n_parallel_kernels": len(parallel)}))
    """
)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("layer", ["workqueue", "omp", "tbb"])
def test_parallel_kernels_from_four_threads(layer):
    env = dict(os.environ)
    env.update(
        NUMBA_THREADING_LAYER=layer,
        NUMBA_NUM_THREADS="2",
        OMP_NUM_THREADS="1",
        NUMBA_CACHE_DIR=env.get(
            "NUMBA_CACHE_DIR",
            os.path.join(os.path.dirname(__file__), "..", "..", ".numba_cache"),
        ),
    )
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=540
    )
    assert proc.returncode == 0, (
        f"layer {layer}: the process ended with return code {proc.returncode} "
        f"(134 = abort)\n{proc.stderr[-3000:]}"
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if "unavailable" in out:
        pytest.skip(f"threading layer {layer} is not available here: {out['unavailable']}")
    assert out["layer"] == layer
    assert not out["errors"], out["errors"]
    assert not out["mismatches"], f"results differ from the sequential ones: {out}"


def test_the_threaded_test_covers_every_parallel_kernel():
    """A parallel kernel outside _walk must be added to SCRIPT above (called from 4 threads)."""
    import importlib
    import pkgutil

    import samplingstats._kernels as kernels
    from samplingstats._kernels._jit import LazyKernel

    found = {}
    for info in pkgutil.iter_modules(kernels.__path__):
        mod = importlib.import_module(f"samplingstats._kernels.{info.name}")
        for name, obj in vars(mod).items():
            if isinstance(obj, LazyKernel) and obj.options.get("parallel"):
                found[f"{info.name}.{name}"] = info.name
    assert found, "no parallel kernel found: the threaded test would test nothing"
    assert set(found.values()) == {"_walk"}, f"parallel kernels outside _walk: {sorted(found)}"
