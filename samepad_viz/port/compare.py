"""compare: both models on one seeded batch, layer by layer (every node of the graph)."""

from __future__ import annotations

import itertools

import numpy as np
import torch

from .. import arithmetic
from .diagnose import _diagnose
from .graph import read_graph
from .reading import _flatten_perm, _keras, _load
from .registry import CONVERTERS
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
    """TensorFlow's 'same' average pooling on channels-last data of any rank (NLC, NHWC,
    NDHWC): the mean of the real cells each window covers."""
    spatial = x.shape[1:-1]
    splits = arithmetic.same_padding(spatial, pool, strides)
    outs = arithmetic.keras_output_size(spatial, pool, strides, "same")
    out = np.empty((x.shape[0], *outs, x.shape[-1]), dtype=np.float64)
    for index in itertools.product(*(range(o) for o in outs)):
        window = tuple(
            slice(max(i * s - b, 0), min(i * s - b + k, n))
            for i, s, (b, _), k, n in zip(index, strides, splits, pool, spatial, strict=True)
        )
        out[(slice(None), *index)] = x[(slice(None), *window)].mean(
            axis=tuple(range(1, x.ndim - 1))
        )
    return out.astype(x.dtype)


def _keras_avg_pool_is_own(layer, in_shape) -> bool:
    """Keras' torch backend mis-averages this layer ('same', asymmetric split)."""
    keras = _keras()
    pools = (
        keras.layers.AveragePooling1D,
        keras.layers.AveragePooling2D,
        keras.layers.AveragePooling3D,
    )
    if not isinstance(layer, pools):
        return False
    cfg = layer.get_config()
    if cfg["padding"] != "same" or keras.backend.backend() != "torch":
        return False
    ndim = len(in_shape) - 2
    splits = arithmetic.same_padding(
        tuple(in_shape[1 : 1 + ndim]), tuple(cfg["pool_size"]), tuple(cfg["strides"])
    )
    return any(b != a for b, a in splits)


def _keras_call(node, args):
    keras, layer = _keras(), node.layer
    if node.op_args is not None:  # a keras.ops operation: its recorded arguments, filled in
        it = iter(args)
        filled = [next(it) if isinstance(a, keras.KerasTensor) else a for a in node.op_args]
        return keras.ops.convert_to_numpy(layer(*filled))
    arg = list(args) if node.list_call else args[0]
    return keras.ops.convert_to_numpy(layer(arg, training=False))


def _capture(torch_module, names):
    """Forward hooks on the children named in ``names``: their inputs and outputs per call."""
    seen: dict[str, list] = {}
    last = []
    handles = []
    for name, child in torch_module.named_children():
        if name not in names:
            continue

        def pre(module, args, name=name):
            last.append((name, args))

        def post(module, args, output, name=name):
            seen.setdefault(name, []).append((args, output))

        handles.append(child.register_forward_pre_hook(pre))
        handles.append(child.register_forward_hook(post))
    return seen, last, handles


