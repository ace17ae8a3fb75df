"""Forward time and peak memory of the 'same' layers against their floor and timm's way.

Run:  KERAS_BACKEND=torch python benchmarks/layers.py [--rank 1 2 3]   (2-D: about 2-3 minutes)

Every rank the layers come in, kernels 3 and 2, strides 1 and 2:

* 2-D: batch 8, 64 channels, inputs 32×32, 33×33 and 112×112;
* 1-D: batch 8, 64 channels, sequences of 1024 and 1025;
* 3-D: batch 2, 16 channels, volumes 16³ and 17³.

Each row compares three implementations of the same Keras 'same' layer:

* ``ours``   — ``samepad_viz.layers`` (padding planned once per input size);
* ``floor``  — the plain ``torch.nn`` layer with the hand-written symmetric
  ``padding=P`` — it exists only when TensorFlow's split is symmetric ("—" otherwise);
* ``pad``    — pad on every call: compute the split with ``math`` and ``F.pad`` the input
  each forward, then run the op unpadded (timm's ``Conv2dSame`` / ``MaxPool2dSame``,
  Keras' own torch backend and most published answers). For average pooling the column
  is an *exact* pad-every-call (sum over the zero-padded input divided by a count of
  real cells); timm's ``AvgPool2dSame`` divides by the full window, which is not
  TensorFlow's result on an asymmetric split, so it is timed in a row of its own
  (``timm-avg``) for reference, with its error against TensorFlow's definition.

Time: CPU time of the calling thread (``time.thread_time``; with one torch thread,
``torch.set_num_threads(1)``, that is all of the op's work, page faults included, and
none of the waiting for a core that other jobs on a shared machine cause). Each round
calls every implementation once, back to back, in a fresh random order; 31 to 401 rounds,
as many as fit a few seconds per row. glibc's malloc thresholds are fixed (the script
re-executes itself with ``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_`` set) so a
row's page faults do not depend on the rows before it. The ms columns are medians; the
ratio columns are the median of the per-round ratios, so slow phases hit all columns
alike.
Route ``sum`` (average pooling, uneven split at stride 1, float32 on the CPU): the window
sums come from a depthwise convolution by ones on the symmetric ``padding=after``, the
first output row/column is dropped and the sums are divided by a cached map of real cells
per window. ``avg_pool2d`` on NCHW is a scalar loop, about 5 ns a window here, so the
plain ``slice`` route (``avg_pool2d(padding=after, count_include_pad=False)``, H + W + 1
extra windows) measured 1.035× and 1.055× pad-every-call at 32×32 and 33×33 (0.96× at
112×112); the convolution is vectorised and needs no extra pass over the input.

Memory: the peak of CPU-allocator bytes live during one forward beyond what existed
before it (input and weights), output included — from ``torch.profiler``'s memory
records (each op's own allocations and frees, in time order).
"""

from __future__ import annotations

import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

# torch's profiler (kineto) prints "USDT: ... profiler_start/stop" lines at its level 5
# (USDT) on every profile(); its levels end at 5, so 6 silences them (set before torch
# loads kineto; an explicit KINETO_LOG_LEVEL in the environment wins).
os.environ.setdefault("KINETO_LOG_LEVEL", "6")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402
from torch.profiler import ProfilerActivity, profile  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samepad_viz import same_padding  # noqa: E402
from samepad_viz.layers import (  # noqa: E402
    AvgPool1dSame,
    AvgPool2dSame,
    AvgPool3dSame,
    Conv1dSame,
    Conv2dSame,
    Conv3dSame,
    MaxPool1dSame,
    MaxPool2dSame,
    MaxPool3dSame,
)

# One thread: on a shared 2-core machine a second thread makes every op wait for the
# slower of two cores, which multiplies the noise; the comparison is what matters here.
THREADS = 1
#: per rank: batch, channels, input sizes (each size is used for every spatial dimension)
SHAPES = {2: (8, 64, (32, 33, 112)), 1: (8, 64, (1024, 1025)), 3: (2, 16, (16, 17))}
KERNELS = (3, 2)
STRIDES = (1, 2)
# CPU time of the calling thread: with one torch thread that is all of an op's work, and
# it leaves out the time this process waits for a core while other jobs run (wall-clock
# medians swung by 10-25 % between identical ops on the shared machine; this does not).
CLOCK = time.thread_time
MIN_ROUNDS, MAX_ROUNDS = 31, 401
BUDGET_SECONDS = {"conv": 3.0, "max": 1.5, "avg": 1.5}  # timing per row, roughly


# ---------------------------------------------------------------------------------------
# the pad-every-call reference (timm's padding.py, written out)
# ---------------------------------------------------------------------------------------


def _same_pad_amount(size: int, k: int, s: int, d: int = 1) -> int:
    return max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)


