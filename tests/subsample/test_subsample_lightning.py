"""RS2Callback with the real Lightning package (CPU): kill mid-round, resume, same stream and weights."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pl = pytest.importorskip("lightning.pytorch")

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.subsample import RS2Callback, RS2Sampler, static_subset  # noqa: E402

N, RATIO, BS = 200, 0.3, 8  # k = 60: 8 batches per round, the last one of 4


class _Indexed(torch.utils.data.Dataset):
    def __init__(self):
        g = torch.Generator().manual_seed(1)
        self.x = torch.randn(N, 4, generator=g)
        self.y = (self.x[:, 0] > 0).long()

    def __len__(self):
        return N

    def __getitem__(self, i):
        return i, self.x[i], self.y[i]


class _Model(pl.LightningModule):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.net = torch.nn.Linear(4, 2)
        self.seen = []

    def training_step(self, batch, batch_idx):
        i, x, y = batch
        self.seen.append(i.tolist())
        return torch.nn.functional.cross_entropy(self.net(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.5, momentum=0.9)


class _Kill(pl.Callback):
    """Checkpoint after `steps` optimizer steps, then die (as a pre-empted job would)."""

    def __init__(self, steps, path):
        self.steps, self.path = steps, path

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if trainer.global_step == self.steps:
            trainer.save_checkpoint(self.path)
            raise RuntimeError("killed")


def _trainer(callbacks, epochs=3):
    return pl.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=callbacks,
    )


def _loader(num_workers=0):
    kw = {"num_workers": num_workers}
    if num_workers:
        kw.update(persistent_workers=False, prefetch_factor=2, multiprocessing_context="fork")
    return torch.utils.data.DataLoader(_Indexed(), batch_size=BS, shuffle=True, **kw)


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize(
    ("kill_at", "num_workers", "cb_kw"),
    [
        (11, 0, {}),  # mid-round 1 (batch 3 of 8)
        (5, 2, {"lr_schedule": "cosine", "eta_min": 0.01}),  # prefetching workers, lr schedule
        (16, 0, {"static": True}),  # end of round 1 of the static baseline
    ],
)
def test_resume_mid_round_same_stream_and_weights(tmp_path, kill_at, num_workers, cb_kw):
    def cb():
        return RS2Callback(RATIO, rng=7, **cb_kw)

    full = _Model()
    _trainer([cb()]).fit(full, _loader(num_workers))
    stream = full.seen
    assert len(stream) == 3 * 8 and all(len(b) == BS for b in stream[:7])
    rounds = [sum(stream[8 * r : 8 * r + 8], []) for r in range(3)]
    if cb_kw.get("static"):
        keep = static_subset(N, RATIO, rng=7).tolist()
        assert all(sorted(r) == keep for r in rounds)  # one subset, reshuffled
        assert rounds[0] != rounds[1]
    else:
        assert all(len(set(r)) == 60 for r in rounds)
        assert len(set(rounds[0]) | set(rounds[1]) | set(rounds[2])) == 180  # without replacement

    ckpt = str(tmp_path / "kill.ckpt")
    first = _Model()
    with pytest.raises(RuntimeError, match="killed"):
        _trainer([cb(), _Kill(kill_at, ckpt)]).fit(first, _loader(num_workers))
    assert first.seen == stream[:kill_at]

    resumed = _Model()
    callback = cb()
    _trainer([callback]).fit(resumed, _loader(num_workers), ckpt_path=ckpt)
    assert resumed.seen == stream[kill_at:]  # no example replayed, none skipped
    for a, b in zip(_weights(full), _weights(resumed)):
        assert torch.equal(a, b)  # bit for bit
    if cb_kw.get("lr_schedule"):
        lr = callback.lr_schedulers[0].get_last_lr()[0]
        assert lr == pytest.approx(0.01)  # the cosine ran to eta_min over all 24 steps


def test_loader_with_rs2_sampler_is_kept(tmp_path):
    ds = _Indexed()
    sampler = RS2Sampler(ds, RATIO, rng=3)
    loader = torch.utils.data.DataLoader(ds, batch_size=BS, sampler=sampler)
    model, cb = _Model(), RS2Callback(RATIO, rng=3)
    _trainer([cb], epochs=2).fit(model, loader)
    assert cb.sampler is sampler
    expect = [sampler.indices(r).tolist() for r in range(2)]
    assert [sum(model.seen[8 * r : 8 * r + 8], []) for r in range(2)] == expect


def test_foreign_checkpoint_state_refused(tmp_path):
    ckpt = str(tmp_path / "a.ckpt")
    with pytest.raises(RuntimeError, match="killed"):
        _trainer([RS2Callback(RATIO, rng=7), _Kill(3, ckpt)]).fit(_Model(), _loader())
    # another ratio: the sampler refuses the state, naming the field
    with pytest.raises(InvalidParameterError, match="ratio"):
        _trainer([RS2Callback(0.5, rng=7)]).fit(_Model(), _loader(), ckpt_path=ckpt)
    cb = RS2Callback(RATIO, rng=7)
    with pytest.raises(InvalidParameterError, match="format"):
        cb.load_state_dict({"format": "something else", "sampler": {}})
    with pytest.raises(InvalidParameterError, match="'sampler'"):
        cb.load_state_dict({"format": "samplingstats.subsample.RS2Callback/1"})


def test_bad_arguments():
    with pytest.raises(InvalidParameterError, match="'ratio'"):
        RS2Callback(1.5)
    with pytest.raises(InvalidParameterError, match="'lr_schedule'"):
        RS2Callback(0.1, lr_schedule="linear")
    with pytest.raises(InvalidParameterError, match="'rng'"):
        RS2Callback(0.1, static=True)
    with pytest.raises(InvalidParameterError, match="'scores'"):
        RS2Callback(0.1, scores=np.ones(3))
