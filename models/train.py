#!/usr/bin/python3
"""Train the CredalDistill Fashion-MNIST cloud and edge models and export them to ONNX.

Run from anywhere with Debian's Python:

    apt-get install -y python3-torch python3-onnx dataset-fashion-mnist
    /usr/bin/python3 models/train.py
    /usr/bin/python3 models/train.py --only fmnist10-cloud   # retrain one part, keep the others
    /usr/bin/python3 models/train.py --card                  # only rewrite README.md's tables from metrics.json

Outputs (written next to this script, i.e. into models/):
    fmnist{3,10}-cloud.onnx          ensemble of BN-CNNs, temperature-scaled; output `logits`
    fmnist{3,10}-edge.onnx           tiny CNN; outputs `logits` and `features`
    fmnist{3,10}-edge-q{4,6,8}.onnx  the edge with uniformly quantized weights, same interface
    fmnist{3,10}-edge-lastlayer.json the edge's last linear layer (see README.md)
    fmnist{3,10}-edge-q{2,3}.onnx    overconfidence axis: 2/3-bit copies of the edge, each with NAME-lastlayer.json
    fmnist{3,10}-{edge,tiny}-nN-eE.onnx  overconfidence axis: trained on N images, weights after epoch E,
                                     each with NAME-lastlayer.json (metrics.json -> overconfidence_edges)
    metrics.json                     accuracy / ECE / params / FLOPs / training seconds per model
    README.md (generated sections)   the model card's results and SHA-256 tables, from metrics.json

Data policy: the 60,000 training images are split once, with a seeded permutation, into
54,000 training and 6,000 validation images (SPLIT_SEED). The validation images are used
for epoch selection (cloud members), temperature fitting (cloud) and reporting. The 10,000
test images are only used for the final numbers written to metrics.json.

All models take `input` float32 [N,1,28,28] with raw pixel values in [0,1]; normalisation
(mean 0.2860, std 0.3530) is part of every graph.
"""

import os

# Passive OpenMP waiting: spinning worker threads make training many times slower on busy, shared CPUs.
# Must be set before torch (and its OpenMP runtime) is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import gzip
import hashlib
import json
import math
import random
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
OUT_DIR = os.path.dirname(os.path.abspath(__file__))

SPLIT_SEED = 20250106          # seeded 54,000 / 6,000 train / validation split
N_VALIDATION = 6000
BASE_SEED = 1234               # model seeds are derived from this
THREADS = 2

TASKS = {
    "fmnist3": [0, 2, 6],      # T-shirt/top, Pullover, Shirt -> labels 0, 1, 2
    "fmnist10": list(range(10)),
}

CLOUD_MEMBERS = int(os.environ.get("CD_CLOUD_MEMBERS", "3"))
CLOUD_EPOCHS = {"fmnist3": int(os.environ.get("CD_CLOUD_EPOCHS3", "10")),
                "fmnist10": int(os.environ.get("CD_CLOUD_EPOCHS10", "10"))}
EDGE_EPOCHS = {"fmnist3": int(os.environ.get("CD_EDGE_EPOCHS3", "30")),
               "fmnist10": int(os.environ.get("CD_EDGE_EPOCHS10", "20"))}
BATCH = 128
QUANT_BITS = [4, 6, 8]
QUANT_QUANTILES = (0.05, 0.95)
LOW_BITS = [2, 3]              # the `*-edge-lowbit` parts: 2- and 3-bit copies of the edge, same scheme

# Edges along an overconfidence axis (the `*-edge-subsets` and `*-tiny-subsets` parts): a seeded subset of
# the task's training split, Adam without weight decay or augmentation for many epochs; the weights after
# each listed epoch are exported as an edge of their own. Subsets are nested (the first n of one permutation).
SUBSET_SEED = 20250111
SUBSET_RUNS = {                # arch -> [(training images, epochs whose weights are kept)]; a run lasts its last epoch
    "edge": [(1000, (20, 50, 150)), (3000, (20, 100)), (10000, (10, 40))],
    "tiny": [(1000, (20, 200)), (10000, (60,))],
}
ECE_BINS = 15
OPSET = 13

MEAN, STD = 0.2860, 0.3530


# ----------------------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    assert data.size == int(np.prod(dims)), path
    return data.reshape(dims)


def load_split(prefix):
    x = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(y.astype(np.int64))
    return x, y


