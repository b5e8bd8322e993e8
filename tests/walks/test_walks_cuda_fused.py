"""Fused numba.cuda walk kernels (samplingstats.walks._cuda_walk).

Without a GPU the kernels run under numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1`` must be set
before numba.cuda is imported, so they run in one subprocess for the whole module); the simulator
executes the same Python arithmetic as the CPU kernels, so traces must be identical and empirical
measures equal to rounding. Tests marked ``gpu`` run the kernels on a real CUDA device.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from samplingstats._kernels._walk import seed_states, srrw_kernel, walk_kernel
from samplingstats.walks import WalkGraph

nx = pytest.importorskip("networkx")

# the simulator fixture runs every case in one subprocess: about a minute on an idle machine, more
# than pytest's default 600 s on a 2-core machine at load 15 (session 4)
pytestmark = pytest.mark.timeout(1000)

# The smallest launches that still reach every branch (session 5: 150 -> 70 steps, 8 -> 4 SRRW
# walkers, about a third of the simulator time): 70 steps cover each kernel branch listed at
# the cases below, the alpha schedule's five segments (14 steps each) and four batches with a
# longer last one; the renormalisation case still needs a reset (the scale without one would
# fall below 1e-6, test_srrw_renormalisation_path_is_exercised).
N_STEPS = 70
N_WALKERS = 8  # base walks: one simulated thread per walker, cheap
N_SRRW = 4  # SRRW walkers: a block of 4 or 32 simulated threads each, with barriers
N_BATCHES = 4  # 70 steps: batches of 17, the last one 19

# Subprocess: run the simulator kernels on prepared inputs; exit code 3 when the simulator is
# missing (the tests then skip).
_SIM_SCRIPT = textwrap.dedent(
    """
    import os, sys, warnings
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
    # the simulator runs each CUDA thread as a Python thread and polls for barriers: a short
    # GIL switch interval makes syncthreads about 20 times faster
    sys.setswitchinterval(1e-5)
    # xoshiro's uint64 additions wrap around on numpy scalars in the simulator
    warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning)
    import numpy as np
    try:
        from numba import cuda
        from numba.core import config
        if not config.ENABLE_CUDASIM:
            raise ImportError("numba.cuda was imported before the simulator was enabled")
    except Exception as exc:
        print("no CUDA simulator:", repr(exc))
        sys.exit(3)
    # numba's simulator creates a block's shared array with an unlocked check-then-set: two
    # threads switching at the wrong moment get different arrays. Serialise it (a simulator
    # bug, not a kernel one; the GPU allocates shared memory per block statically).
    import threading, traceback
    try:
        from numba.cuda.simulator import kernelapi
    except Exception:  # another simulator layout: run unpatched
        kernelapi = None
    _lock = threading.Lock()

    def _shared_array(self, shape, dtype):
        from numba.core import types
        from numba.np import numpy_support

        if isinstance(dtype, types.Type):
            dtype = numpy_support.as_dtype(dtype)
        caller = traceback.extract_stack(sys._getframe())[-2][0:2]
        with _lock:
            res = self._allocations.get(caller)
            if res is None:
                res = np.empty(shape, dtype)
                self._allocations[caller] = res
        return res

    if kernelapi is not None and hasattr(kernelapi, "FakeCUDAShared"):
        kernelapi.FakeCUDAShared.array = _shared_array
    from samplingstats.walks import _cuda_walk as cw

    # The first (ignored) overflow warning raised from kernel code adds __warningregistry__ to the
    # module's globals while other simulated threads iterate over those globals (the simulator
    # swaps the module's `cuda` global around every device-function call): "dictionary changed
    # size during iteration". Create the registry up front so the globals never change size.
    cw.__dict__.setdefault("__warningregistry__", {})

    data = dict(np.load(sys.argv[1]))
    out = {}
    for name in sorted({k.split("/")[0] for k in data}):
        d = {k.split("/", 1)[1]: v for k, v in data.items() if k.startswith(name + "/")}
        states = d["states"].copy()
        W = states.shape[0]
        # int32 graph arrays, as the torch wrapper passes them
        indptr = d["indptr"].astype(np.int32)
        indices = d["indices"].astype(np.int32)
        n = int(d["n_steps"])
        if name.startswith("walk"):
            trace = np.empty((n + 1, W), dtype=np.int64)
            cw.launch_walk(indptr, indices, d["table"], int(d["kind"]), d["starts"], n, states,
                           trace)
            out[name + "/trace"] = trace
            out[name + "/states"] = states
            # the streaming kernel (no trace): pooled visit counts and per-walker batch sums
            st2 = d["states"].copy()
            vals = d["vals"]
            acc = np.zeros((W, int(d["n_batches"]), vals.shape[1]))
            counts = np.zeros(vals.shape[0], dtype=np.int64)
            cw.launch_walk_stream(indptr, indices, d["table"], int(d["kind"]), d["starts"], n,
                                  st2, vals, acc, int(d["batch_len"]), counts, 3)
            out[name + "/acc"] = acc
            out[name + "/counts"] = counts
            out[name + "/states_stream"] = st2
            continue
        N = d["mu"].shape[0]
        # "block<L>[c<cap>]": one block of L lanes per walker (L = 4 exercises the multi-round
        # row scans), rows of at most cap slots kept in shared memory
        for mode in [str(m) for m in d["modes"]]:
            spec = mode[5:].split("c")
            lanes = int(spec[0])
            cap = int(spec[1]) if len(spec) > 1 else 256
            state = np.empty((W, N, 2))
            scale = np.ones(W)
            st = d["states"].copy()
            trace = np.empty((n + 1, W), dtype=np.int64)
            cw.launch_srrw(indptr, indices, d["prob"], d["selfp"], d["mu"], 1.0 / d["mu"],
                           d["alphas"], float(d["a"]), d["starts"], n, st, state, scale,
                           trace, True, lanes=lanes, cap=cap)
            key = f"{name}/{mode}"
            out[key + "/trace"] = trace
            out[key + "/y"] = state[:, :, 1] * d["mu"][None, :]
            out[key + "/scale"] = scale
            out[key + "/states"] = st
    np.savez(sys.argv[2], **out)
    """
)


def _karate(weighted):
    G = nx.karate_club_graph()
    return WalkGraph(G if weighted else nx.Graph(G.edges()))


def _ba30():
    return WalkGraph(nx.barabasi_albert_graph(30, 2, seed=4))


def _karate_loops():
    """Karate club with self-loops on five nodes (CSR rows that point back to their node)."""
    G = nx.Graph(nx.karate_club_graph().edges())
    G.add_edges_from((v, v) for v in (0, 5, 16, 33, 11))
    return WalkGraph(G)


def _walk_cases():
    rng = np.random.default_rng(20240611)
    ba = _ba30()
    target = rng.uniform(0.5, 2.0, ba.n_nodes)
    specs = [
        ("walk_srw_unw", _karate(False), "srw", None, 0),
        ("walk_mhrw_unw", _karate(False), "mhrw", None, 3),
        ("walk_nbrw_unw", _karate(False), "nbrw", None, 2),
        ("walk_srw_w", _karate(True), "srw", None, 1),
        ("walk_mhrw_w", _karate(True), "mhrw", None, 1),
        ("walk_mhrw_ba", ba, "mhrw", target / target.sum(), 3),
        ("walk_nbrw_ba", ba, "nbrw", None, 2),
    ]
    cases = {}
    for name, g, chain, tgt, kind in specs:
        ch = g.chain(chain, tgt)
        assert ch.kind == kind  # the case covers the intended kernel branch
        cases[name] = dict(
            g=g,
            ch=ch,
            starts=rng.integers(0, g.n_nodes, N_WALKERS).astype(np.int64),
            states=seed_states(rng, N_WALKERS),
            vals=rng.normal(size=(g.n_nodes, 2)),
        )
    return cases


def _srrw_cases():
    rng = np.random.default_rng(777)
    sched = np.repeat([0.0, 3.0, 10.0, 1.0, 3.0], N_STEPS // 5)
    # block4c8 on karate: rows of <= 4 slots (one round), 5-8 (rounds kept in shared memory)
    # and > 8 (the second pass)
    one = ["block4c8"]
    two = ["block4c8", "block4"]
    specs = [
        ("srrw_srw_unw", _karate(False), "srw", np.array([5.0]), 1.0, N_SRRW, N_STEPS, two),
        ("srrw_mhrw_w", _karate(True), "mhrw", np.array([2.0]), 0.7, N_SRRW, N_STEPS, one),
        ("srrw_mhrw_sched", _karate(False), "mhrw", sched, 0.8, N_SRRW, N_STEPS, one),
        # alpha = 200 with a = 0.55: the mass limit exp(100 / alpha) is hit (renormalisations)
        ("srrw_srw_huge", _ba30(), "srw", np.array([200.0]), 0.55, N_SRRW, N_STEPS, one),
        ("srrw_srw_w_a1", _karate(True), "srw", np.array([1.0]), 1.0, N_SRRW, N_STEPS, one),
        # self-loops: a row slot pointing back to the current node (kept in registers)
        ("srrw_loops", _karate_loops(), "srw", np.array([3.0]), 1.0, N_SRRW, N_STEPS, two),
        ("srrw_loops_mhrw", _karate_loops(), "mhrw", np.array([3.0]), 1.0, 4, 60, ["block2"]),
        # the GPU's 32 lanes (karate's hub has degree 17, BA(30)'s rows are short: one round)
        ("srrw_b32", _karate(True), "srw", np.array([5.0]), 1.0, 2, 40, ["block32"]),
    ]
    cases = {}
    for name, g, base, alphas, a, W, n, modes in specs:
        cases[name] = dict(
            g=g,
            ch=g.chain(base),
            alphas=alphas,
            a=a,
            W=W,
            n=n,
            modes=modes,
            starts=rng.integers(0, g.n_nodes, W).astype(np.int64),
            states=seed_states(rng, W),
        )
    return cases


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """Walk and SRRW cases with the simulator's outputs (one subprocess for the module)."""
    tmp = tmp_path_factory.mktemp("cudasim")
    walks, srrws = _walk_cases(), _srrw_cases()
    data = {}
    for name, c in walks.items():
        g, ch = c["g"], c["ch"]
        data.update(
            {
                f"{name}/indptr": g.indptr,
                f"{name}/indices": g.indices,
                f"{name}/table": np.ascontiguousarray(ch.table, dtype=np.float64),
                f"{name}/kind": np.array(ch.kind),
                f"{name}/starts": c["starts"],
                f"{name}/states": c["states"],
                f"{name}/n_steps": np.array(N_STEPS),
                f"{name}/vals": c["vals"],
                f"{name}/n_batches": np.array(N_BATCHES),
                f"{name}/batch_len": np.array(N_STEPS // N_BATCHES),
            }
        )
    for name, c in srrws.items():
        g, ch = c["g"], c["ch"]
        data.update(
            {
                f"{name}/indptr": g.indptr,
                f"{name}/indices": g.indices,
                f"{name}/prob": ch.prob,
                f"{name}/selfp": ch.selfp,
                f"{name}/mu": ch.mu,
                f"{name}/alphas": c["alphas"],
                f"{name}/a": np.array(c["a"]),
                f"{name}/starts": c["starts"],
                f"{name}/states": c["states"],
                f"{name}/n_steps": np.array(c["n"]),
                f"{name}/modes": np.array(c["modes"]),
            }
        )
    np.savez(tmp / "in.npz", **data)
    script = tmp / "run_sim.py"
    script.write_text(_SIM_SCRIPT)
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, str(script), str(tmp / "in.npz"), str(tmp / "out.npz")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # about 1 min on an idle machine; minutes on a loaded one
    )
    if proc.returncode == 3:
        pytest.skip(f"numba's CUDA simulator is unavailable: {proc.stdout.strip()}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = dict(np.load(tmp / "out.npz"))
    return walks, srrws, out


def _cpu_walk(c):
    g, ch = c["g"], c["ch"]
    states = c["states"].copy()
    trace = np.empty((N_STEPS + 1, N_WALKERS), dtype=np.int64)
    walk_kernel(g.indptr, g.indices, ch.table, ch.kind, c["starts"], N_STEPS, states, 32, trace)
    return trace, states


def _cpu_srrw(c):
    g, ch, W, n = c["g"], c["ch"], c["W"], c["n"]
    states = c["states"].copy()
    y = np.tile(ch.mu, (W, 1))
    scale = np.ones(W)
    trace = np.empty((W, n + 1), dtype=np.int64)
    srrw_kernel(
        g.indptr, g.indices, ch.prob, ch.selfp, ch.mu, c["alphas"], float(c["a"]), c["starts"],
        n, states, 32, y, scale, trace, True, int(g.degree.max()),
    )  # fmt: skip
    x = y * scale[:, None]
    x /= x.sum(axis=1, keepdims=True)
    return x, trace, states


def _sim_measure(out, key):
    """The fused wrapper's post-processing: x = scale * y, rows renormalised."""
    x = out[key + "/y"] * out[key + "/scale"][:, None]
    return x / x.sum(axis=1, keepdims=True)


def test_base_walk_traces_identical_to_cpu_kernel(sim):
    walks, _, out = sim
    kinds = set()
    for name, c in walks.items():
        trace, states = _cpu_walk(c)
        np.testing.assert_array_equal(out[name + "/trace"], trace, err_msg=name)
        np.testing.assert_array_equal(out[name + "/states"], states, err_msg=name)
        kinds.add(c["ch"].kind)
        # the walks move along edges (or stay, for the MHRW's rejections)
        g = c["g"]
        A = np.zeros((g.n_nodes, g.n_nodes), dtype=bool)
        A[np.repeat(np.arange(g.n_nodes), np.diff(g.indptr)), g.indices] = True
        A[np.diag_indices(g.n_nodes)] = c["ch"].name == "mhrw"
        tr = out[name + "/trace"]
        assert A[tr[:-1], tr[1:]].all(), name
    assert kinds == {0, 1, 2, 3}


def test_streaming_kernel_equals_cpu_streaming_kernel(sim):
    """The fused streaming kernel (no trace) consumes the same xoshiro streams as the numba
    streaming kernel: visit counts equal and batch sums equal bit for bit."""
    from samplingstats._kernels._walk import walk_state, walk_steps

    walks, _, out = sim
    for name, c in walks.items():
        g, ch = c["g"], c["ch"]
        states = c["states"].copy()
        pos, prev = walk_state(c["starts"], np.empty((1, 1), dtype=np.int64), False)
        acc = np.zeros((N_WALKERS, N_BATCHES, 2))
        counts = np.zeros((1, g.n_nodes), dtype=np.int64)
        walk_steps(
            g.indptr, g.indices, ch.table, ch.kind, pos, prev, 1, N_STEPS, states, 32,
            np.empty((1, 1), dtype=np.int64), False, c["vals"], acc, N_STEPS // N_BATCHES,
            counts, True,
        )  # fmt: skip
        np.testing.assert_array_equal(out[name + "/counts"], counts[0], err_msg=name)
        np.testing.assert_array_equal(out[name + "/acc"], acc, err_msg=name)
        np.testing.assert_array_equal(out[name + "/states_stream"], states, err_msg=name)
        assert counts.sum() == N_WALKERS * N_STEPS


def test_nbrw_never_backtracks(sim):
    walks, _, out = sim
    tr = out["walk_nbrw_ba/trace"]
    deg = walks["walk_nbrw_ba"]["g"].degree
    back = (tr[2:] == tr[:-2]) & (deg[tr[1:-1]] > 1)
    assert not back.any()


def test_srrw_traces_and_measures_match_cpu_kernel(sim):
    """The SRRW kernel (a block of lanes per walker) against the CPU kernel."""
    _, srrws, out = sim
    runs = 0
    row_sizes = set()  # rows scanned by block4c8: <= 4 slots, 5-8 (shared memory), > 8
    for name, c in srrws.items():
        x, trace, states = _cpu_srrw(c)
        if "block4c8" in c["modes"]:
            d = np.diff(c["g"].indptr)[trace[:, :-1]]
            row_sizes |= {0 if v <= 4 else 1 if v <= 8 else 2 for v in np.unique(d)}
        for mode in c["modes"]:
            key = f"{name}/{mode}"
            np.testing.assert_array_equal(out[key + "/trace"].T, trace, err_msg=key)
            np.testing.assert_array_equal(out[key + "/states"], states, err_msg=key)
            np.testing.assert_allclose(_sim_measure(out, key), x, rtol=0, atol=1e-12, err_msg=key)
            runs += 1
    assert runs == 10
    assert row_sizes == {0, 1, 2}  # the short runs still reach every row-scan branch


def test_srrw_measure_is_visit_frequency(sim):
    """a = 1: x_n = (mu + visit counts of steps 1..n) / (n + 1), for every walker."""
    _, srrws, out = sim
    for name, mode in [("srrw_srw_unw", "block4"), ("srrw_srw_w_a1", "block4c8")]:
        mu, W, n = srrws[name]["ch"].mu, srrws[name]["W"], srrws[name]["n"]
        key = f"{name}/{mode}"
        tr = out[key + "/trace"]
        counts = np.stack([np.bincount(tr[1:, w], minlength=mu.shape[0]) for w in range(W)])
        expect = (mu[None, :] + counts) / (n + 1)
        np.testing.assert_allclose(_sim_measure(out, key), expect, rtol=0, atol=1e-12)


def test_srrw_renormalisation_path_is_exercised(sim):
    """alpha = 200, a = 0.55: the running scale is reset; the measure stays finite and positive."""
    _, srrws, out = sim
    # without a reset the scale would be prod_t (1 - (t + 1)^-0.55), below 1e-6 after 70 steps
    a = 0.55
    no_reset = np.prod(1.0 - (np.arange(2, N_STEPS + 2) ** -a))
    assert no_reset < 1e-6
    key = "srrw_srw_huge/block4c8"
    assert (out[key + "/scale"] > 1e3 * no_reset).all()
    x = _sim_measure(out, key)
    assert np.isfinite(x).all() and (x > 0).all()


def test_import_is_lazy():
    """Importing the torch/fused walk modules imports neither numba.cuda nor torch."""
    code = (
        "import sys, samplingstats.walks._torch_walk, samplingstats.walks._cuda_walk;"
        "print(int('numba.cuda' in sys.modules), int('torch' in sys.modules))"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["0", "0"]


def test_fused_switch(monkeypatch):
    torch = pytest.importorskip("torch")
    from samplingstats.walks import _cuda_walk, _torch_walk

    for v, expect in [("0", False), ("off", False), ("1", True), ("", None), ("auto", None)]:
        monkeypatch.setenv("SAMPLINGSTATS_WALKS_FUSED", v)
        assert _cuda_walk.fused_enabled() is expect
    # CPU tensors never take the fused path, whatever the switch says
    monkeypatch.setattr(_torch_walk, "USE_FUSED", True)
    assert _torch_walk._use_fused(torch.device("cpu")) is False
    # requesting the fused kernels where numba.cuda is unusable is an error, not a silent fallback
    monkeypatch.setattr(_cuda_walk, "_USABLE", False)
    with pytest.raises(RuntimeError, match="numba.cuda is not usable"):
        _torch_walk._use_fused(torch.device("cuda"))
    monkeypatch.setattr(_torch_walk, "USE_FUSED", None)
    monkeypatch.setenv("SAMPLINGSTATS_WALKS_FUSED", "0")
    assert _torch_walk._use_fused(torch.device("cuda")) is False


def test_toolchain_failure_falls_back_with_a_warning(monkeypatch):
    """Auto mode: a CUDA toolchain error (e.g. no NVVM) warns once and disables the fused path;
    forced mode re-raises; a kernel bug (any other exception) is never swallowed."""
    pytest.importorskip("torch")
    from numba.cuda.cudadrv.error import CudaSupportError

    from samplingstats.walks import _cuda_walk, _torch_walk

    def broken(*args):
        raise CudaSupportError("no NVVM")

    def buggy(*args):
        raise IndexError("kernel bug")

    monkeypatch.setattr(_torch_walk, "_FUSED_BROKEN", False)
    monkeypatch.setattr(_torch_walk, "USE_FUSED", None)
    monkeypatch.delenv("SAMPLINGSTATS_WALKS_FUSED", raising=False)
    with pytest.raises(IndexError, match="kernel bug"):
        _torch_walk._try_fused(buggy)
    assert _torch_walk._FUSED_BROKEN is False
    with pytest.warns(RuntimeWarning, match="vectorised torch steps"):
        assert _torch_walk._try_fused(broken) is None
    assert _torch_walk._FUSED_BROKEN is True
    monkeypatch.setattr(_cuda_walk, "_USABLE", True)
    import torch

    assert _torch_walk._use_fused(torch.device("cuda")) is False  # disabled for the session
    monkeypatch.setattr(_torch_walk, "USE_FUSED", True)
    assert _torch_walk._use_fused(torch.device("cuda")) is True  # forced: tried again
    with pytest.raises(CudaSupportError):
        _torch_walk._try_fused(broken)


# ---------------------------------------------------------------------------------------------
# real device


def _cuda_ready():
    try:
        import torch

        if not torch.cuda.is_available():
            return False
        from samplingstats.walks._cuda_walk import cuda_usable

        return cuda_usable()
    except Exception:  # noqa: BLE001
        return False


gpu = pytest.mark.gpu
needs_cuda = pytest.mark.skipif(not _cuda_ready(), reason="needs a CUDA device and numba.cuda")


@gpu
@needs_cuda
@pytest.mark.parametrize(
    "graph,chain",
    [("unw", "srw"), ("unw", "mhrw"), ("unw", "nbrw"), ("w", "srw"), ("w", "mhrw"), ("ba", "srw")],
)
def test_gpu_traces_identical_to_cpu(graph, chain, monkeypatch):
    """Same rng: the fused trace on the device equals the numba CPU trace, every chain kind."""
    from samplingstats.walks import _torch_walk, random_walk

    monkeypatch.setattr(_torch_walk, "USE_FUSED", True)
    g = {
        "unw": lambda: _karate(False),
        "w": lambda: _karate(True),
        "ba": lambda: WalkGraph(nx.barabasi_albert_graph(2000, 5, seed=1)),
    }[graph]()
    res = random_walk(g, n_steps=300, chain=chain, n_walkers=1000, rng=11, device="cuda")
    ref = random_walk(g, n_steps=300, chain=chain, n_walkers=1000, rng=11, backend="numpy")
    assert res.trace.device.type == "cuda" and tuple(res.trace.shape) == (1000, 301)
    np.testing.assert_array_equal(res.trace.cpu().numpy(), ref.trace)


@gpu
@needs_cuda
def test_gpu_srrw_second_step_chi_square(monkeypatch):
    """Joint law of (X_1, X_2) from a fixed start: X_1 ~ P[start], X_2 | X_1 = j ~ K_j[x_1]
    with x_1 = (mu + delta_j) / 2. Chi-square over the cells with expected count >= 5
    (the rest pooled); false-failure probability 1e-4 (p-value threshold)."""
    from scipy import stats

    from samplingstats.walks import _torch_walk, self_repellent_walk

    monkeypatch.setattr(_torch_walk, "USE_FUSED", True)
    g = _karate(True)
    ch = g.chain("mhrw")
    P = g.transition_matrix("mhrw").toarray()
    mu, alpha, start, W = ch.mu, 5.0, 0, 200_000
    res = self_repellent_walk(
        g, n_steps=2, alpha=alpha, chain="mhrw", n_walkers=W, start=start, record_trace=True, rng=5,
        device="cuda",
    )  # fmt: skip
    tr = res.trace.cpu().numpy()
    N = g.n_nodes
    expect = np.zeros((N, N))
    for j in range(N):
        if P[start, j] == 0:
            continue
        x1 = mu / 2.0
        x1[j] += 0.5
        k = P[j] * (x1 / mu) ** (-alpha)
        expect[j] = P[start, j] * k / k.sum()
    obs = np.bincount(tr[:, 1] * N + tr[:, 2], minlength=N * N).astype(float)
    e = expect.ravel() * W
    assert obs[e == 0].sum() == 0  # no impossible transition
    big = e >= 5
    o = np.append(obs[big], obs[~big].sum())
    e2 = np.append(e[big], e[~big].sum())
    keep = e2 > 0
    chi2 = ((o[keep] - e2[keep]) ** 2 / e2[keep]).sum()
    p = stats.chi2.sf(chi2, keep.sum() - 1)
    assert p > 1e-4, (chi2, keep.sum(), p)


@gpu
@needs_cuda
def test_gpu_srrw_matches_cpu_and_identity(monkeypatch):
    """Same rng: the device measures equal the CPU kernel's up to libdevice exp/log rounding
    (a choice flips only when u falls within an ulp of a cumulative boundary); with a = 1 the
    measure is the visit frequency of its own trace."""
    from samplingstats.walks import _torch_walk, self_repellent_walk

    monkeypatch.setattr(_torch_walk, "USE_FUSED", True)
    g = WalkGraph(nx.barabasi_albert_graph(500, 3, seed=2))
    kw = dict(alpha=5.0, chain="mhrw", n_walkers=256, record_trace=True, rng=9)
    r = self_repellent_walk(g, n_steps=2000, device="cuda", **kw)
    c = self_repellent_walk(g, n_steps=2000, backend="numpy", **kw)
    x = r.empirical_measure.cpu().numpy()
    close = np.abs(x - c.empirical_measure).max(axis=1) < 1e-9
    assert close.mean() >= 0.95, close.mean()
    tr = r.trace.cpu().numpy()
    counts = np.stack([np.bincount(t[1:], minlength=g.n_nodes) for t in tr])
    np.testing.assert_allclose(x, (r.target + counts) / 2001, rtol=0, atol=1e-12)


@gpu
@needs_cuda
def test_gpu_bad_input_unchanged():
    from samplingstats import InvalidParameterError
    from samplingstats.walks import random_walk, self_repellent_walk

    g = _karate(False)
    with pytest.raises(InvalidParameterError, match="start"):
        random_walk(g, n_steps=10, start=99, device="cuda")
    with pytest.raises(InvalidParameterError, match="'alpha' parameter"):
        self_repellent_walk(g, n_steps=10, alpha=-1.0, device="cuda")
    with pytest.raises(InvalidParameterError, match="'chain' parameter"):
        self_repellent_walk(g, n_steps=10, alpha=1.0, chain="nbrw", device="cuda")
    A = np.zeros((4, 4))
    A[0, 1] = A[1, 0] = A[2, 3] = A[3, 2] = 1.0
    with pytest.raises(InvalidParameterError, match="connected components"):
        self_repellent_walk(A, n_steps=10, alpha=1.0, device="cuda")


@gpu
@needs_cuda
@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("chain", ["srw", "mhrw", "nbrw"])
def test_gpu_streaming_equals_cpu_and_trace(chain, fused, monkeypatch):
    """Streaming on the device (record_trace=False). Fused kernel: the numba CPU kernel's
    streams, so counts and batch sums equal the CPU streaming run bit for bit. Vectorised torch
    steps on CUDA: other streams, so they are compared with their own trace (same rng)."""
    from samplingstats.walks import _torch_walk, random_walk

    monkeypatch.setattr(_torch_walk, "USE_FUSED", fused)
    g = WalkGraph(nx.barabasi_albert_graph(2000, 5, seed=1))
    f = np.c_[g.degree.astype(float), np.sin(np.arange(g.n_nodes))]
    kw = dict(n_steps=400, chain=chain, n_walkers=1000, rng=11, values=f, n_batches=8)
    res = random_walk(g, record_trace=False, device="cuda", **kw)
    assert res.trace is None
    if fused:
        ref = random_walk(g, record_trace=False, backend="numpy", **kw)
        np.testing.assert_array_equal(res.node_counts, ref.node_counts)
        np.testing.assert_array_equal(res.value_sums, ref.value_sums)
    else:
        kept = random_walk(g, record_trace=True, device="cuda", **kw)
        tr = kept.trace.cpu().numpy()
        np.testing.assert_array_equal(
            res.node_counts, np.bincount(tr[:, 1:].ravel(), minlength=g.n_nodes)
        )
        np.testing.assert_array_equal(res.value_sums, kept.value_sums)
        a, b = kept.average(f, n_batches=8), res.average()
        np.testing.assert_array_equal(a.estimate, b.estimate)
        np.testing.assert_array_equal(a.standard_error, b.standard_error)
    assert res.node_counts.sum() == 1000 * 400
