"""old vs new crossfit_chaos on the recorded calls: labels, coef, coef_without, pred, rel_error."""
import pickle, sys, time
sys.path.insert(0, "/tmp/ss8/chaosfast")
import numpy as np
from benchmarks._harness import pin_threads
import oldnew
pin_threads(1)
calls = pickle.load(open("/tmp/ss8/chaosfast/calls.pkl", "rb"))
worst = {}
for key, lst in calls.items():
    for i, (a, kw) in enumerate(lst):
        t0 = time.process_time(); o = oldnew.ch_old.crossfit_chaos(*a, **kw); t1 = time.process_time()
        n = oldnew.ch_new.crossfit_chaos(*a, **kw); t2 = time.process_time()
        rel = lambda x, y: float(np.max(np.abs(x - y)) / max(np.max(np.abs(x)), 1e-300)) if np.size(x) else 0.0
        lab = all(p["label"] == q["label"] for p, q in zip(o, n))
        dc = max(rel(p["coef"], q["coef"]) for p, q in zip(o, n))
        dw = max(rel(p["coef_without"], q["coef_without"]) for p, q in zip(o, n))
        dp = max((rel(p["pred"], q["pred"]) if p["pred"] is not None else 0) for p, q in zip(o, n))
        de = max(abs(p["rel_error"] - q["rel_error"]) / max(p["rel_error"], 1e-300) for p, q in zip(o, n))
        print(key, i, "labels same" if lab else "LABELS DIFFER", "coef %.1e without %.1e pred %.1e relerr %.1e  old %.3f new %.3f s" % (dc, dw, dp, de, t1 - t0, t2 - t1), [p["label"] for p in n][:3], flush=True)
