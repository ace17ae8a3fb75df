"""Convolution and pooling arithmetic on plain Python ints.

Everything the course teaches about sizes and paddings is computed here, and only here:
the drawings, widgets, layers and the port ask this module for their numbers. It imports
nothing heavy (no torch, matplotlib, ipywidgets or keras).

Notation used in every docstring:

* ``W`` input size, ``K`` kernel size, ``S`` stride, ``D`` dilation,
* ``P_before`` / ``P_after`` the padding on each side of one dimension,
* ``K_eff = D·(K − 1) + 1`` the *effective* (dilated) kernel size.

Every function works on one dimension (``size`` an int) or on several at once (``size``
a tuple of n ints; every other size-like argument is then one value for all dimensions or
an n-tuple, and the result is an n-tuple).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

__all__ = [
    "TorchPadding",
    "TorchTransposedPadding",
    "causal_padding",
    "effective_kernel_size",
    "half_padding",
    "keras_output_size",
    "keras_transposed_output_size",
    "output_size",
    "output_size_formula",
    "same_padding",
    "solve_padding",
    "symmetric_paddings",
    "torch_padding",
    "torch_transposed_padding",
    "transposed_as_convolution",
    "transposed_output_size",
    "transposed_same_crop",
    "window_indices",
]

Pair = tuple[int, int]
IntOrTuple = int | tuple[int, ...]

KERAS_PADDING_MODES = ("valid", "same", "causal")


# ---------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------


def _check_int(name: str, value, minimum: int) -> int:
    """Return ``value`` as an int, or raise a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool):
        raise TypeError(
            f"{name} must be an int, not a bool ({value!r}); write the number itself "
            f"({int(value)}, not {value!r})"
        )
    if not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if value < minimum:
        if minimum == 0:
            raise ValueError(f"{name} must be >= 0 (no negative padding), got {value}")
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _checked(size, kernel_size, stride, dilation) -> tuple[int, int, int, int]:
    """``W, K, S, D`` of one dimension as ints, checked in that order."""
    return (
        _check_int("size", size, 1),
        _check_int("kernel_size", kernel_size, 1),
        _check_int("stride", stride, 1),
        _check_int("dilation", dilation, 1),
    )


def _is_sequence(value) -> bool:
    return isinstance(value, (tuple, list))


def _dims(size) -> tuple[int, ...] | None:
    """``None`` for a single int size; the tuple of sizes for a per-dimension call."""
    if _is_sequence(size):
        if len(size) == 0:
            raise ValueError("size must be an int or a non-empty tuple of ints, got ()")
        return tuple(_check_int(f"size[{i}]", s, 1) for i, s in enumerate(size))
    _check_int("size", size, 1)
    return None


def _dimensions(n: int) -> str:
    return "1 dimension" if n == 1 else f"{n} dimensions"


def _broadcast(name: str, value, n: int, reference: str = "") -> tuple:
    """One value for all n dimensions, or exactly n values."""
    if _is_sequence(value):
        if len(value) != n:
            reference = reference or f"size has {_dimensions(n)}"
            raise ValueError(
                f"{name} has {len(value)} entries but {reference}; "
                f"give one value for all dimensions or exactly {n}"
            )
        return tuple(value)
    return (value,) * n


def _scalar_only(size, **kwargs) -> None:
    """With an int ``size``, refuse per-dimension tuples for the other arguments."""
    for name, value in kwargs.items():
        if _is_sequence(value):
            raise TypeError(
                f"{name} is the tuple {tuple(value)!r} but size is the single int {size!r}; "
                f"for several dimensions give size as a tuple too, one entry per dimension"
            )


def _padding_pair(name: str, padding) -> Pair:
    """An int ``P`` (both sides) or a ``(before, after)`` pair, validated."""
    if _is_sequence(padding):
        if len(padding) != 2:
            raise ValueError(
                f"{name} must be an int or a (before, after) pair, got {tuple(padding)!r}"
            )
        if any(_is_sequence(p) for p in padding):
            raise TypeError(
                f"{name} must be an int or a (before, after) pair of ints for one dimension, "
                f"got {tuple(padding)!r}; for several dimensions give size as a tuple too"
            )
        return (
            _check_int(f"{name} (before)", padding[0], 0),
            _check_int(f"{name} (after)", padding[1], 0),
        )
    if isinstance(padding, str):
        raise TypeError(
            f"{name} must be an int or a (before, after) pair of ints, got the string "
            f"{padding!r}; for Keras' 'same'/'valid' use keras_output_size"
        )
    p = _check_int(name, padding, 0)
    return (p, p)


_SHARED = ("ceil_mode", "mode")  # one value for every dimension, never per dimension


