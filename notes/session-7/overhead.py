import time, numpy as np, cProfile, pstats, sys
from benchmarks._importance_coverage import _sobol_case
from benchmarks._harness import pin_threads
from samplingstats.importance import sobol_indices
pin_threads(1)
for case, k in [(c, int(sys.argv[2])) for c in ("ishigami", "G", "borehole", "beam", "lognormal", "threshold")]:
    func, dists, S, ST = _sobol_case(case)
    d = len(dists); N = (d + 2) * 2**k
    tm = [0.0]
    def f(x):
        t = time.perf_counter(); y = func(x); tm[0] += time.perf_counter() - t; return y
    sobol_indices(f, dists, budget=N, rng=0)
    ts = []
    for r in range(5):
        tm[0] = 0; t = time.process_time(); res = sobol_indices(f, dists, budget=N, rng=r); ts.append(time.process_time() - t - tm[0])
    print(case, N, res.method, "overhead median %.3f s = %.2f s per 1e5" % (np.median(ts), np.median(ts) / N * 1e5), flush=True)
    if case == sys.argv[1]:
        cProfile.run("sobol_indices(f, dists, budget=N, rng=9)", "/tmp/ss7/prof.out")
        pstats.Stats("/tmp/ss7/prof.out").sort_stats("cumulative").print_stats(25)
