"""to_torch_source: the plan written as readable PyTorch source (standalone: torch only).

A chain of layers is written as an ``nn.Sequential``; any other graph as a class whose
``forward`` computes each tensor in order, named after its Keras layer.
"""

from __future__ import annotations

import inspect
import os
import re
import string
import textwrap

from . import modules
from .plan import Plan, _plan
from .reading import _load

_RANKS = (1, 2, 3)
_SAME_CLASSES = tuple(
    f"{kind}{n}dSame" for kind in ("Conv", "MaxPool", "AvgPool", "ConvTranspose") for n in _RANKS
)
_EXPORTED = ("BatchNormAxis", "FlattenChannelsLast")  # importable from samepad_viz.port
_NEEDS_SAME_PAD = tuple(name for name in _SAME_CLASSES if not name.startswith("ConvTranspose"))


# The *Same layers for standalone source: short, torch-only, and pinned equal to
# samepad_viz.layers by tests/test_port.py (2-D) and tests/test_port_rank.py (1-D, 3-D).
# They pad explicitly with F.pad (a copy per call); samepad_viz.layers avoids the copy
# where it can. One template per kind, written out for the rank a model needs (${n}: 1, 2
# or 3; ${tuple}: torch's _single, _pair or _triple); each block is emitted only when the
# model needs it.
_SAME_PAD = '''
def _same_pad(x, kernel_size, stride, dilation=None, value=0.0):
    """Pad the last len(kernel_size) dims of ``x`` with TensorFlow's 'same' split: total =
    max((ceil(W/S) - 1)*S + D*(K - 1) + 1 - W, 0), before = total // 2, the odd cell after."""
    pads = []
    spatial = x.shape[x.dim() - len(kernel_size) :]
    dilation = dilation or (1,) * len(kernel_size)
    for size, k, s, d in zip(spatial, kernel_size, stride, dilation):
        total = max((-(-size // s) - 1) * s + d * (k - 1) + 1 - size, 0)
        pads = [total // 2, total - total // 2] + pads
    return F.pad(x, pads, value=value)
'''

_TEMPLATES = {
    "Conv": '''
class Conv${n}dSame(nn.Conv${n}d):
    """nn.Conv${n}d with Keras' Conv${n}D(padding='same'): any input size, stride, dilation."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1,
                 groups=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, dilation,
                         groups, bias)

    def forward(self, x):
        return super().forward(_same_pad(x, self.kernel_size, self.stride, self.dilation))
''',
    "MaxPool": '''
class MaxPool${n}dSame(nn.Module):
    """Keras MaxPooling${n}D(padding='same'): pads with -inf, so padding never wins."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = nn.modules.utils.${tuple}(kernel_size)
        self.stride = nn.modules.utils.${tuple}(stride or kernel_size)

    def forward(self, x):
        x = _same_pad(x, self.kernel_size, self.stride, value=float("-inf"))
        return F.max_pool${n}d(x, self.kernel_size, self.stride)
''',
    "AvgPool": '''
class AvgPool${n}dSame(nn.Module):
    """Keras AveragePooling${n}D(padding='same') as TensorFlow defines it: the mean of the
    real cells each window covers (padding never counted)."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = nn.modules.utils.${tuple}(kernel_size)
        self.stride = nn.modules.utils.${tuple}(stride or kernel_size)

    def forward(self, x):
        k, s = self.kernel_size, self.stride
        real = _same_pad(torch.ones_like(x[:1, :1]), k, s)  # 1 on real cells, 0 on padding
        return F.avg_pool${n}d(_same_pad(x, k, s), k, s) / F.avg_pool${n}d(real, k, s)
''',
    "ConvTranspose": '''
class ConvTranspose${n}dSame(nn.ConvTranspose${n}d):
    """nn.ConvTranspose${n}d with Keras' Conv${n}DTranspose(padding='same'): out = W*S. Per
    dimension T = max(D*(K - 1) + 1 - S, 0): padding T // 2, output_padding
    max(S - D*(K - 1) - 1, 0), and the last cell cropped where T is odd."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1,
                 bias=True):
        k, s, d = (nn.modules.utils.${tuple}(v) for v in (kernel_size, stride, dilation))
        eff = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
        total = [max(e - ss, 0) for e, ss in zip(eff, s)]
        output_padding = [max(ss - e, 0) for e, ss in zip(eff, s)]
        super().__init__(in_channels, out_channels, k, s, [t // 2 for t in total],
                         output_padding, 1, bias, d)
        self.crop = [t % 2 for t in total]

    def forward(self, x):
        y = super().forward(x)
        return y[...${crop}]
''',
}


