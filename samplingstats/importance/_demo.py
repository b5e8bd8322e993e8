"""Demo section: many expectations from one adaptive sample; Sobol' indices."""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._table import format_table
from ._expectations import multiple_expectations
from ._sobol import sobol_indices
from ._testfunctions import exp_linear, exp_linear_indices

TITLE = "Adaptive importance sampling with control variates (importance)"


def run(rng) -> str:
    rng = np.random.default_rng(rng)
    js = np.arange(1, 9)
    exact = np.array([np.prod(np.arange(1, 2 * j, 2)) for j in js], dtype=float)
    N = 10_000
    res = multiple_expectations(
        lambda x: x ** (2 * js), [stats.norm()], budget=N, rng=rng, method="aiscv"
    )
    x = rng.standard_normal(N)
    crude = np.array([np.mean(x ** (2 * j)) for j in js])
    rows = [
        [
            f"E[X^{2 * j}]",
            f"{e:.6g}",
            f"{a:.6g}",
            f"{abs(a / e - 1):.2%}",
            f"{s / e:.2%}",
            f"{abs(c / e - 1):.2%}",
        ]
        for j, e, a, s, c in zip(js, exact, res.estimate, res.standard_error, crude)
    ]
    t1 = format_table(
        ["moment", "exact", "AISCV", "|rel err|", "rel SE", "crude MC |rel err|"],
        rows,
        title=f"Gaussian moments from one sample of {N} points "
        f"({res.n_adaptive} adaptive + {N - res.n_adaptive} final)",
    )
    first, _ = exp_linear_indices()
    budget = 4096 * 5
    default = sobol_indices(exp_linear, [stats.norm()] * 3, budget=budget, rng=rng)
    ours = sobol_indices(exp_linear, [stats.norm()] * 3, budget=budget, method="aiscv", rng=rng)
    pf = sobol_indices(exp_linear, [stats.norm()] * 3, budget=budget, method="pick_freeze", rng=rng)
    rows = [
        [
            f"S{i + 1}",
            f"{first[i]:.4f}",
            f"{default.first_order[i]:.5f} +- {np.asarray(default.first_order_standard_error)[i]:.5f}",
            f"{ours.first_order[i]:.4f} +- {np.asarray(ours.first_order_standard_error)[i]:.4f}",
            f"{pf.first_order[i]:.4f} +- {np.asarray(pf.first_order_standard_error)[i]:.4f}",
        ]
        for i in range(3)
    ]
    gain = np.sum(np.asarray(pf.first_order_standard_error) ** 2) / np.sum(
        np.asarray(ours.first_order_standard_error) ** 2
    )
    t2 = format_table(
        ["index", "exact", "default (RQMC + chaos CV)", "AISCV", "crude pick-freeze"],
        rows,
        title=f"Sobol' indices of exp(0.8 x1 + 0.4 x2 + 0.2 x3), {budget} model runs each "
        f"(AISCV / crude variance ratio {gain:.0f}x)",
    )
    return t1 + "\n\n" + t2
