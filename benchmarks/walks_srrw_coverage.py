"""Coverage of graph_average's 95% interval for self-repellent walks (issue 16).

Adapted from the outside measurement ../shared/peers/srrw_coverage.py: for each graph, base chain,
alpha and run length, 50 seeds, each one call of graph_average's default (16 walkers, uniform
target); truth = the exact mean over nodes of f (degree, clustering). Reports, per f: coverage of
the 95% interval over the seeds that raised no warning, bias in units of the mean SE, the number of
warned seeds, the RMSE (compare with the alpha = 0 rows at the same steps).

    .venv/bin/python benchmarks/walks_srrw_coverage.py                       # the full grid
    .venv/bin/python benchmarks/walks_srrw_coverage.py --graphs lesmis --alphas 5 --lengths 4

Run lengths are given in units of the SRRW start-up transient T = 4 max(3 / min_i mu_i, 20 t_rel)
of the base chain (t_rel its relaxation time); the alpha = 0 row runs the same steps
(``--lengths 2 4 16``: 2 T, 4 T and 16 T steps per walker; graph_average flags runs under 2 T).
Results are appended to ``--out`` (JSON lines) so an interrupted grid resumes.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

import numpy as np

SEEDS = 50
WALKERS = 16


def graphs(names):
    import networkx as nx

    out = {}
    if "lesmis" in names:
        out["lesmis"] = ("les Miserables (77, weighted)", nx.les_miserables_graph())
    if "ba" in names:
        out["ba"] = ("BA(2000, 3)", nx.barabasi_albert_graph(2000, 3, seed=0))
    if "plc" in names:
        # Holme-Kim powerlaw-cluster graph: power-law degrees (max 84) with triangles (mean
        # local clustering 0.54), the heterogeneous graph with non-trivial clustering
        out["plc"] = (
            "Holme-Kim PLC(1000, 2, 0.7)",
            nx.powerlaw_cluster_graph(1000, 2, 0.7, seed=0),
        )
    if "ba1" in names:
        # a tree with hubs: the most heterogeneous degrees of the three
        out["ba1"] = ("BA(500, 1) tree", nx.barabasi_albert_graph(500, 1, seed=0))
    return out


def node_functions(G):
    import networkx as nx

    nodes = list(G.nodes())
    deg = np.array([G.degree(v) for v in nodes], dtype=float)
    clus = np.array([nx.clustering(G, v) for v in nodes], dtype=float)
    return np.c_[deg, clus], ["degree", "clustering"]


def replicate(g, f, chain, alpha, lengths, seed, n_seeds=SEEDS):
    """Per run length, per replicate (estimate, se, lo, hi, warned, burn_in) with
    graph_average's own rules. One run of max(lengths) steps per replicate serves every length:
    a shorter walk is the prefix of the longer one (same rng), and ``_graph_average_lengths``
    returns exactly what ``graph_average(n_steps=n, rng=...)`` returns for each ``n`` (tested
    bit for bit in tests/walks/test_walks_bias.py)."""
    from samplingstats.walks._estimators import _graph_average_lengths

    rows = {n: [] for n in lengths}
    for s in range(n_seeds):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            res = _graph_average_lengths(
                g, f, lengths, alpha=alpha, chain=chain, n_walkers=WALKERS,
                rng=seed * 1000 + s,
            )  # fmt: skip
        for n, r in zip(lengths, res):
            # graph_average warns exactly when the result is flagged (reliable=False)
            lo, hi = r.confidence_interval(0.95)
            rows[n].append((r.estimate, r.standard_error, lo, hi, not r.reliable, r.burn_in))
    return rows


def bias_profile(key, chain, alpha, walkers, mult=16, seed=7):
    """Marginal bias of the SRRW over time: the mean of f (degree) over the steps of the windows
    (0, T/8], (T/8, T/4], ..., (8T, 16T] across ``walkers`` walkers, minus the node average, with
    its standard error (one run; the measures at the window ends come from the kernel's
    checkpoints, so the memory does not grow with the steps)."""
    from samplingstats.walks import WalkGraph
    from samplingstats.walks._estimators import _transient
    from samplingstats.walks._walks import _run_srrw, _starts

    label, G = graphs([key])[key]
    g = WalkGraph(G)
    f = node_functions(G)[0][:, 0]
    theta = f.mean()
    pi = np.full(g.n_nodes, 1 / g.n_nodes) if chain == "mhrw" else None
    ch = g.chain(chain, pi)
    r = np.ones(g.n_nodes) if pi is None else pi / ch.mu
    T = _transient(g, chain, pi)
    n = int(mult * T)
    cps = sorted({int(T * q) for q in (0.125, 0.25, 0.5, 1, 2, 4, 8, 16) if T * q <= n})
    gen = np.random.default_rng(seed)
    starts = _starts(g, ch, None, walkers, gen, "bias_profile")
    num = {t: np.empty(walkers) for t in cps}
    den = {t: np.empty(walkers) for t in cps}

    def keep(t, g0, xg):
        c = (t + 1.0) * xg - ch.mu  # visits over steps 1 .. t
        num[t][g0 : g0 + xg.shape[0]] = c @ (r * f)
        den[t][g0 : g0 + xg.shape[0]] = c @ r

    t0 = time.perf_counter()
    _run_srrw(g, ch, np.array([float(alpha)]), 1.0, starts, n, gen, False, "numpy", None,
              checkpoints=cps, on_checkpoint=keep)  # fmt: skip
    print(f"{label}, {chain}, alpha={alpha:g}, {walkers} walkers x {n} steps (T = {T}), "
          f"{time.perf_counter() - t0:.0f} s; f = degree, truth {theta:.4f}")  # fmt: skip
    print("| window (steps) | bias of the mean of f | SE | z |")
    print("|---|---|---|---|")
    pt, pn, pd = 0, np.zeros(walkers), np.zeros(walkers)
    for t in cps:
        m = (num[t] - pn) / (den[t] - pd)
        b, se = m.mean() - theta, m.std(ddof=1) / np.sqrt(walkers)
        print(f"| ({pt}, {t}] | {b:+.5f} | {se:.5f} | {b / se:+.1f} |")
        pt, pn, pd = t, num[t], den[t]


def table(path):
    """Markdown table of a results file: coverage (unwarned seeds), bias/SE, RMSE ratio to the
    same chain's alpha = 0 at the same steps."""
    rows = [json.loads(line) for line in open(path)]
    for d in rows:
        # rows recorded before graph_average flagged n < 2 T max(1, alpha / 4) (all seeds of a
        # row share n, T and alpha): apply the rule here, as graph_average now does
        if d["alpha"] > 0 and float(d["length"]) < 2 * max(1.0, d["alpha"] / 4) - 1e-9:
            d["warned"] = d.get("seeds", SEEDS)
            for fn in ("degree", "clustering"):
                if fn in d:
                    d[fn]["coverage_unwarned"] = None
    base = {(d["graph"], d["chain"], d["n_steps"]): d for d in rows if d["alpha"] == 0.0}
    print(
        "| graph | chain | alpha | steps (x T) | warned | coverage degree | coverage clustering "
        "| bias/SE degree | bias/SE clustering | RMSE / alpha=0 RMSE (degree, clustering) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for d in sorted(rows, key=lambda d: (d["graph"], d["chain"], d["alpha"], d["n_steps"])):
        if d["alpha"] == 0.0:
            continue
        b = base.get((d["graph"], d["chain"], d["n_steps"]))

        def num(x, fmt):
            return "-" if x is None or not np.isfinite(x) else format(x, fmt)

        ratio = ""
        if b is not None and d["alpha"] > 0:
            ratio = ", ".join(
                num(d[fn]["rmse"] / b[fn]["rmse"] if b[fn]["rmse"] > 0 else None, ".2f")
                for fn in ("degree", "clustering")
            )

        def cov(fn, d=d):
            c = d[fn]["coverage_unwarned"]
            return "-" if c is None else f"{c:.2f}"

        print(
            f"| {d['label']} | {d['chain']} | {d['alpha']:g} | {d['n_steps']} ({d['length']}) "
            f"| {d['warned']}/{d.get('seeds', SEEDS)} | {cov('degree')} | {cov('clustering')} "
            f"| {num(d['degree']['bias_over_se'], '+.2f')} "
            f"| {num(d['clustering']['bias_over_se'], '+.2f')} "
            f"| {ratio} |"
        )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphs", nargs="+", default=["lesmis", "ba", "plc"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chains", nargs="+", default=["srw", "mhrw"])
    ap.add_argument("--alphas", nargs="+", type=float, default=[2.0, 5.0, 10.0])
    ap.add_argument("--lengths", nargs="+", type=float, default=[2.0, 4.0, 16.0])
    ap.add_argument("--out", default="walks_srrw_coverage.jsonl")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--seeds",
        type=int,
        default=SEEDS,
        help="replicates per row (rng = 1000 * seed + s for s < seeds, so the first 50 of a "
        "200-seed run are the 50-seed run's; at most 1000)",
    )
    ap.add_argument("--table", action="store_true", help="print the markdown table of --out")
    ap.add_argument(
        "--skip-alpha0", action="store_true", help="no alpha = 0 rows (no RMSE ratio then)"
    )
    ap.add_argument(
        "--bias-profile",
        nargs=4,
        metavar=("GRAPH", "CHAIN", "ALPHA", "WALKERS"),
        help="print the SRRW's marginal bias of the degree average over time windows up to 16 T",
    )
    args = ap.parse_args()
    if args.table:
        table(args.out)
        return
    if args.bias_profile:
        from _harness import pin_threads, thread_report

        from samplingstats.walks import graph_average  # noqa: F401  (import before pinning)

        pin_threads(args.threads)
        print(thread_report(), flush=True)
        key, chain, alpha, walkers = args.bias_profile
        bias_profile(key, chain, float(alpha), int(walkers))
        return

    from _harness import pin_threads, thread_report

    from samplingstats.walks import graph_average  # noqa: F401  (import before pinning)

    pin_threads(args.threads)
    print(thread_report(), flush=True)
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as fh:
            for line in fh:
                d = json.loads(line)
                done.add((d["graph"], d["chain"], d["alpha"], d["length"]))
    for key, (label, G) in graphs(args.graphs).items():
        f, fnames = node_functions(G)
        theta = f.mean(0)
        from samplingstats.walks import WalkGraph

        g = WalkGraph(G)
        for chain in args.chains:
            from samplingstats.walks._estimators import _transient

            tgt = None if chain == "srw" else np.full(g.n_nodes, 1 / g.n_nodes)
            T = _transient(g, chain, tgt)
            for alpha in ([] if args.skip_alpha0 else [0.0]) + args.alphas:
                todo = [m for m in args.lengths if (key, chain, alpha, f"{m:g}") not in done]
                if not todo:
                    continue
                ns = [int(m * T) for m in todo]
                t0 = time.perf_counter()
                rows_by_n = replicate(g, f, chain, alpha, ns, seed=args.seed, n_seeds=args.seeds)
                dt = time.perf_counter() - t0
                for mult, n_steps in zip(todo, ns):
                    rows = rows_by_n[n_steps]
                    _record(args.out, key, label, chain, alpha, mult, n_steps, dt, rows, theta,
                            fnames, args.seeds)  # fmt: skip


