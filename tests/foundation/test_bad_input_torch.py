"""Bad torch-tensor input (complex, NaN) to the entry points with a torch path (issue 17)."""

from __future__ import annotations

import pytest
from _bad_input import check_row, params, row

torch = pytest.importorskip("torch")

from samplingstats.dpp import FiniteBasis  # noqa: E402
from samplingstats.lp import leverage_scores, lewis_weights  # noqa: E402
from samplingstats.sampling import AliasTable, inclusion_probabilities  # noqa: E402
from samplingstats.subsample import el2n_scores, grand_scores  # noqa: E402
from samplingstats.walks import random_walk  # noqa: E402

C = torch.randn(30, 3, generator=torch.Generator().manual_seed(0)).to(torch.complex64)
N = torch.randn(30, 3, generator=torch.Generator().manual_seed(1))
N[0, 0] = float("nan")
T4 = torch.tensor([0, 1, 2, 0])

ROWS = [
    row("lp.leverage_scores", "torch-complex", lambda: leverage_scores(C), TypeError, "A"),
    row("lp.leverage_scores", "torch-nan", lambda: leverage_scores(N), name="A"),
    row("lp.lewis_weights", "torch-complex", lambda: lewis_weights(C, p=1), TypeError, "A"),
    row(
        "sampling.AliasTable.__init__",
        "torch-complex",
        lambda: AliasTable(torch.ones(3, dtype=torch.complex64)),
        TypeError,
        "weights",
    ),
    row(
        "sampling.inclusion_probabilities",
        "torch-complex",
        lambda: inclusion_probabilities(torch.ones(3, dtype=torch.complex64), 1),
        TypeError,
        "weights",
    ),
    row(
        "walks.random_walk",
        "torch-complex-graph",
        lambda: random_walk(torch.ones((4, 4), dtype=torch.complex64), n_steps=3, rng=0),
        TypeError,
        "graph",
    ),
    row("dpp.FiniteBasis.__init__", "torch-complex", lambda: FiniteBasis(C), TypeError, "features"),
    row(
        "subsample.el2n_scores",
        "torch-complex",
        lambda: el2n_scores(torch.randn(4, 3).to(torch.complex64), T4),
        TypeError,
        "outputs",
    ),
    row(
        "subsample.el2n_scores",
        "torch-nan",
        lambda: el2n_scores(torch.full((4, 3), float("nan")), T4),
        name="outputs",
    ),
    row(
        "subsample.grand_scores",
        "torch-length",
        lambda: grand_scores(torch.randn(4, 3), T4[:3]),
        name="targets",
    ),
]

KNOWN: dict[str, str] = {}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("call,exc,name", params(ROWS, KNOWN))
def test_bad_input(call, exc, name):
    check_row(call, exc, name)
