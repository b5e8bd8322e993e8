"""Demo section: DPP, volume and iid designs for weighted least squares (Runge function, d = 1)."""

from __future__ import annotations

import numpy as np

from .._table import format_table
from ._polynomials import PolynomialBasis
from ._samplers import ProjectionDPP, _draw_points

TITLE = "DPP and volume sampling for weighted least squares (Nouy & Michel 2023)"


def _runge(x):
    return 1.0 / (1.0 + 25.0 * x[..., 0] ** 2)


def stability_table(basis, factors, kinds, reps, rng):
    """P(||G - I|| <= 1/2) and the median relative L2 error for each design kind and n / m."""
    m = basis.size
    xg, wg = np.polynomial.legendre.leggauss(300)
    wg = wg / 2
    Pg = basis.evaluate(xg[:, None])
    ug = _runge(xg[:, None])
    norm = np.sqrt(wg @ ug**2)
    rows = []
    for kind in kinds:
        for f in factors:
            n = f * m
            if kind == "repeated_dpp":
                pts = ProjectionDPP(basis).sample(n_samples=reps * f, rng=rng).reshape(reps, n, 1)
            elif kind == "iid":
                pts = basis.sample_optimal(reps * n, rng=rng).reshape(reps, n, 1)
            else:
                pts = np.stack([_draw_points(basis, n, kind, rng)[0] for _ in range(reps)])
            Phi = basis.evaluate(pts.reshape(-1, 1)).reshape(reps, n, m)
            s = np.sqrt(m / np.sum(Phi**2, axis=2) / n)
            A = Phi * s[..., None]
            G = np.einsum("rnm,rnk->rmk", A, A)
            dev = np.abs(np.linalg.eigvalsh(G - np.eye(m))).max(axis=1)
            Q, R = np.linalg.qr(A)
            c = np.linalg.solve(R, np.einsum("rnm,rn->rm", Q, _runge(pts) * s)[..., None])[..., 0]
            err = np.sqrt(((Pg @ c.T - ug[:, None]) ** 2 * wg[:, None]).sum(0)) / norm
            rows.append((kind, f, float(np.mean(dev <= 0.5)), float(np.median(err))))
    return rows


def run(rng) -> str:
    """Run the demo and return its text table."""
    rng = np.random.default_rng(rng)
    basis = PolynomialBasis(1, 9)  # Legendre, m = 10
    rows = stability_table(basis, [1, 2, 4, 8], ["iid", "volume", "repeated_dpp"], 200, rng)
    rows = [r for r in rows if not (r[0] == "repeated_dpp" and r[1] == 1)]
    table = format_table(
        ["design", "n / m", "P(||G - I|| <= 1/2)", "median rel. L2 error"],
        [[k, f, round(p, 3), float(f"{e:.3g}")] for k, f, p, e in rows],
        title=(
            "Runge function 1/(1+25x^2), Legendre basis m = 10, weights m/k_m, 200 designs each "
            "(at n = m the volume design is the projection DPP)"
        ),
    )
    return table
