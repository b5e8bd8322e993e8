"""Accuracy and own time of the default sobol_indices against the chaos term cap (session 8).

Usage: PYTHONPATH=<checkout> python cap_study.py OUT.jsonl CASES KS CAPS RUNS
e.g.   ... cap_study.py rows.jsonl ishigami,borehole 10,12 500,300,200 30
SAMPLINGSTATS_CAP_ROWS=M also sets max_rows (training rows per replicate; default 4096).
Each row: case, k, cap, rows, run, errors of first/total indices, own CPU time (outside the model),
chosen surrogate bases. Seeds [8, k, run] (same for every cap)."""
import functools, json, os, sys, time

import numpy as np

from benchmarks._harness import pin_threads
from benchmarks._importance_coverage import _sobol_case
import samplingstats.importance._sobol as so
import samplingstats.importance._rqmc as rq
from samplingstats.importance import sobol_indices

pin_threads(1)
out, cases, ks, caps, runs = sys.argv[1], sys.argv[2].split(","), [int(v) for v in sys.argv[3].split(",")], [int(v) for v in sys.argv[4].split(",")], int(sys.argv[5])
orig = rq.rqmc_sobol
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
            for cap in caps:
                rows_cap = int(os.environ.get("SAMPLINGSTATS_CAP_ROWS", "4096"))
                so.rqmc_sobol = functools.partial(orig, max_terms=cap, max_rows=rows_cap)
                sobol_indices(f, dists, budget=N, rng=0)  # warm-up
                for r in range(runs):
                    tm[0] = 0.0
                    t0 = time.process_time()
                    res = sobol_indices(f, dists, budget=N, rng=[8, k, r])
                    own = time.process_time() - t0 - tm[0]
                    row = dict(case=case, k=k, N=N, cap=cap, rows=rows_cap, run=r, own=own,
                               e1=(res.first_order - S).tolist(), eT=(res.total_order - ST).tolist(),
                               basis=list(res.surrogate_basis or []), design=res.design)
                    fh.write(json.dumps(row) + "\n"); fh.flush()
so.rqmc_sobol = orig