def compare(
    keras_model, torch_module, input_shape=None, seed=0, tol=None, batch=4, *, rtol=1e-5,
    progress=None,
) -> PortReport:  # fmt: skip
    """Run both models on one seeded batch in inference mode and compare them per layer.

    ``input_shape`` is Keras' per-sample shape, e.g. ``(32, 32, 3)`` (a list of them for
    several inputs; by default the model's own); the torch module gets the same batch in
    channels-first layout. Activations are compared in Keras' layout, at every layer call
    whose torch child (named after the Keras layer) ran; merges the written source spells
    out in ``forward`` are checked through the layers that read them. Each layer's
    tolerance is ``rtol · max(1, max |Keras activation|)`` unless ``tol`` (absolute) is
    given; the report's ``tolerance`` is the final output's. ``progress``, if given, is
    called with each finished :class:`Row` and the number of layers.
    """
    model = _load(keras_model)
    graph = read_graph(model)
    if input_shape is None:
        shapes = [t.shape[1:] for t in graph.inputs]
        if any(None in s for s in shapes):
            raise ValueError(
                f"model {model.name!r} leaves input sizes open {shapes}: give input_shape"
            )
    elif len(graph.inputs) > 1:
        shapes = [tuple(s) for s in input_shape]
    else:
        shapes = [tuple(input_shape)]
    rng = np.random.default_rng(seed)
    xs = [rng.standard_normal((batch, *s)).astype(np.float32) for s in shapes]
    torch_module.eval()

    # Keras side, call by call (a reference where Keras' torch backend is itself wrong)
    values = {id(t): x for t, x in zip(graph.inputs, xs, strict=True)}
    keras_own, notes = [], {}
    for i, node in enumerate(graph.nodes):
        args = [values[id(t)] for t in node.inputs]
        out = _keras_call(node, args)
        if _keras_avg_pool_is_own(node.layer, args[0].shape):
            cfg = node.cfg
            ref = _np_avg_pool_same(args[0], tuple(cfg["pool_size"]), tuple(cfg["strides"]))
            d = float(np.max(np.abs(ref - out)))
            keras_own.append((node.layer.name, d))
            notes[i] = (
                f"Keras' torch backend differs from TensorFlow by {d:.3g} here (its own "
                "replicate-padding bug); compared against TensorFlow's definition"
            )
            out = ref
        values[id(node.outputs[0])] = out
    finals = [values[id(t)] for t in graph.outputs]
    scale = max([1.0] + [float(np.max(np.abs(f))) for f in finals if f.size])
    tolerance = tol if tol is not None else rtol * scale

    names = {node.name for node in graph.nodes}
    children = dict(torch_module.named_children())
    per_layer = bool(graph.nodes) and all(
        node.name in children or _spelled_out(node.kind) for node in graph.nodes
    )
    t_in = [torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 1) if x.ndim > 2 else x))
            for x in xs]  # fmt: skip
    if not per_layer:
        return _compare_output(model, torch_module, t_in, finals, tolerance, progress, keras_own)

    rows, first, cause = [], None, ""
    seen, last, handles = _capture(torch_module, names)
    error = None
    try:
        with torch.no_grad():
            torch_module(*t_in)
    except Exception as exc:  # a torch layer cannot run on its input
        error = exc
    finally:
        for h in handles:
            h.remove()
    order: dict[int, np.ndarray] = {}  # tensors whose torch features are in another order
    calls: dict[str, int] = {}
    for i, node in enumerate(graph.nodes):
        layer, kind = node.layer, node.kind
        k_out = values[id(node.outputs[0])]
        k_in = values[id(node.inputs[0])]
        child = children.get(node.name)
        row = Row(
            layer.name if not node.call else f"{layer.name} (call {node.call + 1})",
            kind,
            tuple(k_out.shape[1:]),
            None,
            layer.count_params() if not node.call and node.op_args is None else 0,
            None if child is None else (_torch_count(child) if not node.call else 0),
            None,
            notes.get(i, ""),
        )
        rows.append(row)
        k = calls.get(node.name, 0)
        calls[node.name] = k + 1
        records = seen.get(node.name, [])
        if child is None or k >= len(records):
            if error is not None and child is not None and last and last[-1][0] == node.name:
                row.note = f"torch raised {type(error).__name__}: {error}"
                if first is None:  # an earlier layer that already diverged stays the first
                    first = row
                    prev_t = last[-1][1][0] if last[-1][1] else None
                    cause = _diagnose(layer, child, k_in, i, prev_t, None, row.note)
                break
            if child is None:
                row.note = (row.note + "; " if row.note else "") + "spelled out in forward"
                if progress is not None:
                    progress(row, len(graph.nodes))
                continue
            row.note = "the torch child did not run for this call"
            if first is None:
                first = row
                cause = f"layer {i + 1} {layer.name!r}: the torch module never called it"
            break
        args, t_out = records[k]
        if isinstance(t_out, tuple):
            t_out = t_out[0]
        prev_t = args[0] if args else None
        row.torch_shape = tuple(t_out.shape[1:])
        t_np = _to_keras_layout(t_out.detach().numpy())
        in_order = order.get(id(node.inputs[0]))
        if t_np.ndim == 2 and prev_t is not None and prev_t.dim() > 2 and kind == "Flatten":
            perm = _flatten_perm(tuple(prev_t.shape[2:]) + (prev_t.shape[1],))
            inv = np.argsort(perm)
            if t_np.shape == k_out.shape and (
                np.max(np.abs(t_np[:, inv] - k_out)) < np.max(np.abs(t_np - k_out))
            ):
                order[id(node.outputs[0])] = inv
        elif kind != "Dense" and t_np.ndim == 2 and in_order is not None:
            order[id(node.outputs[0])] = in_order
        out_order = order.get(id(node.outputs[0]))
        if out_order is not None and t_np.shape[1] == out_order.size:
            t_np = t_np[:, out_order]
        if t_np.shape != k_out.shape:
            row.note = (row.note + "; " if row.note else "") + "shapes differ"
            if first is None:  # values that diverged before the shapes did come first
                first = row
                cause = _diagnose(layer, child, k_in, i, prev_t, t_out, "shape")
            break
        row.max_abs_diff = float(np.max(np.abs(t_np - k_out))) if k_out.size else 0.0
        peak = float(np.abs(k_out).max()) if k_out.size else 0.0
        row_tol = tol if tol is not None else rtol * max(1.0, peak)
        row.tolerance, row.peak = row_tol, peak
        if progress is not None:
            progress(row, len(graph.nodes))
        if first is None and row.max_abs_diff > row_tol:
            first = row
            cause = _diagnose(layer, child, k_in, i, prev_t, t_out, "values")
    diffs = [r.max_abs_diff for r in rows if r.max_abs_diff is not None]
    worst = max(diffs) if diffs else float("inf")
    if first is None:
        cause = "none: every layer matches within the tolerance"
    return _finish(rows, worst, tolerance, first, cause, True, keras_own, finals)


