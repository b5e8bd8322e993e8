"""Shared oracle for the finite-DPP tests (brute-force subset probabilities)."""

import itertools

import numpy as np
import pytest
from scipy import stats


def _subset_probabilities(V):
    """Brute force: P(S) = det(V_S)^2 for every m-subset S of the N rows (projection DPP)."""
    N, m = V.shape
    subsets = list(itertools.combinations(range(N), m))
    p = np.array([np.linalg.det(V[list(S)]) ** 2 for S in subsets])
    return subsets, p


def check_finite_dpp(draws, V):
    N, m = V.shape
    R = draws.shape[0]
    # exact layer: |S| = m distinct indices in every draw
    srt = np.sort(draws, axis=1)
    assert srt.shape == (R, m)
    assert np.all(np.diff(srt, axis=1) > 0)
    subsets, p = _subset_probabilities(V)
    assert p.sum() == pytest.approx(1.0, abs=1e-10)  # Cauchy-Binet: the brute force is a law
    index = {S: i for i, S in enumerate(subsets)}
    counts = np.bincount([index[tuple(r)] for r in srt], minlength=len(subsets))
    # chi-square over subsets with expected count >= 5 (rest pooled); p < 1e-4 w.p. 1e-4
    exp = R * p
    big = exp >= 5
    obs = np.append(counts[big], counts[~big].sum())
    ex = np.append(exp[big], exp[~big].sum())
    if ex[-1] < 5:
        obs, ex = obs[:-1], ex[:-1]
        ex = ex * obs.sum() / ex.sum()
    assert stats.chisquare(obs, ex).pvalue > 1e-4
    # singletons and pairs: K_ii and K_ii K_jj - K_ij^2 (binomial z-scores; N + N(N-1)/2 = 45
    # checks at |z| < 5 -> false failure < 45 * 5.7e-7)
    K = V @ V.T
    incl = np.zeros((N, N))
    for r in srt:
        incl[np.ix_(r, r)] += 1
    freq = incl / R
    exact = np.outer(np.diag(K), np.diag(K)) - K**2
    np.fill_diagonal(exact, np.diag(K))
    se = np.sqrt(exact * (1 - exact) / R) + 1e-12
    assert np.max(np.abs(freq - exact) / se) < 5
