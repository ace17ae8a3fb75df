"""docs/cheatsheet.md is what scripts/make_cheatsheet.py writes today, and every entry in it
is exact: its PyTorch lines (and each one-line alternative), run with the Keras layer's
weights copied, give the Keras 3 layer's output on a random input of the worked example's
size (Keras on the torch backend; tests/conftest.py sets ``KERAS_BACKEND=torch``).

Average pooling with ``'same'`` is compared with TensorFlow's definition instead — the
mean of the real cells each window covers — because Keras 3.15's torch backend repeats the
edge cell into an asymmetric split (pinned in tests/test_arithmetic.py)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import KERAS_NUMPY2_WARNINGS, random_array, tf_same_average_pool
from helpers_keras import RTOL, to_nchw, to_nhwc
from torch import nn

from samepad_viz import cheatsheet, layers

pytestmark = [
    KERAS_NUMPY2_WARNINGS,
    pytest.mark.usefixtures("one_torch_thread"),
    # PyTorch's own padding='same' (an alternative at stride 1) warns for even kernels
    pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning"),
]

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_cheatsheet.py"
COMMITTED = ROOT / "docs" / "cheatsheet.md"
ENTRIES = cheatsheet.entries()
SEED = 11


def _id(entry: cheatsheet.Entry) -> str:
    return re.sub(r"\W+", "-", f"{entry.section} {entry.keras} {entry.case}").strip("-")


# ---------------------------------------------------------------------------------------
# the page is current
# ---------------------------------------------------------------------------------------


def _load_script():
    spec = importlib.util.spec_from_file_location("make_cheatsheet", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_cheatsheet_is_what_the_script_writes_now(tmp_path):
    fresh = _load_script().make(tmp_path / "cheatsheet.md").read_text(encoding="utf-8")
    assert COMMITTED.exists(), f"docs/cheatsheet.md is missing: run scripts/{SCRIPT.name}"
    assert COMMITTED.read_text(encoding="utf-8") == fresh, (
        f"docs/cheatsheet.md is out of date: run scripts/{SCRIPT.name}"
    )


def test_every_table_row_has_five_cells_and_every_section_rows():
    page = cheatsheet.render()
    for line in page.splitlines():
        if line.startswith("|") and not line.startswith("| Term"):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert len(cells) in (2, 5), line
    for key in cheatsheet.SECTIONS:
        assert any(e.section == key for e in ENTRIES), f"section {key} has no row"


def test_the_cheatsheet_module_imports_neither_torch_nor_keras():
    probe = (
        "import sys, samepad_viz.cheatsheet as c; c.render(); "
        "print([m for m in ('torch', 'keras', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


GLOSSARY_TERMS = (
    "W", "K", "S", "P", "D", "K_eff", "taps", "window", "stride", "floor", "ceiling",
    "split", "symmetric", "asymmetric", "'same'", "'valid'", "'causal'", "pooling",
    "channels", "NCHW", "NHWC", "ceil_mode", "count_include_pad", "recipe A", "recipe B",
    "stamps", "crop", "chomp", "output_padding", "dilation",
)  # fmt: skip


@pytest.mark.parametrize("term", GLOSSARY_TERMS)
def test_the_glossary_defines_each_term_of_the_course(term):
    terms = [t for t, _ in cheatsheet.glossary()]
    assert any(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", t) for t in terms), term


def test_the_cheatsheet_covers_every_layer_with_a_padding_or_cropping_argument():
    keras_layers = {e.keras.split("(")[0] for e in ENTRIES}
    assert keras_layers >= {
        "Conv1D", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Conv2DTranspose",
        "DepthwiseConv2D", "SeparableConv2D", "ZeroPadding1D", "ZeroPadding2D",
        "Cropping1D", "Cropping2D", "UpSampling2D",
        "Conv3D", "MaxPooling1D", "MaxPooling3D", "AveragePooling1D", "AveragePooling3D",
        "Conv1DTranspose", "Conv3DTranspose",
    }  # fmt: skip
    modes = {(e.keras.split("(")[0], m) for e in ENTRIES for m in re.findall(r"'(\w+)'", e.keras)}
    for layer in ("Conv1D", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Conv2DTranspose"):
        assert {(layer, "same"), (layer, "valid")} <= modes, layer
    assert ("Conv1D", "causal") in modes


# ---------------------------------------------------------------------------------------
# every entry is exact
# ---------------------------------------------------------------------------------------


def _keras_layer(entry):
    return eval(entry.keras, dict(vars(keras.layers)))  # noqa: S307 - our own table


def _depthwise(kernel):
    """Keras (kh, kw, in, m) → torch (in·m, 1, kh, kw)."""
    kh, kw, cin, m = kernel.shape
    return kernel.permute(2, 3, 0, 1).reshape(cin * m, 1, kh, kw)


def _torch_weights(layer) -> list[torch.Tensor]:
    """The Keras layer's weights in the order of the PyTorch modules' parameters."""
    weights = [torch.from_numpy(np.asarray(w)) for w in layer.get_weights()]
    name = type(layer).__name__
    if re.fullmatch(r"Conv[123]D(Transpose)?", name):
        # (*k, in, out) / transposed (*k, out, in) → (out, in, *k) / (in, out, *k)
        kernel = weights[0]
        spatial = kernel.dim() - 2
        return [kernel.permute(spatial + 1, spatial, *range(spatial)), weights[1]]
    if name == "DepthwiseConv2D":
        return [_depthwise(weights[0]), weights[1]]
    if name == "SeparableConv2D":
        return [_depthwise(weights[0]), weights[1].permute(3, 2, 0, 1), weights[2]]
    assert not weights, f"no weight layout known for {name}"
    return []


def _namespace(y):
    names = {name: getattr(layers, name) for name in layers.__all__}
    return {"nn": nn, "F": F, "torch": torch, "y": y, **names}


def _is_statement(line: str) -> bool:
    return re.match(r"\w+ = ", line) is not None


def _run_torch(lines, weights, x):
    """Build the modules the lines name, copy ``weights`` into them, run the lines on x."""
    namespace = _namespace(x)
    modules = {i: eval(line, namespace) for i, line in enumerate(lines) if not _is_statement(line)}  # noqa: S307
    params = [p for m in modules.values() for p in m.parameters()]
    assert [tuple(p.shape) for p in params] == [tuple(w.shape) for w in weights]
    with torch.no_grad():
        for p, w in zip(params, weights, strict=True):
            p.copy_(w)
        for i, line in enumerate(lines):
            if i in modules:
                namespace["y"] = modules[i].eval()(namespace["y"])
            else:
                exec(line, namespace)  # noqa: S102
    return to_nhwc(namespace["y"])


def _reference(entry, layer, x):
    """Keras' output, or TensorFlow's definition for average pooling with 'same'."""
    layer.build(x.shape)
    weights = layer.get_weights()
    if weights:
        layer.set_weights([random_array(SEED + i, w.shape) for i, w in enumerate(weights)])
    out = keras.ops.convert_to_numpy(layer(x))
    if type(layer).__name__.startswith("AveragePooling") and layer.padding == "same":
        definition = np.stack(
            [
                tf_same_average_pool(x[0, ..., c], layer.pool_size, layer.strides)
                for c in range(x.shape[-1])
            ],
            axis=-1,
        )[None].astype(np.float32)
        assert out.shape == definition.shape
        return definition
    return out


MAX_DIFF: dict[str, float] = {}  # entry id → max |difference|, for the record


def _assert_close(got, ref, what):
    assert got.shape == ref.shape, f"{what}: shape {got.shape}, Keras {ref.shape}"
    diff = float(np.abs(got - ref).max())
    scale = max(1.0, float(np.abs(ref).max()))
    assert diff <= RTOL * scale, f"{what}: max abs diff {diff:.3g} > {RTOL * scale:.3g}"
    return diff


@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_entry_pytorch_lines_and_alternatives_equal_the_keras_layer(entry):
    x = random_array(SEED, entry.shape)
    layer = _keras_layer(entry)
    ref = _reference(entry, layer, x)
    weights = _torch_weights(layer)
    diffs = [_assert_close(_run_torch(entry.torch, weights, to_nchw(x)), ref, "PyTorch lines")]
    for alternative in entry.alternatives:
        got = _run_torch([alternative], weights, to_nchw(x))
        diffs.append(_assert_close(got, ref, alternative))
    MAX_DIFF[_id(entry)] = max(diffs)


@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_entry_worked_example_states_the_keras_output_shape(entry):
    layer = _keras_layer(entry)
    out = tuple(layer.compute_output_shape(entry.shape))
    spatial = "×".join(str(n) for n in out[1:-1])
    full = "×".join(str(n) for n in out)
    assert (
        f"→ {full}" in entry.example
        or f"→ {spatial}" in entry.example
        or (
            f"{out[1]} = W" in entry.example  # the chomp row states the length
        )
    ), f"{entry.example!r} does not state Keras' output shape {out}"
