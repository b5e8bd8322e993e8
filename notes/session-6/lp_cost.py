import sys, time, numpy as np
from threadpoolctl import threadpool_limits
from samplingstats.lp import LpRegressor
threadpool_limits(1)
import numba; numba.set_num_threads(1)
d = 20
def data(fam, n, rng):
    if fam == "t2-laplace":
        A = rng.standard_t(2, size=(n, d)); b = A @ rng.standard_normal(d) + 2 * rng.laplace(size=n)
    elif fam == "gauss":
        A = rng.standard_normal((n, d)); b = A @ rng.standard_normal(d) + rng.standard_normal(n)
    else:  # spiky: 0.1% rows scaled x30, skewed noise
        A = rng.standard_normal((n, d)); idx = rng.choice(n, n // 1000, replace=False); A[idx] *= 30
        b = A @ rng.standard_normal(d) + rng.exponential(size=n) ** 2
    return A, b
ns = [int(float(x)) for x in sys.argv[1].split(",")]
for n in ns:
    for fam in ("t2-laplace", "gauss", "spiky"):
        A, b = data(fam, n, np.random.default_rng(11))
        A1 = np.hstack([A, np.ones((n, 1))])
        for p in (2.5, 3.0, 3.5):
            t0 = time.process_time(); f = LpRegressor(p=p).fit(A, b); tf = time.process_time() - t0
            opt = np.sum(np.abs(A1 @ np.r_[f.coef_, f.intercept_] - b) ** p)
            rs = []; ts = []
            for s in range(20):
                t0 = time.process_time(); e = LpRegressor(p=p, n_samples=40 * (d + 1), random_state=s).fit(A, b); ts.append(time.process_time() - t0)
                rs.append(np.sum(np.abs(A1 @ np.r_[e.coef_, e.intercept_] - b) ** p) / opt)
            rs = np.array(rs)
            print(f"n={n} {fam} p={p}: cpu full {tf:.3f} s sampled med {np.median(ts):.3f} s; cost ratio med {np.median(rs):.4f} p90 {np.quantile(rs,.9):.4f} max {rs.max():.4f}", flush=True)
