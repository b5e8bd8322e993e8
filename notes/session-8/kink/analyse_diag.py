"""Coverage of the kink runs under several standard-error forms (reads kink_diag.py rows)."""

import json
import sys

import numpy as np
from scipy import stats

q = stats.t.ppf(0.975, 7)
for path in sys.argv[1:]:
    rows = [json.loads(x) for x in open(path)]
    err = np.array([r["err"] for r in rows])
    sej = np.array([r["se_jk"] for r in rows])
    b = np.array([r["b"] for r in rows])
    sen = np.array([r["se_naive"] for r in rows])
    E = np.array([r["E"] for r in rows])
    th = np.array([r["theta"] for r in rows])
    n = len(rows)
    print(
        path,
        "runs",
        n,
        f"RMSE {np.sqrt(np.mean(err**2)):.3g} mean err {err.mean():.3g} (t={err.mean() / err.std() * np.sqrt(n):.2f})",
    )
    for name, se in [("jk", sej), ("naive", sen), ("mse", np.sqrt(sej**2 + b**2))]:
        z = err / se
        cover, rmsz = np.mean(np.abs(z) < q), np.sqrt(np.mean(z**2))
        ratio = np.median(se / np.abs(err))
        print(
            f"  {name:6s} cover {cover:.3f}  rms(z) {rmsz:.2f}  median se/|err| {ratio:.2f}  mean se {se.mean():.3g}"
        )
    print(
        f"  rms se_jk / RMSE {np.sqrt(np.mean(sej**2)) / np.sqrt(np.mean(err**2)):.3f} ; rms se_naive / RMSE {np.sqrt(np.mean(sen**2)) / np.sqrt(np.mean(err**2)):.3f}"
    )
    # replicate-level: E_r errors; per-replicate sd pooled, kurtosis
    Ec = E - E.mean(axis=1, keepdims=True)
    print(
        f"  replicate E_r: pooled sd {np.sqrt(np.mean(Ec**2) * 8 / 7):.3g}, sd of E_r-I over all {E.std():.3g}, excess kurtosis {stats.kurtosis(E.ravel()):.2f}, skew {stats.skew(E.ravel()):.2f}"
    )
    print(
        f"  corr(err, b) {np.corrcoef(err, b)[0, 1]:.2f}  corr(err, theta mean - est) {np.corrcoef(err, th.mean(axis=1) - err)[0, 1]:.2f}"
    )
    # correlation between replicate errors within a run (shared training data)
    cc = []
    for _e in E:
        pass
    deg = np.array([r["deg"] for r in rows])
    print("  degrees", np.bincount(deg.ravel()))
    miss = np.abs(err / sej) > q
    print(
        "  misses: mean zmax {:.2f} vs hits {:.2f}".format(
            np.mean([r["zmax"] for r, m in zip(rows, miss) if m]),
            np.mean([r["zmax"] for r, m in zip(rows, miss) if not m]),
        )
    )
    pl = np.array([r["plain"] for r in rows])
    print(f"  plain RQMC RMSE {np.sqrt(np.mean(pl.mean(axis=1) ** 2)):.3g}")
