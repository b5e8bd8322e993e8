import time, sys, numpy as np
from sklearn.cluster import KMeans
from samplingstats.cluster import make_isotropic_mixture, SDPKMeans
from threadpoolctl import threadpool_limits
import numba
X, y = make_isotropic_mixture(100_000, 10, 3, separation=4.0, rng=0)
nt = int(sys.argv[1]); mode = sys.argv[2]
threadpool_limits(nt); numba.set_num_threads(nt)
def km(): KMeans(3, n_init=10, random_state=0).fit(X)
def sd(): SDPKMeans(3, random_state=0).fit(X)
km(); sd()
for rnd in range(5):
    if mode == "interleaved":
        t=time.perf_counter(); sd(); a=time.perf_counter()-t
    t=time.perf_counter(); km(); b=time.perf_counter()-t
    if mode == "sleep":
        sd(); time.sleep(0.5)
        t=time.perf_counter(); km(); c=time.perf_counter()-t
        print(f"km alone {b*1e3:.0f} ms, km after sdp+sleep {c*1e3:.0f}")
    elif mode=="interleaved": print(f"sdp {a*1e3:.0f} km {b*1e3:.0f}")
    else: print(f"km alone {b*1e3:.0f}")