def _same_block(name: str) -> str:
    """The standalone source of one ``*Same`` class, e.g. ``"MaxPool3dSame"``."""
    kind, n = name[: -len("1dSame")], int(name[-len("1dSame")])
    # 2-D: ": y.shape[-2] - self.crop[0], : y.shape[-1] - self.crop[1]"
    crops = [f": y.shape[{i - n}] - self.crop[{i}]" for i in range(n)]
    if n < 3:
        crop = "".join(f", {c}" for c in crops)
    else:  # one axis a line
        crop = ",\n" + "".join(f"{' ' * 12}{c},\n" for c in crops) + " " * 8
    return string.Template(_TEMPLATES[kind]).substitute(
        n=n, tuple={1: "_single", 2: "_pair", 3: "_triple"}[n], crop=crop
    )


def _port_classes(used) -> list[str]:
    """The classes of :mod:`.modules` among ``used`` (copied into standalone source)."""
    return [name for name in used if isinstance(getattr(modules, name, None), type)]


def _standalone_definitions(needed: list[str]) -> str:
    """Source of the ``*Same`` layers and port modules in ``needed``, needing only torch."""
    blocks = []
    same = [name for name in _SAME_CLASSES if name in needed]
    if any(name in _NEEDS_SAME_PAD for name in same):
        blocks.append(_SAME_PAD)
    blocks += [_same_block(name) for name in same]
    for name in _port_classes(needed):
        blocks.append(inspect.getsource(getattr(modules, name)))
    return "\n\n\n".join(b.strip() for b in blocks)


def _comment(texts, indent: int) -> list[str]:
    lines = []
    for text in texts:
        lines += textwrap.wrap(
            text, 100 - indent, initial_indent=" " * indent + "# ",
            subsequent_indent=" " * indent + "#   ", break_on_hyphens=False,
        )  # fmt: skip
    return lines


