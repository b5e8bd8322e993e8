"""The 100-law beam of ``many_laws_case`` (N = 20000, seed 5): the default's estimates and its
own CPU time per run (process time minus the model's), optionally under cProfile.

Usage: PYTHONPATH=. python notes/session-8/kink/prof_laws.py RUNS OUT.npz [profile.out] [notail]
(``notail``: ``_rqmc_expect.TAIL_SAFE_DEGREE = 99``, the tail-safe alternative off).
"""

import copy
import cProfile
import sys
import time

import numpy as np

from benchmarks._harness import pin_threads
from samplingstats.importance import _rqmc_expect as rx
from samplingstats.importance import _testfunctions as tf
from samplingstats.importance import multiple_expectations

_ctl = pin_threads(1)


class Timed:
    def __init__(self):
        self.cpu = 0.0

    def __call__(self, x):
        t0 = time.process_time()
        y = tf.cantilever_beam(x)
        self.cpu += time.process_time() - t0
        return y


def setup(L=100, seed=5):
    g = np.random.default_rng(seed)
    scales = np.concatenate([[1.2], g.uniform(0.8, 1.2, L - 1)])
    shifts = np.concatenate([[0.0], g.uniform(-0.1, 0.1, L - 1)])
    return [tf.cantilever_dists(s, h) for s, h in zip(scales, shifts)]


if __name__ == "__main__":
    runs, out = int(sys.argv[1]), sys.argv[2]
    prof = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "notail" else None
    if "notail" in sys.argv[3:]:
        rx.TAIL_SAFE_DEGREE = 99
    laws = setup()
    N, seed = 20000, 5
    multiple_expectations(tf.cantilever_beam, laws, budget=N, rng=0)  # warm-up
    est, se, own = [], [], []
    pr = cProfile.Profile() if prof else None
    for r in range(runs):
        rng = np.random.default_rng([seed, r])
        n = N // len(laws)
        for _ in laws:  # the crude sample's draws, as in many_laws_case
            rng.standard_normal((n, 6))
        m = Timed()
        t0 = time.process_time()
        if pr:
            pr.enable()
        res = multiple_expectations(m, laws, budget=N, rng=copy.deepcopy(rng))
        if pr:
            pr.disable()
        own.append(time.process_time() - t0 - m.cpu)
        est.append(res.estimate)
        se.append(res.standard_error)
    np.savez(out, est=np.array(est), se=np.array(se), own=np.array(own))
    print(f"own CPU per run: median {np.median(own):.3f} s, min {np.min(own):.3f} s ({runs} runs)")
    if pr:
        pr.dump_stats(prof)