def _per_dimension(func, size, **kwargs):
    """Call the one-dimension ``func``: once for an int ``size``, once per dimension of a tuple.

    Per dimension, every argument is broadcast and the results come back as an n-tuple.
    With an int ``size`` the other arguments must be single values too, except
    ``padding``, which may be one dimension's ``(before, after)`` pair.
    """
    dims = _dims(size)
    if dims is None:
        _scalar_only(
            size,
            **{key: v for key, v in kwargs.items() if key not in ("padding", *_SHARED)},
        )
        return func(size, **kwargs)
    n = len(dims)
    spread = {}
    for key, value in kwargs.items():
        if key in _SHARED:
            spread[key] = (value,) * n
        else:
            spread[key] = _broadcast(key, value, n)
    return tuple(
        func(dims[i], **{key: spread[key][i] for key in spread}, _dim=i if n > 1 else None)
        for i in range(n)
    )


def _one_dimension(func: str, size) -> None:
    if _is_sequence(size):
        raise TypeError(f"{func} works on one dimension: size must be an int, got {size!r}")


def _where(dim) -> str:
    return "" if dim is None else f" in dimension {dim}"


# ---------------------------------------------------------------------------------------
# effective kernel size
# ---------------------------------------------------------------------------------------


def effective_kernel_size(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> IntOrTuple:
    """The span of a dilated kernel: ``K_eff = D·(K − 1) + 1``.

    A 3-tap kernel with dilation 2 reads cells 0, 2 and 4, so it spans 5 cells:

    >>> effective_kernel_size(3, 2)
    5
    >>> effective_kernel_size((3, 2), (1, 3))
    (3, 4)
    """
    if _is_sequence(kernel_size) or _is_sequence(dilation):
        n = len(kernel_size) if _is_sequence(kernel_size) else len(dilation)
        ks = _broadcast("kernel_size", kernel_size, n, reference=f"dilation has {n}")
        ds = _broadcast("dilation", dilation, n, reference=f"kernel_size has {n}")
        return tuple(effective_kernel_size(k, d) for k, d in zip(ks, ds, strict=True))
    k = _check_int("kernel_size", kernel_size, 1)
    d = _check_int("dilation", dilation, 1)
    return d * (k - 1) + 1


def _kernel_too_large(k: int, d: int, size: int, before: int, after: int, dim) -> ValueError:
    eff = effective_kernel_size(k, d)
    dilated = f" (dilated to {eff})" if d > 1 else ""
    padded = size + before + after
    return ValueError(
        f"kernel_size {k}{dilated} is larger than the padded input {padded} "
        f"(size {size} + padding {before} + {after}){_where(dim)}; "
        "use more padding, padding='same' or a smaller kernel"
    )


# ---------------------------------------------------------------------------------------
# PyTorch's output size
# ---------------------------------------------------------------------------------------


def output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding=0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> IntOrTuple:
    """Output size of a PyTorch convolution or pooling layer (one dimension or several).

    ``out = ⌊(W + P_before + P_after − D·(K − 1) − 1) / S⌋ + 1``

    The numerator is the number of cells the window can still move after its first
    position; dividing by the stride counts the steps, the floor drops a last partial
    step, and ``+ 1`` counts the first position.

    ``padding`` is an int (both sides) or a ``(before, after)`` pair. With
    ``ceil_mode=True`` (pooling only) the floor becomes a ceiling, but, as in PyTorch, a
    last window that would start beyond the input and its left padding is dropped:
    if ``(out − 1)·S ≥ W + P_before`` then ``out −= 1``. The ceiling also lets PyTorch's
    pooling run a kernel up to ``S − 1`` cells larger than the padded input (one window
    that overhangs the end), so ``ceil_mode=True`` accepts that too.

    >>> output_size(30, 3, padding=1)
    30
    >>> output_size(8, 3, stride=2, padding=(0, 1))
    4
    >>> output_size(5, 2, stride=2, ceil_mode=True)
    3
    >>> output_size(3, 5, stride=3, ceil_mode=True)
    1
    >>> output_size((30, 30), 3, padding=((1, 1), (0, 2)))
    (30, 30)
    """
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    return _per_dimension(
        _output_size_1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )


def _output_size_1d(size, kernel_size, stride, padding, dilation, ceil_mode, _dim=None) -> int:
    w, k, s, d = _checked(size, kernel_size, stride, dilation)
    before, after = _padding_pair("padding", padding)
    span = w + before + after - effective_kernel_size(k, d)
    if not ceil_mode:
        if span < 0:
            raise _kernel_too_large(k, d, w, before, after, _dim)
        return span // s + 1
    # PyTorch's pooling: ⌈span / S⌉ + 1 (which may let the one window overhang the
    # padded input by up to S − 1 cells), then drop a last window starting past P_before + W.
    out = -(-span // s) + 1
    if (out - 1) * s >= w + before:
        out -= 1
    if out < 1:
        raise _kernel_too_large(k, d, w, before, after, _dim)
    return out


def output_size_formula(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding=0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> str:
    """The output-size formula with the numbers substituted, as a learner writes it.

    >>> output_size_formula(8, 3, stride=2, padding=(0, 1))
    '⌊(8 + 0 + 1 − 3) / 2⌋ + 1 = 4'
    >>> output_size_formula(7, 3, dilation=2, padding=1)
    '⌊(7 + 1 + 1 − 2·(3 − 1) − 1) / 1⌋ + 1 = 5'

    Raises the same errors as :func:`output_size`.
    """
    _one_dimension("output_size_formula", size)
    out = output_size(size, kernel_size, stride, padding, dilation, ceil_mode)
    before, after = _padding_pair("padding", padding)
    kernel = f"{kernel_size}" if dilation == 1 else f"{dilation}·({kernel_size} − 1) − 1"
    left, right = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    text = f"{left}({size} + {before} + {after} − {kernel}) / {stride}{right} + 1"
    if ceil_mode:
        span = size + before + after - effective_kernel_size(kernel_size, dilation)
        naive = -(-span // stride) + 1
        if naive != out:
            return f"{text} = {naive} − 1 (last window would start in the right padding) = {out}"
    return f"{text} = {out}"


def window_indices(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding=0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> list[list[int]]:
    """For each output position, the input cells its window reads (one dimension).

    Indices are in input coordinates: ``-1, -2, …`` are cells of the padding before the
    input, ``W, W + 1, …`` cells of the padding after it, and ``0 … W − 1`` real cells
    (with ``ceil_mode`` a last window may also reach past the right padding, as in
    PyTorch). Window ``i`` reads ``i·S − P_before + j·D`` for ``j = 0 … K − 1``.

    >>> window_indices(8, 3, stride=2)
    [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    >>> window_indices(4, 2, stride=2, padding=(0, 1), dilation=1)
    [[0, 1], [2, 3]]
    """
    _one_dimension("window_indices", size)
    out = output_size(size, kernel_size, stride, padding, dilation, ceil_mode)
    before, _ = _padding_pair("padding", padding)
    return [[i * stride - before + j * dilation for j in range(kernel_size)] for i in range(out)]


# ---------------------------------------------------------------------------------------
# Keras / TensorFlow
# ---------------------------------------------------------------------------------------


def _check_mode(padding) -> str:
    if not isinstance(padding, str):
        raise TypeError(
            f"padding must be one of {', '.join(map(repr, KERAS_PADDING_MODES))}, "
            f"got {type(padding).__name__} {padding!r}; for a number of cells use output_size"
        )
    mode = padding.lower()
    if mode not in KERAS_PADDING_MODES:
        raise ValueError(
            f"padding must be one of {', '.join(map(repr, KERAS_PADDING_MODES))}, got {padding!r}"
        )
    return mode


def keras_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
) -> IntOrTuple:
    """Output size of a Keras/TensorFlow convolution or pooling layer.

    * ``'valid'``: ``out = ⌊(W − K_eff) / S⌋ + 1`` (no padding; the kernel must fit).
    * ``'same'``: ``out = ⌈W / S⌉`` — whatever the kernel; TensorFlow pads to make it so.
    * ``'causal'`` (1-D only): all ``D·(K − 1)`` padding on the left, so also ``⌈W / S⌉``.

    Keras refuses ``strides > 1`` together with ``dilation_rate > 1`` in its convolution
    layers; this function still follows the same formulas for such a configuration,
    because PyTorch runs it and the definition is unambiguous.

    >>> keras_output_size(30, 3)
    28
    >>> keras_output_size(30, 2, stride=2, padding="same")
    15
    >>> keras_output_size((31, 32), 3, stride=2, padding="same")
    (16, 16)
    """
    mode = _check_mode(padding)
    dims = _dims(size)
    if mode == "causal" and dims is not None and len(dims) != 1:
        raise ValueError(
            f"padding='causal' exists only for 1-D layers (Conv1D), but size has "
            f"{_dimensions(len(dims))}"
        )
    return _per_dimension(
        _keras_output_size_1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        mode=mode,
        dilation=dilation,
    )


def _keras_output_size_1d(size, kernel_size, stride, mode, dilation, _dim=None) -> int:
    w, k, s, d = _checked(size, kernel_size, stride, dilation)
    if mode == "valid":
        span = w - effective_kernel_size(k, d)
        if span < 0:
            raise _kernel_too_large(k, d, w, 0, 0, _dim)
        return span // s + 1
    return -(-w // s)


def same_padding(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    dilation: IntOrTuple = 1,
) -> Pair | tuple[Pair, ...]:
    """TensorFlow's ``'same'`` padding split ``(before, after)``.

    ``out = ⌈W / S⌉``, ``total = max((out − 1)·S + K_eff − W, 0)``,
    ``before = ⌊total / 2⌋``, ``after = total − before`` — the odd cell goes after
    (bottom/right), in TensorFlow and in PyTorch's ``padding='same'`` alike.

    The split depends on ``W``, not only on the kernel: with K=3, S=2 it is ``(1, 1)``
    for W=5 and ``(0, 1)`` for W=6.

    >>> same_padding(5, 3, 2), same_padding(6, 3, 2)
    ((1, 1), (0, 1))
    >>> same_padding(224, 7, 2)
    (2, 3)
    >>> same_padding((31, 32), 3, 2)
    ((1, 1), (0, 1))
    """
    return _per_dimension(
        _same_padding_1d, size, kernel_size=kernel_size, stride=stride, dilation=dilation
    )


def _same_padding_1d(size, kernel_size, stride, dilation, _dim=None) -> Pair:
    w, k, s, d = _checked(size, kernel_size, stride, dilation)
    out = -(-w // s)
    total = max((out - 1) * s + effective_kernel_size(k, d) - w, 0)
    return (total // 2, total - total // 2)


# ---------------------------------------------------------------------------------------
# Keras 'same' in PyTorch
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TorchPadding:
    """How to get Keras/TensorFlow ``'same'`` in PyTorch for one configuration.

    * ``symmetric`` — True when the layer's own ``padding=`` reproduces it exactly.
    * ``padding`` — the value for the layer's ``padding=`` argument (an int, or a tuple
      with one int per dimension); ``0`` when the split is not symmetric.
    * ``pad`` — ``None`` when symmetric; otherwise the explicit pad in ``F.pad`` /
      ``nn.ZeroPad2d`` order, *last dimension first*: ``(left, right, top, bottom)``
      in 2-D.
    * ``code`` — PyTorch line(s) to paste.
    """

    symmetric: bool
    padding: IntOrTuple
    pad: tuple[int, ...] | None
    code: str


def torch_padding(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    dilation: IntOrTuple = 1,
) -> TorchPadding:
    """What to write in PyTorch to get Keras ``padding='same'``.

    When TensorFlow's split ``(before, after)`` has ``before == after`` in every
    dimension, ``padding=before`` on the layer is exact. Otherwise the input needs an
    explicit, asymmetric pad first (``F.pad``/``nn.ZeroPad2d`` take the *last* dimension
    first), then the layer runs with ``padding=0``.

    >>> torch_padding(30, 3).padding
    1
    >>> tp = torch_padding((8, 8), 3, stride=2)
    >>> tp.symmetric, tp.pad
    (False, (0, 1, 0, 1))
    >>> print(tp.code)
    nn.ZeroPad2d((0, 1, 0, 1))  # (left, right, top, bottom)
    nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=2, padding=0)
    """
    dims = _dims(size)
    splits = same_padding(size, kernel_size, stride, dilation)
    splits_seq = (splits,) if dims is None else splits
    symmetric = all(b == a for b, a in splits_seq)
    if symmetric:
        per_dim = tuple(b for b, _ in splits_seq)
        padding = per_dim[0] if dims is None else per_dim
        pad = None
    else:
        padding = 0
        pad = tuple(p for split in reversed(splits_seq) for p in split)
    n = 1 if dims is None else len(dims)
    code = _torch_code(n, kernel_size, stride, dilation, padding, pad)
    return TorchPadding(symmetric=symmetric, padding=padding, pad=pad, code=code)


def _compact(value, n: int) -> str:
    """``3`` for 3 or (3, 3); ``(3, 2)`` for a per-dimension tuple that differs."""
    if _is_sequence(value):
        value = tuple(int(v) for v in value)
        if len(set(value)) == 1:
            return str(value[0])
        return str(value)
    return str(int(value))


_PAD_NAMES = {
    1: "(left, right)",
    2: "(left, right, top, bottom)",
    3: "(left, right, top, bottom, front, back)",
}


def _torch_code(n, kernel_size, stride, dilation, padding, pad) -> str:
    if n not in (1, 2, 3):
        # torch.nn has no convolution layer beyond 3-D: say so in a comment, give the pad.
        note = f"# torch.nn has no {n}-D convolution layer; run your own with padding="
        if pad is None:
            return f"{note}{_compact(padding, n)}"
        return f"x = F.pad(x, {pad})  # last dimension first\n{note}0"
    conv = f"nn.Conv{n}d"
    args = [f"kernel_size={_compact(kernel_size, n)}", f"stride={_compact(stride, n)}"]
    args.append(f"padding={_compact(padding, n)}")
    if _compact(dilation, n) != "1":
        args.append(f"dilation={_compact(dilation, n)}")
    layer = f"{conv}(in_channels, out_channels, {', '.join(args)})"
    if pad is None:
        return layer
    if n == 1:
        pad_line = f"nn.ConstantPad1d({pad}, 0.0)  # {_PAD_NAMES[1]}"
    elif n in (2, 3):
        pad_line = f"nn.ZeroPad{n}d({pad})  # {_PAD_NAMES[n]}"
    else:
        pad_line = f"x = F.pad(x, {pad})  # last dimension first"
    return f"{pad_line}\n{layer}"


# ---------------------------------------------------------------------------------------
# transposed convolutions
# ---------------------------------------------------------------------------------------


def transposed_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding=0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> IntOrTuple:
    """Output size of a PyTorch transposed convolution (``nn.ConvTranspose1d/2d/3d``).

    ``out = (W − 1)·S − P_before − P_after + D·(K − 1) + output_padding + 1``

    Read it as a picture: every input cell stamps the dilated kernel (``K_eff`` cells)
    into the output, each stamp ``S`` cells further along than the one before, so the
    stamps cover ``(W − 1)·S + K_eff`` cells. ``padding`` then *removes* cells from the
    two ends (PyTorch's int ``padding`` removes the same number from both; a
    ``(before, after)`` pair is accepted here to describe a crop) and ``output_padding``
    adds cells at the end (bottom/right).

    PyTorch requires ``output_padding < max(S, D)``: the extra cells only fill the gap a
    stride or a dilation leaves after the last stamp.

    >>> transposed_output_size(4, 3, stride=2, padding=1, output_padding=1)
    8
    >>> transposed_output_size(15, 3, stride=2, padding=(0, 1))
    30
    >>> transposed_output_size((4, 5), 4, stride=2, padding=1)
    (8, 10)
    """
    if isinstance(padding, str):
        raise TypeError(
            f"padding must be an int or a (before, after) pair of ints, got the string "
            f"{padding!r}; for Keras' 'same'/'valid' use keras_transposed_output_size"
        )
    return _per_dimension(
        _transposed_output_size_1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )


def _transposed_output_size_1d(
    size, kernel_size, stride, padding, output_padding, dilation, _dim=None
) -> int:
    w, k, s, d = _checked(size, kernel_size, stride, dilation)
    before, after = _padding_pair("padding", padding)
    op = _check_int("output_padding", output_padding, 0)
    if op >= max(s, d):
        raise ValueError(
            f"output_padding must be < max(stride, dilation) = {max(s, d)}{_where(_dim)}, "
            f"got {op}; PyTorch refuses more, because output_padding only fills the gap a "
            f"stride or dilation leaves after the last stamp of the kernel: use 0 … "
            f"{max(s, d) - 1}"
        )
    stamps = (w - 1) * s + effective_kernel_size(k, d)
    out = stamps - before - after + op
    if out < 1:
        extra = f" + output_padding {op}" if op else ""
        raise ValueError(
            f"padding {before} + {after} removes the whole output{_where(_dim)}: the kernel "
            f"stamps cover (size − 1)·stride + D·(K − 1) + 1 = {stamps} cells{extra}, "
            f"and PyTorch needs at least 1 left; use at most {stamps + op - 1} padding in total"
        )
    return out


def _check_transposed_mode(padding) -> str:
    mode = _check_mode(padding)
    if mode == "causal":
        raise ValueError(
            "padding='causal' exists only for the forward Conv1D; Keras' transposed "
            "convolutions (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose) take "
            "'valid' or 'same'"
        )
    return mode


def keras_transposed_output_size(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: str = "valid",
    output_padding: IntOrTuple | None = None,
    dilation: IntOrTuple = 1,
) -> IntOrTuple:
    """Output size of Keras' ``Conv2DTranspose`` (and 1-D/3-D), as TensorFlow computes it.

    Without ``output_padding`` (Keras' default ``None``):

    * ``'valid'``: ``out = W·S + max(K_eff − S, 0)`` — every stamp of the kernel kept;
    * ``'same'``: ``out = W·S`` — whatever the kernel: the transposed convolution undoes
      a ``'same'`` convolution of stride ``S``, whose output is ``⌈W·S / S⌉ = W``.

    With ``output_padding``: ``out = (W − 1)·S + K_eff − 2·pad + output_padding`` with
    ``pad = ⌊K_eff / 2⌋`` for ``'same'`` and ``0`` for ``'valid'``.

    Keras refuses ``output_padding >= stride``. TensorFlow computes a transposed
    convolution as the gradient of the forward one, so it also refuses an output size
    whose forward convolution does not give back ``W``: that happens for ``'same'`` with
    ``output_padding=0`` and an even ``K_eff`` (``out = (W − 1)·S``, whose ``'same'``
    convolution has ``W − 1`` outputs). Both raise a ValueError here. Keras also refuses
    ``strides > 1`` with ``dilation_rate > 1``; as in :func:`keras_output_size`, such a
    configuration still follows the formulas.

    >>> keras_transposed_output_size(15, 3, stride=2, padding="same")
    30
    >>> keras_transposed_output_size(15, 3, stride=2)
    31
    >>> keras_transposed_output_size(15, 3, stride=2, padding="same", output_padding=0)
    29
    >>> keras_transposed_output_size((15, 16), 4, stride=2, padding="same")
    (30, 32)
    """
    mode = _check_transposed_mode(padding)
    return _per_dimension(
        _keras_transposed_output_size_1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        mode=mode,
        output_padding=output_padding,
        dilation=dilation,
    )


def _keras_transposed_output_size_1d(
    size, kernel_size, stride, mode, output_padding, dilation, _dim=None
) -> int:
    w, k, s, d = _checked(size, kernel_size, stride, dilation)
    eff = effective_kernel_size(k, d)
    if output_padding is None:
        return w * s + max(eff - s, 0) if mode == "valid" else w * s
    op = _check_int("output_padding", output_padding, 0)
    if op >= s:
        raise ValueError(
            f"output_padding must be < stride {s}{_where(_dim)}, got {op}; Keras refuses "
            f"output_padding >= strides: use 0 … {s - 1}, or output_padding=None"
        )
    pad = eff // 2 if mode == "same" else 0
    out = (w - 1) * s + eff - 2 * pad + op
    forward = -(-out // s) if mode == "same" else (out - eff) // s + 1
    if forward != w:
        dilated = f" (dilated to {eff})" if d > 1 else ""
        raise ValueError(
            f"padding='same' with output_padding {op} and the even kernel_size {k}{dilated} "
            f"gives (size − 1)·stride = {out} cells{_where(_dim)}, and TensorFlow refuses it: "
            f"a 'same' convolution of {out} cells has ⌈{out} / {s}⌉ = {forward} outputs, not "
            f"size {w}; use output_padding >= 1 (needs stride >= 2), an odd kernel, or "
            f"output_padding=None ({w * s} cells)"
        )
    return out


def transposed_as_convolution(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding=0,
    output_padding: int = 0,
    dilation: int = 1,
) -> tuple[int, Pair]:
    """A transposed convolution as the plain convolution it is: ``(spread, (before, after))``.

    Spread the input by the stride (``S − 1`` zeros between cells: ``(W − 1)·S + 1``
    cells), pad it by ``D·(K − 1) − P_before`` before and ``D·(K − 1) − P_after +
    output_padding`` after, and slide the kernel, rotated by 180°, with stride 1 and
    dilation ``D``: the output is :func:`transposed_output_size` cells, each the sum that
    the stamps of the kernel leave there. ``padding`` is PyTorch's int or a
    ``(before, after)`` pair (a crop). One dimension only.

    >>> transposed_as_convolution(4, 3, stride=2, padding=1, output_padding=1)
    (7, (1, 2))
    >>> transposed_as_convolution(15, 3, stride=2, padding=(0, 1))
    (29, (2, 1))
    """
    _one_dimension("transposed_as_convolution", size)
    transposed_output_size(size, kernel_size, stride, padding, output_padding, dilation)
    before, after = _padding_pair("padding", padding)
    reach = effective_kernel_size(kernel_size, dilation) - 1  # D·(K − 1)
    if max(before, after) > reach:
        raise ValueError(
            f"padding {max(before, after)} is more than D·(K − 1) = {reach}: the transposed "
            f"convolution then crops part of the spread input itself, which no padding of a "
            f"plain convolution shows; use padding 0 … {reach} to see it as one"
        )
    return (size - 1) * stride + 1, (reach - before, reach - after + output_padding)


@dataclass(frozen=True)
class TorchTransposedPadding:
    """How to get Keras ``Conv2DTranspose(..., padding='same')`` in PyTorch.

    * ``padding`` — the value for ``nn.ConvTranspose2d``'s ``padding=`` (cells removed
      from both ends of the stamped output);
    * ``output_padding`` — the value for its ``output_padding=`` (cells added at the end);
    * ``crop`` — ``(0, 1)``: cut one cell from the end (bottom/right) of the layer's
      output afterwards; ``None``: no crop needed;
    * ``code`` — PyTorch line(s) to paste.

    With a tuple ``size`` each field except ``code`` is a tuple with one entry per
    dimension (``crop`` then holds ``(0, 1)`` or ``None`` for each dimension).
    """

    padding: IntOrTuple
    output_padding: IntOrTuple
    crop: Pair | None | tuple[Pair | None, ...]
    code: str


def torch_transposed_padding(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    dilation: IntOrTuple = 1,
) -> TorchTransposedPadding:
    """What to write in PyTorch to get Keras' transposed ``padding='same'`` (``W·S`` cells).

    TensorFlow's ``'same'`` transposed output is the stamped output (``(W − 1)·S + K_eff``
    cells, see :func:`transposed_output_size`) with the forward ``'same'`` padding of
    ``W·S`` cells removed: ``T = max(K_eff − S, 0)`` in total, ``⌊T / 2⌋`` at the start.
    PyTorch removes the same number from both ends, so:

    * ``padding = ⌊T / 2⌋``;
    * ``output_padding = max(S − K_eff, 0)`` — when the kernel is shorter than the
      stride, the stamps end ``S − K_eff`` cells short of ``W·S``;
    * ``crop = (0, 1)`` when ``T`` is odd: one cell too many is left at the end.

    ``output_padding ≤ S − 1``, so PyTorch's rule ``output_padding < max(S, D)`` always
    holds. The answer does not depend on ``W`` (unlike the forward ``'same'`` split);
    ``size`` gives the number of dimensions.

    >>> tp = torch_transposed_padding(15, 3, stride=2)
    >>> tp.padding, tp.output_padding, tp.crop
    (0, 0, (0, 1))
    >>> print(torch_transposed_padding((15, 15), 3, stride=2).code)
    nn.ConvTranspose2d(in_channels, out_channels, kernel_size=3, stride=2, padding=0)
    y = y[..., :-1, :-1]  # crop: drop the last cell at the end (bottom/right)
    >>> tp = torch_transposed_padding((15, 15), (4, 1), stride=2)
    >>> tp.padding, tp.output_padding, tp.crop
    ((1, 0), (0, 1), (None, None))
    """
    answer = _per_dimension(
        _torch_transposed_padding_1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        dilation=dilation,
    )
    if _is_sequence(size):  # one (padding, output_padding, crop) per dimension
        padding, output_padding, crop = (tuple(field) for field in zip(*answer, strict=True))
        n = len(size)
        crops = crop
    else:
        padding, output_padding, crop = answer
        n = 1
        crops = (crop,)
    code = _torch_transposed_code(n, kernel_size, stride, dilation, padding, output_padding, crops)
    return TorchTransposedPadding(
        padding=padding, output_padding=output_padding, crop=crop, code=code
    )


def _torch_transposed_padding_1d(size, kernel_size, stride, dilation, _dim=None):
    _, k, s, d = _checked(size, kernel_size, stride, dilation)
    eff = effective_kernel_size(k, d)
    total = max(eff - s, 0)
    crop = (0, 1) if total % 2 else None
    return total // 2, max(s - eff, 0), crop


def transposed_same_crop(kernel_size: int, stride: int = 1, dilation: int = 1) -> tuple[Pair, int]:
    """Keras' transposed ``'same'`` as a crop and an ``output_padding``, one dimension:
    ``((before, after), output_padding)``.

    Of the ``(W − 1)·S + K_eff`` stamped cells, Keras keeps ``W·S``: it removes
    ``T = max(K_eff − S, 0)`` cells, ``before = ⌊T / 2⌋`` at the start and
    ``after = T − before`` at the end, and adds ``output_padding = max(S − K_eff, 0)``
    when the stamps fall short. PyTorch's ``padding=`` removes ``before`` from both ends
    (:func:`torch_transposed_padding`); ``after − before`` (0 or 1) is its crop.

    >>> transposed_same_crop(3, stride=2)
    ((0, 1), 0)
    >>> transposed_same_crop(4, stride=2)
    ((1, 1), 0)
    >>> transposed_same_crop(1, stride=3)
    ((0, 0), 2)
    """
    tp = torch_transposed_padding(1, kernel_size, stride, dilation)
    return (tp.padding, tp.padding + (1 if tp.crop else 0)), tp.output_padding


def symmetric_paddings(
    size: int, kernel_size: int, stride: int, target: int, dilation: int = 1
) -> list[int]:
    """Every ``P`` for which PyTorch's ``padding=P`` (both sides) gives ``target`` outputs.

    The symmetric pairs ``(P, P)`` among :func:`solve_padding`'s: ``2P`` runs over the
    ``S`` totals from ``(target − 1)·S + K_eff − W``. Empty when only an uneven split
    works (then pad with ``F.pad`` first). One dimension only.

    >>> symmetric_paddings(8, 3, 2, 4)
    [1]
    >>> symmetric_paddings(8, 4, 1, 8)
    []
    """
    _one_dimension("symmetric_paddings", size)
    return [b for b, a in solve_padding(size, kernel_size, stride, target, dilation) if b == a]


def half_padding(kernel_size: int, dilation: int = 1) -> int:
    """The common "half" padding ``P = ⌊D·(K − 1) / 2⌋`` = ``⌊(K_eff − 1) / 2⌋``.

    What ported code often writes for ``'same'`` (``padding=(k - 1) // 2``), and the
    naive ``padding=`` of a transposed convolution. It is ``'same'`` only at stride 1 with
    an odd ``K_eff`` (compare :func:`same_padding`).

    >>> half_padding(3), half_padding(4), half_padding(3, dilation=2)
    (1, 1, 2)
    """
    return (effective_kernel_size(kernel_size, dilation) - 1) // 2


def _torch_transposed_code(n, kernel_size, stride, dilation, padding, output_padding, crops):
    slices = ", ".join(":-1" if c else ":" for c in crops)
    crop_line = None
    if any(crops):
        crop_line = f"y = y[..., {slices}]  # crop: drop the last cell at the end (bottom/right)"
    if n not in (1, 2, 3):
        layer = (
            f"# torch.nn has no {n}-D transposed convolution layer; run your own with "
            f"padding={_compact(padding, n)}, output_padding={_compact(output_padding, n)}"
        )
    else:
        args = [f"kernel_size={_compact(kernel_size, n)}", f"stride={_compact(stride, n)}"]
        args.append(f"padding={_compact(padding, n)}")
        if _compact(output_padding, n) != "0":
            args.append(f"output_padding={_compact(output_padding, n)}")
        if _compact(dilation, n) != "1":
            args.append(f"dilation={_compact(dilation, n)}")
        layer = f"nn.ConvTranspose{n}d(in_channels, out_channels, {', '.join(args)})"
    return layer if crop_line is None else f"{layer}\n{crop_line}"


# ---------------------------------------------------------------------------------------
# the inverse problem and causal padding
# ---------------------------------------------------------------------------------------


def solve_padding(
    size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple,
    target: IntOrTuple,
    dilation: IntOrTuple = 1,
) -> list[Pair] | tuple[list[Pair], ...]:
    """Every ``(before, after)`` padding whose :func:`output_size` is ``target``.

    ``out = target`` exactly when
    ``(target − 1)·S ≤ W + P_before + P_after − K_eff ≤ (target − 1)·S + S − 1``,
    so the total padding runs over ``S`` consecutive values starting at
    ``(target − 1)·S + K_eff − W`` (fewer when that start is negative), and every split of
    each total works. Pairs come ordered by total, then by ``before``. A ``ValueError``
    says why when no padding can give ``target``: padding only makes the output larger.

    Large targets need paddings whose first or last windows read nothing but padding;
    they are listed all the same, since PyTorch runs them.

    For W=8, K=3, S=2 and an output of 4, both TensorFlow's ``'same'`` split ``(0, 1)``
    and PyTorch's ``padding=1`` (``(1, 1)``) work — with different values:

    >>> solve_padding(8, 3, 2, 4)
    [(0, 1), (1, 0), (0, 2), (1, 1), (2, 0)]
    >>> solve_padding(30, 3, 1, 30)
    [(0, 2), (1, 1), (2, 0)]
    >>> solve_padding((8, 5), 3, 2, (4, 2))
    ([(0, 1), (1, 0), (0, 2), (1, 1), (2, 0)], [(0, 0), (0, 1), (1, 0)])
    """
    return _per_dimension(
        _solve_padding_1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        target=target,
        dilation=dilation,
    )


def _solve_padding_1d(size, kernel_size, stride, target, dilation, _dim=None) -> list[Pair]:
    w = _check_int("size", size, 1)
    k = _check_int("kernel_size", kernel_size, 1)
    s = _check_int("stride", stride, 1)
    t = _check_int("target", target, 1)
    d = _check_int("dilation", dilation, 1)
    eff = effective_kernel_size(k, d)
    low = (t - 1) * s + eff - w
    high = low + s - 1
    if high < 0:
        unpadded = (w - eff) // s + 1
        dilated = f" (dilated to {eff})" if d > 1 else ""
        raise ValueError(
            f"target {t} is smaller than {unpadded}, the output with no padding at all "
            f"(size {w}, kernel_size {k}{dilated}, stride {s}){_where(_dim)}; padding only "
            f"makes the output larger: use a larger stride or kernel_size, or a target "
            f">= {unpadded}"
        )
    return [(b, total - b) for total in range(max(low, 0), high + 1) for b in range(total + 1)]


def causal_padding(kernel_size: int, dilation: int = 1) -> Pair:
    """Keras' ``Conv1D(padding='causal')`` as a ``(left, right)`` pad: ``(D·(K − 1), 0)``.

    All the padding goes before the sequence, so output ``t`` reads inputs ``t`` and
    earlier only: the model never sees the future. In PyTorch:
    ``F.pad(x, causal_padding(K, D))`` (or ``nn.ConstantPad1d(causal_padding(K, D), 0.0)``)
    before an ``nn.Conv1d`` with ``padding=0``.

    >>> causal_padding(3)
    (2, 0)
    >>> causal_padding(3, dilation=4)
    (8, 0)
    """
    for name, value in (("kernel_size", kernel_size), ("dilation", dilation)):
        if _is_sequence(value):
            raise TypeError(
                f"{name} must be an int, got {value!r}; causal padding exists only for 1-D "
                f"layers (Keras Conv1D(padding='causal')), one kernel size for the time axis"
            )
    k = _check_int("kernel_size", kernel_size, 1)
    d = _check_int("dilation", dilation, 1)
    return (effective_kernel_size(k, d) - 1, 0)
