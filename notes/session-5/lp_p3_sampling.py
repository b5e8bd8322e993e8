import time, numpy as np, statistics
from threadpoolctl import threadpool_limits
from samplingstats.lp import LpRegressor
threadpool_limits(1)
import numba; numba.set_num_threads(1)
d=20
for n in (200_000, 1_000_000):
    rng = np.random.default_rng(7)
    A = rng.standard_t(2, size=(n, d)); b = A @ rng.standard_normal(d) + 2*rng.laplace(size=n)
    A1=np.hstack([A,np.ones((n,1))])
    for p in (2.5, 3.0, 3.5):
        LpRegressor(p=p, n_samples=840, random_state=0).fit(A,b)
        tf=[];ts=[];rs=[]
        for s in range(3):
            t0=time.perf_counter(); f=LpRegressor(p=p).fit(A,b); tf.append(time.perf_counter()-t0)
            t0=time.perf_counter(); e=LpRegressor(p=p, n_samples=840, random_state=s).fit(A,b); ts.append(time.perf_counter()-t0)
            opt=np.sum(np.abs(A1@np.r_[f.coef_,f.intercept_]-b)**p)
            rs.append(np.sum(np.abs(A1@np.r_[e.coef_,e.intercept_]-b)**p)/opt)
        print(f"n={n} p={p}: full {statistics.median(tf):.2f} s sampled {statistics.median(ts):.2f} s full/sampled {statistics.median(tf)/statistics.median(ts):.2f}x cost ratio med {statistics.median(rs):.4f} worst {max(rs):.4f}", flush=True)
