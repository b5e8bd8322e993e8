"""Write the intersphinx inventories that docs/conf.py reads (no network at build time).

CI builds the docs without reaching the projects' sites, so ``intersphinx_mapping`` points at the
``*.inv`` files beside this script. They are *curated*: only the objects that the samplingstats
docs refer to (docstrings, See Also sections, guide pages), each with its page on the project's
site. Add a line below when the docs refer to a new external object, then run

    python docs/_intersphinx/make_inventories.py            # rewrite the curated inventories
    python docs/_intersphinx/make_inventories.py --fetch    # or: the projects' full inventories

``--fetch`` downloads each project's own ``objects.inv`` (where the network allows) and writes it in
place of the curated one; a project that cannot be reached keeps its curated file.
"""

import sys
import urllib.request
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# project -> (base URL, [(name, "domain:role", path relative to the base URL)])
INVENTORIES = {
    "python": (
        "https://docs.python.org/3/",
        [
            ("int", "py:class", "library/functions.html#int"),
            ("float", "py:class", "library/functions.html#float"),
            ("bool", "py:class", "library/functions.html#bool"),
            ("str", "py:class", "library/stdtypes.html#str"),
            ("dict", "py:class", "library/stdtypes.html#dict"),
            ("list", "py:class", "library/stdtypes.html#list"),
            ("tuple", "py:class", "library/stdtypes.html#tuple"),
            ("callable", "py:function", "library/functions.html#callable"),
            ("None", "py:data", "library/constants.html#None"),
            ("ValueError", "py:exception", "library/exceptions.html#ValueError"),
            ("TypeError", "py:exception", "library/exceptions.html#TypeError"),
            ("ImportError", "py:exception", "library/exceptions.html#ImportError"),
            ("RuntimeWarning", "py:exception", "library/exceptions.html#RuntimeWarning"),
            ("UserWarning", "py:exception", "library/exceptions.html#UserWarning"),
            ("logging.Logger", "py:class", "library/logging.html#logging.Logger"),
            ("typing.Literal", "py:data", "library/typing.html#typing.Literal"),
        ],
    ),
    "numpy": (
        "https://numpy.org/doc/stable/",
        [
            ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html#numpy.ndarray"),
            ("numpy.dtype", "py:class", "reference/generated/numpy.dtype.html#numpy.dtype"),
            ("numpy.random.Generator", "py:class", "reference/random/generator.html#numpy.random.Generator"),
            ("numpy.random.default_rng", "py:function", "reference/random/generator.html#numpy.random.default_rng"),
            ("numpy.random.Generator.choice", "py:method", "reference/random/generated/numpy.random.Generator.choice.html#numpy.random.Generator.choice"),
            ("numpy.random.Generator.spawn", "py:method", "reference/random/generated/numpy.random.Generator.spawn.html#numpy.random.Generator.spawn"),
            ("numpy.random.Generator.permutation", "py:method", "reference/random/generated/numpy.random.Generator.permutation.html#numpy.random.Generator.permutation"),
            ("numpy.random.SeedSequence", "py:class", "reference/random/bit_generators/generated/numpy.random.SeedSequence.html#numpy.random.SeedSequence"),
            ("numpy.linalg.lstsq", "py:function", "reference/generated/numpy.linalg.lstsq.html#numpy.linalg.lstsq"),
            ("numpy.linalg.qr", "py:function", "reference/generated/numpy.linalg.qr.html#numpy.linalg.qr"),
            ("numpy.polynomial.legendre.leggauss", "py:function", "reference/generated/numpy.polynomial.legendre.leggauss.html#numpy.polynomial.legendre.leggauss"),
            ("numpy.typing.ArrayLike", "py:data", "reference/typing.html#numpy.typing.ArrayLike"),
            ("numpy.typing.NDArray", "py:data", "reference/typing.html#numpy.typing.NDArray"),
        ],
    ),
    "scipy": (
        "https://docs.scipy.org/doc/scipy/",
        [
            ("scipy.optimize.linprog", "py:function", "reference/generated/scipy.optimize.linprog.html#scipy.optimize.linprog"),
            ("scipy.optimize.linear_sum_assignment", "py:function", "reference/generated/scipy.optimize.linear_sum_assignment.html#scipy.optimize.linear_sum_assignment"),
            ("scipy.sparse.csr_array", "py:class", "reference/generated/scipy.sparse.csr_array.html#scipy.sparse.csr_array"),
            ("scipy.sparse.csr_matrix", "py:class", "reference/generated/scipy.sparse.csr_matrix.html#scipy.sparse.csr_matrix"),
            ("scipy.sparse.issparse", "py:function", "reference/generated/scipy.sparse.issparse.html#scipy.sparse.issparse"),
            ("scipy.sparse.linalg.eigsh", "py:function", "reference/generated/scipy.sparse.linalg.eigsh.html#scipy.sparse.linalg.eigsh"),
            ("scipy.stats.qmc.Sobol", "py:class", "reference/generated/scipy.stats.qmc.Sobol.html#scipy.stats.qmc.Sobol"),
            ("scipy.stats.rv_continuous", "py:class", "reference/generated/scipy.stats.rv_continuous.html#scipy.stats.rv_continuous"),
            ("scipy.stats.chisquare", "py:function", "reference/generated/scipy.stats.chisquare.html#scipy.stats.chisquare"),
        ],
    ),
    "sklearn": (
        "https://scikit-learn.org/stable/",
        [
            ("sklearn.base.BaseEstimator", "py:class", "modules/generated/sklearn.base.BaseEstimator.html#sklearn.base.BaseEstimator"),
            ("sklearn.cluster.KMeans", "py:class", "modules/generated/sklearn.cluster.KMeans.html#sklearn.cluster.KMeans"),
            ("sklearn.cluster.KMeans.score", "py:method", "modules/generated/sklearn.cluster.KMeans.html#sklearn.cluster.KMeans.score"),
            ("sklearn.mixture.GaussianMixture", "py:class", "modules/generated/sklearn.mixture.GaussianMixture.html#sklearn.mixture.GaussianMixture"),
            ("sklearn.linear_model.LinearRegression", "py:class", "modules/generated/sklearn.linear_model.LinearRegression.html#sklearn.linear_model.LinearRegression"),
            ("sklearn.linear_model.QuantileRegressor", "py:class", "modules/generated/sklearn.linear_model.QuantileRegressor.html#sklearn.linear_model.QuantileRegressor"),
            ("sklearn.pipeline.Pipeline", "py:class", "modules/generated/sklearn.pipeline.Pipeline.html#sklearn.pipeline.Pipeline"),
            ("sklearn.model_selection.GridSearchCV", "py:class", "modules/generated/sklearn.model_selection.GridSearchCV.html#sklearn.model_selection.GridSearchCV"),
        ],
    ),
    "torch": (
        "https://docs.pytorch.org/docs/stable/",
        [
            ("torch.Tensor", "py:class", "tensors.html#torch.Tensor"),
            ("torch.Generator", "py:class", "generated/torch.Generator.html#torch.Generator"),
            ("torch.device", "py:class", "tensor_attributes.html#torch.device"),
            ("torch.utils.data.Sampler", "py:class", "data.html#torch.utils.data.Sampler"),
            ("torch.utils.data.Dataset", "py:class", "data.html#torch.utils.data.Dataset"),
            ("torch.utils.data.Subset", "py:class", "data.html#torch.utils.data.Subset"),
            ("torch.utils.data.DataLoader", "py:class", "data.html#torch.utils.data.DataLoader"),
            ("torch.utils.data.WeightedRandomSampler", "py:class", "data.html#torch.utils.data.WeightedRandomSampler"),
            ("torch.utils.data.distributed.DistributedSampler", "py:class", "data.html#torch.utils.data.distributed.DistributedSampler"),
            ("torch.nn.parallel.DistributedDataParallel", "py:class", "generated/torch.nn.parallel.DistributedDataParallel.html#torch.nn.parallel.DistributedDataParallel"),
            ("torch.optim.lr_scheduler.LambdaLR", "py:class", "generated/torch.optim.lr_scheduler.LambdaLR.html#torch.optim.lr_scheduler.LambdaLR"),
            ("torch.distributed.all_gather_object", "py:function", "distributed.html#torch.distributed.all_gather_object"),
        ],
    ),
    "dask": (
        "https://docs.dask.org/en/stable/",
        [
            ("dask.array.Array", "py:class", "generated/dask.array.Array.html#dask.array.Array"),
            ("dask.array.from_array", "py:function", "generated/dask.array.from_array.html#dask.array.from_array"),
            ("dask.array.linalg.tsqr", "py:function", "generated/dask.array.linalg.tsqr.html#dask.array.linalg.tsqr"),
            ("dask.array.linalg.svd", "py:function", "generated/dask.array.linalg.svd.html#dask.array.linalg.svd"),
            ("dask.array.linalg.qr", "py:function", "generated/dask.array.linalg.qr.html#dask.array.linalg.qr"),
        ],
    ),
}


def write_curated(name):
    _, entries = INVENTORIES[name]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {name}\n"
        "# Version: stable (curated subset, see make_inventories.py)\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{obj} {role} 1 {path} -\n" for obj, role, path in entries)
    (HERE / f"{name}.inv").write_bytes(header.encode() + zlib.compress(body.encode(), 9))


def fetch(name):
    url = INVENTORIES[name][0] + "objects.inv"
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            data = r.read()
    except OSError as exc:
        print(f"{name}: {url} not reached ({exc}); curated inventory kept")
        return False
    (HERE / f"{name}.inv").write_bytes(data)
    print(f"{name}: {len(data)} bytes from {url}")
    return True


if __name__ == "__main__":
    for project in INVENTORIES:
        if "--fetch" not in sys.argv[1:] or not fetch(project):
            write_curated(project)
