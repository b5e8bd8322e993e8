"""End-to-end old (HEAD's _chaos/_rqmc, loaded from /tmp/ss8/chaosfast) vs new: exactness and
own time, interleaved in one process. Usage: e2e.py KS SEEDS REPS [CASES]"""
import sys, time
sys.path.insert(0, "/tmp/ss8/chaosfast")
import numpy as np
from benchmarks._importance_coverage import _sobol_case
from benchmarks._harness import pin_threads
import oldnew
from samplingstats.importance import sobol_indices
pin_threads(1)
ks = [int(v) for v in sys.argv[1].split(",")]
seeds = int(sys.argv[2]); reps = int(sys.argv[3])
cases = sys.argv[4].split(",") if len(sys.argv) > 4 else ["ishigami", "G", "borehole", "beam", "lognormal", "threshold"]
for case in cases:
    func, dists, S, ST = _sobol_case(case)
    d = len(dists)
    tm = [0.0]
    def f(x):
        t = time.perf_counter(); y = func(x); tm[0] += time.perf_counter() - t; return y
    for k in ks:
        N = (d + 2) * 2**k
        worst = 0.0; same = True
        for seed in range(seeds):
            res = {}
            for w in ("old", "new"):
                oldnew.use(w)
                res[w] = sobol_indices(func, dists, budget=N, rng=[5, k, seed])
            o, n = res["old"], res["new"]
            same &= list(o.surrogate_basis or []) == list(n.surrogate_basis or []) and o.design == n.design
            for a, b in [(o.first_order, n.first_order), (o.total_order, n.total_order)] + [
                (o.confidence_interval(0.95, order=q).low, n.confidence_interval(0.95, order=q).low) for q in ("first", "total")] + [
                (o.confidence_interval(0.95, order=q).high, n.confidence_interval(0.95, order=q).high) for q in ("first", "total")]:
                worst = max(worst, float(np.max(np.abs(np.asarray(a) - np.asarray(b)))))
        ts = {"old": [], "new": []}
        if reps:
            for w in ("old", "new"):
                oldnew.use(w); sobol_indices(f, dists, budget=N, rng=0)  # warm-up
            for r in range(reps):
                for w in (("old", "new") if r % 2 == 0 else ("new", "old")):
                    oldnew.use(w)
                    tm[0] = 0.0; t = time.process_time()
                    sobol_indices(f, dists, budget=N, rng=[6, r])
                    ts[w].append(time.process_time() - t - tm[0])
        mo, mn = (np.median(ts["old"]), np.median(ts["new"])) if reps else (np.nan, np.nan)
        print(f"{case:10s} k={k} N={N:7d} seeds={seeds} bases {'same' if same else 'DIFFER'} max|diff| {worst:.1e} "
              f"own old {mo:.3f} s new {mn:.3f} s ({mo / N * 1e5:.2f} -> {mn / N * 1e5:.2f} s per 1e5)", flush=True)
