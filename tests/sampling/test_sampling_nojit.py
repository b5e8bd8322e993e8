"""The pure-Python fallback (NUMBA_DISABLE_JIT=1) gives exactly the compiled results."""

import json
import os
import subprocess
import sys

import numpy as np

from samplingstats._kernels import _alias as ka
from samplingstats._kernels import _permutation as kp
from samplingstats.sampling import AliasTable, KeyedPermutation

_SCRIPT = r"""
import json, warnings
import numpy as np
warnings.simplefilter("ignore", RuntimeWarning)  # int64 scalar wrap-around warns in pure Python
from samplingstats._kernels import _alias as ka, _permutation as kp
from samplingstats._kernels._jit import jit_disabled
from samplingstats.sampling import KeyedPermutation, AliasTable
assert jit_disabled()
out = {}
for n in (1, 5, 1000, 2**40 + 1):
    pos = np.arange(min(n, 200), dtype=np.int64)
    key = kp.pass_key(np.int64(77), np.int64(2))
    out[f"kernel{n}"] = kp.feistel_take(pos, np.int64(n), np.int64(key)).tolist()
    out[f"public{n}"] = KeyedPermutation(n, rng=77).take(pos, 2).tolist()
w = np.array([0.5, 0.0, 3.0, 1.25, 2.0])
prob, alias = ka.alias_build(w)
out["prob"] = prob.tolist()
out["alias"] = alias.tolist()
out["draws"] = ka.alias_draw(prob, alias, 50, np.random.default_rng(9)).tolist()
out["topk"] = ka.exp_keys_topk(w, 3, np.random.default_rng(9)).tolist()
print(json.dumps(out))
"""


def test_pure_python_fallback_is_identical():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    res = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for n in (1, 5, 1000, 2**40 + 1):
        pos = np.arange(min(n, 200), dtype=np.int64)
        key = kp.pass_key(np.int64(77), np.int64(2))
        compiled = kp.feistel_take(pos, np.int64(n), np.int64(key)).tolist()
        assert out[f"kernel{n}"] == compiled
        assert out[f"public{n}"] == compiled == KeyedPermutation(n, rng=77).take(pos, 2).tolist()
    w = np.array([0.5, 0.0, 3.0, 1.25, 2.0])
    table = AliasTable(w)
    prob, alias = ka.alias_build(w)
    assert out["prob"] == prob.tolist() and out["alias"] == alias.tolist()
    np.testing.assert_allclose(table.implied_probabilities(), w / w.sum(), rtol=1e-14)
    assert out["draws"] == ka.alias_draw(prob, alias, 50, np.random.default_rng(9)).tolist()
    assert out["topk"] == ka.exp_keys_topk(w, 3, np.random.default_rng(9)).tolist()
