"""Statistical helpers for the sampling tests (not a test module: no test_ prefix)."""

import numpy as np
from scipy import stats

# Every statistical assertion below rejects at level ALPHA: the probability that a correct
# implementation fails it, were the seed changed, is at most ALPHA per assertion.
ALPHA = 1e-5


def chisquare_pvalue(observed, expected, *, min_expected=5.0):
    """Pearson goodness-of-fit p-value; cells with small expectation are pooled into one cell."""
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    big = expected >= min_expected
    obs = list(observed[big])
    exp = list(expected[big])
    if (~big).any():
        obs.append(observed[~big].sum())
        exp.append(expected[~big].sum())
    obs, exp = np.array(obs), np.array(exp)
    keep = exp > 0
    stat = float(((obs[keep] - exp[keep]) ** 2 / exp[keep]).sum())
    df = int(keep.sum()) - 1
    return float(stats.chi2.sf(stat, df))


def two_sample_chisquare_pvalue(counts_a, counts_b):
    """Chi-square test of homogeneity of two count vectors (cells with < 5 expected pooled)."""
    a = np.asarray(counts_a, dtype=float)
    b = np.asarray(counts_b, dtype=float)
    tot = a + b
    na, nb = a.sum(), b.sum()
    ea, eb = tot * na / (na + nb), tot * nb / (na + nb)
    big = np.minimum(ea, eb) >= 5
    A = np.append(a[big], a[~big].sum())
    B = np.append(b[big], b[~big].sum())
    table = np.vstack([A, B])
    table = table[:, table.sum(0) > 0]
    res = stats.chi2_contingency(table, correction=False)
    return float(res.pvalue)


def binomial_bounds(n_trials, p, alpha):
    """Two-sided acceptance interval [lo, hi] for Binomial(n_trials, p) counts at level alpha."""
    lo = stats.binom.ppf(alpha / 2, n_trials, p)
    hi = stats.binom.isf(alpha / 2, n_trials, p)
    return lo, hi
