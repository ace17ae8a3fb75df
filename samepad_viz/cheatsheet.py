"""The cheat sheet's entries: Keras layer → the PyTorch line(s) that reproduce it exactly.

Every entry holds a Keras layer (as code), the worked example's input shape, the PyTorch
lines, the rule and the worked example in words. The numbers all come from
:mod:`samepad_viz.arithmetic`; this module only puts them into sentences and code. It is
pure Python (no torch, no keras): ``scripts/make_cheatsheet.py`` writes
``docs/cheatsheet.md`` from :func:`render`, and ``tests/test_cheatsheet.py`` runs every
entry's code against Keras 3.

How to read an entry's PyTorch code (``Entry.torch``): the lines act in order on the
input ``x`` in channels-first layout (NCHW / NCW), as in an ``nn.Sequential``. A line
that builds a module (``nn.Conv2d(…)``) is applied to the result so far; a line that
assigns (``y = y[..., 1:, 1:]``) works on that result, called ``y``.

>>> [e.keras for e in entries() if e.section == "transposed"][1]
"Conv2DTranspose(8, 3, strides=2, padding='same')"
>>> len(glossary()) > 20
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .arithmetic import (
    causal_padding,
    effective_kernel_size,
    keras_output_size,
    keras_transposed_output_size,
    output_size,
    same_padding,
    torch_padding,
    torch_transposed_padding,
    transposed_output_size,
)

__all__ = ["Entry", "SECTIONS", "entries", "glossary", "render"]

IN_CHANNELS, OUT_CHANNELS = 3, 8  # every worked example: 3 channels in, 8 filters out


@dataclass(frozen=True)
class Entry:
    """One row of the cheat sheet.

    * ``section`` — the table it belongs to (a key of :data:`SECTIONS`);
    * ``case`` — what this row shows (``'same'``, stride 2, even ``W`` …);
    * ``keras`` — the Keras 3 layer, as code (``keras.layers`` names);
    * ``shape`` — the worked example's input, channels-last, batch 1 (``(1, H, W, C)``);
    * ``torch`` — the PyTorch lines, in order (see the module docstring);
    * ``alternatives`` — one-line modules that do the same (samepad_viz's layers, or
      PyTorch's own ``padding='same'``), each applied to ``x`` alone;
    * ``rule`` — the formula; ``example`` — the rule with the example's numbers.
    """

    section: str
    case: str
    keras: str
    shape: tuple[int, ...]
    torch: tuple[str, ...]
    rule: str
    example: str
    alternatives: tuple[str, ...] = ()


#: The tables of the cheat sheet, in order: key → (title, what the table is about).
SECTIONS = {
    "conv": (
        "Convolutions: 'valid', and what 'same' becomes",
        "Keras `padding='same'` gives `⌈W / S⌉` outputs; TensorFlow pads "
        "`total = max((⌈W / S⌉ − 1)·S + K_eff − W, 0)` cells, `⌊total / 2⌋` before and the "
        "rest after (the odd cell goes bottom/right). Whether PyTorch's single `padding=` "
        "can say that depends on the stride, on `K` odd or even, and — at stride 2 — on `W` "
        "odd or even. The split applies to each spatial dimension on its own. Weights: the "
        "Keras kernel `(kh, kw, in, out)` becomes PyTorch's `(out, in, kh, kw)` with "
        "`.permute(3, 2, 0, 1)`.",
    ),
    "conv1d": (
        "1-D convolutions: 'valid', 'same' and 'causal'",
        "The same rules on one dimension (`(N, W, C)` in Keras, `(N, C, W)` in PyTorch). "
        "`'causal'` puts all `D·(K − 1)` padding cells before the sequence, so output `t` "
        "reads inputs `t` and earlier only.",
    ),
    "pool": (
        "Pooling: max and average",
        "Same window positions as a convolution with `K` = `pool_size` (Keras' default "
        "`strides` is `pool_size`). In Keras' `'same'` pooling a padded cell never counts: "
        "max pooling pads with −∞, average pooling divides by the number of real cells in "
        "each window (`count_include_pad=False` in PyTorch). The lines here follow TensorFlow's "
        "definition; Keras 3.15 on the torch backend repeats the edge cell into an asymmetric "
        "average-pooling split instead.",
    ),
    "transposed": (
        "Transposed convolutions",
        "Every input cell stamps the kernel `S` cells further along: the stamps cover "
        "`(W − 1)·S + K_eff` cells. PyTorch's `padding=P` removes `P` cells from both ends, "
        "`output_padding` adds cells at the end; Keras keeps `W·S` cells for `'same'`. "
        "Weights: Keras `(kh, kw, out, in)` → PyTorch `(in, out, kh, kw)`, the same "
        "`.permute(3, 2, 0, 1)`.",
    ),
    "depthwise": (
        "Depthwise and separable convolutions",
        "The padding rules of `Conv2D`; only the weights' layout changes. A depthwise "
        "convolution is a grouped convolution with `groups = in_channels`.",
    ),
    "ranks": (
        "1-D and 3-D layers: the same rules, one dimension at a time",
        "Every rule above applies to each spatial dimension on its own, so a 3-D layer "
        "(`(N, D, H, W, C)` in Keras, `(N, C, D, H, W)` in PyTorch) splits depth, height and "
        "width separately, and a 1-D layer splits its one axis. `nn.ZeroPad3d` lists "
        "`(left, right, top, bottom, front, back)`. Kernels: Keras `(*k, in, out)` → PyTorch "
        "`(out, in, *k)`; transposed Keras `(*k, out, in)` → PyTorch `(in, out, *k)`; the "
        "same permutation, the spatial axes last. samepad_viz has each layer in 1-D, 2-D and "
        "3-D.",
    ),
    "reshape": (
        "Padding, cropping and upsampling layers",
        "Keras lists each dimension's `(before, after)` first dimension first; `nn.ZeroPad2d`"
        " and `F.pad` list the LAST dimension first: `(left, right, top, bottom)`.",
    ),
}


# ---------------------------------------------------------------------------------------
# wording helpers: numbers in, sentences out
# ---------------------------------------------------------------------------------------


def _shape(shape) -> str:
    return "×".join(str(n) for n in shape)


def _pad_tuple(splits) -> tuple[int, ...]:
    """``F.pad`` order (last dimension first) of per-dimension ``(before, after)`` pairs."""
    return tuple(p for split in reversed(splits) for p in split)


def _same_numbers(w: int, k: int, s: int, d: int = 1) -> str:
    """TensorFlow's 'same' arithmetic for one dimension, with the numbers substituted."""
    out = keras_output_size(w, k, s, "same", d)
    before, after = same_padding(w, k, s, d)
    eff = effective_kernel_size(k, d)
    kernel = f"{eff}" if d == 1 else f"K_eff {eff}"
    return (
        f"out = ⌈{w}/{s}⌉ = {out}; total = max(({out} − 1)·{s} + {kernel} − {w}, 0) = "
        f"{before + after} → split ({before}, {after})"
    )


def _conv_same(case, w, k, s, d=1) -> Entry:
    """A Conv2D 'same' row on a square ``w``×``w`` input."""
    plan = torch_padding((w, w), k, s, d)
    args = [f"{OUT_CHANNELS}", f"{k}"]
    if s != 1:
        args.append(f"strides={s}")
    if d != 1:
        args.append(f"dilation_rate={d}")
    keras = f"Conv2D({', '.join(args)}, padding='same')"
    padding = plan.padding if plan.symmetric else 0
    if isinstance(padding, tuple) and len(set(padding)) == 1:
        padding = padding[0]  # one int for both dimensions
    conv = _conv_line(2, k, s, d, padding)
    torch = (conv,) if plan.symmetric else (f"nn.ZeroPad2d({plan.pad})", conv)
    out = keras_output_size((w, w), k, s, "same", d)
    if plan.symmetric:
        verdict = f"symmetric: `padding={padding}` is exact"
    else:
        verdict = f"asymmetric: pad `{plan.pad}` (left, right, top, bottom), then `padding=0`"
    example = (
        f"W = {w}: {_same_numbers(w, k, s, d)}, {verdict}; "
        f"{_shape((1, w, w, IN_CHANNELS))} → {_shape((1, *out, OUT_CHANNELS))}"
    )
    extra = f", stride={s}" if s != 1 else ""
    extra += f", dilation={d}" if d != 1 else ""
    alternatives = [f"Conv2dSame({IN_CHANNELS}, {OUT_CHANNELS}, {k}{extra})"]
    if s == 1:  # PyTorch's own padding='same' exists at stride 1 only
        alternatives.append(_conv_line(2, k, s, d, "'same'"))
    return Entry(
        "conv", case[0], keras, (1, w, w, IN_CHANNELS), torch, case[1], example, tuple(alternatives)
    )


def _conv_line(n, k, s, d, padding, cin=IN_CHANNELS, cout=OUT_CHANNELS, extra="") -> str:
    args = [f"{cin}", f"{cout}", f"kernel_size={k}"]
    if s != 1:
        args.append(f"stride={s}")
    args.append(f"padding={padding}")
    if d != 1:
        args.append(f"dilation={d}")
    return f"nn.Conv{n}d({', '.join(args)}{extra})"


# ---------------------------------------------------------------------------------------
# the entries
# ---------------------------------------------------------------------------------------


def _conv_entries() -> list[Entry]:
    w, k = 7, 3
    out = keras_output_size((w, w), k, 1, "valid")
    rows = [
        Entry(
            "conv",
            "'valid'",
            f"Conv2D({OUT_CHANNELS}, {k}, padding='valid')",
            (1, w, w, IN_CHANNELS),
            (_conv_line(2, k, 1, 1, 0),),
            "no padding: `out = ⌊(W − K_eff) / S⌋ + 1`, PyTorch's `padding=0` (its default)",
            f"W = {w}, K = {k}: out = ⌊({w} − {k}) / 1⌋ + 1 = {output_size(w, k)}; "
            f"{_shape((1, w, w, IN_CHANNELS))} → {_shape((1, *out, OUT_CHANNELS))}",
        )
    ]
    cases = [
        (
            7,
            3,
            1,
            1,
            ("'same'", "stride 1, odd K"),
            "`total = K − 1` is even: `padding=(K − 1) / 2` on both sides, for every W",
        ),
        (
            7,
            4,
            1,
            1,
            ("'same'", "stride 1, even K"),
            "`total = K − 1` is odd: `(K/2 − 1, K/2)`, one more cell after; no `padding=` int "
            "says that",
        ),
        (
            7,
            3,
            1,
            2,
            ("'same'", "stride 1, dilation D"),
            "as stride 1 with `K_eff = D·(K − 1) + 1` in place of K (here odd: symmetric)",
        ),
        (
            7,
            3,
            2,
            1,
            ("'same'", "stride 2, odd W (odd K)"),
            "odd W at stride 2: `total = K − 1`, as at stride 1 — odd K is symmetric",
        ),
        (
            8,
            3,
            2,
            1,
            ("'same'", "stride 2, even W, odd K"),
            "even W at stride 2: `total = K − 2`, odd for odd K: `((K − 3)/2, (K − 1)/2)`. "
            "The classic `padding=(K − 1)//2` has the right shape and shifted values",
        ),
        (
            8,
            4,
            2,
            1,
            ("'same'", "stride 2, even W, even K"),
            "even W at stride 2: `total = K − 2`, even for even K: `padding=(K − 2)/2`",
        ),
        (
            7,
            4,
            2,
            1,
            ("'same'", "stride 2, odd W, even K"),
            "odd W at stride 2: `total = K − 1`, odd for even K: one more cell after",
        ),
    ]
    for w, k, s, d, case, rule in cases:
        case = (f"{case[0]}, {case[1]}", rule)
        rows.append(_conv_same(case, w, k, s, d))
    return rows


def _conv1d_entries() -> list[Entry]:
    w, k, d = 10, 3, 2
    rows = []
    out = keras_output_size(w, k, 1, "valid")
    rows.append(
        Entry(
            "conv1d",
            "'valid'",
            f"Conv1D({OUT_CHANNELS}, {k}, padding='valid')",
            (1, w, IN_CHANNELS),
            (_conv_line(1, k, 1, 1, 0),),
            "no padding: `out = ⌊(W − K_eff) / S⌋ + 1`",
            f"W = {w}, K = {k}: ⌊({w} − {k}) / 1⌋ + 1 = {output_size(w, k)}; "
            f"{_shape((1, w, IN_CHANNELS))} → {_shape((1, out, OUT_CHANNELS))}",
        )
    )
    k_even = 4
    plan = torch_padding(w, k_even)
    rows.append(
        Entry(
            "conv1d",
            "'same', even K",
            f"Conv1D({OUT_CHANNELS}, {k_even}, padding='same')",
            (1, w, IN_CHANNELS),
            (f"nn.ConstantPad1d({plan.pad}, 0.0)", _conv_line(1, k_even, 1, 1, 0)),
            "as Conv2D on one dimension: `(⌊total / 2⌋, ⌈total / 2⌉)` with `total = K − 1` "
            "at stride 1",
            f"W = {w}: {_same_numbers(w, k_even, 1)}; pad `{plan.pad}` (left, right); "
            f"{_shape((1, w, IN_CHANNELS))} → {_shape((1, w, OUT_CHANNELS))}",
            (
                f"Conv1dSame({IN_CHANNELS}, {OUT_CHANNELS}, {k_even})",
                _conv_line(1, k_even, 1, 1, "'same'"),
            ),
        )
    )
    left, right = causal_padding(k, d)
    eff = effective_kernel_size(k, d)
    causal_out = keras_output_size(w, k, 1, "causal", d)
    rows.append(
        Entry(
            "conv1d",
            "'causal' (pad before)",
            f"Conv1D({OUT_CHANNELS}, {k}, dilation_rate={d}, padding='causal')",
            (1, w, IN_CHANNELS),
            (f"nn.ConstantPad1d({(left, right)}, 0.0)", _conv_line(1, k, 1, d, 0)),
            "all `D·(K − 1)` cells before the sequence, none after: `out = ⌈W / S⌉`",
            f"K = {k}, D = {d}: K_eff = {eff}, pad ({left}, {right}); "
            f"{_shape((1, w, IN_CHANNELS))} → {_shape((1, causal_out, OUT_CHANNELS))}",
            (f"CausalConv1d({IN_CHANNELS}, {OUT_CHANNELS}, {k}, dilation={d})",),
        )
    )
    both = output_size(w, k, 1, left, d)
    rows.append(
        Entry(
            "conv1d",
            "'causal' (pad both, chomp)",
            f"Conv1D({OUT_CHANNELS}, {k}, dilation_rate={d}, padding='causal')",
            (1, w, IN_CHANNELS),
            (_conv_line(1, k, 1, d, left), f"y = y[..., :-{left}]  # chomp"),
            "stride 1 only: `padding=D·(K − 1)` on both sides, then chomp (drop) the last "
            "`D·(K − 1)` outputs, the ones that read the right padding",
            f"K = {k}, D = {d}: padding={left} gives {both} outputs, chomp {left}: "
            f"{both - left} = W",
        )
    )
    return rows


def _pool_routes(kind: str, w: int, k: int, s: int) -> tuple[tuple[str, ...], str]:
    """PyTorch lines for Keras 'same' pooling on a square ``w``×``w`` input, and why."""
    layer = "nn.MaxPool2d" if kind == "max" else "nn.AvgPool2d"
    mean = ", count_include_pad=False" if kind == "avg" else ""
    stride = f", {s}" if s != k else ""
    before, after = same_padding(w, k, s)
    want = keras_output_size(w, k, s, "same")
    if before == after:
        return (f"{layer}({k}{stride}, padding={before}{mean})",), (
            f"symmetric: `padding={before}`"
            + (" (−∞ for max pooling: never the max)" if kind == "max" else "")
        )
    if s >= 2 and output_size(w, k, s, before, ceil_mode=True) == want and before <= k // 2:
        return (f"{layer}({k}{stride}, padding={before}, ceil_mode=True{mean})",), (
            f"`ceil_mode=True` keeps a last window that overhangs the input by the one missing "
            f"cell after, which PyTorch leaves out{' of the mean' if kind == 'avg' else ''}"
        )
    if s == 1 and after == before + 1 and after <= k // 2:
        return (
            f"{layer}({k}, 1, padding={after}{mean})",
            "y = y[..., 1:, 1:]  # drop the first row and column",
        ), (
            f"pad `{after}` on both sides, drop the first output row/column: window i of the "
            f"split is window i + 1"
        )
    pad = _pad_tuple(((before, after), (before, after)))
    if kind == "max":
        return (f"nn.ConstantPad2d({pad}, float('-inf'))", f"{layer}({k}{stride})"), (
            "pad −∞ explicitly"
        )
    return (  # pragma: no cover - every configuration of the sheet has a shortcut
        f"n = F.avg_pool2d(F.pad(torch.ones_like(y), {pad}), {k}, {s}, divisor_override=1)",
        f"y = F.avg_pool2d(F.pad(y, {pad}), {k}, {s}, divisor_override=1) / n",
    ), "sum over the padded input, divide by the real cells per window"


def _pool_entries() -> list[Entry]:
    rows = []
    for kind, keras_name, alt in (
        ("max", "MaxPooling2D", "MaxPool2dSame"),
        ("avg", "AveragePooling2D", "AvgPool2dSame"),
    ):
        layer = "nn.MaxPool2d" if kind == "max" else "nn.AvgPool2d"
        w, k = 7, 2
        out = keras_output_size(w, k, k, "valid")
        rows.append(
            Entry(
                "pool",
                "'valid'",
                f"{keras_name}({k}, padding='valid')",
                (1, w, w, IN_CHANNELS),
                (f"{layer}({k})",),
                "no padding: `out = ⌊(W − K) / S⌋ + 1`; the last row/column is dropped when it "
                "does not fill a window",
                f"W = {w}, K = S = {k}: ⌊({w} − {k}) / {k}⌋ + 1 = {output_size(w, k, k)}; "
                f"{_shape((1, w, w, IN_CHANNELS))} → {_shape((1, out, out, IN_CHANNELS))}",
            )
        )
        for w, k, s, case in (
            (7, 3, 1, "'same', stride 1, odd K"),
            (7, 2, 1, "'same', stride 1, even K"),
            (7, 2, 2, "'same', stride 2, odd W"),
            (8, 3, 2, "'same', stride 2, even W, odd K"),
        ):
            torch, why = _pool_routes(kind, w, k, s)
            out = keras_output_size(w, k, s, "same")
            strides = f", strides={s}" if s != k else ""
            rows.append(
                Entry(
                    "pool",
                    case,
                    f"{keras_name}({k}{strides}, padding='same')",
                    (1, w, w, IN_CHANNELS),
                    torch,
                    why,
                    f"W = {w}: {_same_numbers(w, k, s)}; "
                    f"{_shape((1, w, w, IN_CHANNELS))} → {_shape((1, out, out, IN_CHANNELS))}",
                    (f"{alt}({k}{', ' + str(s) if s != k else ''})",),
                )
            )
    return rows


def _transposed_entries() -> list[Entry]:
    rows = []
    w, k, s = 4, 3, 2
    valid = keras_transposed_output_size(w, k, s, "valid")
    stamps = transposed_output_size(w, k, s)
    rows.append(
        Entry(
            "transposed",
            "'valid'",
            f"Conv2DTranspose({OUT_CHANNELS}, {k}, strides={s}, padding='valid')",
            (1, w, w, IN_CHANNELS),
            (f"nn.ConvTranspose2d({IN_CHANNELS}, {OUT_CHANNELS}, kernel_size={k}, stride={s})",),
            "every stamp kept: `out = W·S + max(K_eff − S, 0)`; PyTorch: `padding=0`, "
            "`output_padding = max(S − K_eff, 0)`",
            f"W = {w}, K = {k}, S = {s}: {w}·{s} + max({k} − {s}, 0) = {valid} = "
            f"({w} − 1)·{s} + {k} = {stamps}; {_shape((1, w, w, IN_CHANNELS))} → "
            f"{_shape((1, valid, valid, OUT_CHANNELS))}",
        )
    )
    for w, k, s in ((4, 3, 2), (4, 4, 2)):
        tp = torch_transposed_padding((w, w), k, s)
        out = keras_transposed_output_size(w, k, s, "same")
        stamps = transposed_output_size(w, k, s)
        total = stamps - out  # the cells TensorFlow removes from the stamps
        layer = (
            f"nn.ConvTranspose2d({IN_CHANNELS}, {OUT_CHANNELS}, kernel_size={k}, stride={s}, "
            f"padding={tp.padding[0]})"
        )
        crop = any(tp.crop)
        torch = (
            (layer, "y = y[..., :-1, :-1]  # crop the last row and column") if crop else (layer,)
        )
        rows.append(
            Entry(
                "transposed",
                f"'same', K − S {'odd' if total % 2 else 'even'}",
                f"Conv2DTranspose({OUT_CHANNELS}, {k}, strides={s}, padding='same')",
                (1, w, w, IN_CHANNELS),
                torch,
                "`out = W·S`: remove `T = max(K_eff − S, 0)` cells, `⌊T/2⌋` at the start: "
                "`padding=⌊T/2⌋`, `output_padding = max(S − K_eff, 0)`, and crop one cell "
                "at the end when T is odd",
                f"W = {w}, K = {k}, S = {s}: stamps ({w} − 1)·{s} + {k} = {stamps}, keep "
                f"{w}·{s} = {out}: T = {total}, padding={tp.padding[0]}"
                + (", crop 1 at the end" if crop else ", no crop")
                + f"; {_shape((1, w, w, IN_CHANNELS))} → {_shape((1, out, out, OUT_CHANNELS))}",
                (f"ConvTranspose2dSame({IN_CHANNELS}, {OUT_CHANNELS}, {k}, stride={s})",),
            )
        )
    return rows


def _rank_pool_entry(kind: str, size: tuple[int, ...], k: int, s: int) -> Entry:
    """Keras 'same' pooling in 1-D or 3-D, on the input ``size`` (one entry per dimension)."""
    n = len(size)
    name = {"max": "MaxPooling", "avg": "AveragePooling"}[kind] + f"{n}D"
    layer = {"max": "nn.MaxPool", "avg": "nn.AvgPool"}[kind] + f"{n}d"
    mean = ", count_include_pad=False" if kind == "avg" else ""
    splits = same_padding(size, k, s)
    befores = {b for b, _ in splits}
    out = keras_output_size(size, k, s, "same")
    assert s >= 2 and len(befores) == 1 and all(b <= k // 2 for b in befores)  # ceil route
    (before,) = befores
    uneven = [i for i, (b, a) in enumerate(splits) if a != b]
    return Entry(
        "ranks",
        f"{n}-D 'same', stride {s}",
        f"{name}({k}{f', strides={s}' if s != k else ''}, padding='same')",
        (1, *size, IN_CHANNELS),
        (f"{layer}({k}{f', {s}' if s != k else ''}, padding={before}, ceil_mode=True{mean})",),
        "per dimension as in 2-D: `padding=before` where every dimension has the same "
        "`before`, and `ceil_mode=True` gives an uneven dimension its one cell after",
        f"{_shape(size)}: splits {', '.join(str(p) for p in splits)} "
        f"(uneven in dimension{'s' if len(uneven) != 1 else ''} "
        f"{', '.join(str(i + 1) for i in uneven) or 'none'}); "
        f"{_shape((1, *size, IN_CHANNELS))} → {_shape((1, *out, IN_CHANNELS))}",
        (f"{'Max' if kind == 'max' else 'Avg'}Pool{n}dSame({k}{f', {s}' if s != k else ''})",),
    )


def _rank_entries() -> list[Entry]:
    rows = []
    size, k, s = (16, 17, 9), 3, 2
    plan = torch_padding(size, k, s)
    out = keras_output_size(size, k, s, "same")
    rows.append(
        Entry(
            "ranks",
            "3-D 'same', stride 2",
            f"Conv3D({OUT_CHANNELS}, {k}, strides={s}, padding='same')",
            (1, *size, IN_CHANNELS),
            (f"nn.ZeroPad3d({plan.pad})", _conv_line(3, k, s, 1, 0)),
            "each of depth, height, width gets its own TensorFlow split; pad the asymmetric "
            "ones explicitly (last dimension first in `nn.ZeroPad3d`)",
            f"{_shape(size)}: "
            + "; ".join(f"{_same_numbers(w, k, s)}" for w in size)
            + f"; {_shape((1, *size, IN_CHANNELS))} → {_shape((1, *out, OUT_CHANNELS))}",
            (f"Conv3dSame({IN_CHANNELS}, {OUT_CHANNELS}, {k}, stride={s})",),
        )
    )
    rows += [_rank_pool_entry(kind, size_, 2, 2) for kind in ("max", "avg")
             for size_ in ((9,), (5, 6, 7))]  # fmt: skip
    for size, k, s in (((5,), 4, 2), ((3, 4, 5), 3, 2)):
        n = len(size)
        tp = torch_transposed_padding(size, k, s)
        out = keras_transposed_output_size(size, k, s, "same")
        padding = tp.padding[0] if len(set(tp.padding)) == 1 else tp.padding
        layer = (
            f"nn.ConvTranspose{n}d({IN_CHANNELS}, {OUT_CHANNELS}, kernel_size={k}, stride={s}"
            + (f", padding={padding})" if padding else ")")
        )
        crop = [c is not None for c in tp.crop]
        torch = (layer,)
        if any(crop):
            cut = ", ".join(":-1" if c else ":" for c in crop)
            torch += (f"y = y[..., {cut}]  # crop the last cell of each odd-T dimension",)
        total = transposed_output_size(size[0], k, s) - size[0] * s
        rows.append(
            Entry(
                "ranks",
                f"{n}-D transposed 'same'",
                f"Conv{n}DTranspose({OUT_CHANNELS}, {k}, strides={s}, padding='same')",
                (1, *size, IN_CHANNELS),
                torch,
                "`out = W·S` per dimension, the 2-D recipe: `padding=⌊T/2⌋` with "
                "`T = max(K_eff − S, 0)`, a crop at the end when T is odd",
                f"{_shape(size)}, K = {k}, S = {s}: T = {total}, padding={tp.padding[0]}"
                + (", crop 1 at the end" if any(crop) else ", no crop")
                + f"; {_shape((1, *size, IN_CHANNELS))} → {_shape((1, *out, OUT_CHANNELS))}",
                (f"ConvTranspose{n}dSame({IN_CHANNELS}, {OUT_CHANNELS}, {k}, stride={s})",),
            )
        )
    return rows


def _depthwise_entries() -> list[Entry]:
    rows = []
    w, k, s, m = 8, 3, 2, 2
    plan = torch_padding((w, w), k, s)
    out = keras_output_size((w, w), k, s, "same")
    cout = IN_CHANNELS * m
    rows.append(
        Entry(
            "depthwise",
            "DepthwiseConv2D, 'same', stride 2, even W",
            f"DepthwiseConv2D({k}, strides={s}, depth_multiplier={m}, padding='same')",
            (1, w, w, IN_CHANNELS),
            (
                f"nn.ZeroPad2d({plan.pad})",
                _conv_line(2, k, s, 1, 0, IN_CHANNELS, cout, f", groups={IN_CHANNELS}"),
            ),
            "`groups = in_channels`, `out_channels = in_channels · depth_multiplier`; the "
            "padding of Conv2D. Weights: Keras `(kh, kw, in, m)` → PyTorch "
            "`(in·m, 1, kh, kw)`",
            f"W = {w}: {_same_numbers(w, k, s)}; {_shape((1, w, w, IN_CHANNELS))} → "
            f"{_shape((1, *out, cout))}",
            (f"Conv2dSame({IN_CHANNELS}, {cout}, {k}, stride={s}, groups={IN_CHANNELS})",),
        )
    )
    w = 7
    plan = torch_padding((w, w), k, s)
    out = keras_output_size((w, w), k, s, "same")
    rows.append(
        Entry(
            "depthwise",
            "SeparableConv2D, 'same', stride 2, odd W",
            f"SeparableConv2D({OUT_CHANNELS}, {k}, strides={s}, padding='same')",
            (1, w, w, IN_CHANNELS),
            (
                _conv_line(
                    2,
                    k,
                    s,
                    1,
                    plan.padding[0],
                    IN_CHANNELS,
                    IN_CHANNELS,
                    f", groups={IN_CHANNELS}, bias=False",
                ),
                f"nn.Conv2d({IN_CHANNELS}, {OUT_CHANNELS}, kernel_size=1)",
            ),
            "a depthwise convolution (padding, stride; no bias) then a 1×1 pointwise one "
            "(with the bias); only the depthwise one is padded",
            f"W = {w}: {_same_numbers(w, k, s)}, symmetric: `padding={plan.padding[0]}`; "
            f"{_shape((1, w, w, IN_CHANNELS))} → {_shape((1, *out, OUT_CHANNELS))}",
        )
    )
    return rows


def _reshape_entries() -> list[Entry]:
    rows = []
    h, w = 5, 6
    (t, b), (lft, r) = (1, 2), (3, 0)
    rows.append(
        Entry(
            "reshape",
            "ZeroPadding2D",
            f"ZeroPadding2D((({t}, {b}), ({lft}, {r})))",
            (1, h, w, IN_CHANNELS),
            (f"nn.ZeroPad2d({_pad_tuple(((t, b), (lft, r)))})",),
            "Keras `((top, bottom), (left, right))` → PyTorch `(left, right, top, bottom)`",
            f"{h}×{w} → {h + t + b}×{w + lft + r}",
        )
    )
    w1, (a, z) = 6, (2, 1)
    rows.append(
        Entry(
            "reshape",
            "ZeroPadding1D",
            f"ZeroPadding1D(({a}, {z}))",
            (1, w1, IN_CHANNELS),
            (f"nn.ZeroPad1d({(a, z)})",),
            "`(left, right)` in both",
            f"W = {w1} → {w1 + a + z}",
        )
    )
    h, w = 7, 8
    (t, b), (lft, r) = (1, 2), (0, 3)
    rows.append(
        Entry(
            "reshape",
            "Cropping2D",
            f"Cropping2D((({t}, {b}), ({lft}, {r})))",
            (1, h, w, IN_CHANNELS),
            (f"y = y[..., {t}:{h - b}, {lft}:{w - r}]",),
            "`out = W − before − after`; slice `before:W − after` (not `:-after`, which is "
            "empty when after = 0)",
            f"{h}×{w} → {h - t - b}×{w - lft - r}",
        )
    )
    w1, (a, z) = 9, (1, 2)
    rows.append(
        Entry(
            "reshape",
            "Cropping1D",
            f"Cropping1D(({a}, {z}))",
            (1, w1, IN_CHANNELS),
            (f"y = y[..., {a}:{w1 - z}]",),
            "`out = W − before − after`",
            f"W = {w1} → {w1 - a - z}",
        )
    )
    h, w = 4, 5
    rows.append(
        Entry(
            "reshape",
            "UpSampling2D, nearest",
            "UpSampling2D((2, 3))",
            (1, h, w, IN_CHANNELS),
            ("nn.Upsample(scale_factor=(2, 3), mode='nearest')",),
            "no padding: each cell repeated `size` times per dimension, `out = W·size`",
            f"{h}×{w} → {h * 2}×{w * 3}",
        )
    )
    rows.append(
        Entry(
            "reshape",
            "UpSampling2D, bilinear",
            "UpSampling2D(2, interpolation='bilinear')",
            (1, h, w, IN_CHANNELS),
            ("nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)",),
            "half-pixel centres (`align_corners=False`, PyTorch's default); the edges repeat",
            f"{h}×{w} → {h * 2}×{w * 2}",
        )
    )
    return rows


def entries() -> list[Entry]:
    """Every row of the cheat sheet, table by table (see :data:`SECTIONS`)."""
    return [
        *_conv_entries(),
        *_conv1d_entries(),
        *_pool_entries(),
        *_transposed_entries(),
        *_depthwise_entries(),
        *_rank_entries(),
        *_reshape_entries(),
    ]


# ---------------------------------------------------------------------------------------
# the glossary
# ---------------------------------------------------------------------------------------


def glossary() -> list[tuple[str, str]]:
    """The course's terms and notations, ``(term, meaning)``, in the order a reader meets them."""
    eff = effective_kernel_size(3, 2)
    before, after = same_padding(8, 3, 2)
    k, s = 3, 2
    tp = torch_transposed_padding(4, k, s)
    return [
        ("W", "the input size along one dimension (height or width), in cells"),
        ("K", "the kernel size: how many cells one window reads along a dimension"),
        ("S", "the stride: how many cells the window moves between two outputs"),
        ("P", "the padding: cells added at the edges; `P_before`, `P_after` when they differ"),
        ("D", "the dilation: the step between the cells one window reads (1 = adjacent)"),
        (
            "dilation",
            "spreading the kernel's taps `D` cells apart; holes between them are skipped",
        ),
        (
            "K_eff",
            f"the effective kernel size `D·(K − 1) + 1`: the span of a dilated kernel "
            f"(K = 3, D = 2 → {eff})",
        ),
        (
            "kernel",
            "the weights a convolution slides over the input; one output is the weighted sum "
            "of the cells under it",
        ),
        ("taps", "the K weights of a kernel, one per cell a window reads"),
        ("window", "the cells one output reads: K cells (K_eff apart with dilation)"),
        ("stride", "see S; with 'same', stride 2 gives `⌈W / 2⌉` outputs"),
        (
            "⌊ ⌋ floor, ⌈ ⌉ ceiling",
            f"round down, round up: ⌊7 / 2⌋ = {7 // 2}, ⌈7 / 2⌉ = {-(-7 // 2)}. PyTorch's "
            "output size floors, Keras' `'same'` size is `⌈W / S⌉`",
        ),
        (
            "split (before, after)",
            f"how a padding total is shared between the two ends of a dimension; "
            f"TensorFlow's 'same' puts `⌊total / 2⌋` before (W = 8, K = 3, S = 2: "
            f"({before}, {after}))",
        ),
        (
            "symmetric / asymmetric split",
            "before = after (PyTorch's `padding=P` says it) / before ≠ after (needs an "
            "explicit pad, `nn.ZeroPad2d` or `F.pad`)",
        ),
        ("'valid'", "Keras' no padding: `out = ⌊(W − K_eff) / S⌋ + 1`"),
        ("'same'", "Keras' padding to `⌈W / S⌉` outputs (W outputs at stride 1)"),
        ("'causal'", "Keras `Conv1D` only: all `D·(K − 1)` padding before the sequence"),
        (
            "pooling (max / average)",
            "a window with no weights that outputs the largest value / the mean of its cells",
        ),
        ("channels", "the values per position (RGB: 3); a convolution mixes all of them"),
        (
            "NCHW / NHWC",
            "tensor layouts: batch, channels, height, width (PyTorch, channels-first) / "
            "batch, height, width, channels (Keras, channels-last)",
        ),
        (
            "ceil_mode",
            "PyTorch pooling option: the output size rounds up, keeping a last window that "
            "overhangs the input; cells beyond the input are left out",
        ),
        (
            "count_include_pad",
            "PyTorch average pooling option: `True` (default) divides by K·K including "
            "padded zeros; `False` divides by the real cells, as Keras",
        ),
        (
            "recipe A / recipe B",
            "two PyTorch ways to get Keras 'same' pooling: A `ceil_mode=True, padding=0` "
            "(exact when TensorFlow pads nothing before), B `ceil_mode=True, "
            "padding=before` (exact at stride ≥ 2)",
        ),
        (
            "F.pad order",
            "`F.pad`, `nn.ZeroPad2d` and `nn.ConstantPad2d` take the LAST dimension first: "
            "`(left, right, top, bottom)`",
        ),
        (
            "transposed convolution",
            "the layer that upsamples by stamping the kernel once per input cell, `S` cells "
            "apart (`nn.ConvTranspose2d`, Keras `Conv2DTranspose`)",
        ),
        (
            "stamps",
            "in a transposed convolution each input cell adds (stamps) the kernel, scaled "
            "by its value, into the output; the stamps cover `(W − 1)·S + K_eff` cells",
        ),
        (
            "crop",
            f"cut cells off the end of an output: `y[..., :-1, :-1]` after a transposed "
            f"convolution when `K − S` is odd (K = {k}, S = {s}: crop "
            f"{'1' if tp.crop else '0'})",
        ),
        (
            "chomp",
            "causal convolution by padding both sides and then dropping (chomping) the last "
            "`D·(K − 1)` outputs",
        ),
        (
            "output_padding",
            "PyTorch transposed convolution argument: cells added at the end of the output "
            "(bottom/right); must be < max(S, D)",
        ),
    ]


# ---------------------------------------------------------------------------------------
# the Markdown page
# ---------------------------------------------------------------------------------------

_HEADER = """\
# Cheat sheet — Keras padding and cropping in PyTorch

Keras layer → the PyTorch line(s) that reproduce it **exactly** (same shape, same values),
the rule, and one worked example. Generated by `scripts/make_cheatsheet.py` from
`samepad_viz` (`samepad_viz/cheatsheet.py`); every row is run against Keras 3 by
`tests/test_cheatsheet.py`. Do not edit by hand. Terms and notations: [glossary](#glossary).
The course: [01 — The output-size formula](../notebooks/01_output_size.ipynb) onwards;
the evidence: [A1 — The claims, settled](../notebooks/A1_evidence.ipynb).

**How to read the PyTorch column.** The input `x` is channels-first (NCHW, or NCW in 1-D)
while Keras is channels-last (NHWC). The lines act in order, as in an `nn.Sequential`: a
line that builds a module is applied to the result so far; a line `y = …` works on that
result, called `y`. *or* gives a one-line alternative: `samepad_viz`'s layers
(`from samepad_viz import Conv2dSame, MaxPool2dSame, …`) decide the padding per input
size, so they stay exact when the input size changes; PyTorch's own `padding='same'`
exists at stride 1 only. Every worked example has 3 input channels, and 8 filters where
the layer has filters.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code_cell(entry: Entry) -> str:
    lines = [f"`{line}`" for line in entry.torch]
    lines += [f"*or* `{alt}`" for alt in entry.alternatives]
    return "<br>".join(_cell(line) for line in lines)


def render() -> str:
    """The whole cheat sheet, as Markdown (what ``docs/cheatsheet.md`` holds)."""
    rows = entries()
    parts = [_HEADER]
    for key, (title, about) in SECTIONS.items():
        parts.append(f"## {title}\n\n{about}\n")
        parts.append("| Keras | Case | PyTorch (exact) | Rule | Worked example |")
        parts.append("|---|---|---|---|---|")
        for e in rows:
            if e.section == key:
                parts.append(
                    f"| `{e.keras}` | {_cell(e.case)} | {_code_cell(e)} | {_cell(e.rule)} | "
                    f"{_cell(e.example)} |"
                )
        parts.append("")
    parts.append("## Glossary\n")
    parts.append("| Term | Meaning |")
    parts.append("|---|---|")
    parts.extend(f"| {_cell(term)} | {_cell(meaning)} |" for term, meaning in glossary())
    parts.append("")
    return "\n".join(parts)
