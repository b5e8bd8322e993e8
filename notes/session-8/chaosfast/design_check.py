import sys, time
sys.path.insert(0, "/tmp/ss8/chaosfast")
import numpy as np
from benchmarks._harness import pin_threads
import oldnew
from samplingstats.importance._chaos import candidate_sets
pin_threads(1)
rng = np.random.default_rng(1)
for d, kinds in [(3, ["legendre"] * 3), (6, ["hermite", "legendre"] * 3), (8, ["legendre"] * 7 + ["hermite"])]:
    u, c, p, o = candidate_sets(d, 500)
    for n in (640, 4096):
        U = rng.random((n, d))
        old = oldnew.ch_old._design_t(U, kinds, u, p); new = oldnew.ch_new._design_t(U, kinds, u, p)
        sub = u[o["hyperbolic"][:100]] if "hyperbolic" in o else u[:50]
        eq = np.array_equal(old, new) and np.array_equal(oldnew.ch_old._design_t(U, kinds, sub, int(sub.max())), oldnew.ch_new._design_t(U, kinds, sub, int(sub.max())))
        ts = {}
        for name, f in [("old", oldnew.ch_old._design_t), ("new", oldnew.ch_new._design_t)]:
            t = time.process_time()
            for _ in range(10): f(U, kinds, u, p)
            ts[name] = (time.process_time() - t) / 10 * 1e3
        print(d, n, u.shape[0], "bitwise equal" if eq else "DIFFERENT", "old %.2f ms new %.2f ms" % (ts["old"], ts["new"]))
