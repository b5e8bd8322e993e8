"""Accuracy and own time of the default sobol_indices with the candidate bases scored on all
replicate pairs vs on neighbour pairs only (_rqmc.SOBOL_CV_PAIRS), same seeds as
notes/session-8/cap_study.py ([8, k, run]); the two settings interleaved run by run.

Usage: PYTHONPATH=<checkout> python cv_study.py OUT.jsonl CASES KS RUNS [MODES]
Each row: case, k, mode, run, errors of first/total indices, own CPU time (outside the model),
chosen bases."""
import json, sys, time

import numpy as np

from benchmarks._harness import pin_threads
from benchmarks._importance_coverage import _sobol_case
import samplingstats.importance._rqmc as rq
from samplingstats.importance import sobol_indices

pin_threads(1)
out, cases, ks, runs = sys.argv[1], sys.argv[2].split(","), [int(v) for v in sys.argv[3].split(",")], int(sys.argv[4])
modes = sys.argv[5].split(",") if len(sys.argv) > 5 else ["all", "neighbours"]
orig = rq.SOBOL_CV_PAIRS
with open(out, "a") as fh:
    for case in cases:
        func, dists, S, ST = _sobol_case(case)
        S, ST = np.asarray(S), np.asarray(ST)
        d = len(dists)
        tm = [0.0]

        def f(x):
            t = time.perf_counter(); y = func(x); tm[0] += time.perf_counter() - t; return y

        for k in ks:
            N = (d + 2) * 2**k
            for mode in modes:
                rq.SOBOL_CV_PAIRS = mode
                sobol_indices(f, dists, budget=N, rng=0)  # warm-up
            for r in range(runs):
                for mode in (modes if r % 2 == 0 else modes[::-1]):
                    rq.SOBOL_CV_PAIRS = mode
                    tm[0] = 0.0
                    t0 = time.process_time()
                    res = sobol_indices(f, dists, budget=N, rng=[8, k, r])
                    own = time.process_time() - t0 - tm[0]
                    row = dict(case=case, k=k, N=N, mode=mode, run=r, own=own,
                               e1=(res.first_order - S).tolist(), eT=(res.total_order - ST).tolist(),
                               basis=list(res.surrogate_basis or []), design=res.design)
                    fh.write(json.dumps(row) + "\n"); fh.flush()
rq.SOBOL_CV_PAIRS = orig
