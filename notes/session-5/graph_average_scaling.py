import time, sys, numpy as np, networkx as nx, numba
from samplingstats.walks import WalkGraph, graph_average
import samplingstats._kernels._walk as kw
if "harness" in sys.argv: import benchmarks._harness
g = WalkGraph(nx.barabasi_albert_graph(100_000, 5, seed=0))
deg = g.degree.astype(float)
def run(): return graph_average(g, deg, n_steps=20000, alpha=5.0, chain="mhrw", n_walkers=64, burn_in=0, rng=1)
for t in (1, 2): numba.set_num_threads(t); run()
if "layer" in sys.argv: print(numba.threading_layer())
for r in range(2):
    for t in (1, 2):
        numba.set_num_threads(t)
        t0=time.perf_counter(); c0=time.process_time(); run()
        print(t, f"{time.perf_counter()-t0:.3f} cpu {time.process_time()-c0:.3f}")
