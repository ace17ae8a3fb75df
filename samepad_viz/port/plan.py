"""The port plan: each Keras layer of the chain as a torch spec, its comment and weights."""

from __future__ import annotations

import numpy as np

from .. import arithmetic
from .convolutions import _conv, _conv_transpose, _depthwise, _separable
from .reading import (
    UnsupportedLayerError,
    _chain,
    _flatten_perm,
    _input_shape,
    _torch_dim,
    _torch_name,
)
from .spec import (
    _activation,
    _check_channels_last,
    _pairs,
    _size_text,
    _Spec,
    _split_text,
    _Step,
    _unsupported,
    _with_activation,
)

SUPPORTED_LAYERS = (
    "InputLayer",
    "Conv2D",
    "Conv1D",
    "Conv2DTranspose",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "BatchNormalization",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softmax",
    "Dropout",
    "MaxPooling2D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "UpSampling2D",
    "ZeroPadding2D",
    "Cropping2D",
    "Flatten",
    "Dense",
)


def _pool(layer, cfg, in_shape, out_shape, kind) -> tuple[_Spec, list]:
    _check_channels_last(layer, cfg)
    k, s, padding = tuple(cfg["pool_size"]), tuple(cfg["strides"]), cfg["padding"]
    spatial = tuple(in_shape[1:-1])
    cls = {"max": "MaxPool2d", "avg": "AvgPool2d"}[kind]
    head = (
        f"{layer.name}: Keras {type(layer).__name__}({k}, strides={s}, padding={padding!r}) "
        f"on {_size_text(spatial)} -> {_size_text(out_shape[1:-1])}"
    )
    if padding == "valid":
        return _Spec(f"nn.{cls}", (k,), {"stride": s}), [head, "'valid' never pads"]
    if padding != "same":
        raise _unsupported(layer, f"padding={padding!r}")
    if None in spatial:
        why = "'same' with an unknown input size: the split is found at run time"
        return _Spec(f"{cls}Same", (k,), {"stride": s}), [head, why]
    tp = arithmetic.torch_padding(spatial, k, s)
    splits = arithmetic.same_padding(spatial, k, s)
    fits = all(2 * p <= kk for p, kk in zip(_pairs(tp.padding, len(k)), k, strict=True))
    if tp.symmetric and fits:
        p = tp.padding
        if all(v == 0 for v in _pairs(p, len(k))):
            why = f"'same' here pads {_split_text(splits)}: the windows tile the input, no padding"
            return _Spec(f"nn.{cls}", (k,), {"stride": s}), [head, why]
        kwargs = {"stride": s, "padding": p}
        if kind == "max":
            why = (
                f"'same' here pads {_split_text(splits)}: symmetric, and nn.MaxPool2d pads "
                "with -inf like Keras"
            )
        else:
            kwargs["count_include_pad"] = False
            why = (
                f"'same' here pads {_split_text(splits)}: symmetric; Keras leaves padded cells "
                "out of the mean, hence count_include_pad=False"
            )
        return _Spec(f"nn.{cls}", (k,), kwargs), [head, why]
    why = (
        f"'same' here pads {_split_text(splits)}: more after than before, which padding= "
        f"cannot express; {cls}Same pads exactly TensorFlow's split"
        + (" with -inf" if kind == "max" else " and leaves padding out of the mean")
    )
    return _Spec(f"{cls}Same", (k,), {"stride": s}), [head, why]


