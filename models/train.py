#!/usr/bin/python3
"""Train the CredalDistill Fashion-MNIST cloud and edge models and export them to ONNX.

Run from anywhere with Debian's Python:

    apt-get install -y python3-torch python3-onnx dataset-fashion-mnist
    /usr/bin/python3 models/train.py
    /usr/bin/python3 models/train.py --only fmnist10-cloud   # retrain one part, keep the others
    /usr/bin/python3 models/train.py --only fortunes-data fortunes-edge fortunes-edge-subsets fortunes-cloud   # text
    /usr/bin/python3 models/train.py --card                  # only rewrite README.md's tables from metrics.json

Outputs (written next to this script, i.e. into models/):
    fmnist{3,10}-cloud.onnx          ensemble of BN-CNNs, temperature-scaled; output `logits`
    fmnist{3,10}-edge.onnx           tiny CNN; outputs `logits` and `features`
    fmnist{3,10}-edge-q{4,6,8}.onnx  the edge with uniformly quantized weights, same interface
    fmnist{3,10}-edge-lastlayer.json the edge's last linear layer (see README.md)
    fmnist{3,10}-edge-q{2,3}.onnx    overconfidence axis: 2/3-bit copies of the edge, each with NAME-lastlayer.json
    fmnist{3,10}-{edge,tiny}-nN-eE.onnx  overconfidence axis: trained on N images, weights after epoch E,
                                     each with NAME-lastlayer.json (metrics.json -> overconfidence_edges)
    fortunes-edge.onnx, fortunes-edge-q{2,4}.onnx, fortunes-edge-nN-eE.onnx, fortunes-cloud.onnx
                                     the text task (Debian fortunes topics; input `input` float32 [N, D] of
                                     hashed feature counts), each edge with NAME-lastlayer.json
    ../data/fortunes-topics/         the text task's bundled test split, feature reference and data card tables
    metrics.json                     accuracy / ECE / params / FLOPs / training seconds per model
    README.md (generated sections)   the model card's results and SHA-256 tables, from metrics.json

Data policy: the 60,000 training images are split once, with a seeded permutation, into
54,000 training and 6,000 validation images (SPLIT_SEED). The validation images are used
for epoch selection (cloud members), temperature fitting (cloud) and reporting. The 10,000
test images are only used for the final numbers written to metrics.json.

All image models take `input` float32 [N,1,28,28] with raw pixel values in [0,1]; normalisation
(mean 0.2860, std 0.3530) is part of every graph. The text models (section "text task" below) take the raw counts
of a hashed bag of words; log(1 + x) and the cloud's L2 normalisation are part of their graphs.
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
import re
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


# ----------------------------------------------------------------------------- text task: Debian fortunes topics
#
# A second modality (issue 24): topic classification of the short English texts of Debian's `fortunes` package,
# one label per source file. Everything is built from the installed package: the split, the features (a hashed bag of
# words that C# reproduces bit for bit, `HashedTextFeaturizer`) and the models. The test split and a per-row digest of
# its features are written to data/fortunes-topics/ (part `fortunes-data`); the training and validation texts are
# not bundled. See data/fortunes-topics/README.md (data card) and the "Text models" section of models/README.md.

FORTUNES_DIR = "/usr/share/games/fortunes"
REPO_DIR = os.path.dirname(OUT_DIR)
TEXT_DATA_DIR = os.path.join(REPO_DIR, "data", "fortunes-topics")
TEXT_TASK = "fortunes"
TEXT_TOPICS = ["people", "definitions", "computers", "songs-poems", "politics", "work", "science", "men-women",
               "zippy", "art", "literature", "law"]          # label = index in this list
TEXT_SPLIT_SEED = 20250601
TEXT_TEST_FRACTION = 0.45
TEXT_VALIDATION_FRACTION = 0.10
# Feature sets: (D, key kinds). w = "w:" + token, b = "b:" + token + " " + next token, c = "c:" + character trigram of
# "<" + token + ">"; bucket = FNV-1a-32(UTF-8 key) mod D; value = count.
TEXT_FEATURES = {"edge": (4096, ("w",)), "cloud": (32768, ("w", "b", "c"))}
TEXT_THREADS = 1               # the text parts train on one thread (byte-reproducibility is stated for this setting)
TEXT_BATCH = 64
TEXT_LR = 1e-3
TEXT_EDGE_HIDDEN = 16
TEXT_EDGE_EPOCHS = 20
TEXT_CLOUD_HIDDEN = 32
TEXT_CLOUD_EPOCHS = 15
TEXT_CLOUD_DROPOUT = 0.3
TEXT_QUANT_BITS = [2, 4]       # quantized copies of the text edge (the images' scheme), each with its last layer
TEXT_SUBSET_SEED = 20250602
TEXT_SUBSET_RUNS = [(1000, (30, 150)), (2000, (20, 100)), (None, (25, 60))]   # (training texts or None = all, kept epochs)
TEXT_BASE_SEED = BASE_SEED + 200
TEXT_FILE = "test.tsv"
TEXT_REFERENCE_FILE = "test-features.tsv"
TEXT_DIGEST_HEX = 16           # hex digits of SHA-256 kept per row in the feature reference
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def read_fortune_file(topic):
    """The texts of one fortune file, in file order: lines that are exactly `%` separate texts (strict UTF-8)."""
    with open(os.path.join(FORTUNES_DIR, topic), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    texts, current = [], []
    for line in lines:
        if line == "%":
            texts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        texts.append("\n".join(current))
    return texts


def normalise_text(text):
    """Backspaces applied (each U+0008 deletes the character before it: the files' overstrike), every other C0 control
    character and DEL (tab and newline included) replaced by a space, runs of spaces collapsed, ends stripped."""
    out = []
    for ch in text:
        if ch == "\b":
            if out:
                out.pop()
        else:
            out.append(ch)
    return re.sub(" +", " ", _CONTROL.sub(" ", "".join(out))).strip()


def text_split():
    """The deterministic split. Per topic: texts normalised, empty ones dropped; a text whose normalised form occurs in
    more than one topic is dropped everywhere, a repeat within a topic keeps its first occurrence; the kept texts are
    ordered by SHA-256 of f"{TEXT_SPLIT_SEED}:{text}" (UTF-8, hex) and the first round(0.45 n) go to test, the next
    round(0.10 n) to validation, the rest to training. Rows are (label, topic, source index, text)."""
    per_topic = {}
    for topic in TEXT_TOPICS:
        raw = read_fortune_file(topic)
        per_topic[topic] = (len(raw), [(i, normalise_text(t)) for i, t in enumerate(raw)])
    owners = {}
    for topic, (_, rows) in per_topic.items():
        for _, t in rows:
            if t:
                owners.setdefault(t, set()).add(topic)
    split = {"train": [], "validation": [], "test": []}
    counts = []
    for label, topic in enumerate(TEXT_TOPICS):
        n_raw, rows = per_topic[topic]
        seen, kept, empty, repeats, shared = set(), [], 0, 0, 0
        for i, t in rows:
            if not t:
                empty += 1
            elif len(owners[t]) > 1:
                shared += 1
            elif t in seen:
                repeats += 1
            else:
                seen.add(t)
                kept.append((i, t))
        kept.sort(key=lambda r: hashlib.sha256(f"{TEXT_SPLIT_SEED}:{r[1]}".encode("utf-8")).hexdigest())
        n = len(kept)
        n_test, n_val = round(TEXT_TEST_FRACTION * n), round(TEXT_VALIDATION_FRACTION * n)
        parts = {"test": kept[:n_test], "validation": kept[n_test:n_test + n_val], "train": kept[n_test + n_val:]}
        for name, part in parts.items():
            split[name].extend((label, topic, i, t) for i, t in part)
        counts.append({"topic": topic, "label": label, "source_texts": n_raw, "empty": empty,
                       "in_other_topics": shared, "repeated": repeats, "kept": n,
                       "train": len(parts["train"]), "validation": len(parts["validation"]), "test": len(parts["test"])})
    split["test"].sort(key=lambda r: (r[0], r[2]))
    return split, counts


def text_tokens(text):
    """ASCII letters lowercased; tokens are the maximal runs of [a-z0-9'] (every other character separates), with
    leading and trailing apostrophes removed; empty tokens dropped."""
    runs, current = [], []
    for ch in text:
        o = ord(ch)
        if 65 <= o <= 90:
            ch = chr(o + 32)
            o += 32
        if 97 <= o <= 122 or 48 <= o <= 57 or o == 39:
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return [w for w in (r.strip("'") for r in runs) if w]


def fnv1a32(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def text_keys(tokens, kinds):
    keys = []
    if "w" in kinds:
        keys += ["w:" + t for t in tokens]
    if "b" in kinds:
        keys += ["b:" + a + " " + b for a, b in zip(tokens, tokens[1:])]
    if "c" in kinds:
        for t in tokens:
            p = "<" + t + ">"
            keys += ["c:" + p[i:i + 3] for i in range(len(p) - 2)]
    return keys


def featurize(text, feature_set):
    """Sparse features of one text: sorted [(bucket, count)] of the nonzero buckets (the one featuriser: training,
    validation, test and the reference file all use it)."""
    d, kinds = TEXT_FEATURES[feature_set]
    counts = {}
    for key in text_keys(text_tokens(text), kinds):
        b = fnv1a32(key.encode("utf-8")) % d
        counts[b] = counts.get(b, 0) + 1
    return sorted(counts.items())


def feature_digest(sparse):
    """First TEXT_DIGEST_HEX hex digits of SHA-256 over the nonzero entries in increasing bucket order, each as
    uint32 little-endian bucket then float32 little-endian count."""
    raw = b"".join(struct.pack("<If", b, float(c)) for b, c in sparse)
    return hashlib.sha256(raw).hexdigest()[:TEXT_DIGEST_HEX]


def dense_rows(sparse_rows, index, d):
    x = torch.zeros(len(index), d)
    for r, i in enumerate(index):
        for b, c in sparse_rows[i]:
            x[r, b] = float(c)
    return x


class TextEdge(nn.Module):
    """log(1 + counts) - linear D->H - ReLU (= `features`) - linear H->K (= `logits`)."""

    def __init__(self, d, k, h=TEXT_EDGE_HIDDEN):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d, h), nn.ReLU())
        self.head = nn.Linear(h, k)

    def forward(self, x):
        f = self.body(torch.log(x + 1.0))
        return self.head(f), f


def cloud_input(x):
    """log(1 + counts), then each row divided by max(its L2 norm, 1e-12)."""
    x = torch.log(x + 1.0)
    return x / torch.clamp(torch.sqrt((x * x).sum(dim=1, keepdim=True)), min=1e-12)


class TextCloudMember(nn.Module):
    """cloud_input - linear D->H - ReLU - dropout - linear H->K."""

    def __init__(self, d, k, h=TEXT_CLOUD_HIDDEN):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Dropout(TEXT_CLOUD_DROPOUT), nn.Linear(h, k))

    def forward(self, x):
        return self.net(cloud_input(x)), None


class TextCloud(nn.Module):
    """logits = log(mean_m softmax(z_m / T)) over the members, on one shared cloud_input."""

    def __init__(self, members, temperature):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("temperature", torch.tensor(float(temperature)))

    def forward(self, x):
        h = cloud_input(x)
        logp = torch.stack([F.log_softmax(m.net(h) / self.temperature, dim=1) for m in self.members], dim=0)
        return torch.logsumexp(logp, dim=0) - math.log(len(self.members))


@torch.no_grad()
def text_logits(fn, sparse_rows, d, batch=500):
    return torch.cat([fn(dense_rows(sparse_rows, range(i, min(i + batch, len(sparse_rows))), d))
                      for i in range(0, len(sparse_rows), batch)])


def train_text_net(make_model, rows, y, d, epochs, seed, val=None, keep=(), on_keep=None, select_best=False):
    """Seeds everything with `seed`, then builds the model (`make_model()`, so its initial weights follow the seed) and
    trains it: Adam (lr TEXT_LR), plain cross-entropy, batch TEXT_BATCH, seeded shuffles. After each epoch in `keep`,
    `on_keep(epoch, model, seconds)`; with `select_best`, the weights of the epoch with the best validation accuracy
    are restored at the end. Returns the model and that epoch (the last epoch without `select_best`)."""
    seed_all(seed)
    model = make_model()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=TEXT_LR)
    best, best_state, best_epoch = -1.0, None, epochs
    seconds, t0 = 0.0, time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(rows), generator=gen)
        for i in range(0, len(rows), TEXT_BATCH):
            idx = perm[i:i + TEXT_BATCH]
            loss = F.cross_entropy(model(dense_rows(rows, idx.tolist(), d))[0], y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        model.eval()
        if val is not None and (select_best or (ep + 1) % 5 == 0 or ep + 1 == epochs):
            m = summarize(text_logits(lambda b: model(b)[0], val[0], d), val[1])
            log(f"    epoch {ep + 1}/{epochs}: val acc {m['accuracy_percent']:.2f} ece {m['ece_percent']:.2f}")
            if select_best and m["accuracy_percent"] >= best:
                best, best_epoch = m["accuracy_percent"], ep + 1
                best_state = {n: t.clone() for n, t in model.state_dict().items()}
        if ep + 1 in keep:
            seconds += time.time() - t0
            on_keep(ep + 1, model, seconds)
            t0 = time.time()
    if select_best:
        model.load_state_dict(best_state)
    model.eval()
    return model, best_epoch


def export_text(model, path, d, outputs):
    model.eval()
    dyn = {"input": {0: "N"}}
    for o in outputs:
        dyn[o] = {0: "N"}
    torch.onnx.export(model, torch.zeros(2, d), path, input_names=["input"], output_names=outputs,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def text_linear_macs(model):
    """Multiply-accumulates of the linear layers for one text on the dense [D] input."""
    return sum(m.in_features * m.out_features for m in model.modules() if isinstance(m, nn.Linear))


class TextData:
    """The split and its sparse features (both feature sets), built once per run from the installed package."""

    def __init__(self):
        self.split, self.counts = text_split()
        self.y = {p: torch.tensor([r[0] for r in rows], dtype=torch.int64) for p, rows in self.split.items()}
        self.x = {fs: {p: [featurize(r[3], fs) for r in rows] for p, rows in self.split.items()} for fs in TEXT_FEATURES}

    def val(self, fs):
        return self.x[fs]["validation"], self.y["validation"]


def text_entry(name, model, fs, kind, secs, data, extra, logits_fn=None):
    d = TEXT_FEATURES[fs][0]
    fn = logits_fn or (lambda b: model(b)[0])
    macs = text_linear_macs(model)
    entry = {"file": f"{name}.onnx", "task": TEXT_TASK, "modality": "text", "classes": len(TEXT_TOPICS), "kind": kind,
             "featurizer": fs, "input_dimension": d, "params": count_params(model), "macs": macs, "flops": 2 * macs,
             "train_seconds": round(secs, 1),
             "validation": summarize(text_logits(fn, data.x[fs]["validation"], d), data.y["validation"]),
             "test": summarize(text_logits(fn, data.x[fs]["test"], d), data.y["test"])}
    if kind == "edge":
        entry["features"] = model.head.in_features
    entry.update(extra)
    return entry


def text_edge_copy(edge, bits=None):
    q = TextEdge(TEXT_FEATURES["edge"][0], len(TEXT_TOPICS))
    q.load_state_dict(edge.state_dict())
    if bits is not None:
        quantize_(q, bits)
    return q.eval()


def train_text_edge_part(data, metrics):
    """The text edge, its last layer, and its quantized copies (each with a last layer, on the overconfidence axis)."""
    d, k = TEXT_FEATURES["edge"][0], len(TEXT_TOPICS)
    seed = TEXT_BASE_SEED
    t0 = time.time()
    log(f"  {TEXT_TASK}-edge: D={d}, hidden {TEXT_EDGE_HIDDEN}, {TEXT_EDGE_EPOCHS} epochs, seed {seed}")
    edge, _ = train_text_net(lambda: TextEdge(d, k), data.x["edge"]["train"], data.y["train"], d, TEXT_EDGE_EPOCHS,
                             seed, data.val("edge"))
    secs = time.time() - t0
    name = f"{TEXT_TASK}-edge"
    export_text(edge, os.path.join(OUT_DIR, f"{name}.onnx"), d, ["logits", "features"])
    metrics["models"][name] = text_entry(name, edge, "edge", "edge", secs, data,
                                         {"arch": "text-edge", "epochs": TEXT_EDGE_EPOCHS, "seed": seed,
                                          "train_texts": len(data.split["train"]),
                                          "lastlayer": write_lastlayer(edge, k, name)})
    log(f"  {name}: {metrics['models'][name]['test']}")
    for bits in TEXT_QUANT_BITS:
        q = text_edge_copy(edge, bits)
        qname = f"{name}-q{bits}"
        export_text(q, os.path.join(OUT_DIR, f"{qname}.onnx"), d, ["logits", "features"])
        metrics["models"][qname] = text_entry(qname, q, "edge", "edge", secs, data,
                                              {"arch": "text-edge", "quantization": quantization_info(bits),
                                               "lastlayer": write_lastlayer(q, k, qname), "overconfidence_axis": True})
        log(f"  {qname}: {metrics['models'][qname]['test']}")


def train_text_subsets_part(data, metrics):
    """Text edges trained on nested seeded subsets of the training split for many epochs (TEXT_SUBSET_RUNS)."""
    d, k = TEXT_FEATURES["edge"][0], len(TEXT_TOPICS)
    rows, y = data.x["edge"]["train"], data.y["train"]
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(TEXT_SUBSET_SEED))
    for si, (n, keep) in enumerate(TEXT_SUBSET_RUNS):
        n = n or len(rows)
        idx = order[:n].tolist()
        seed = TEXT_BASE_SEED + 60 + si
        sub = [data.split["train"][i] for i in idx]
        subset_info = {"texts": n, "seed": TEXT_SUBSET_SEED,
                       "method": "first n of torch.randperm(len(training split), generator=manual_seed(seed))",
                       "texts_sha256": hashlib.sha256("\n".join(sorted(f"{r[1]}:{r[2]}" for r in sub)).encode()).hexdigest()}
        log(f"  {TEXT_TASK}-edge: {n} training texts, epochs kept {keep}, seed {seed}")

        def keep_checkpoint(epoch, mdl, secs):
            name = f"{TEXT_TASK}-edge-n{n}-e{epoch}"
            export_text(mdl, os.path.join(OUT_DIR, f"{name}.onnx"), d, ["logits", "features"])
            metrics["models"][name] = text_entry(name, mdl, "edge", "edge", secs, data,
                                                 {"arch": "text-edge", "epochs": epoch, "run_epochs": keep[-1],
                                                  "seed": seed, "train_subset": subset_info,
                                                  "lastlayer": write_lastlayer(mdl, k, name), "overconfidence_axis": True})
            log(f"  {name}: {metrics['models'][name]['test']}")

        train_text_net(lambda: TextEdge(d, k), [rows[i] for i in idx], y[idx], d, keep[-1], seed, data.val("edge"),
                       keep, keep_checkpoint)


def train_text_cloud_part(data, metrics):
    """The temperature-scaled ensemble of TEXT_CLOUD_MEMBERS MLPs on the cloud features."""
    d, k = TEXT_FEATURES["cloud"][0], len(TEXT_TOPICS)
    t0 = time.time()
    members, epochs_sel, seeds = [], [], []
    for m in range(CLOUD_MEMBERS):
        seed = TEXT_BASE_SEED + 10 + m
        log(f"  {TEXT_TASK}-cloud member {m}: D={d}, hidden {TEXT_CLOUD_HIDDEN}, seed {seed}")
        mdl, epoch = train_text_net(lambda: TextCloudMember(d, k), data.x["cloud"]["train"], data.y["train"], d,
                                    TEXT_CLOUD_EPOCHS, seed, data.val("cloud"), select_best=True)
        epochs_sel.append(epoch)
        members.append(mdl)
        seeds.append(seed)
    val_member_logits = [text_logits(lambda b, mm=mm: mm(b)[0], data.x["cloud"]["validation"], d) for mm in members]
    temp = fit_temperature(val_member_logits, data.y["validation"])
    cloud = TextCloud(members, temp).eval()
    secs = time.time() - t0
    name = f"{TEXT_TASK}-cloud"
    export_text(cloud, os.path.join(OUT_DIR, f"{name}.onnx"), d, ["logits"])
    untempered = TextCloud(members, 1.0).eval()
    metrics["models"][name] = text_entry(
        name, cloud, "cloud", "cloud", secs, data,
        {"members": CLOUD_MEMBERS, "epochs": TEXT_CLOUD_EPOCHS, "selected_epochs": epochs_sel, "member_seeds": seeds,
         "temperature": temp,
         "test_before_temperature_scaling": summarize(text_logits(untempered, data.x["cloud"]["test"], d), data.y["test"])},
        logits_fn=cloud)
    log(f"  {name}: T={temp} {metrics['models'][name]['test']}")


def text_test_table(data):
    """The bundled test split as TSV text: header, then label, topic, source index, text (no quoting: texts contain
    no tab or newline after normalisation)."""
    lines = ["label\ttopic\tsource_index\ttext"]
    for label, topic, i, t in data.split["test"]:
        assert "\t" not in t and "\n" not in t
        lines.append(f"{label}\t{topic}\t{i}\t{t}")
    return "\n".join(lines) + "\n"


def text_reference_table(data):
    lines = ["row\tedge_nonzero\tedge_total\tedge_digest\tcloud_nonzero\tcloud_total\tcloud_digest"]
    for r in range(len(data.split["test"])):
        cells = [str(r)]
        for fs in ("edge", "cloud"):
            sp = data.x[fs]["test"][r]
            cells += [str(len(sp)), str(sum(c for _, c in sp)), feature_digest(sp)]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def package_version(package):
    import subprocess
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True,
                          check=True).stdout.strip()


def text_data_part(data, metrics, write):
    """Writes (or, with write=False, checks against the committed files) data/fortunes-topics/test.tsv and the feature
    reference, and records the split in metrics.json."""
    files = {TEXT_FILE: text_test_table(data), TEXT_REFERENCE_FILE: text_reference_table(data)}
    for fname, body in files.items():
        path = os.path.join(TEXT_DATA_DIR, fname)
        if write:
            os.makedirs(TEXT_DATA_DIR, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(body)
            log(f"  wrote data/fortunes-topics/{fname}")
        else:
            with open(path, encoding="utf-8", newline="") as f:
                if f.read() != body:
                    sys.exit(f"data/fortunes-topics/{fname} differs from the split built from {FORTUNES_DIR}; "
                             f"run `train.py --only fortunes-data` (and retrain the fortunes parts) to rebuild it")
    totals = {p: len(rows) for p, rows in data.split.items()}
    metrics["text_split"] = {
        "task": TEXT_TASK, "source": FORTUNES_DIR, "package": "fortunes", "package_version": package_version("fortunes"),
        "seed": TEXT_SPLIT_SEED, "test_fraction": TEXT_TEST_FRACTION, "validation_fraction": TEXT_VALIDATION_FRACTION,
        "method": "per topic: normalised texts, cross-topic duplicates dropped, repeats within a topic dropped after the "
                  "first; ordered by sha256(f'{seed}:{text}') hex; first round(0.45 n) test, next round(0.10 n) "
                  "validation, rest training",
        "topics": data.counts, "totals": totals,
        "features": {fs: {"dimension": dd, "keys": list(kinds)} for fs, (dd, kinds) in TEXT_FEATURES.items()},
        "files": {f"data/fortunes-topics/{f}": hashlib.sha256(b.encode("utf-8")).hexdigest() for f, b in files.items()},
    }
    log(f"  text split: {totals}")


def train_text_parts(only, metrics):
    torch.set_num_threads(TEXT_THREADS)
    log(f"text task {TEXT_TASK}: threads {torch.get_num_threads()}")
    data = TextData()
    text_data_part(data, metrics, write=f"{TEXT_TASK}-data" in only)
    if f"{TEXT_TASK}-edge" in only:
        train_text_edge_part(data, metrics)
    if f"{TEXT_TASK}-edge-subsets" in only:
        train_text_subsets_part(data, metrics)
    if f"{TEXT_TASK}-cloud" in only:
        train_text_cloud_part(data, metrics)
    torch.set_num_threads(THREADS)


def text_example(text="Don't panic -- it's only 42 rock'n'roll!"):
    """A worked featurisation example for the data card (generated, so it always matches the code)."""
    toks = text_tokens(text)
    lines = [f"Text: `{text}`", "", f"Tokens: {', '.join(f'`{t}`' for t in toks)}", "",
             "| key | FNV-1a-32 | edge bucket (mod 4096) | cloud bucket (mod 32768) |", "|---|---:|---:|---:|"]
    for key in text_keys(toks, ("w", "b", "c"))[:12]:
        h = fnv1a32(key.encode("utf-8"))
        edge = str(h % TEXT_FEATURES["edge"][0]) if key.startswith("w:") else "-"
        lines.append(f"| `{key}` | {h} (0x{h:08x}) | {edge} | {h % TEXT_FEATURES['cloud'][0]} |")
    e, c = featurize(text, "edge"), featurize(text, "cloud")
    lines += ["", f"(first 12 of {len(text_keys(toks, ('w', 'b', 'c')))} cloud keys.) Edge features: "
              f"{len(e)} nonzero buckets, total count {sum(v for _, v in e)}, digest `{feature_digest(e)}`; cloud features: "
              f"{len(c)} nonzero buckets, total count {sum(v for _, v in c)}, digest `{feature_digest(c)}`."]
    return "\n".join(lines)


IMAGE_PARTS = [f"{t}-{kind}" for t in TASKS for kind in ("edge", "cloud", "edge-lowbit", "edge-subsets", "tiny-subsets")]
TEXT_PARTS = [f"{TEXT_TASK}-{kind}" for kind in ("data", "edge", "edge-subsets", "cloud")]
PARTS = IMAGE_PARTS + TEXT_PARTS
ALL_TASKS = list(TASKS) + [TEXT_TASK]


def parse_only(argv):
    """`--only PART [PART ...]` (PART in PARTS): train just those parts; the other models and their
    metrics.json entries are kept as they are (edge parts include the quantized edges and last layer;
    `*-edge-lowbit` retrains the edge in memory, checks it against the committed `*-edge.onnx` and writes
    only its 2- and 3-bit copies; `*-{edge,tiny}-subsets` write the edges of SUBSET_RUNS). The text parts
    (`fortunes-*`) never load or touch the image models: `fortunes-data` writes data/fortunes-topics/ (without it,
    the other text parts check that the split they build equals the committed test.tsv), `fortunes-edge` the text
    edge with its quantized copies, `fortunes-edge-subsets` the text edges of TEXT_SUBSET_RUNS, `fortunes-cloud`
    the text cloud."""
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

    metrics_path = os.path.join(OUT_DIR, "metrics.json")
    previous = None
    if only != set(PARTS):
        with open(metrics_path) as f:
            previous = json.load(f)

    image_parts = only & set(IMAGE_PARTS)
    if image_parts:
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
    else:
        split_info = previous["split"]

    metrics = {
        "generator": "models/train.py",
        "torch": torch.__version__,
        "threads": THREADS,
        "split": split_info,
        "conventions": {
            "accuracy_percent": "top-1 accuracy in percent",
            "ece_percent": "15 equal-width bins on the top-1 confidence, bin = clamp(ceil(15*conf)-1, 0, 14), count-weighted, percent",
            "macs": "multiply-accumulates of conv and linear layers per image (text models: of the linear layers per text on the dense input)",
            "flops": "2 * macs",
            "train_seconds": "wall-clock training time on 2 CPU threads (cloud: all members + temperature fit); text models: on 1 thread",
            "mean_confidence_percent": "mean top-1 softmax probability, percent",
            "overconfidence_edges": "the edges added for the overconfidence axis: quantized copies "
                                    "*-edge-q2/q3 and subset-trained *-{edge,tiny}-n{images}-e{epoch}, "
                                    "sorted by task and test ECE; each has a last-layer file; for the text task "
                                    "fortunes-edge-q2/q4 and fortunes-edge-n{texts}-e{epoch}",
            "text_split": "the fortunes topic task (data/fortunes-topics/README.md): split, counts, feature sets, "
                          "SHA-256 of the bundled files",
        },
        "models": {},
    }
    if previous is not None:
        metrics["models"] = previous["models"]
        metrics["total_seconds"] = previous.get("total_seconds")
        if "text_split" in previous:
            metrics["text_split"] = previous["text_split"]
        log(f"training only {sorted(only)}; keeping the other models")

    for ti, (task, classes) in enumerate(TASKS.items()):
        if not any(p.startswith(f"{task}-") for p in image_parts):
            continue
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

    if only & set(TEXT_PARTS):
        train_text_parts(only, metrics)

    if only == set(PARTS):
        metrics["total_seconds"] = round(time.time() - t_start, 1)
    metrics["overconfidence_edges"] = overconfidence_edges(metrics)
    metrics["sha256"] = {f: sha256(os.path.join(OUT_DIR, f)) for f in sorted(os.listdir(OUT_DIR))
                         if f.endswith(".onnx") or f.endswith("-lastlayer.json")}
    with open(metrics_path, "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    write_card(metrics)
    write_data_card(metrics)
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
        if r["task"] not in TASKS:
            continue
        e = metrics["models"][r["name"]]
        dash = lambda v: "-" if v is None else v
        axis.append(f"| {r['name']} | {r['arch']} | {dash(r['train_images'])} | {dash(r['epochs'])} | {dash(r['bits'])} "
                    f"| {e['params']} | {e['test']['accuracy_percent']} | {e['test']['ece_percent']} "
                    f"| {e['test']['mean_confidence_percent']} | {e['test']['nll']} "
                    f"| {e['validation']['accuracy_percent']} | {e['validation']['ece_percent']} | {e['train_seconds']} |")
    sha = ["| file | SHA-256 |", "|---|---|"] + [f"| `{f}` | `{h}` |" for f, h in metrics["sha256"].items()]
    return {"results": "\n".join(rows), "clouds": "\n".join(clouds), "overconfidence": "\n".join(axis),
            "sha256": "\n".join(sha), **text_card_tables(metrics)}


def text_card_tables(metrics):
    """The model card's text sections: the text models (edge, quantized copies, cloud, overconfidence axis)."""
    models = {n: e for n, e in metrics["models"].items() if e.get("task") == TEXT_TASK}
    if not models:
        return {}
    head = ["| model | file | features (D) | params | MACs / text (dense) | epoch | training texts | bits "
            "| test accuracy (%) | test ECE (%) | test mean confidence (%) | test NLL | validation accuracy (%) "
            "| validation ECE (%) | training (s) |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    dash = lambda v: "-" if v is None else v
    axis = {r["name"] for r in metrics.get("overconfidence_edges", [])}
    main = [f"{TEXT_TASK}-edge", f"{TEXT_TASK}-cloud"]
    order = main + [r["name"] for r in metrics.get("overconfidence_edges", []) if r["task"] == TEXT_TASK]
    rows = []
    for name in order:
        if name not in models:
            continue
        e = models[name]
        texts = e.get("train_subset", {}).get("texts", e.get("train_texts"))
        if e["kind"] == "cloud" or "quantization" in e:
            texts = metrics.get("text_split", {}).get("totals", {}).get("train")
        rows.append(f"| {name}{' (axis)' if name in axis else ''} | `{e['file']}` | {e['featurizer']} ({e['input_dimension']}) "
                    f"| {e['params']} | {e['macs']} | {dash(e.get('epochs') if e['kind'] == 'edge' else None)} | {dash(texts)} "
                    f"| {dash(e.get('quantization', {}).get('bits'))} | {e['test']['accuracy_percent']} | {e['test']['ece_percent']} "
                    f"| {e['test']['mean_confidence_percent']} | {e['test']['nll']} | {e['validation']['accuracy_percent']} "
                    f"| {e['validation']['ece_percent']} | {e['train_seconds']} |")
    out = {"text_results": "\n".join(head + rows)}
    c = models.get(f"{TEXT_TASK}-cloud")
    ed = models.get(f"{TEXT_TASK}-edge")
    if c is not None and ed is not None:
        b, a = c["test_before_temperature_scaling"], c["test"]
        out["text_cloud"] = (
            f"* {TEXT_TASK}-cloud: {c['members']} members, up to {c['epochs']} epochs each, selected epochs "
            f"{', '.join(map(str, c['selected_epochs']))} (best validation accuracy), member seeds "
            f"{', '.join(map(str, c['member_seeds']))}; test accuracy / ECE / NLL before temperature scaling (T = 1) "
            f"{b['accuracy_percent']}% / {b['ece_percent']}% / {b['nll']}, after (T = {c['temperature']}) "
            f"{a['accuracy_percent']}% / {a['ece_percent']}% / {a['nll']}.\n"
            f"* Test accuracy gap: cloud {a['accuracy_percent']}% vs edge {ed['test']['accuracy_percent']}% "
            f"({a['accuracy_percent'] - ed['test']['accuracy_percent']:+.2f} points); test ECE cloud {a['ece_percent']}% "
            f"vs edge {ed['test']['ece_percent']}%.")
    return out


def text_data_card_tables(metrics):
    """The data card's generated sections, from metrics.json -> text_split."""
    ts = metrics.get("text_split")
    if ts is None:
        return {}
    rows = ["| label | topic | texts in the file | empty | also in another topic (dropped) | repeated in the topic (dropped) "
            "| kept | training | validation | test (bundled) |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tot = {k: 0 for k in ("source_texts", "empty", "in_other_topics", "repeated", "kept", "train", "validation", "test")}
    for c in ts["topics"]:
        rows.append(f"| {c['label']} | {c['topic']} | {c['source_texts']} | {c['empty']} | {c['in_other_topics']} "
                    f"| {c['repeated']} | {c['kept']} | {c['train']} | {c['validation']} | {c['test']} |")
        for key in tot:
            tot[key] += c[key]
    rows.append(f"| | **total** | {tot['source_texts']} | {tot['empty']} | {tot['in_other_topics']} | {tot['repeated']} "
                f"| {tot['kept']} | {tot['train']} | {tot['validation']} | {tot['test']} |")
    files = ["| file | SHA-256 |", "|---|---|"] + [f"| `{f}` | `{h}` |" for f, h in ts["files"].items()]
    source = (f"Debian package `{ts['package']}` version `{ts['package_version']}` (files in `{ts['source']}`), "
              f"split seed {ts['seed']}.")
    return {"topics": "\n".join(rows), "files": "\n".join(files), "source": source, "example": text_example()}


def write_data_card(metrics):
    """Replaces the generated sections of data/fortunes-topics/README.md."""
    replace_sections(os.path.join(TEXT_DATA_DIR, "README.md"), text_data_card_tables(metrics))


def write_card(metrics):
    """Replaces each `<!-- train.py:NAME -->` ... `<!-- /train.py:NAME -->` section of README.md."""
    replace_sections(os.path.join(OUT_DIR, "README.md"), card_tables(metrics))


def replace_sections(path, sections):
    """Replaces each `<!-- train.py:NAME -->` ... `<!-- /train.py:NAME -->` section of the file at `path`."""
    if not os.path.exists(path) or not sections:
        return
    with open(path) as f:
        text = f.read()
    for name, body in sections.items():
        begin, end = f"<!-- train.py:{name} -->", f"<!-- /train.py:{name} -->"
        i, j = text.find(begin), text.find(end)
        if i < 0 or j < i:
            log(f"  README.md has no {begin} section; not updated")
            continue
        text = text[:i + len(begin)] + "\n" + body + "\n" + text[j:]
    with open(path, "w") as f:
        f.write(text)
    log(f"  {os.path.relpath(path, REPO_DIR)} tables updated from metrics.json")


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
            row = {"name": name, "task": e["task"], "file": e["file"], "lastlayer": e["lastlayer"], "arch": e["arch"]}
            if e["task"] == TEXT_TASK:
                row["train_texts"] = e.get("train_subset", {}).get("texts")
            else:
                row["train_images"] = e.get("train_subset", {}).get("images")
            rows.append({**row,
                         "epochs": e.get("epochs"), "bits": e.get("quantization", {}).get("bits"),
                         "test_accuracy_percent": e["test"]["accuracy_percent"],
                         "test_ece_percent": e["test"]["ece_percent"],
                         "test_mean_confidence_percent": e["test"]["mean_confidence_percent"]})
    return sorted(rows, key=lambda r: (ALL_TASKS.index(r["task"]), r["test_ece_percent"]))


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
            m = json.load(f)
        write_card(m)
        write_data_card(m)
    else:
        sys.exit(main())