def pad_same(x, kernel, stride, dilation=None, value=0.0):
    """timm's ``pad_same`` for any rank: compute each split, ``F.pad`` on every call."""
    n = len(kernel)
    dilation = dilation or (1,) * n
    totals = [
        _same_pad_amount(size, k, s, d)
        for size, k, s, d in zip(x.shape[-n:], kernel, stride, dilation, strict=True)
    ]
    if any(totals):
        x = F.pad(x, [v for t in reversed(totals) for v in (t // 2, t - t // 2)], value=value)
    return x


def _op(name: str, n: int):
    return getattr(F, f"{name}{n}d")


class PadConv:
    def forward(self, x):
        n = len(self.kernel_size)
        x = pad_same(x, self.kernel_size, self.stride, self.dilation)
        return _op("conv", n)(x, self.weight, self.bias, self.stride, 0, self.dilation,
                              self.groups)  # fmt: skip


class PadMaxPool:
    def forward(self, x):
        n = len(self.kernel_size)
        x = pad_same(x, self.kernel_size, self.stride, value=-float("inf"))
        return _op("max_pool", n)(x, self.kernel_size, self.stride, 0)


class PadAvgPool:
    """Pad every call, but exact: divide by the real cells (timm would count the zeros)."""

    def forward(self, x):
        n, k, s = len(self.kernel_size), self.kernel_size, self.stride
        cells = math.prod(k)  # avg_pool1d has no divisor_override: mean × cells = sum
        sums = _op("avg_pool", n)(pad_same(x, k, s), k, s) * cells
        ones = x.new_ones((1, 1, *x.shape[-n:]))
        counts = _op("avg_pool", n)(pad_same(ones, k, s), k, s) * cells
        return sums / counts


class TimmAvgPool(nn.AvgPool2d):
    def forward(self, x):  # as timm: zero padding counted in the mean (its FIXME)
        x = pad_same(x, self.kernel_size, self.stride)
        return F.avg_pool2d(x, self.kernel_size, self.stride, 0, count_include_pad=True)


#: per rank: (torch.nn class, ours) for each kind
TORCH = {
    "conv": {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d},
    "max": {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d},
    "avg": {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d},
}
OURS = {
    "conv": {1: Conv1dSame, 2: Conv2dSame, 3: Conv3dSame},
    "max": {1: MaxPool1dSame, 2: MaxPool2dSame, 3: MaxPool3dSame},
    "avg": {1: AvgPool1dSame, 2: AvgPool2dSame, 3: AvgPool3dSame},
}
PAD = {"conv": PadConv, "max": PadMaxPool, "avg": PadAvgPool}


def pad_every_call(kind: str, rank: int):
    """The pad-every-call layer of ``kind`` and ``rank``: the torch.nn class, timm's forward."""
    return type(f"Pad{kind}{rank}d", (PAD[kind], TORCH[kind][rank]), {})


# ---------------------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------------------


def peak_bytes(fn, x) -> int:
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        y = fn(x)
        del y
    events = sorted(prof.events(), key=lambda e: e.time_range.start)
    live = peak = 0
    for event in events:
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
    return peak


def time_interleaved(fns: dict, x, budget: float) -> tuple[dict, dict]:
    """Median seconds per call for each fn, and median per-round ratio to 'ours'.

    A round calls every implementation once, back to back, in a random order (a
    rotating order would keep the cyclic succession, so one implementation would always
    run right after pad-every-call's large free, and pay for it); the
    number of rounds fills ``budget`` seconds (between MIN_ROUNDS and MAX_ROUNDS).
    """
    start = CLOCK()
    for fn in fns.values():  # warm-up: allocator, plan cache, oneDNN primitives
        for _ in range(3):
            fn(x)
    per_round = (CLOCK() - start) / 3
    rounds = int(min(MAX_ROUNDS, max(MIN_ROUNDS, budget / max(per_round, 1e-6))))
    samples = {name: [] for name in fns}
    order = list(fns)
    shuffle = random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)  # a random order each round: no implementation always follows another
        for name in order:
            fn = fns[name]
            start = CLOCK()
            fn(x)
            samples[name].append(CLOCK() - start)
    medians = {name: statistics.median(v) for name, v in samples.items()}
    ratios = {
        name: statistics.median(a / b for a, b in zip(samples["ours"], v, strict=True))
        for name, v in samples.items()
        if name != "ours"
    }
    return medians, ratios


def make_layers(kind: str, rank: int, channels: int, size: int, k: int, s: int):
    (before, after), *_ = same_padding((size,) * rank, k, s)
    symmetric = before == after
    torch_cls, pad_cls = TORCH[kind][rank], pad_every_call(kind, rank)
    if kind == "conv":
        ours = OURS[kind][rank](channels, channels, k, s)
        floor = torch_cls(channels, channels, k, s, padding=before) if symmetric else None
        pad = pad_cls(channels, channels, (k,) * rank, (s,) * rank)
        for other in (floor, pad):
            if other is not None:
                other.load_state_dict(ours.state_dict())
    elif kind == "max":
        ours = OURS[kind][rank](k, s)
        floor = torch_cls(k, s, padding=before) if symmetric else None
        pad = pad_cls((k,) * rank, (s,) * rank)
    else:
        ours = OURS[kind][rank](k, s)
        floor = torch_cls(k, s, padding=before, count_include_pad=False) if symmetric else None
        pad = pad_cls((k,) * rank, (s,) * rank)
    layers = {"ours": ours, "floor": floor, "pad": pad}
    return {name: layer for name, layer in layers.items() if layer is not None}, (before, after)


# glibc's malloc serves large blocks with mmap below a threshold that it raises as blocks
# are freed, and trims the heap: whether a 25 MB output page-faults on every call then
# depends on which rows ran before (one row measured 1.24 after the conv rows and 0.98
# alone). Fixed thresholds make every row's cost independent of the rows before it.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "134217728", "MALLOC_TRIM_THRESHOLD_": "536870912"}


def main(argv: list[str]) -> None:
    if any(os.environ.get(key) != value for key, value in MALLOC_ENV.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **MALLOC_ENV})
    ranks = [int(a) for a in argv[argv.index("--rank") + 1 :]] if "--rank" in argv else [2, 1, 3]
    torch.manual_seed(0)
    torch.set_num_threads(THREADS)
    print(
        f"torch {torch.__version__}, {THREADS} threads, float32 channels-first, forward only "
        "(inference_mode); ratios = median of per-round ratios"
    )
    header = (
        f"{'layer':<7} {'shape':>13} {'K':>2} {'S':>2} {'split':>6} {'route':<10}"
        f"{'ours ms':>9} {'floor ms':>9} {'pad ms':>9} {'ours/floor':>11} {'ours/pad':>9}"
        f"{'ours MB':>9} {'floor MB':>9} {'pad MB':>8}"
    )
    started = time.perf_counter()
    with torch.inference_mode():
        for rank in ranks:
            batch, channels, sizes = SHAPES[rank]
            print(f"\n{rank}-D: batch {batch}, {channels} channels")
            print(header)
            print("-" * len(header))
            for kind in ("conv", "max", "avg"):
                for size in sizes:
                    x = torch.randn(batch, channels, *(size,) * rank)
                    shape = "×".join([str(size)] * rank)
                    for k in KERNELS:
                        for s in STRIDES:
                            layers, split = make_layers(kind, rank, channels, size, k, s)
                            row(kind, rank, shape, x, layers, split, k, s)
        if 2 in ranks:
            timm_rows()
    print(f"({time.perf_counter() - started:.0f} s)")


def row(kind: str, rank: int, shape: str, x, layers: dict, split, k: int, s: int) -> None:
    fns = {n: layer.forward for n, layer in layers.items()}
    for other in ("floor", "pad"):  # all exact: same numbers
        if other in fns:
            torch.testing.assert_close(fns["ours"](x), fns[other](x))
    medians, ratios = time_interleaved(fns, x, BUDGET_SECONDS[kind])
    mem = {n: peak_bytes(fn, x) / 2**20 for n, fn in fns.items()}
    route = layers["ours"].plan(*x.shape[2:]).route
    print(
        f"{kind + str(rank) + 'd':<7} {shape:>13} {k:>2} {s:>2} {str(split):>6} {route:<10}"
        f"{_ms(medians, 'ours')}{_ms(medians, 'floor')}{_ms(medians, 'pad')}"
        f"{_ratio(ratios, 'floor'):>11}{_ratio(ratios, 'pad'):>9}"
        f"{_mb(mem, 'ours')}{_mb(mem, 'floor')}{_mb(mem, 'pad', 8)}",
        flush=True,
    )


def timm_rows() -> None:
    batch, channels, sizes = SHAPES[2]
    print("\ntimm-avg: timm's AvgPool2dSame (zeros counted in the mean) on the asymmetric rows")
    print(f"{'size':>4} {'K':>2} {'S':>2} {'ours ms':>9} {'timm ms':>9} {'ours/timm':>10}"
          f"{'max |timm − TF|':>17}")  # fmt: skip
    for size in sizes:
        x = torch.randn(batch, channels, size, size)
        for k in KERNELS:
            for s in STRIDES:
                (before, after), _ = same_padding((size, size), k, s)
                if before == after:
                    continue
                timm = TimmAvgPool((k, k), (s, s))
                fns = {"ours": AvgPool2dSame(k, s).forward, "timm": timm.forward}
                medians, ratios = time_interleaved(fns, x, BUDGET_SECONDS["avg"])
                error = (fns["timm"](x) - fns["ours"](x)).abs().max().item()
                print(f"{size:>4} {k:>2} {s:>2}{_ms(medians, 'ours')}{_ms(medians, 'timm')}"
                      f"{_ratio(ratios, 'timm'):>10}{error:>17.3f}", flush=True)  # fmt: skip


def _ms(medians, name) -> str:
    return f"{medians[name] * 1e3:>9.3f}" if name in medians else f"{'—':>9}"


def _ratio(ratios, name) -> str:
    return f"{ratios[name]:.3f}" if name in ratios else "—"


def _mb(mem, name, width=9) -> str:
    return f"{mem[name]:>{width}.2f}" if name in mem else f"{'—':>{width}}"


if __name__ == "__main__":
    main(sys.argv[1:])
