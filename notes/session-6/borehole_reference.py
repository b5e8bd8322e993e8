import sys, numpy as np
from samplingstats.importance._testfunctions import _BH_LO, _BH_HI, BOREHOLE_FIRST, BOREHOLE_TOTAL
np.set_printoptions(precision=10, linewidth=160)
def axis_rule(lo, hi, q, panels=1, geometric=False):
    x, w = np.polynomial.legendre.leggauss(q)
    edges = np.geomspace(lo, hi, panels + 1) if geometric else np.linspace(lo, hi, panels + 1)
    X, Wt = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        X.append(a + (x + 1) / 2 * (b - a)); Wt.append(w / 2 * (b - a) / (hi - lo))
    return np.concatenate(X), np.concatenate(Wt)
def ref(q, qr, panels):
    d = 8; rules = []
    for i in range(d):
        if i == 1: rules.append(axis_rule(_BH_LO[i], _BH_HI[i], qr, panels, True))
        else: rules.append(axis_rule(_BH_LO[i], _BH_HI[i], q))
    shp = tuple(len(r[0]) for r in rules)
    ax = [r[0].reshape([len(r[0]) if j == i else 1 for j in range(d)]) for i, r in enumerate(rules)]
    rw, r, Tu, Hu, Tl, Hl, L, Kw = ax
    lg = np.log(r / rw)
    Y = np.broadcast_to(2 * np.pi * Tu * (Hu - Hl) / (lg * (1 + 2 * L * Tu / (lg * rw**2 * Kw) + Tu / Tl)), shp)
    W = rules[0][1]
    for i in range(1, d): W = np.multiply.outer(W, rules[i][1])
    WY = W * Y; m = WY.sum(); EY2 = (WY * Y).sum(); V = EY2 - m * m
    S, ST = [], []
    for i in range(d):
        w = rules[i][1]
        axes = tuple(j for j in range(d) if j != i)
        cond = WY.sum(axis=axes) / w
        S.append(((w * cond**2).sum() - m * m) / V)
        ST.append((EY2 - (WY.sum(axis=i, keepdims=True)**2 / W.sum(axis=i, keepdims=True)).sum()) / V)
    return np.array(S), np.array(ST)
for spec in sys.argv[1:]:
    q, qr, p = map(int, spec.split(","))
    S, ST = ref(q, qr, p)
    print(spec, "S ", S); print(spec, "ST", ST, flush=True)