def _class_name(name: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", name) if w]
    text = "".join(w[:1].upper() + w[1:] for w in words)
    return text if text and text[0].isalpha() else f"Ported{text}"


def _shape_line(graph) -> str:
    if len(graph.inputs) == 1:
        shape = graph.inputs[0].shape
        nchw = (shape[-1], *shape[1:-1]) if len(shape) > 2 else shape[1:]
        return (
            f"Input: NCHW, shape (N, {', '.join(str(s) for s in nchw)}); Keras took "
            f"(N, {', '.join(str(s) for s in shape[1:])})"
        )
    parts = []
    for t in graph.inputs:
        shape = t.shape
        nchw = (shape[-1], *shape[1:-1]) if len(shape) > 2 else shape[1:]
        parts.append(
            f"{t.name} (N, {', '.join(str(s) for s in nchw)}) [Keras: (N, "
            f"{', '.join(str(s) for s in shape[1:])})]"
        )
    return "Input" + ("s" if len(parts) > 1 else "") + ", channels-first: " + "; ".join(parts)


def _sequential_body(plan: Plan) -> list[str]:
    lines = ["model = nn.Sequential(OrderedDict(["]
    for node, converted in plan.steps:
        lines += _comment(converted.comment, 4)
        lines.append(f'    ("{node.name}", {converted.spec.render(4)}),')
    lines.append("]))")
    return lines


def _class_body(plan: Plan, class_name: str) -> list[str]:
    graph = plan.graph
    lines = [
        f"class {class_name}(nn.Module):",
        f'    """The Keras model {graph.name!r}: one child per layer, forward in Keras\' order."""',
        "",
        "    def __init__(self):",
        "        super().__init__()",
    ]
    built = set()
    for node, converted in plan.steps:
        if converted.expr is not None or node.name in built:
            continue
        built.add(node.name)
        lines += _comment(converted.comment, 8)
        lines.append(f"        self.{node.name} = {converted.spec.render(8)}")
    lines += ["", f"    def forward(self, {', '.join(t.name for t in graph.inputs)}):"]
    for node, converted in plan.steps:
        names = [t.name for t in node.inputs]
        if converted.expr is not None:
            lines += _comment(converted.comment, 8)
            value = converted.expr(*names)
        else:
            value = f"self.{node.name}({', '.join(names)})"
        lines.append(f"        {node.outputs[0].name} = {value}")
    lines.append(f"        return {', '.join(t.name for t in graph.outputs)}")
    lines += ["", "", f"model = {class_name}()"]
    return lines


def to_torch_source(model_or_path, standalone: bool = False, weights: str | None = None) -> str:
    """Readable PyTorch source for :func:`from_keras`'s module.

    Executing the source binds ``model`` to a module whose ``state_dict`` keys equal those
    of ``from_keras(model_or_path)``, so
    ``model.load_state_dict(from_keras(m).state_dict())`` works: an ``nn.Sequential`` for
    a chain of layers, otherwise a class whose ``forward`` computes each tensor in order,
    named after its Keras layer. The source imports the ``*Same`` layers from
    :mod:`samepad_viz.layers` (and the port's own small modules from
    :mod:`samepad_viz.port`); with ``standalone=True`` it defines them itself and needs
    only torch.

    ``weights``, a file name (``"model.pt"``), adds lines that load that ``state_dict``
    from the source file's own folder when the source runs as a file (or is imported);
    executed from a string (no ``__file__``) the model keeps its initial weights.
    ``python -m samepad_viz.port`` writes both files.
    """
    return _source(_plan(_load(model_or_path)), standalone, weights)


def _source(plan: Plan, standalone: bool = False, weights: str | None = None) -> str:
    graph = plan.graph
    used = sorted({c for _, conv in plan.steps if conv.expr is None for c in conv.spec.classes()})
    same = [c for c in _SAME_CLASSES if c in used]
    helpers = _port_classes(used)
    lines = [
        f'"""PyTorch port of the Keras model {graph.name!r} (samepad_viz.port.to_torch_source).',
        "",
        _shape_line(graph) + ".",
        (
            "Weights: model.load_state_dict(samepad_viz.port.from_keras(keras_model).state_dict())"
            if weights is None
            else f"Weights: {weights} beside this file, loaded when it runs as a file."
        ),
        '"""',
        "",
        *(["import os"] if weights is not None else []),
        "from collections import OrderedDict",
        "",
        "import torch",
        "import torch.nn.functional as F",
        "from torch import nn",
        "",
    ]
    if standalone and (same or helpers):
        lines += ["", _standalone_definitions(same + helpers), "", ""]
    else:
        if same:
            lines.append(f"from samepad_viz.layers import {', '.join(sorted(same))}")
        exported = [c for c in helpers if c in _EXPORTED]
        if exported:
            lines.append(f"from samepad_viz.port import {', '.join(exported)}")
        if len(exported) < len(helpers):
            others = [c for c in helpers if c not in _EXPORTED]
            lines.append(f"from samepad_viz.port.modules import {', '.join(others)}")
        lines.append("")
    if plan.chain:
        lines += _sequential_body(plan)
    else:
        lines += ["", *_class_body(plan, _class_name(graph.name))]
    if weights is not None:
        lines += [
            'if "__file__" in globals():  # run or imported as a file, not exec\'d from a string',
            "    _weights = os.path.join(os.path.dirname(os.path.abspath(__file__)), "
            f"{os.path.basename(weights)!r})",
            "    model.load_state_dict(torch.load(_weights, weights_only=True))",
        ]
    lines.append("model.eval()")
    source = "\n".join(lines) + "\n"
    body = source.split("from torch import nn", 1)[1]
    if "F." not in body:
        source = source.replace("import torch.nn.functional as F\n", "")
    if "torch." not in body:
        source = source.replace("import torch\n", "")
    if "OrderedDict" not in body:
        source = source.replace("from collections import OrderedDict\n\n", "")
    return source
