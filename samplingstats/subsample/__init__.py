"""RS2: repeated random subsets of the training data, per round, for time-to-accuracy.

Okanovic et al., "Repeated Random Sampling for Minimizing the Time-to-Accuracy of Learning"
(ICLR 2024). Instead of pruning the dataset once (a static coreset), RS2 trains each round on a
fresh random subset of ``k = round(r n)`` examples, walking through the data without replacement,
with a learning-rate schedule over iterations.

- :class:`RS2Schedule`: framework-free round schedule (sharded across ranks, stratified,
  resumable), O(k / ranks) per round from a keyed Feistel permutation.
- :class:`RS2Sampler`: the same as a ``torch.utils.data.Sampler`` (defaults from torch.distributed).
- :class:`RS2Loader`: wraps a DataLoader over an RS2Sampler so that its checkpoint counts the
  batches training consumed (exact resume with prefetching workers).
- :class:`WeightedSampler`: a drop-in for ``torch.utils.data.WeightedRandomSampler`` on an alias
  table (with or without replacement); :class:`StaticSubsetDataset`: a ``Subset`` holding
  :func:`static_subset`.
- :func:`rs2_total_steps`, :func:`rs2_cosine_lr`, :func:`cosine_lr`: schedules over iterations.
- :func:`static_subset` and the static baselines' scores: :func:`el2n_scores`, :func:`grand_scores`,
  :func:`herding_subset`, :func:`kcenter_greedy_subset`.

Torch is imported only when a torch-only name (:class:`RS2Sampler`, :class:`RS2Loader`,
:class:`WeightedSampler`, :class:`StaticSubsetDataset`, :func:`rs2_cosine_lr`) is used; without torch they raise
:class:`samplingstats.MissingOptionalDependency`.
"""

from ._lr import cosine_lr, rs2_cosine_lr, rs2_total_steps
from ._schedule import RS2Schedule, largest_remainder_quotas, rs2_round_size
from ._static import (
    el2n_scores,
    grand_scores,
    herding_subset,
    kcenter_greedy_subset,
    static_subset,
)

__all__ = [
    "RS2Schedule",
    "RS2Sampler",
    "RS2Loader",
    "WeightedSampler",
    "StaticSubsetDataset",
    "RS2Callback",
    "RS2Trainer",
    "rs2_total_steps",
    "rs2_cosine_lr",
    "cosine_lr",
    "rs2_round_size",
    "largest_remainder_quotas",
    "static_subset",
    "el2n_scores",
    "grand_scores",
    "herding_subset",
    "kcenter_greedy_subset",
]

_LAZY = {
    **{
        name: "._torch_sampler"
        for name in ("RS2Sampler", "RS2Loader", "WeightedSampler", "StaticSubsetDataset")
    },
    "RS2Callback": "._torch_lightning",
    "RS2Trainer": "._torch_hf",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        mod = importlib.import_module(_LAZY[name], __name__)
        require = getattr(mod, "_require", None)
        if require is not None:
            require()  # the integration's own package (lightning, transformers) is missing
        value = getattr(mod, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
