"""RS2Trainer (transformers) and RS2 under accelerate, with the real packages on CPU, no downloads."""

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
accelerate = pytest.importorskip("accelerate")

from samplingstats import InvalidParameterError  # noqa: E402
from samplingstats.subsample import RS2Sampler, RS2Schedule, RS2Trainer  # noqa: E402

N, RATIO, BS = 120, 0.25, 8  # k = 30: 4 batches per round, the last one of 6


class _Tokens(torch.utils.data.Dataset):
    def __init__(self):
        g = torch.Generator().manual_seed(2)
        self.ids = torch.randint(0, 50, (N, 6), generator=g)
        self.y = (self.ids[:, 0] > 25).long()

    def __len__(self):
        return N

    def __getitem__(self, i):
        return {"idx": i, "input_ids": self.ids[i], "labels": self.y[i]}


class _Collate:
    """Records the example indices of each batch the Trainer asks for (then drops them)."""

    def __init__(self):
        self.seen = []

    def __call__(self, rows):
        self.seen.append([r["idx"] for r in rows])
        return {
            "input_ids": torch.stack([r["input_ids"] for r in rows]),
            "labels": torch.stack([r["labels"] for r in rows]),
        }


def _model():
    cfg = transformers.BertConfig(
        vocab_size=50,
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=16,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        num_labels=2,
    )
    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(cfg)


class _Kill(transformers.TrainerCallback):
    def on_save(self, args, state, control, **kwargs):
        raise RuntimeError("killed")


def _args(out, **kw):
    base = dict(
        output_dir=str(out),
        per_device_train_batch_size=BS,
        num_train_epochs=3,
        learning_rate=0.05,
        lr_scheduler_type="cosine",
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        logging_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
        remove_unused_columns=False,
        seed=0,
    )
    base.update(kw)
    return transformers.TrainingArguments(**base)


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


def test_trainer_resume_same_stream_and_weights(tmp_path):
    col = _Collate()
    full = RS2Trainer(
        model=_model(),
        args=_args(tmp_path / "a"),
        train_dataset=_Tokens(),
        data_collator=col,
        ratio=RATIO,
        rng=5,
    )
    full.train()
    stream = col.seen
    assert len(stream) == 12 and [len(b) for b in stream[:4]] == [8, 8, 8, 6]
    rounds = [sum(stream[4 * r : 4 * r + 4], []) for r in range(3)]
    sched = RS2Schedule(N, RATIO, rng=5)
    assert rounds == [sched.indices(r).tolist() for r in range(3)]  # one epoch = one RS2 round

    kill_at = 6  # mid-round 1
    col1 = _Collate()
    first = RS2Trainer(
        model=_model(),
        args=_args(tmp_path / "b", save_strategy="steps", save_steps=kill_at),
        train_dataset=_Tokens(),
        data_collator=col1,
        ratio=RATIO,
        rng=5,
        callbacks=[_Kill()],
    )
    with pytest.raises(RuntimeError, match="killed"):
        first.train()
    assert col1.seen[:kill_at] == stream[:kill_at]
    ckpt = tmp_path / "b" / f"checkpoint-{kill_at}"
    assert (ckpt / "rs2_sampler.json").is_file()

    col2 = _Collate()
    resumed = RS2Trainer(
        model=_model(),
        args=_args(tmp_path / "b"),
        train_dataset=_Tokens(),
        data_collator=col2,
        ratio=RATIO,
        rng=5,
    )
    resumed.train(resume_from_checkpoint=str(ckpt))
    assert col2.seen == stream[kill_at:]  # nothing replayed, nothing skipped
    for a, b in zip(_weights(full.model), _weights(resumed.model)):
        assert torch.equal(a, b)  # bit for bit

    other = RS2Trainer(
        model=_model(),
        args=_args(tmp_path / "b"),
        train_dataset=_Tokens(),
        data_collator=_Collate(),
        ratio=0.5,
        rng=5,
    )
    with pytest.raises(InvalidParameterError, match="ratio"):
        other.train(resume_from_checkpoint=str(ckpt))


def test_trainer_key_defaults_to_args_seed(tmp_path):
    t = RS2Trainer(
        model=_model(),
        args=_args(tmp_path, seed=11),
        train_dataset=_Tokens(),
        data_collator=_Collate(),
        ratio=RATIO,
    )
    loader = t.get_train_dataloader()
    assert isinstance(t.rs2_sampler, RS2Sampler) and t.rs2_sampler.schedule.seed == 11
    assert len(loader) == 4
    with pytest.raises(InvalidParameterError, match="'rng'"):
        RS2Trainer(model=_model(), args=_args(tmp_path), ratio=RATIO, rng=np.random.default_rng())
    with pytest.raises(InvalidParameterError, match="'ratio'"):
        RS2Trainer(model=_model(), args=_args(tmp_path), ratio=0.0)


@pytest.mark.parametrize(("world", "drop_last"), [(2, False), (3, False), (3, True)])
def test_accelerate_process_shards(world, drop_last):
    """accelerate's BatchSamplerShard over a global RS2Sampler: disjoint shards, union = round."""
    from accelerate.data_loader import BatchSamplerShard
    from torch.utils.data import BatchSampler

    n, ratio, bs = 1000, 0.1, 8  # k = 100
    shards = []
    for j in range(world):
        sampler = RS2Sampler(n, ratio, rng=3, num_replicas=1, rank=0)
        sampler.set_epoch(4)
        bsh = BatchSamplerShard(
            BatchSampler(sampler, bs, drop_last), num_processes=world, process_index=j
        )
        shards.append([i for b in bsh for i in b])
    round_ = RS2Schedule(n, ratio, rng=3).indices(4).tolist()
    flat = [i for s in shards for i in s]
    if drop_last:
        assert len(flat) == len(set(flat)) and set(flat) <= set(round_)
        assert len(flat) == (100 // (bs * world)) * bs * world  # whole steps on every process
    else:
        assert set(flat) == set(round_)  # every example of the round is trained on
        assert len({len(s) for s in shards}) == 1  # even_batches: same length on every process
        # only the padding (taken from the round's start) repeats
        assert len(flat) - len(set(flat)) == len(flat) - 100


def test_accelerator_prepare_and_skip_resume():
    """One process through the real Accelerator: prepare, then skip_first_batches resumes."""
    from accelerate import Accelerator, skip_first_batches

    acc = Accelerator(cpu=True)
    ds = torch.utils.data.TensorDataset(torch.arange(200))

    def make():
        s = RS2Sampler(ds, 0.2, rng=9, num_replicas=1, rank=0)
        return acc.prepare(torch.utils.data.DataLoader(ds, batch_size=8, sampler=s))

    loader = make()
    loader.set_epoch(2)
    full = [b[0].tolist() for b in loader]
    assert sum(full, []) == RS2Schedule(200, 0.2, rng=9).indices(2).tolist()
    again = make()
    again.set_epoch(2)
    rest = skip_first_batches(again, 3)
    rest.set_epoch(2)
    assert [b[0].tolist() for b in rest] == full[3:]