def _record(out, key, label, chain, alpha, mult, n_steps, dt, rows, theta, fnames, n_seeds=SEEDS):
    est = np.array([r[0] for r in rows])
    se = np.array([r[1] for r in rows])
    lo = np.array([r[2] for r in rows])
    hi = np.array([r[3] for r in rows])
    warned = np.array([r[4] for r in rows])
    burn = np.array([r[5] for r in rows])
    cover = (lo <= theta) & (theta <= hi)
    ok = ~warned
    res = {
        "graph": key, "label": label, "chain": chain, "alpha": alpha,
        "length": f"{mult:g}", "n_steps": n_steps, "seconds": dt,
        "warned": int(warned.sum()), "seeds": int(n_seeds),
        "warned_per_seed": [int(w) for w in warned],
        "median_burn_in": float(np.median(burn)),
    }  # fmt: skip
    for j, fn in enumerate(fnames):
        err = est[:, j] - theta[j]
        if not np.any(se[:, j] > 0):  # a constant f (clustering on a tree)
            res[fn] = {"coverage_unwarned": None, "coverage_all": None,
                       "bias_over_se": None, "rmse": float(np.sqrt((err**2).mean())),
                       "sd_over_rms_se": None}  # fmt: skip
            continue
        res[fn] = {
            "coverage_unwarned": float(cover[ok, j].mean()) if ok.any() else None,
            "coverage_all": float(cover[:, j].mean()),
            "bias_over_se": float(err.mean() / se[:, j].mean()),
            "rmse": float(np.sqrt((err**2).mean())),
            "sd_over_rms_se": float(err.std(ddof=1) / np.sqrt((se[:, j] ** 2).mean())),
            # per seed (in seed order): covered, and the error in units of the seed's own SE,
            # so that a 200-seed row also gives the first 50 seeds' figures
            "covered": [int(c) for c in cover[:, j]],
            "z": [round(float(e / s_), 3) if s_ > 0 else None for e, s_ in zip(err, se[:, j])],
        }
    with open(out, "a") as fh:
        fh.write(json.dumps(res) + "\n")
    print(
        f"{label:28s} {chain:4s} alpha={alpha:4g} n={n_steps:8d} "
        + " ".join(
            f"{fn}: cov={res[fn]['coverage_unwarned']} bias/SE="
            f"{res[fn]['bias_over_se']:+.2f} rmse={res[fn]['rmse']:.4g}"
            for fn in fnames
        )
        + f" warned={res['warned']} burn_in~{res['median_burn_in']:.0f}"
        + f" ({res['seconds']:.0f}s for the run)",
        flush=True,
    )


if __name__ == "__main__":
    main()
