"""from_keras: the plan built into an nn.Sequential with the weights copied."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from .modules import BatchNormAxis, FlattenChannelsLast
from .plan import _plan
from .reading import _load


def _namespace() -> dict:
    from .. import layers

    return {
        "nn": nn,
        "Conv2dSame": layers.Conv2dSame,
        "MaxPool2dSame": layers.MaxPool2dSame,
        "AvgPool2dSame": layers.AvgPool2dSame,
        "ConvTranspose2dSame": layers.ConvTranspose2dSame,
        "Conv1dSame": layers.Conv1dSame,
        "BatchNormAxis": BatchNormAxis,
        "FlattenChannelsLast": FlattenChannelsLast,
    }


def from_keras(model_or_path) -> nn.Sequential:
    """A Keras model (object or ``.keras`` / ``.h5`` path) as a PyTorch module.

    The result is an ``nn.Sequential`` with one child per Keras layer, named after the
    layer, weights copied, in eval mode, taking NCHW input. Raises
    :class:`UnsupportedLayerError` naming the layer and option it cannot translate.

    >>> import keras  # doctest: +SKIP
    >>> m = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(8, 3)])  # doctest:+SKIP
    >>> from_keras(m)  # doctest: +SKIP
    Sequential(
      (conv2d): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))
    )
    """
    model = _load(model_or_path)
    steps = _plan(model)
    namespace = _namespace()
    module = nn.Sequential(OrderedDict((st.name, st.spec.build(namespace)) for st in steps))
    state = {
        f"{st.name}.{key}": torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
        for st in steps
        for key, value in st.state.items()
    }
    current = module.state_dict()
    for key, value in current.items():
        if key not in state:
            state[key] = value  # num_batches_tracked
        elif tuple(state[key].shape) != tuple(value.shape):
            raise AssertionError(
                f"{key}: port gives {tuple(state[key].shape)}, module wants {tuple(value.shape)}"
            )  # pragma: no cover
    module.load_state_dict(state, strict=True)
    return module.eval()
