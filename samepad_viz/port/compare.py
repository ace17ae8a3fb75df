"""compare: both models on one seeded batch, layer by layer."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .. import arithmetic
from .diagnose import _diagnose
from .reading import _chain, _flatten_perm, _keras, _load, _torch_name
from .report import PortReport, Row


def _torch_count(module) -> int:
    """Parameters plus running statistics, counted as Keras counts them."""
    params = sum(p.numel() for p in module.parameters())
    buffers = sum(
        b.numel() for n, b in module.named_buffers() if not n.endswith("num_batches_tracked")
    )
    return params + buffers


def _to_keras_layout(a: np.ndarray) -> np.ndarray:
    return np.moveaxis(a, 1, -1) if a.ndim > 2 else a


def _np_avg_pool_same(x: np.ndarray, pool, strides) -> np.ndarray:
    """TensorFlow's 'same' average pooling on NHWC: the mean of the real cells covered."""
    n, h, w, c = x.shape
    (t, _), (left, _) = arithmetic.same_padding((h, w), pool, strides)
    oh, ow = arithmetic.keras_output_size((h, w), pool, strides, "same")
    out = np.empty((n, oh, ow, c), dtype=np.float64)
    for i in range(oh):
        r0, r1 = max(i * strides[0] - t, 0), min(i * strides[0] - t + pool[0], h)
        for j in range(ow):
            c0, c1 = max(j * strides[1] - left, 0), min(j * strides[1] - left + pool[1], w)
            out[:, i, j] = x[:, r0:r1, c0:c1].mean(axis=(1, 2))
    return out.astype(x.dtype)


def _keras_avg_pool_is_own(layer, in_shape) -> bool:
    """Keras' torch backend mis-averages this layer ('same', asymmetric split)."""
    if type(layer).__name__ != "AveragePooling2D" or layer.get_config()["padding"] != "same":
        return False
    if _keras().backend.backend() != "torch":
        return False
    cfg = layer.get_config()
    splits = arithmetic.same_padding(
        tuple(in_shape[1:3]), tuple(cfg["pool_size"]), tuple(cfg["strides"])
    )
    return any(b != a for b, a in splits)


