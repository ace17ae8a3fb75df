"""Keras merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate) and the
elementwise keras.ops a functional model calls on its tensors (``x + 3.0``, ``a * b``).

They have no weights: ``from_keras`` calls a small module, the written source spells the
operation out in ``forward`` (``a + b``, ``torch.cat([a, b], dim=1)``).
"""

from __future__ import annotations

from .reading import _torch_dim
from .registry import Converted, converts
from .spec import _Spec, _unsupported

_SYMBOLS = {"add": " + ", "subtract": " - ", "multiply": " * "}


def _same_rank(node) -> int:
    ranks = {len(t.shape) for t in node.inputs}
    if len(ranks) != 1:
        raise _unsupported(node.layer, f"inputs of different ranks {sorted(ranks)}")
    if any(t.perm is not None for t in node.inputs):
        raise _unsupported(node.layer, "an input in a permuted feature order")  # pragma: no cover
    return ranks.pop()


@converts("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
def merge(node) -> Converted:
    """Elementwise, with broadcasting as in Keras (channels-first keeps size-1 axes aligned)."""
    _same_rank(node)
    op = node.kind.lower()

    def expr(*names):
        if op in _SYMBOLS:
            return _SYMBOLS[op].join(names)
        if op == "average":
            return f"({' + '.join(names)}) / {len(names)}"
        fn = f"torch.{op}"
        out = names[0]
        for n in names[1:]:
            out = f"{fn}({out}, {n})"
        return out

    shapes = ", ".join(str(t.shape[1:]) for t in node.inputs)
    comment = [f"{node.layer.name}: Keras {node.kind} of {shapes}"]
    return Converted(_Spec("Merge", (op,)), comment, expr=expr)


@converts("Concatenate")
def concatenate(node) -> Converted:
    """torch.cat along Keras' axis moved to channels-first (axis=-1 is dim 1)."""
    rank = _same_rank(node)
    axis = int(node.cfg["axis"])
    dim = _torch_dim(axis, rank)

    def expr(*names):
        return f"torch.cat([{', '.join(names)}], dim={dim})"

    comment = [f"{node.layer.name}: Keras Concatenate(axis={axis}) -> torch.cat(dim={dim})"]
    return Converted(_Spec("Concatenate", (dim,)), comment, expr=expr)


_OPS = {"Add": " + ", "Subtract": " - ", "Multiply": " * ", "Divide": " / ", "TrueDivide": " / "}


@converts(*(f"ops.{name}" for name in _OPS))
def elementwise_op(node) -> Converted:
    """keras.ops add/subtract/multiply/divide of tensors and Python numbers (x + 3.0)."""
    from .reading import _keras

    symbol = _OPS[node.kind.removeprefix("ops.")]
    slots = []
    for arg in node.op_args:
        if isinstance(arg, _keras().KerasTensor):
            slots.append(None)
        elif isinstance(arg, (int, float)) and not isinstance(arg, bool):
            slots.append(float(arg))
        else:
            raise _unsupported(node.layer, f"an argument of type {type(arg).__name__}")
    if len(slots) != 2:
        raise _unsupported(node.layer, f"{len(slots)} arguments")  # pragma: no cover
    _same_rank(node)

    def expr(*names):
        it = iter(names)
        return symbol.join(next(it) if v is None else repr(v) for v in slots)

    shown = expr(*("x" if len(node.inputs) == 1 else f"x{i}" for i in range(len(node.inputs))))
    comment = [f"{node.layer.name}: keras.ops {node.kind.removeprefix('ops.')}: {shown}"]
    op = node.kind.removeprefix("ops.").lower().replace("truedivide", "divide")
    return Converted(_Spec("ElementwiseOp", (op, slots)), comment, expr=expr)
