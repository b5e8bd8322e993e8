"""Bad input to samplingstats.subsample: each row raises the expected class naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
from _bad_input import HUGE, INF, NAN, check_row, params, row

from samplingstats.subsample import (
    RS2Schedule,
    cosine_lr,
    el2n_scores,
    grand_scores,
    herding_subset,
    kcenter_greedy_subset,
    largest_remainder_quotas,
    rs2_round_size,
    rs2_total_steps,
    static_subset,
)

torch = pytest.importorskip("torch")

from samplingstats.subsample import (  # noqa: E402 - needs torch
    RS2Loader,
    RS2Sampler,
    StaticSubsetDataset,
    WeightedSampler,
    rs2_cosine_lr,
)

FEAT = np.random.default_rng(0).standard_normal((20, 3))
LOGITS = np.random.default_rng(1).standard_normal((6, 3))
TARGETS = np.array([0, 1, 2, 0, 1, 2])
LOGITS_NAN = LOGITS.copy()
LOGITS_NAN[0, 0] = NAN
FEAT_NAN = FEAT.copy()
FEAT_NAN[0, 0] = NAN


def _sched():
    return RS2Schedule(100, 0.1, rng=0)


def _state(**changes):
    s = _sched().state_dict()
    for k, v in changes.items():
        if v is ...:
            del s[k]
        else:
            s[k] = v
    return s


def _sampler():
    return RS2Sampler(range(100), 0.1, rng=0)


def _sampler_state(**changes):
    s = _sampler().state_dict()
    for k, v in changes.items():
        if v is ...:
            del s[k]
        else:
            s[k] = v
    return s


def _loader():
    from torch.utils.data import DataLoader

    return RS2Loader(DataLoader(range(100), batch_size=4, sampler=_sampler()))


def _opt():
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)


def _lightning_callback(**kw):
    from samplingstats import MissingOptionalDependency

    try:
        from samplingstats.subsample import RS2Callback

        return RS2Callback(**kw)
    except MissingOptionalDependency:  # pragma: no cover - lightning not installed
        pytest.skip("lightning is not installed")


def _hf_trainer(**kw):
    from samplingstats import MissingOptionalDependency

    try:
        from samplingstats.subsample import RS2Trainer

        return RS2Trainer(**kw)
    except MissingOptionalDependency:  # pragma: no cover - transformers not installed
        pytest.skip("transformers is not installed")


ROWS = [
    # RS2Schedule(n_items, ratio, replacement, labels, rng, num_replicas, rank, even_shards)
    row(
        "subsample.RS2Schedule.__init__",
        "n-zero",
        lambda: RS2Schedule(0, 0.1, rng=0),
        name="n_items",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "n-float",
        lambda: RS2Schedule(100.5, 0.1, rng=0),
        name="n_items",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "n-bool",
        lambda: RS2Schedule(True, 1.0, rng=0),
        name="n_items",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "ratio-zero",
        lambda: RS2Schedule(100, 0.0, rng=0),
        name="ratio",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "ratio-above-one",
        lambda: RS2Schedule(100, 1.5, rng=0),
        name="ratio",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "ratio-nan",
        lambda: RS2Schedule(100, NAN, rng=0),
        name="ratio",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "ratio-str",
        lambda: RS2Schedule(100, "0.1", rng=0),
        name="ratio",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "labels-length",
        lambda: RS2Schedule(100, 0.1, labels=np.zeros(5, int), rng=0),
        name="labels",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "labels-float",
        lambda: RS2Schedule(4, 0.5, labels=[0.5, 1, 1, 0], rng=0),
        name="labels",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "labels-nan",
        lambda: RS2Schedule(4, 0.5, labels=[NAN, 1, 1, 0], rng=0),
        name="labels",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "replicas-zero",
        lambda: RS2Schedule(100, 0.1, num_replicas=0, rng=0),
        name="num_replicas",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "rank-out-of-range",
        lambda: RS2Schedule(100, 0.1, num_replicas=2, rank=2, rng=0),
        name="rank",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "replacement-str",
        lambda: RS2Schedule(100, 0.1, replacement="no", rng=0),
        name="replacement",
    ),
    row(
        "subsample.RS2Schedule.__init__",
        "rng-none-replicas",
        lambda: RS2Schedule(100, 0.1, num_replicas=2, rank=0, rng=None),
        name="rng",
    ),
    row(
        "subsample.RS2Schedule.indices",
        "round-negative",
        lambda: _sched().indices(-1),
        name="round",
    ),
    row(
        "subsample.RS2Schedule.indices", "round-float", lambda: _sched().indices(1.5), name="round"
    ),
    row(
        "subsample.RS2Schedule.indices", "round-huge", lambda: _sched().indices(2**62), name="round"
    ),
    row(
        "subsample.RS2Schedule.round_indices",
        "round-str",
        lambda: _sched().round_indices("1"),
        name="round",
    ),
    row(
        "subsample.RS2Schedule.round_indices",
        "round-bool",
        lambda: _sched().round_indices(True),
        name="round",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "not-dict",
        lambda: _sched().load_state_dict([1, 2]),
        TypeError,
        "state",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "foreign-format",
        lambda: _sched().load_state_dict({"epoch": 3}),
        name="format",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "other-n",
        lambda: _sched().load_state_dict(_state(n=50)),
        name="n",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "other-ratio",
        lambda: _sched().load_state_dict(_state(ratio=0.2)),
        name="ratio",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "round-huge",
        lambda: _sched().load_state_dict(_state(round=10**30)),
        name="round",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "round-negative",
        lambda: _sched().load_state_dict(_state(round=-1)),
        name="round",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "round-missing",
        lambda: _sched().load_state_dict(_state(round=...)),
        name="round",
    ),
    row(
        "subsample.RS2Schedule.load_state_dict",
        "seed-str",
        lambda: _sched().load_state_dict(_state(seed="x")),
        name="seed",
    ),
    # RS2Sampler
    row(
        "subsample.RS2Sampler.__init__",
        "ratio-zero",
        lambda: RS2Sampler(range(100), 0.0, rng=0),
        name="ratio",
    ),
    row(
        "subsample.RS2Sampler.__init__",
        "ratio-inf",
        lambda: RS2Sampler(range(100), INF, rng=0),
        name="ratio",
    ),
    row(
        "subsample.RS2Sampler.__init__",
        "data-source-unsized",
        lambda: RS2Sampler(iter(range(5)), 0.5, rng=0),
        TypeError,
        "data_source",
    ),
    row(
        "subsample.RS2Sampler.__init__",
        "data-source-empty",
        lambda: RS2Sampler([], 0.5, rng=0),
        name="data_source",
    ),
    row(
        "subsample.RS2Sampler.__init__",
        "shuffle-str",
        lambda: RS2Sampler(range(100), 0.1, shuffle="no", rng=0),
        name="shuffle",
    ),
    row(
        "subsample.RS2Sampler.indices",
        "round-negative",
        lambda: _sampler().indices(-1),
        name="round",
    ),
    row(
        "subsample.RS2Sampler.set_epoch", "negative", lambda: _sampler().set_epoch(-1), name="epoch"
    ),
    row("subsample.RS2Sampler.set_epoch", "float", lambda: _sampler().set_epoch(1.5), name="epoch"),
    row(
        "subsample.RS2Sampler.state_dict",
        "consumed-negative",
        lambda: _sampler().state_dict(consumed=-1),
        name="consumed",
    ),
    row(
        "subsample.RS2Sampler.state_dict",
        "consumed-past-round",
        lambda: _sampler().state_dict(consumed=11),
        name="consumed",
    ),
    row(
        "subsample.RS2Sampler.load_state_dict",
        "foreign",
        lambda: _sampler().load_state_dict({"epoch": 1}),
        name="format",
    ),
    row(
        "subsample.RS2Sampler.load_state_dict",
        "yielded-missing",
        lambda: _sampler().load_state_dict(_sampler_state(yielded=...)),
        name="yielded",
    ),
    row(
        "subsample.RS2Sampler.load_state_dict",
        "yielded-past-round",
        lambda: _sampler().load_state_dict(_sampler_state(yielded=11)),
        name="yielded",
    ),
    row(
        "subsample.RS2Sampler.load_state_dict",
        "round-huge",
        lambda: _sampler().load_state_dict(_sampler_state(round=10**30)),
        name="round",
    ),
    row(
        "subsample.RS2Sampler.load_state_dict",
        "shuffle-str",
        lambda: _sampler().load_state_dict(_sampler_state(shuffle="yes")),
        name="shuffle",
    ),
    # RS2Loader
    row(
        "subsample.RS2Loader.__init__",
        "not-a-loader",
        lambda: RS2Loader([1, 2, 3]),
        TypeError,
        "loader",
    ),
    row("subsample.RS2Loader.set_epoch", "negative", lambda: _loader().set_epoch(-1), name="epoch"),
    row(
        "subsample.RS2Loader.load_state_dict",
        "foreign",
        lambda: _loader().load_state_dict({"epoch": 1}),
        name="state",
    ),
    row(
        "subsample.RS2Loader.load_state_dict",
        "not-dict",
        lambda: _loader().load_state_dict(3),
        TypeError,
        "state",
    ),
    # WeightedSampler(weights, n_samples, replacement)
    row(
        "subsample.WeightedSampler.__init__",
        "nan",
        lambda: WeightedSampler([1.0, NAN], 2, rng=0),
        name="weights",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "negative",
        lambda: WeightedSampler([1.0, -1.0], 2, rng=0),
        name="weights",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "complex",
        lambda: WeightedSampler([1j, 1.0], 2, rng=0),
        TypeError,
        "weights",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "empty",
        lambda: WeightedSampler([], 2, rng=0),
        name="weights",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "2d",
        lambda: WeightedSampler([[1.0, 2.0]], 2, rng=0),
        name="weights",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "n-zero",
        lambda: WeightedSampler([1.0, 2.0], 0, rng=0),
        name="n_samples",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "n-float",
        lambda: WeightedSampler([1.0, 2.0], 1.5, rng=0),
        name="n_samples",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "n-huge",
        lambda: WeightedSampler([1.0, 2.0], HUGE, rng=0),
        name="n_samples",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "n-above-support",
        lambda: WeightedSampler([1.0, 0.0, 0.0], 2, replacement=False, rng=0),
        name="n_samples",
    ),
    row(
        "subsample.WeightedSampler.__init__",
        "weights-tensor-complex",
        lambda: WeightedSampler(torch.tensor([1j, 1.0]), 2, rng=0),
        TypeError,
        "weights",
    ),
    # StaticSubsetDataset
    row(
        "subsample.StaticSubsetDataset.__init__",
        "ratio-zero",
        lambda: StaticSubsetDataset(list(range(10)), 0.0, rng=0),
        name="ratio",
    ),
    row(
        "subsample.StaticSubsetDataset.__init__",
        "scores-length",
        lambda: StaticSubsetDataset(list(range(10)), 0.5, scores=np.ones(3), keep="highest"),
        name="scores",
    ),
    row(
        "subsample.StaticSubsetDataset.__init__",
        "keep",
        lambda: StaticSubsetDataset(list(range(10)), 0.5, keep="nope"),
        name="keep",
    ),
    row(
        "subsample.StaticSubsetDataset.__init__",
        "unsized",
        lambda: StaticSubsetDataset(iter(range(10)), 0.5, rng=0),
        TypeError,
        "dataset",
    ),
    # functions
    row(
        "subsample.rs2_total_steps", "n-zero", lambda: rs2_total_steps(0, 0.1, 3, 8), name="n_items"
    ),
    row(
        "subsample.rs2_total_steps",
        "ratio-above-one",
        lambda: rs2_total_steps(100, 2.0, 3, 8),
        name="ratio",
    ),
    row(
        "subsample.rs2_total_steps",
        "rounds-negative",
        lambda: rs2_total_steps(100, 0.1, -1, 8),
        name="n_rounds",
    ),
    row(
        "subsample.rs2_total_steps",
        "rounds-float",
        lambda: rs2_total_steps(100, 0.1, 2.5, 8),
        name="n_rounds",
    ),
    row(
        "subsample.rs2_total_steps",
        "batch-zero",
        lambda: rs2_total_steps(100, 0.1, 3, 0),
        name="batch_size",
    ),
    row(
        "subsample.rs2_total_steps",
        "replicas-zero",
        lambda: rs2_total_steps(100, 0.1, 3, 8, num_replicas=0),
        name="num_replicas",
    ),
    row(
        "subsample.rs2_total_steps",
        "drop-last-str",
        lambda: rs2_total_steps(100, 0.1, 3, 8, drop_last="no"),
        name="drop_last",
    ),
    row(
        "subsample.rs2_cosine_lr",
        "optimizer",
        lambda: rs2_cosine_lr("sgd", 10),
        TypeError,
        "optimizer",
    ),
    row(
        "subsample.rs2_cosine_lr",
        "total-steps-zero",
        lambda: rs2_cosine_lr(_opt(), 0),
        name="total_steps",
    ),
    row(
        "subsample.rs2_cosine_lr",
        "eta-min-negative",
        lambda: rs2_cosine_lr(_opt(), 10, eta_min=-1.0),
        name="eta_min",
    ),
    row(
        "subsample.rs2_cosine_lr",
        "warmup-past-total",
        lambda: rs2_cosine_lr(_opt(), 10, warmup_steps=11),
        name="warmup_steps",
    ),
    row(
        "subsample.rs2_cosine_lr",
        "last-epoch",
        lambda: rs2_cosine_lr(_opt(), 4, last_epoch=-5),
        name="last_epoch",
    ),
    row(
        "subsample.cosine_lr",
        "step-negative",
        lambda: cosine_lr(-1, total_steps=10, eta_0=0.1),
        name="step",
    ),
    row(
        "subsample.cosine_lr",
        "total-zero",
        lambda: cosine_lr(0, total_steps=0, eta_0=0.1),
        name="total_steps",
    ),
    row(
        "subsample.cosine_lr",
        "eta0-nan",
        lambda: cosine_lr(0, total_steps=10, eta_0=NAN),
        name="eta_0",
    ),
    row("subsample.rs2_round_size", "n-negative", lambda: rs2_round_size(-1, 0.1), name="n_items"),
    row("subsample.rs2_round_size", "ratio-nan", lambda: rs2_round_size(100, NAN), name="ratio"),
    row(
        "subsample.largest_remainder_quotas",
        "negative",
        lambda: largest_remainder_quotas([3, -1], 2),
        name="counts",
    ),
    row(
        "subsample.largest_remainder_quotas",
        "float",
        lambda: largest_remainder_quotas([3.5, 1], 2),
        name="counts",
    ),
    row(
        "subsample.largest_remainder_quotas",
        "empty",
        lambda: largest_remainder_quotas([], 2),
        name="counts",
    ),
    row(
        "subsample.largest_remainder_quotas",
        "n-above-total",
        lambda: largest_remainder_quotas([3, 1], 5),
        name="n_samples",
    ),
    row(
        "subsample.largest_remainder_quotas",
        "n-negative",
        lambda: largest_remainder_quotas([3, 1], -1),
        name="n_samples",
    ),
    row("subsample.static_subset", "n-zero", lambda: static_subset(0, 0.5, rng=0), name="n_items"),
    row(
        "subsample.static_subset",
        "ratio-negative",
        lambda: static_subset(10, -0.5, rng=0),
        name="ratio",
    ),
    row(
        "subsample.static_subset",
        "scores-nan",
        lambda: static_subset(4, 0.5, scores=[1, NAN, 2, 3], keep="highest"),
        name="scores",
    ),
    row(
        "subsample.static_subset",
        "scores-complex",
        lambda: static_subset(4, 0.5, scores=np.ones(4) + 1j, keep="highest"),
        TypeError,
        "scores",
    ),
    row(
        "subsample.static_subset",
        "scores-length",
        lambda: static_subset(4, 0.5, scores=np.ones(3), keep="highest"),
        name="scores",
    ),
    row("subsample.static_subset", "keep", lambda: static_subset(4, 0.5, keep="nope"), name="keep"),
    row(
        "subsample.static_subset",
        "scores-without-keep",
        lambda: static_subset(4, 0.5, scores=np.ones(4), keep="random"),
        name="keep",
    ),
    row(
        "subsample.el2n_scores",
        "length-mismatch",
        lambda: el2n_scores(LOGITS, TARGETS[:-1]),
        name="targets",
    ),
    row(
        "subsample.el2n_scores",
        "outputs-1d",
        lambda: el2n_scores(LOGITS[:, 0], TARGETS),
        name="outputs",
    ),
    row(
        "subsample.el2n_scores",
        "outputs-nan",
        lambda: el2n_scores(LOGITS_NAN, TARGETS),
        name="outputs",
    ),
    row(
        "subsample.el2n_scores",
        "outputs-complex",
        lambda: el2n_scores(LOGITS + 1j, TARGETS),
        TypeError,
        "outputs",
    ),
    row(
        "subsample.el2n_scores",
        "targets-out-of-range",
        lambda: el2n_scores(LOGITS, np.array([0, 1, 2, 3, 0, 1])),
        name="targets",
    ),
    row(
        "subsample.el2n_scores",
        "targets-float",
        lambda: el2n_scores(LOGITS, TARGETS + 0.5),
        name="targets",
    ),
    row(
        "subsample.el2n_scores",
        "from-logits-str",
        lambda: el2n_scores(LOGITS, TARGETS, from_logits="yes"),
        name="from_logits",
    ),
    row(
        "subsample.el2n_scores",
        "probabilities-not-simplex",
        lambda: el2n_scores(np.abs(LOGITS) + 1, TARGETS, from_logits=False),
        name="outputs",
    ),
    row(
        "subsample.grand_scores",
        "length-mismatch",
        lambda: grand_scores(LOGITS, TARGETS[:-1]),
        name="targets",
    ),
    row(
        "subsample.grand_scores",
        "features-rows",
        lambda: grand_scores(LOGITS, TARGETS, features=FEAT),
        name="features",
    ),
    row(
        "subsample.grand_scores",
        "outputs-str",
        lambda: grand_scores([["a"]], [0]),
        TypeError,
        "outputs",
    ),
    row("subsample.herding_subset", "ratio-zero", lambda: herding_subset(FEAT, 0.0), name="ratio"),
    row(
        "subsample.herding_subset",
        "features-nan",
        lambda: herding_subset(FEAT_NAN, 0.5),
        name="features",
    ),
    row(
        "subsample.herding_subset",
        "features-1d",
        lambda: herding_subset(FEAT[:, 0], 0.5),
        name="features",
    ),
    row(
        "subsample.herding_subset",
        "features-complex",
        lambda: herding_subset(FEAT + 1j, 0.5),
        TypeError,
        "features",
    ),
    row(
        "subsample.herding_subset",
        "labels-length",
        lambda: herding_subset(FEAT, 0.5, labels=np.zeros(3, int)),
        name="labels",
    ),
    row(
        "subsample.kcenter_greedy_subset",
        "ratio-above-one",
        lambda: kcenter_greedy_subset(FEAT, 1.5, rng=0),
        name="ratio",
    ),
    row(
        "subsample.kcenter_greedy_subset",
        "features-empty",
        lambda: kcenter_greedy_subset(np.zeros((0, 3)), 0.5, rng=0),
        name="features",
    ),
    row(
        "subsample.kcenter_greedy_subset",
        "features-str",
        lambda: kcenter_greedy_subset([["a", "b"]], 0.5, rng=0),
        TypeError,
        "features",
    ),
    row(
        "subsample.kcenter_greedy_subset",
        "rng",
        lambda: kcenter_greedy_subset(FEAT, 0.5, rng="x"),
        name="rng",
    ),
    # training-loop integrations (skipped without the packages)
    row(
        "subsample.RS2Callback.__init__",
        "ratio-zero",
        lambda: _lightning_callback(ratio=0.0),
        name="ratio",
    ),
    row(
        "subsample.RS2Callback.__init__",
        "keep",
        lambda: _lightning_callback(ratio=0.5, static=True, keep="nope", rng=0),
        name="keep",
    ),
    row(
        "subsample.RS2Callback.__init__",
        "lr-schedule",
        lambda: _lightning_callback(ratio=0.5, lr_schedule="linear"),
        name="lr_schedule",
    ),
    row(
        "subsample.RS2Callback.__init__",
        "warmup-negative",
        lambda: _lightning_callback(ratio=0.5, warmup_steps=-1),
        name="warmup_steps",
    ),
    row(
        "subsample.RS2Trainer.__init__", "ratio-zero", lambda: _hf_trainer(ratio=0.0), name="ratio"
    ),
    row(
        "subsample.RS2Trainer.__init__",
        "rng-float",
        lambda: _hf_trainer(ratio=0.5, rng=1.5),
        name="rng",
    ),
    row(
        "subsample.RS2Callback.load_state_dict",
        "foreign",
        lambda: _lightning_callback(ratio=0.5).load_state_dict({"epoch": 1}),
        name="format",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)