def subset(x, y, classes):
    mask = torch.zeros_like(y, dtype=torch.bool)
    remap = torch.full((10,), -1, dtype=torch.int64)
    for i, c in enumerate(classes):
        mask |= y == c
        remap[c] = i
    return x[mask], remap[y[mask]]


def augment(x, gen):
    """Random horizontal flip and random translation by up to 2 pixels (zero padding)."""
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (2, 2, 2, 2))
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    out = torch.empty_like(x)
    for i in range(5):
        for j in range(5):
            m = (dy == i) & (dx == j)
            if m.any():
                out[m] = padded[m, :, i:i + 28, j:j + 28]
    return out


# ----------------------------------------------------------------------------- models

class Normalize(nn.Module):
    def forward(self, x):
        return (x - MEAN) / STD


class CloudMember(nn.Module):
    """BN-CNN: 2x(conv3-BN-ReLU) - maxpool - 2x(conv3-BN-ReLU) - maxpool - FC128 - dropout - FC K."""

    def __init__(self, k, w=16):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.body = nn.Sequential(
            Normalize(),
            *block(1, w), *block(w, w), nn.MaxPool2d(2),
            *block(w, 2 * w), *block(2 * w, 2 * w), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(2 * w * 49, 128), nn.ReLU(inplace=True), nn.Dropout(0.3),
            nn.Linear(128, k))

    def forward(self, x):
        return self.body(x)


class CloudEnsemble(nn.Module):
    """logits = log(mean_m softmax(z_m / T)), so softmax(logits) is the ensemble's mean probability."""

    def __init__(self, members, temperature):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("temperature", torch.tensor(float(temperature)))

    def forward(self, x):
        logp = torch.stack([F.log_softmax(m(x) / self.temperature, dim=1) for m in self.members], dim=0)
        return torch.logsumexp(logp, dim=0) - math.log(len(self.members))


