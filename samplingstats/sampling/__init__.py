"""Weighted and random index sampling: the shared samplers every method module builds on.

- :class:`AliasTable` -- iid draws with probabilities proportional to weights, O(1) per draw.
- :func:`poisson_sample` -- independent Bernoulli inclusion with given probabilities.
- :func:`inclusion_probabilities` -- PPS inclusion probabilities with capping, summing to
  ``n_samples``.
- :func:`weighted_sample_without_replacement` -- successive sampling by exponential keys.
- :class:`KeyedPermutation` -- a stateless keyed permutation of ``[0, n_items)``, evaluated
  pointwise.

Numpy inputs run numba kernels (:mod:`samplingstats._kernels._alias`,
:mod:`samplingstats._kernels._permutation`); torch inputs run torch code on the tensor's device.
"""

from ._alias import AliasTable
from ._permutation import KeyedPermutation
from ._poisson import inclusion_probabilities, poisson_sample, weighted_sample_without_replacement

__all__ = [
    "AliasTable",
    "KeyedPermutation",
    "inclusion_probabilities",
    "poisson_sample",
    "weighted_sample_without_replacement",
]
