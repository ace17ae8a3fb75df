"""Keras merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate).

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