def compare(
    keras_model, torch_module, input_shape, seed=0, tol=None, batch=4, *, rtol=1e-5,
    progress=None,
) -> PortReport:  # fmt: skip
    """Run both models on one seeded batch in inference mode and compare them per layer.

    ``input_shape`` is Keras' per-sample shape, e.g. ``(32, 32, 3)``; the torch module gets
    the same batch in NCHW. Activations are compared in Keras' layout. Each layer's
    tolerance is ``rtol · max(1, max |Keras activation|)`` unless ``tol`` (absolute) is
    given; the report's ``tolerance`` is the final output's. ``progress``, if given, is
    called with each finished :class:`Row` and the number of layers.
    """
    keras = _keras()
    model = _load(keras_model)
    layers = _chain(model)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *input_shape)).astype(np.float32)
    names = [_torch_name(layer.name) for layer in layers]
    children = list(torch_module.named_children())
    per_layer = isinstance(torch_module, nn.Sequential) and [n for n, _ in children] == names
    torch_module.eval()

    # Keras side, layer by layer (a reference where Keras' torch backend is itself wrong)
    keras_acts, keras_own, notes = [], [], {}
    a = x
    for i, layer in enumerate(layers):
        out = keras.ops.convert_to_numpy(layer(a, training=False))
        if _keras_avg_pool_is_own(layer, a.shape):
            cfg = layer.get_config()
            ref = _np_avg_pool_same(a, tuple(cfg["pool_size"]), tuple(cfg["strides"]))
            d = float(np.max(np.abs(ref - out)))
            keras_own.append((layer.name, d))
            notes[i] = (
                f"Keras' torch backend differs from TensorFlow by {d:.3g} here (its own "
                "replicate-padding bug); compared against TensorFlow's definition"
            )
            out = ref
        keras_acts.append(out)
        a = out
    final = keras_acts[-1] if keras_acts else x
    scale = max(1.0, float(np.max(np.abs(final)))) if final.size else 1.0
    tolerance = tol if tol is not None else rtol * scale

    rows, first, cause = [], None, ""
    t_in = torch.from_numpy(np.moveaxis(x, -1, 1).copy() if x.ndim > 2 else x)
    with torch.no_grad():
        if per_layer:
            order, prev_t = None, t_in
            for i, (layer, (_, child)) in enumerate(zip(layers, children, strict=True)):
                k_out = keras_acts[i]
                row = Row(
                    layer.name,
                    type(layer).__name__,
                    tuple(k_out.shape[1:]),
                    None,
                    layer.count_params(),
                    _torch_count(child),
                    None,
                    notes.get(i, ""),
                )
                rows.append(row)
                try:
                    t_out = child(prev_t)
                except Exception as exc:  # the torch layer cannot run on this input
                    row.note = f"torch raised {type(exc).__name__}: {exc}"
                    first = row
                    cause = _diagnose(layer, child, keras_acts, i, x, prev_t, None, row.note)
                    break
                row.torch_shape = tuple(t_out.shape[1:])
                t_np = _to_keras_layout(t_out.numpy())
                if t_np.ndim == 2 and prev_t.dim() > 2 and type(layer).__name__ == "Flatten":
                    perm = _flatten_perm(tuple(prev_t.shape[2:]) + (prev_t.shape[1],))
                    inv = np.argsort(perm)
                    if t_np.shape == k_out.shape and (
                        np.max(np.abs(t_np[:, inv] - k_out)) < np.max(np.abs(t_np - k_out))
                    ):
                        order = inv
                    else:
                        order = None
                elif type(layer).__name__ == "Dense" or t_np.ndim != 2:
                    order = None
                if order is not None and t_np.ndim == 2 and t_np.shape[1] == order.size:
                    t_np = t_np[:, order]
                if t_np.shape != k_out.shape:
                    row.note = (row.note + "; " if row.note else "") + "shapes differ"
                    first = row
                    cause = _diagnose(layer, child, keras_acts, i, x, prev_t, t_out, "shape")
                    break
                row.max_abs_diff = float(np.max(np.abs(t_np - k_out))) if k_out.size else 0.0
                peak = float(np.abs(k_out).max()) if k_out.size else 0.0
                row_tol = tol if tol is not None else rtol * max(1.0, peak)
                row.tolerance = row_tol
                if progress is not None:
                    progress(row, len(layers))
                if first is None and row.max_abs_diff > row_tol:
                    first = row
                    cause = _diagnose(layer, child, keras_acts, i, x, prev_t, t_out, "values")
                prev_t = t_out
        else:
            k_out = final
            try:
                t_out = torch_module(t_in)
                t_np = _to_keras_layout(t_out.numpy())
                shape, diff = tuple(t_out.shape[1:]), None
                if t_np.shape == k_out.shape:
                    diff = float(np.max(np.abs(t_np - k_out)))
                note = "" if diff is not None else "shapes differ"
            except Exception as exc:
                shape, diff, note = None, None, f"torch raised {type(exc).__name__}: {exc}"
            row = Row(
                "output",
                type(model).__name__,
                tuple(k_out.shape[1:]),
                shape,
                model.count_params(),
                _torch_count(torch_module),
                diff,
                note,
                tolerance,
            )
            rows.append(row)
            if progress is not None:
                progress(row, 1)
            if diff is None or diff > tolerance:
                first = row
                cause = (
                    "the module is not one child per Keras layer, so only the final output "
                    f"was compared ({note or f'max abs diff {diff:.3g}'}); port it with "
                    "from_keras or to_torch_source for a per-layer report"
                )
    diffs = [r.max_abs_diff for r in rows if r.max_abs_diff is not None]
    worst = max(diffs) if diffs else float("inf")
    if first is None:
        cause = "none: every layer matches within the tolerance"
    if keras_own:
        own = "; ".join(f"{n} (by {d:.3g})" for n, d in keras_own)
        cause += (
            f". Note: Keras' own PyTorch backend is wrong at {own}: for an asymmetric 'same' "
            "split it pads by replicating edge values and averages the copies (notebook 03 "
            "shows it); "
            "those layers were checked against TensorFlow's definition, not blamed on the port"
        )
    return PortReport(rows, worst, tolerance, first, cause, per_layer, keras_own)
