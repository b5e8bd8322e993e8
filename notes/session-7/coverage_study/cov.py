"""Coverage of sobol_indices' default 95% intervals, public API only, fresh seeds [7, k, r].

usage: python cov.py CASE K RUNS OUT.jsonl [FIRST]      (run from the snapshot worktree)
       python cov.py table OUT.jsonl ...
"""
import json, sys, time
import numpy as np

def run(case, k, runs, out, first=0):
    from benchmarks._importance_coverage import _sobol_case
    from benchmarks._harness import pin_threads
    from samplingstats.importance import sobol_indices
    pin_threads(1)
    func, dists, S, ST = _sobol_case(case)
    d = len(dists)
    with open(out, "a") as fh:
        for r in range(first, first + runs):
            t = time.perf_counter()
            res = sobol_indices(func, dists, budget=(d + 2) * 2**k, rng=np.random.default_rng([7, k, r]))
            t = time.perf_counter() - t
            c1 = res.confidence_interval(0.95, order="first"); c2 = res.confidence_interval(0.95, order="total")
            ci = [[np.asarray(c1.low).tolist(), np.asarray(c1.high).tolist()], [np.asarray(c2.low).tolist(), np.asarray(c2.high).tolist()]]
            rec = dict(case=case, k=k, r=r, S=res.first_order.tolist(), ST=res.total_order.tolist(),
                       trueS=np.asarray(S).tolist(), trueST=np.asarray(ST).tolist(), method=res.method,
                       ci=ci, time=t)
            fh.write(json.dumps(rec) + "\n"); fh.flush()

def table(paths):
    rows = [json.loads(l) for p in paths for l in open(p)]
    keys = sorted({(r["case"], r["k"]) for r in rows})
    rng = np.random.default_rng(0)
    print("| case | k | runs | method | coverage (all indices) | run bootstrap 95% | first | total | excluding exact-zero intervals | RMSE first | RMSE total | median s/run |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case, k in keys:
        sel = [r for r in rows if r["case"] == case and r["k"] == k]
        hits, nondeg = [], []
        for r in sel:
            ci = r["ci"]
            truth = np.concatenate([r["trueS"], r["trueST"]])
            # ci: either (lo, hi) each of shape (2, d) [first; total] or a tuple of two (2, d)
            a = np.asarray(ci, dtype=float)
            if a.ndim == 3 and a.shape[0] == 2 and a.shape[1] == 2:   # (first/total, lo/hi, d)
                lo = np.concatenate([a[0, 0], a[1, 0]]); hi = np.concatenate([a[0, 1], a[1, 1]])
            else:
                raise SystemExit(f"unexpected ci shape {a.shape}")
            hits.append((lo <= truth) & (truth <= hi))
            nondeg.append(hi - lo > 1e-9)
        H = np.array(hits, float); ND = np.array(nondeg)
        d = H.shape[1] // 2
        cov = H.mean()
        boot = [H[rng.integers(0, len(H), len(H))].mean() for _ in range(2000)]
        lo, hi = np.percentile(boot, [2.5, 97.5])
        E = np.array([np.concatenate([r["S"], r["ST"]]) for r in sel]); T = np.array([np.concatenate([r["trueS"], r["trueST"]]) for r in sel])
        rm1 = np.sqrt(np.mean((E[:, :d] - T[:, :d])**2)); rm2 = np.sqrt(np.mean((E[:, d:] - T[:, d:])**2))
        print(f"| {case} | {k} | {len(sel)} | {sel[0]['method']} | {cov:.3f} | [{lo:.3f}, {hi:.3f}] | {H[:, :d].mean():.3f} | {H[:, d:].mean():.3f} | {H[ND].mean():.3f} ({ND.mean()*100:.0f}% of intervals) | {rm1:.3g} | {rm2:.3g} | {np.median([r['time'] for r in sel]):.2f} |")

if __name__ == "__main__":
    if sys.argv[1] == "table":
        table(sys.argv[2:])
    else:
        run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 0)