def _batch_norm(layer, cfg, in_shape, weights, perm) -> tuple[_Spec, list, dict]:
    axis = cfg["axis"]
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise _unsupported(layer, f"axis={axis!r} (one axis only)")
        axis = axis[0]
    for option in ("center", "scale"):
        if not cfg.get(option, True):
            raise _unsupported(layer, f"{option}=False")
    if cfg.get("renorm"):
        raise _unsupported(layer, "renorm=True")
    rank = len(in_shape)
    axis = axis % rank
    if axis == 0:
        raise _unsupported(layer, "axis=0 (the batch axis)")
    features = in_shape[axis]
    dim = _torch_dim(axis, rank)
    eps, momentum = float(cfg["epsilon"]), float(f"{1 - float(cfg['momentum']):.12g}")
    kwargs = {"eps": eps, "momentum": momentum}
    if dim == 1:
        cls = {2: "nn.BatchNorm1d", 3: "nn.BatchNorm1d", 4: "nn.BatchNorm2d"}.get(rank)
        if cls is None:
            raise _unsupported(layer, f"a {rank}-D input")
        spec = _Spec(cls, (features,), kwargs)
    else:
        spec = _Spec("BatchNormAxis", (features,), {"dim": dim, **kwargs})
    gamma, beta, mean, var = weights
    if perm is not None:
        gamma, beta, mean, var = (w[perm] for w in (gamma, beta, mean, var))
    state = {"weight": gamma, "bias": beta, "running_mean": mean, "running_var": var}
    last = "the features" if rank == 2 else "the channels"
    what = last if axis == rank - 1 else f"axis {axis} of {in_shape} ({features} rows)"
    if axis != rank - 1 and rank == 4 and axis == 2:
        what = f"axis 2 (the width, {features} columns)"
    elif axis != rank - 1 and rank >= 3 and axis == 1:
        what = f"axis 1 (the height, {features} rows)" if rank == 4 else f"axis 1 ({features})"
    comment = [
        f"{layer.name}: Keras BatchNormalization(axis={cfg['axis']}) on {in_shape}: "
        f"normalises {what}; in NCHW that is dim {dim} ({features} features)",
        f"epsilon {eps:g} kept (PyTorch's default is 1e-5); Keras momentum {cfg['momentum']:g} "
        f"-> PyTorch momentum {momentum:g} (PyTorch weights the new batch)",
    ]
    if perm is not None:
        comment.append("features permuted to PyTorch's flatten order, like the next Dense")
    return spec, comment, state


def _simple_activation(layer, cfg, kind) -> _Spec:
    if kind == "Activation":
        return _activation(layer, cfg["activation"])
    if kind == "ReLU":
        max_value, slope = cfg.get("max_value"), float(cfg.get("negative_slope") or 0.0)
        if float(cfg.get("threshold") or 0.0) != 0.0:
            raise _unsupported(layer, f"threshold={cfg['threshold']!r}")
        if max_value is None:
            if slope == 0.0:
                return _Spec("nn.ReLU")
            return _Spec("nn.LeakyReLU", kwargs={"negative_slope": slope})
        if slope != 0.0:
            raise _unsupported(layer, "max_value together with negative_slope")
        if float(max_value) == 6.0:
            return _Spec("nn.ReLU6")
        return _Spec("nn.Hardtanh", (0.0, float(max_value)))
    if kind == "LeakyReLU":
        return _Spec("nn.LeakyReLU", kwargs={"negative_slope": float(cfg["negative_slope"])})
    if kind == "ELU":
        return _Spec("nn.ELU", kwargs={"alpha": float(cfg["alpha"])})
    raise AssertionError(kind)  # pragma: no cover


_HWC = ("(H, W, C)", "(C, H, W)")


def _flatten_folds(layers, i) -> bool:
    """Whether the Flatten at ``layers[i]`` reaches a Dense through elementwise layers."""
    for layer in layers[i + 1 :]:
        kind = type(layer).__name__
        if kind == "Dense":
            return True
        if kind in ("Dropout", "Activation", "ReLU", "LeakyReLU", "ELU"):
            continue
        if kind == "BatchNormalization":
            continue
        return False
    return False


