"""PortReport and its rows: what compare found, printed the same on every machine."""

from __future__ import annotations

import html
from dataclasses import dataclass, field


@dataclass
class Row:
    """One layer of a :class:`PortReport`."""

    name: str
    kind: str
    keras_shape: tuple
    torch_shape: tuple | None
    keras_params: int
    torch_params: int | None
    max_abs_diff: float | None
    note: str = ""
    tolerance: float | None = None  # what max_abs_diff was held to
    peak: float | None = None  # max |Keras activation| at this layer

    def diff_text(self) -> str:
        """The difference as printed: ``< 1e-05`` within tolerance, else its value.

        A difference at float32 rounding level has digits that depend on the SIMD kernels
        PyTorch picks for the CPU; "below the tolerance" is the same everywhere. The exact
        value stays in :attr:`max_abs_diff`.
        """
        if self.max_abs_diff is None:
            return ""
        if self.tolerance is not None and self.max_abs_diff <= self.tolerance:
            return f"< {self.tolerance:.2g}" if self.max_abs_diff < self.tolerance else "ok"
        return f"{self.max_abs_diff:.3g}"


@dataclass(repr=False)
class PortReport:
    """What :func:`compare` found: one row per layer, the worst difference, and why.

    Printed (``str``, ``repr`` and the notebook HTML), a difference within its tolerance
    reads ``< 1e-05`` rather than digits that vary from CPU to CPU; the exact numbers are
    in :attr:`max_abs_diff` and each row's ``max_abs_diff``.
    """

    rows: list
    max_abs_diff: float
    tolerance: float
    first_divergence: Row | None
    cause: str
    per_layer: bool = True
    keras_own: list = field(default_factory=list)
    max_rel_diff: float | None = None  # worst layer's max |diff| / its max |Keras value|

    @property
    def ok(self) -> bool:
        return self.first_divergence is None

    def _table(self):
        head = [
            "#",
            "layer",
            "Keras type",
            "Keras shape (NHWC)",
            "torch shape",
            "Keras params",
            "torch params",
            "max |diff|",
            "note",
        ]
        body = []
        for i, r in enumerate(self.rows, 1):
            body.append(
                [
                    str(i),
                    r.name,
                    r.kind,
                    _shape_text(r.keras_shape),
                    _shape_text(r.torch_shape),
                    f"{r.keras_params:,}",
                    "" if r.torch_params is None else f"{r.torch_params:,}",
                    r.diff_text(),
                    r.note,
                ]
            )
        return head, body

    def _summary(self) -> list[str]:
        if self.ok:
            lines = [
                f"max abs diff within tolerance at every layer (output tolerance "
                f"{self.tolerance:.3g}; exact values in .max_abs_diff)"
            ]
        else:
            lines = [f"max abs diff {self.max_abs_diff:.3g} (tolerance {self.tolerance:.3g})"]
        if self.first_divergence is None:
            lines.append("no divergence")
        else:
            lines.append(f"first divergence: {self.first_divergence.name}")
        lines.append(f"cause: {self.cause}")
        return lines

    def __str__(self) -> str:
        head, body = self._table()
        widths = [max(len(row[c]) for row in [head, *body]) for c in range(len(head))]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        out = [fmt.format(*head).rstrip(), "  ".join("-" * w for w in widths)]
        out += [fmt.format(*row).rstrip() for row in body]
        return "\n".join(out + [""] + self._summary())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head, body = self._table()
        esc = html.escape
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body
        )
        summary = "<br>".join(esc(s) for s in self._summary())
        return (
            "<table><thead><tr>"
            + "".join(f"<th>{esc(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{rows}</tbody></table><p>{summary}</p>"
        )


def _shape_text(shape) -> str:
    if shape is None:
        return ""
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")"