def _spelled_out(kind: str) -> bool:
    """Whether the written source computes this kind in ``forward`` (no torch child)."""
    converter = CONVERTERS.get(kind)
    return converter is not None and converter.family == "merging"


def _finish(rows, worst, tolerance, first, cause, per_layer, keras_own, finals):
    if keras_own:
        own = "; ".join(f"{n} (by {d:.3g})" for n, d in keras_own)
        cause += (
            f". Note: Keras' own PyTorch backend is wrong at {own}: for an asymmetric 'same' "
            "split it pads by replicating edge values and averages the copies (notebook 03 "
            "shows it); "
            "those layers were checked against TensorFlow's definition, not blamed on the port"
        )
    report = PortReport(rows, worst, tolerance, first, cause, per_layer, keras_own)
    if per_layer:
        rel = [r.max_abs_diff / r.peak for r in rows if r.max_abs_diff is not None and r.peak]
    else:
        peak = max([0.0] + [float(np.max(np.abs(f))) for f in finals if f.size])
        rel = [worst / peak] if peak else []
    report.max_rel_diff = max(rel) if rel else 0.0
    return report


def _compare_output(model, torch_module, t_in, finals, tolerance, progress, keras_own):
    """Only the final outputs: the module is not one child per Keras layer."""
    k_out = finals[0] if len(finals) == 1 else None
    try:
        with torch.no_grad():
            t_out = torch_module(*t_in)
        outs = list(t_out) if isinstance(t_out, (tuple, list)) else [t_out]
        t_nps = [_to_keras_layout(t.detach().numpy()) for t in outs]
        shape = tuple(outs[0].shape[1:])
        diff = None
        if len(t_nps) == len(finals) and all(
            a.shape == b.shape for a, b in zip(t_nps, finals, strict=True)
        ):
            diff = max(float(np.max(np.abs(a - b))) for a, b in zip(t_nps, finals, strict=True))
        note = "" if diff is not None else "shapes differ"
    except Exception as exc:
        shape, diff, note = None, None, f"torch raised {type(exc).__name__}: {exc}"
    row = Row(
        "output",
        type(model).__name__,
        tuple(finals[0].shape[1:]) if k_out is None else tuple(k_out.shape[1:]),
        shape,
        model.count_params(),
        _torch_count(torch_module),
        diff,
        note,
        tolerance,
    )
    if progress is not None:
        progress(row, 1)
    first, cause = None, "none: every layer matches within the tolerance"
    if diff is None or diff > tolerance:
        first = row
        cause = (
            "the module is not one child per Keras layer, so only the final output "
            f"was compared ({note or f'max abs diff {diff:.3g}'}); port it with "
            "from_keras or to_torch_source for a per-layer report"
        )
    worst = diff if diff is not None else float("inf")
    return _finish([row], worst, tolerance, first, cause, False, keras_own, finals)