def _plan(model) -> list[_Step]:
    keras_layers = _chain(model)
    shape = _input_shape(model)
    if len(shape) not in (2, 3, 4):
        raise UnsupportedLayerError(f"model input shape {shape}: only 1-D, 2-D or flat data")
    steps, perm, names = [], None, set()
    for i, layer in enumerate(keras_layers):
        kind = type(layer).__name__
        if kind not in SUPPORTED_LAYERS:
            raise UnsupportedLayerError(
                f"layer {layer.name!r} ({kind}) is not supported by samepad_viz.port; "
                f"supported: {', '.join(SUPPORTED_LAYERS)}"
            )
        policy = getattr(getattr(layer, "dtype_policy", None), "name", "float32")
        if policy != "float32":
            raise _unsupported(layer, f"dtype policy {policy!r} (only float32)")
        cfg = layer.get_config()
        weights = [np.asarray(w) for w in layer.get_weights()]
        out_shape = tuple(layer.compute_output_shape(shape))
        name = _torch_name(layer.name)
        if name in names:
            raise ValueError(f"two layers map to the torch name {name!r}; rename one")
        names.add(name)
        state, comment = {}, []
        rank = len(shape)
        if kind == "Conv2D":
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            spec, comment, state = _conv(layer, cfg, shape, out_shape, weights, 2)
        elif kind == "Conv1D":
            if rank != 3:
                raise _unsupported(layer, f"a {rank}-D input")
            spec, comment, state = _conv(layer, cfg, shape, out_shape, weights, 1)
        elif kind in ("Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"):
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            build = {
                "Conv2DTranspose": _conv_transpose,
                "DepthwiseConv2D": _depthwise,
                "SeparableConv2D": _separable,
            }[kind]
            spec, comment, state = build(layer, cfg, shape, out_shape, weights)
        elif kind == "BatchNormalization":
            spec, comment, state = _batch_norm(layer, cfg, shape, weights, perm)
        elif kind in ("Activation", "ReLU", "LeakyReLU", "ELU"):
            spec = _simple_activation(layer, cfg, kind)
            comment = [f"{layer.name}: Keras {kind} ({cfg.get('activation', kind)})"]
        elif kind == "Softmax":
            axis = cfg["axis"]
            if not isinstance(axis, int):
                raise _unsupported(layer, f"axis={axis!r} (one axis only)")
            spec = _Spec("nn.Softmax", kwargs={"dim": _torch_dim(axis, rank)})
            comment = [f"{layer.name}: Keras Softmax(axis={axis}) -> dim {_torch_dim(axis, rank)}"]
        elif kind == "Dropout":
            spec = _Spec("nn.Dropout", kwargs={"p": float(cfg["rate"])})
            comment = [f"{layer.name}: Keras Dropout({cfg['rate']}); identity in inference mode"]
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            pool = "max" if kind == "MaxPooling2D" else "avg"
            spec, comment = _pool(layer, cfg, shape, out_shape, pool)
        elif kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
            _check_channels_last(layer, cfg)
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            average = kind == "GlobalAveragePooling2D"
            pool = _Spec("nn.AdaptiveAvgPool2d" if average else "nn.AdaptiveMaxPool2d", (1,))
            if cfg.get("keepdims"):
                spec = pool
            else:
                spec = _Spec(
                    "nn.Sequential", children=[("pool", pool), ("flatten", _Spec("nn.Flatten"))]
                )
            what = "mean" if average else "maximum"
            comment = [f"{layer.name}: Keras {kind}: the {what} over H and W"]
        elif kind == "UpSampling2D":
            _check_channels_last(layer, cfg)
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            size, mode = tuple(int(v) for v in cfg["size"]), cfg["interpolation"]
            if mode == "nearest":
                spec = _Spec("nn.Upsample", kwargs={"scale_factor": size, "mode": "nearest"})
                why = "each cell repeated"
            elif mode == "bilinear":
                spec = _Spec(
                    "nn.Upsample",
                    kwargs={"scale_factor": size, "mode": "bilinear", "align_corners": False},
                )
                why = (
                    "Keras (like tf.image.resize) samples at half-pixel centres: "
                    "align_corners=False"
                )
            else:
                raise _unsupported(layer, f"interpolation={mode!r} (only 'nearest', 'bilinear')")
            comment = [f"{layer.name}: Keras UpSampling2D({size}, interpolation={mode!r}): {why}"]
        elif kind == "Cropping2D":
            _check_channels_last(layer, cfg)
            (top, bottom), (left, right) = cfg["cropping"]
            spec = _Spec("nn.ZeroPad2d", ((-left, -right, -top, -bottom),))
            comment = [
                f"{layer.name}: Keras Cropping2D(((top, bottom), (left, right)) = "
                f"{((top, bottom), (left, right))}): a negative ZeroPad2d crops, in PyTorch's "
                "order (left, right, top, bottom)"
            ]
        elif kind == "ZeroPadding2D":
            _check_channels_last(layer, cfg)
            (top, bottom), (left, right) = cfg["padding"]
            spec = _Spec("nn.ZeroPad2d", ((left, right, top, bottom),))
            comment = [
                f"{layer.name}: Keras ZeroPadding2D(((top, bottom), (left, right)) = "
                f"{((top, bottom), (left, right))}) -> PyTorch's order (left, right, top, bottom)"
            ]
        elif kind == "Flatten":
            _check_channels_last(layer, cfg)
            if None in shape[1:]:
                raise _unsupported(layer, f"an input of unknown size {shape}")
            spatial, channels = shape[1:-1], shape[-1]
            needs_order = rank > 2 and channels > 1 and int(np.prod(spatial)) > 1
            if not needs_order:
                spec = _Spec("nn.Flatten")
                comment = [
                    f"{layer.name}: Keras Flatten of {shape}: one axis of size > 1, "
                    "so both flatten orders agree"
                ]
            elif _flatten_folds(keras_layers, i):
                spec = _Spec("nn.Flatten")
                perm = _flatten_perm(shape[1:])
                keras_order, torch_order = ("(L, C)", "(C, L)") if rank == 3 else _HWC
                comment = [
                    f"{layer.name}: Keras Flatten of {shape} flattens channels-last "
                    f"{keras_order}; nn.Flatten gives {torch_order}: the next Dense's input "
                    "columns are permuted once at port time, so no transpose runs on each call"
                ]
            else:
                spec = _Spec("FlattenChannelsLast")
                comment = [
                    f"{layer.name}: Keras Flatten of {shape}, in Keras' channels-last "
                    "order (no Dense follows to fold the order into)"
                ]
        elif kind == "Dense":
            if rank != 2:
                raise _unsupported(
                    layer,
                    f"a {rank}-D input (Dense acts on the last axis; "
                    "add Flatten or GlobalAveragePooling2D first)",
                )
            if cfg.get("lora_rank") or cfg.get("quantization_config"):
                raise _unsupported(layer, "LoRA or quantization")
            kernel = weights[0]
            if perm is not None:
                kernel = kernel[perm]
            spec, prefix = _with_activation(
                layer,
                [
                    (
                        "linear",
                        _Spec(
                            "nn.Linear",
                            (shape[-1], cfg["units"]),
                            {} if cfg["use_bias"] else {"bias": False},
                        ),
                    )
                ],
                cfg,
            )
            state = {f"{prefix}weight": np.ascontiguousarray(kernel.T)}
            if cfg["use_bias"]:
                state[f"{prefix}bias"] = weights[1]
            comment = [
                f"{layer.name}: Keras Dense({cfg['units']}"
                + (f", activation={cfg['activation']!r}" if cfg["activation"] != "linear" else "")
                + "): kernel (in, out) transposed to (out, in)"
            ]
            if perm is not None:
                comment.append(
                    "input columns permuted from Keras' channels-last flatten order to "
                    "PyTorch's channels-first one"
                )
            perm = None
        else:  # InputLayer never reaches here (left out by _chain)
            raise AssertionError(kind)  # pragma: no cover
        steps.append(_Step(layer, name, spec, comment, state, shape, out_shape))
        shape = out_shape
    return steps
