"""rs2_total_steps, cosine_lr and rs2_cosine_lr: exact values against the formulas."""

import math

import numpy as np
import pytest

from samplingstats import InvalidParameterError
from samplingstats.subsample import RS2Schedule, cosine_lr, rs2_total_steps


def test_total_steps_counts_the_batches_of_a_real_run():
    for n, ratio, b, W, drop in [
        (1000, 0.1, 32, 1, False),
        (1000, 0.1, 32, 1, True),
        (1797, 0.05, 16, 3, False),
        (997, 0.13, 7, 8, True),
    ]:
        X = 5
        sched = RS2Schedule(n, ratio, rng=0, num_replicas=W, rank=0)
        steps = 0
        for _, idx in zip(range(X), sched):
            full, rest = divmod(idx.size, b)
            steps += full + (0 if drop or rest == 0 else 1)
        assert rs2_total_steps(n, ratio, X, b, num_replicas=W, drop_last=drop) == steps


def test_total_steps_values_and_errors():
    assert rs2_total_steps(50_000, 0.1, 200, 128) == 200 * 40
    assert rs2_total_steps(10, 1.0, 3, 20) == 3
    with pytest.raises(InvalidParameterError, match="with drop_last=True no step"):
        rs2_total_steps(10, 1.0, 3, 20, drop_last=True)
    with pytest.raises(InvalidParameterError, match=r"'n_rounds' parameter of rs2_total_steps"):
        rs2_total_steps(10, 0.5, 0, 2)
    with pytest.raises(InvalidParameterError, match=r"'batch_size'.*\[1, inf\)"):
        rs2_total_steps(10, 0.5, 2, 0)
    with pytest.raises(InvalidParameterError, match=r"'ratio' parameter of rs2_total_steps"):
        rs2_total_steps(10, 2.0, 2, 1)
    with pytest.raises(InvalidParameterError, match=r"'drop_last'"):
        rs2_total_steps(10, 0.5, 2, 1, drop_last=None)


def test_cosine_lr_formula_and_endpoints():
    T, e0, emin = 37, 0.3, 0.01
    i = np.arange(0, 50)
    got = cosine_lr(i, total_steps=T, eta_0=e0, eta_min=emin)
    ref = [emin + 0.5 * (e0 - emin) * (1 + math.cos(math.pi * min(s, T) / T)) for s in i]
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-15)
    assert cosine_lr(0, total_steps=T, eta_0=e0) == e0
    # warm-up: linear ramp then a cosine over the remaining steps
    w = 5
    got = cosine_lr(np.arange(T + 1), total_steps=T, eta_0=e0, warmup_steps=w)
    np.testing.assert_allclose(got[:w], e0 * np.arange(1, w + 1) / w)
    np.testing.assert_allclose(
        got[w:], 0.5 * e0 * (1 + np.cos(np.pi * np.arange(T - w + 1) / (T - w))), atol=1e-15
    )


def test_cosine_lr_bad_input():
    with pytest.raises(InvalidParameterError, match="'total_steps' parameter of cosine_lr"):
        cosine_lr(1, total_steps=0, eta_0=0.1)
    with pytest.raises(InvalidParameterError, match=r"'eta_0'.*\[0, inf\)"):
        cosine_lr(1, total_steps=10, eta_0=-0.1)
    with pytest.raises(InvalidParameterError, match="'eta_min'"):
        cosine_lr(1, total_steps=10, eta_0=0.1, eta_min=float("nan"))
    with pytest.raises(InvalidParameterError, match="'warmup_steps'.*smaller than total_steps"):
        cosine_lr(1, total_steps=10, eta_0=0.1, warmup_steps=10)
    with pytest.raises(InvalidParameterError, match="'step' parameter of cosine_lr"):
        cosine_lr(-1, total_steps=10, eta_0=0.1)
    with pytest.raises(InvalidParameterError, match="'step'"):
        cosine_lr(1.5, total_steps=10, eta_0=0.1)


def test_rs2_cosine_lr_matches_the_plain_function_and_resumes():
    torch = pytest.importorskip("torch")
    from samplingstats.subsample import rs2_cosine_lr

    p1, p2 = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([{"params": [p1], "lr": 0.2}, {"params": [p2], "lr": 0.05}], lr=0.1)
    T = 20
    sched = rs2_cosine_lr(opt, T, eta_min=0.001, warmup_steps=3)
    seen = [[], []]
    for _ in range(25):
        for g, s in zip(opt.param_groups, seen):
            s.append(g["lr"])
        opt.step()
        sched.step()
        if len(seen[0]) == 11:
            saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    for base, s in zip((0.2, 0.05), seen):
        ref = cosine_lr(np.arange(25), total_steps=T, eta_0=base, eta_min=0.001, warmup_steps=3)
        np.testing.assert_allclose(s, ref, rtol=1e-12)
    # resume the schedule from its state_dict in a fresh optimizer
    opt2 = torch.optim.SGD([{"params": [p1], "lr": 0.2}, {"params": [p2], "lr": 0.05}], lr=0.1)
    opt2.load_state_dict(saved_opt)
    sched2 = rs2_cosine_lr(opt2, T, eta_min=0.001, warmup_steps=3)
    sched2.load_state_dict(saved_sched)
    lrs = []
    for _ in range(14):
        lrs.append(opt2.param_groups[0]["lr"])
        opt2.step()
        sched2.step()
    np.testing.assert_allclose(lrs, seen[0][11:], rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="torch.optim.Optimizer"):
        rs2_cosine_lr(object(), 10)
    with pytest.raises(InvalidParameterError, match="'total_steps' parameter of rs2_cosine_lr"):
        rs2_cosine_lr(opt, 0)