class Edge(nn.Module):
    """Tiny CNN: conv5(c1)-ReLU-maxpool - conv3(c2)-ReLU-maxpool - FC d (features) - FC K; the edge is
    c1, c2, d = 8, 16, 32 and the smaller overconfidence-axis architecture (`tiny_edge`) 4, 8, 16."""

    def __init__(self, k, d=32, c1=8, c2=16):
        super().__init__()
        self.body = nn.Sequential(
            Normalize(),
            nn.Conv2d(1, c1, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(c2 * 49, d), nn.ReLU())
        self.head = nn.Linear(d, k)

    def forward(self, x):
        f = self.body(x)
        return self.head(f), f


def tiny_edge(k):
    return Edge(k, d=16, c1=4, c2=8)


ARCHS = {"edge": Edge, "tiny": tiny_edge}


class LogitsOnly(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)[0]


# ----------------------------------------------------------------------------- helpers

def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def count_macs(model, forward=None):
    """Multiply-accumulates of conv and linear layers for one 1x28x28 image."""
    macs = [0]

    def conv_hook(mod, inp, out):
        macs[0] += out.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]

    def lin_hook(mod, inp, out):
        macs[0] += out.numel() * mod.in_features

    handles = []
    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            handles.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            handles.append(mod.register_forward_hook(lin_hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for h in handles:
        h.remove()
    return macs[0]


@torch.no_grad()
def predict_logits(fn, x, batch=1000):
    return torch.cat([fn(x[i:i + batch]) for i in range(0, x.shape[0], batch)])


def ece_percent(prob, y, bins=ECE_BINS):
    conf, pred = prob.max(1)
    idx = torch.clamp(torch.ceil(bins * conf.double()).long() - 1, 0, bins - 1)
    correct = (pred == y).double()
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum().item() * abs(correct[m].mean().item() - conf[m].double().mean().item())
    return 100.0 * total / y.numel()


def summarize(logits, y):
    prob = F.softmax(logits.double(), dim=1)
    return {
        "accuracy_percent": round(100.0 * (prob.argmax(1) == y).double().mean().item(), 4),
        "ece_percent": round(ece_percent(prob, y), 4),
        "nll": round(F.nll_loss(torch.log(prob.clamp_min(1e-300)), y).item(), 6),
        "mean_confidence_percent": round(100.0 * prob.max(1)[0].mean().item(), 4),
    }


def export(model, path, outputs):
    model.eval()
    dyn = {"input": {0: "N"}}
    for o in outputs:
        dyn[o] = {0: "N"}
    torch.onnx.export(model, torch.zeros(2, 1, 28, 28), path, input_names=["input"], output_names=outputs,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def quantize_(model, bits):
    """In place: per weight tensor (conv/linear weights; biases stay float32) clip to the
    [0.05, 0.95] quantiles, then round to 2^bits uniform levels over [min, max] of the clipped tensor."""
    levels = 2 ** bits - 1
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                w = mod.weight
                lo = torch.quantile(w.flatten(), QUANT_QUANTILES[0])
                hi = torch.quantile(w.flatten(), QUANT_QUANTILES[1])
                c = w.clamp(lo, hi)
                step = (hi - lo) / levels
                w.copy_(lo + torch.round((c - lo) / step) * step)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ----------------------------------------------------------------------------- training

def train_cloud_member(k, xtr, ytr, xva, yva, epochs, seed):
    seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    model = CloudMember(k)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
    steps = epochs * math.ceil(xtr.shape[0] / BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=steps, pct_start=0.2)
    best, best_state, best_epoch = -1.0, None, -1
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        for i in range(0, xtr.shape[0], BATCH):
            idx = perm[i:i + BATCH]
            xb = augment(xtr[idx], gen)
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        acc = (predict_logits(model, xva).argmax(1) == yva).float().mean().item()
        log(f"  cloud member seed {seed} epoch {ep + 1}/{epochs}: val acc {100 * acc:.2f}")
        if acc >= best:
            best, best_epoch = acc, ep + 1
            best_state = {n: t.clone() for n, t in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    return model, best_epoch


def train_edge(k, xtr, ytr, xva, yva, epochs, seed, arch="edge", keep=(), on_keep=None):
    """Ordinary training: Adam, plain cross-entropy, no augmentation, no weight decay,
    no label smoothing, fixed number of epochs; the final weights are kept. After each epoch in `keep`,
    `on_keep(epoch, model, training seconds so far)` is called (it must not change the model)."""
    seed_all(seed)
    gen = torch.Generator().manual_seed(seed)
    model = ARCHS[arch](k)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds, t0 = 0.0, time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        for i in range(0, xtr.shape[0], BATCH):
            idx = perm[i:i + BATCH]
            loss = F.cross_entropy(model(xtr[idx])[0], ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if (ep + 1) % 5 == 0 or ep + 1 == epochs:
            model.eval()
            m = summarize(predict_logits(lambda b: model(b)[0], xva), yva)
            log(f"  {arch} epoch {ep + 1}/{epochs}: val acc {m['accuracy_percent']:.2f} ece {m['ece_percent']:.2f}")
        if ep + 1 in keep:
            seconds += time.time() - t0
            model.eval()
            on_keep(ep + 1, model, seconds)
            t0 = time.time()
    model.eval()
    return model


def fit_temperature(member_logits, y):
    """Grid search T = 0.10, 0.11, ..., 4.00 minimising validation NLL of the ensemble mean."""
    best_t, best_nll = 1.0, float("inf")
    for t in np.arange(0.10, 4.0001, 0.01):
        lp = torch.logsumexp(torch.stack([F.log_softmax(z.double() / t, 1) for z in member_logits]), 0) \
            - math.log(len(member_logits))
        nll = F.nll_loss(lp, y).item()
        if nll < best_nll:
            best_t, best_nll = float(round(t, 2)), nll
    return best_t


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


PARTS = [f"{t}-{kind}" for t in TASKS for kind in ("edge", "cloud", "edge-lowbit", "edge-subsets", "tiny-subsets")]


def parse_only(argv):
    """`--only PART [PART ...]` (PART in PARTS): train just those parts; the other models and their
    metrics.json entries are kept as they are (edge parts include the quantized edges and last layer;
    `*-edge-lowbit` retrains the edge in memory, checks it against the committed `*-edge.onnx` and writes
    only its 2- and 3-bit copies; `*-{edge,tiny}-subsets` write the edges of SUBSET_RUNS)."""
    if not argv:
        return set(PARTS)
    if argv[0] != "--only" or len(argv) < 2 or any(a not in PARTS for a in argv[1:]):
        sys.exit(f"usage: train.py [--only PART ...]   PART: {', '.join(PARTS)}")
    return set(argv[1:])


def main():
    only = parse_only(sys.argv[1:])
    t_start = time.time()
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    log(f"torch {torch.__version__}, threads {torch.get_num_threads()}")

    x_all, y_all = load_split("train")
    x_test_all, y_test_all = load_split("t10k")
    perm = torch.randperm(x_all.shape[0], generator=torch.Generator().manual_seed(SPLIT_SEED))
    val_idx, tr_idx = perm[:N_VALIDATION], perm[N_VALIDATION:]
    split_info = {
        "seed": SPLIT_SEED,
        "method": "torch.randperm(60000, generator=torch.Generator().manual_seed(seed)); first 6000 = validation, rest = training",
        "train": int(tr_idx.numel()),
        "validation": int(val_idx.numel()),
        "validation_indices_sha256": hashlib.sha256(np.sort(val_idx.numpy()).astype("<i8").tobytes()).hexdigest(),
    }
    log(f"split: {split_info}")

    metrics = {
        "generator": "models/train.py",
        "torch": torch.__version__,
        "threads": THREADS,
        "split": split_info,
        "conventions": {
            "accuracy_percent": "top-1 accuracy in percent",
            "ece_percent": "15 equal-width bins on the top-1 confidence, bin = clamp(ceil(15*conf)-1, 0, 14), count-weighted, percent",
            "macs": "multiply-accumulates of conv and linear layers per image",
            "flops": "2 * macs",
            "train_seconds": "wall-clock training time on 2 CPU threads (cloud: all members + temperature fit)",
            "mean_confidence_percent": "mean top-1 softmax probability, percent",
            "overconfidence_edges": "the edges added for the overconfidence axis: quantized copies "
                                    "*-edge-q2/q3 and subset-trained *-{edge,tiny}-n{images}-e{epoch}, "
                                    "sorted by task and test ECE; each has a last-layer file",
        },
        "models": {},
    }
    metrics_path = os.path.join(OUT_DIR, "metrics.json")
    if only != set(PARTS):
        with open(metrics_path) as f:
            previous = json.load(f)
        metrics["models"] = previous["models"]
        metrics["total_seconds"] = previous.get("total_seconds")
        log(f"training only {sorted(only)}; keeping the other models")

    for ti, (task, classes) in enumerate(TASKS.items()):
        k = len(classes)
        xtr, ytr = subset(x_all[tr_idx], y_all[tr_idx], classes)
        xva, yva = subset(x_all[val_idx], y_all[val_idx], classes)
        xte, yte = subset(x_test_all, y_test_all, classes)
        log(f"task {task}: K={k}, train {xtr.shape[0]}, validation {xva.shape[0]}, test {xte.shape[0]}")

        data = (xtr, ytr, xva, yva, xte, yte)
        edge = None
        if f"{task}-edge" not in only:
            log(f"  {task}-edge: kept")
        else:
            edge = train_edge_part(task, ti, k, *data, metrics)
        if f"{task}-cloud" not in only:
            log(f"  {task}-cloud: kept")
        else:
            train_cloud_part(task, ti, k, *data, metrics)
        if f"{task}-edge-lowbit" in only:
            train_lowbit_part(task, ti, k, *data, metrics, edge)
        for ai, arch in enumerate(SUBSET_RUNS):
            if f"{task}-{arch}-subsets" in only:
                # indices into the 60,000 training images of the task's training split, in the order of xtr
                tr_task = tr_idx[torch.isin(y_all[tr_idx], torch.tensor(classes))]
                train_subsets_part(task, ti, k, arch, ai, *data, metrics, tr_task)

    if only == set(PARTS):
        metrics["total_seconds"] = round(time.time() - t_start, 1)
    metrics["overconfidence_edges"] = overconfidence_edges(metrics)
    metrics["sha256"] = {f: sha256(os.path.join(OUT_DIR, f)) for f in sorted(os.listdir(OUT_DIR))
                         if f.endswith(".onnx") or f.endswith("-lastlayer.json")}
    with open(metrics_path, "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    write_card(metrics)
    log(f"done in {round(time.time() - t_start, 1)} s")


# ----------------------------------------------------------------------------- model card
def card_tables(metrics):
    """The model card's generated sections, from metrics.json: the results table, the cloud before/after
    temperature scaling, and the SHA-256 of every model file."""
    rows = ["| model | file | params | MACs / image | FLOPs / image | test accuracy (%) | test ECE (%) | test NLL "
            "| validation accuracy (%) | validation ECE (%) | training (s) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    order = [f"{t}-{m}" for t in TASKS for m in ("edge", "edge-q4", "edge-q6", "edge-q8", "cloud")]
    for name in order:
        e = metrics["models"][name]
        rows.append(f"| {name} | `{e['file']}` | {e['params']} | {e['macs']} | {e['flops']} "
                    f"| {e['test']['accuracy_percent']} | {e['test']['ece_percent']} | {e['test']['nll']} "
                    f"| {e['validation']['accuracy_percent']} | {e['validation']['ece_percent']} | {e['train_seconds']} |")
    clouds = []
    for t in TASKS:
        e = metrics["models"][f"{t}-cloud"]
        b, a = e["test_before_temperature_scaling"], e["test"]
        clouds.append(f"* {t}-cloud: {e['members']} members, {e['epochs']} epochs each, selected epochs "
                      f"{', '.join(map(str, e['selected_epochs']))}, member seeds {', '.join(map(str, e['member_seeds']))}; "
                      f"test accuracy / ECE / NLL before temperature scaling (T = 1) {b['accuracy_percent']}% / "
                      f"{b['ece_percent']}% / {b['nll']}, after (T = {e['temperature']}) {a['accuracy_percent']}% / "
                      f"{a['ece_percent']}% / {a['nll']}.")
    edge_cloud = []
    for t in TASKS:
        ea = metrics["models"][f"{t}-edge"]["test"]["accuracy_percent"]
        ca = metrics["models"][f"{t}-cloud"]["test"]["accuracy_percent"]
        edge_cloud.append(f"{t}: cloud {ca}% vs edge {ea}% ({ca - ea:+.2f} points)")
    clouds.append("* Test accuracy gap: " + "; ".join(edge_cloud) + ".")
    axis = ["| model | arch | training images | epoch | bits | params | test accuracy (%) | test ECE (%) "
            "| test mean confidence (%) | test NLL | validation accuracy (%) | validation ECE (%) | training (s) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in metrics.get("overconfidence_edges", []):
        e = metrics["models"][r["name"]]
        dash = lambda v: "-" if v is None else v
        axis.append(f"| {r['name']} | {r['arch']} | {dash(r['train_images'])} | {dash(r['epochs'])} | {dash(r['bits'])} "
                    f"| {e['params']} | {e['test']['accuracy_percent']} | {e['test']['ece_percent']} "
                    f"| {e['test']['mean_confidence_percent']} | {e['test']['nll']} "
                    f"| {e['validation']['accuracy_percent']} | {e['validation']['ece_percent']} | {e['train_seconds']} |")
    sha = ["| file | SHA-256 |", "|---|---|"] + [f"| `{f}` | `{h}` |" for f, h in metrics["sha256"].items()]
    return {"results": "\n".join(rows), "clouds": "\n".join(clouds), "overconfidence": "\n".join(axis),
            "sha256": "\n".join(sha)}


def write_card(metrics):
    """Replaces each `<!-- train.py:NAME -->` ... `<!-- /train.py:NAME -->` section of README.md."""
    path = os.path.join(OUT_DIR, "README.md")
    if not os.path.exists(path):
        return
    with open(path) as f:
        text = f.read()
    for name, body in card_tables(metrics).items():
        begin, end = f"<!-- train.py:{name} -->", f"<!-- /train.py:{name} -->"
        i, j = text.find(begin), text.find(end)
        if i < 0 or j < i:
            log(f"  README.md has no {begin} section; not updated")
            continue
        text = text[:i + len(begin)] + "\n" + body + "\n" + text[j:]
    with open(path, "w") as f:
        f.write(text)
    log("  README.md tables updated from metrics.json")


def edge_entry(task, k, name, mdl, secs, xva, yva, xte, yte, extra):
    """metrics.json entry of an edge-like model (outputs `logits` and `features`)."""
    macs = count_macs(LogitsOnly(mdl))
    return {"file": f"{name}.onnx", "task": task, "classes": k, "kind": "edge",
            "params": count_params(mdl), "macs": macs, "flops": 2 * macs,
            "features": mdl.head.in_features, "train_seconds": round(secs, 1),
            "validation": summarize(predict_logits(lambda b: mdl(b)[0], xva), yva),
            "test": summarize(predict_logits(lambda b: mdl(b)[0], xte), yte), **extra}


def write_lastlayer(mdl, k, name):
    """`{name}-lastlayer.json`: the last linear layer, for the last-layer Laplace baseline."""
    with open(os.path.join(OUT_DIR, f"{name}-lastlayer.json"), "w") as f:
        json.dump({"classes": k, "features": mdl.head.in_features,
                   "weight": mdl.head.weight.detach().double().tolist(),
                   "bias": mdl.head.bias.detach().double().tolist()}, f)
        f.write("\n")
    return f"{name}-lastlayer.json"


def quantized_copy(edge, k, bits):
    q = Edge(k)
    q.load_state_dict(edge.state_dict())
    quantize_(q, bits)
    return q.eval()


def quantization_info(bits):
    return {"bits": bits, "clip_quantiles": list(QUANT_QUANTILES), "tensors": "conv and linear weights; biases kept in float32"}


def train_edge_part(task, ti, k, xtr, ytr, xva, yva, xte, yte, metrics):
    """The edge, its last layer and its quantized copies; returns the edge."""
    t0 = time.time()
    edge = train_edge(k, xtr, ytr, xva, yva, EDGE_EPOCHS[task], BASE_SEED + 100 * ti)
    edge_seconds = time.time() - t0
    name = f"{task}-edge"
    export(edge, os.path.join(OUT_DIR, f"{name}.onnx"), ["logits", "features"])
    metrics["models"][name] = edge_entry(task, k, name, edge, edge_seconds, xva, yva, xte, yte,
                                         {"epochs": EDGE_EPOCHS[task], "seed": BASE_SEED + 100 * ti})
    log(f"  {name}: {metrics['models'][name]['test']}")
    write_lastlayer(edge, k, name)
    for bits in QUANT_BITS:
        q = quantized_copy(edge, k, bits)
        qname = f"{task}-edge-q{bits}"
        export(q, os.path.join(OUT_DIR, f"{qname}.onnx"), ["logits", "features"])
        metrics["models"][qname] = edge_entry(task, k, qname, q, edge_seconds, xva, yva, xte, yte,
                                              {"quantization": quantization_info(bits)})
        log(f"  {qname}: {metrics['models'][qname]['test']}")
    return edge


def train_lowbit_part(task, ti, k, xtr, ytr, xva, yva, xte, yte, metrics, edge=None):
    """2- and 3-bit copies of the committed edge, each with its own last-layer file. Without `edge` (the edge
    part did not run), the edge is retrained in memory and must export to the bytes of `{task}-edge.onnx`."""
    name = f"{task}-edge"
    if edge is None:
        edge = train_edge(k, xtr, ytr, xva, yva, EDGE_EPOCHS[task], BASE_SEED + 100 * ti)
        with tempfile.TemporaryDirectory() as tmp:
            check = os.path.join(tmp, f"{name}.onnx")
            export(edge, check, ["logits", "features"])
            same = sha256(check) == sha256(os.path.join(OUT_DIR, f"{name}.onnx"))
        if not same:
            sys.exit(f"{task}-edge-lowbit: the retrained edge differs from models/{name}.onnx; "
                     f"run `train.py --only {name} {task}-edge-lowbit` to rebuild both")
        log(f"  {name}: retrained in memory, identical to {name}.onnx")
    for bits in LOW_BITS:
        q = quantized_copy(edge, k, bits)
        qname = f"{task}-edge-q{bits}"
        export(q, os.path.join(OUT_DIR, f"{qname}.onnx"), ["logits", "features"])
        metrics["models"][qname] = edge_entry(task, k, qname, q, metrics["models"][name]["train_seconds"],
                                              xva, yva, xte, yte,
                                              {"arch": "edge", "quantization": quantization_info(bits),
                                               "lastlayer": write_lastlayer(q, k, qname), "overconfidence_axis": True})
        log(f"  {qname}: {metrics['models'][qname]['test']}")


def train_subsets_part(task, ti, k, arch, ai, xtr, ytr, xva, yva, xte, yte, metrics, tr_task):
    """Edges of architecture `arch` trained on nested seeded subsets of the task's training split (SUBSET_RUNS):
    many epochs, no weight decay, no augmentation; every kept epoch is exported with its last layer."""
    order = torch.randperm(xtr.shape[0], generator=torch.Generator().manual_seed(SUBSET_SEED))
    for si, (n, keep) in enumerate(SUBSET_RUNS[arch]):
        idx = order[:n]
        seed = BASE_SEED + 100 * ti + 60 + 10 * ai + si
        subset_info = {"images": n, "seed": SUBSET_SEED,
                       "method": "first n of torch.randperm(len(task training split), generator=manual_seed(seed))",
                       "indices_sha256": hashlib.sha256(np.sort(tr_task[idx].numpy()).astype("<i8").tobytes()).hexdigest()}
        log(f"  {task}-{arch}: {n} training images, epochs kept {keep}, seed {seed}")

        def keep_checkpoint(epoch, mdl, secs):
            name = f"{task}-{arch}-n{n}-e{epoch}"
            export(mdl, os.path.join(OUT_DIR, f"{name}.onnx"), ["logits", "features"])
            metrics["models"][name] = edge_entry(task, k, name, mdl, secs, xva, yva, xte, yte,
                                                 {"arch": arch, "epochs": epoch, "run_epochs": keep[-1], "seed": seed,
                                                  "train_subset": subset_info,
                                                  "lastlayer": write_lastlayer(mdl, k, name), "overconfidence_axis": True})
            log(f"  {name}: {metrics['models'][name]['test']}")

        train_edge(k, xtr[idx], ytr[idx], xva, yva, keep[-1], seed, arch, keep, keep_checkpoint)


def overconfidence_edges(metrics):
    """The machine-readable list of the overconfidence-axis edges, sorted by task and test ECE."""
    rows = []
    for name, e in metrics["models"].items():
        if e.get("overconfidence_axis"):
            rows.append({"name": name, "task": e["task"], "file": e["file"], "lastlayer": e["lastlayer"],
                         "arch": e["arch"], "train_images": e.get("train_subset", {}).get("images"),
                         "epochs": e.get("epochs"), "bits": e.get("quantization", {}).get("bits"),
                         "test_accuracy_percent": e["test"]["accuracy_percent"],
                         "test_ece_percent": e["test"]["ece_percent"],
                         "test_mean_confidence_percent": e["test"]["mean_confidence_percent"]})
    return sorted(rows, key=lambda r: (list(TASKS).index(r["task"]), r["test_ece_percent"]))


def train_cloud_part(task, ti, k, xtr, ytr, xva, yva, xte, yte, metrics):
    """The temperature-scaled cloud ensemble."""
    t0 = time.time()
    members, epochs_sel = [], []
    for m in range(CLOUD_MEMBERS):
        mdl, ep = train_cloud_member(k, xtr, ytr, xva, yva, CLOUD_EPOCHS[task], BASE_SEED + 100 * ti + 10 + m)
        members.append(mdl)
        epochs_sel.append(ep)
    val_member_logits = [predict_logits(mm, xva) for mm in members]
    temp = fit_temperature(val_member_logits, yva)
    cloud = CloudEnsemble(members, temp).eval()
    cloud_seconds = time.time() - t0
    name = f"{task}-cloud"
    export(cloud, os.path.join(OUT_DIR, f"{name}.onnx"), ["logits"])
    untempered = CloudEnsemble(members, 1.0).eval()
    cloud_macs = count_macs(cloud)
    metrics["models"][name] = {
        "file": f"{name}.onnx", "task": task, "classes": k, "kind": "cloud",
        "params": count_params(cloud), "macs": cloud_macs, "flops": 2 * cloud_macs,
        "train_seconds": round(cloud_seconds, 1),
        "members": CLOUD_MEMBERS, "epochs": CLOUD_EPOCHS[task], "selected_epochs": epochs_sel,
        "member_seeds": [BASE_SEED + 100 * ti + 10 + m for m in range(CLOUD_MEMBERS)],
        "temperature": temp,
        "validation": summarize(predict_logits(cloud, xva), yva),
        "test": summarize(predict_logits(cloud, xte), yte),
        "test_before_temperature_scaling": summarize(predict_logits(untempered, xte), yte),
    }
    log(f"  {name}: T={temp} {metrics['models'][name]['test']}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--card"]:
        with open(os.path.join(OUT_DIR, "metrics.json")) as f:
            write_card(json.load(f))
    else:
        sys.exit(main())
