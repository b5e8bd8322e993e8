"""Record crossfit_chaos inputs of real sobol_indices runs; pickle them."""
import pickle, sys, time
import numpy as np
sys.path.insert(0, "/tmp/ss8/chaosfast")
from benchmarks._importance_coverage import _sobol_case
from benchmarks._harness import pin_threads
import oldnew
from samplingstats.importance import sobol_indices
pin_threads(1)
rec = []
orig = oldnew.rq_old.crossfit_chaos
def spy(*a, **kw):
    rec.append((a, kw))
    return orig(*a, **kw)
oldnew.rq_old.crossfit_chaos = spy
oldnew.use("old")
out = {}
for case in ["ishigami", "G", "borehole", "beam", "lognormal", "threshold"]:
    func, dists, S, ST = _sobol_case(case)
    d = len(dists)
    for k in (10, 12, 14):
        rec.clear()
        sobol_indices(func, dists, budget=(d + 2) * 2**k, rng=3)
        out[(case, k)] = list(rec)
        print(case, k, [(len(a[0]), a[0][0].shape, kw.get("jackknife", True)) for a, kw in rec])
pickle.dump(out, open("/tmp/ss8/chaosfast/calls.pkl", "wb"))
