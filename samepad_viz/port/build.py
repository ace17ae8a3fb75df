"""from_keras: the plan built into a torch module with the weights copied."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from . import modules
from .plan import Plan, _plan
from .reading import _load


def _namespace() -> dict:
    from .. import layers

    namespace = {"nn": nn}
    for name in layers.__all__:
        namespace[name] = getattr(layers, name)
    for name, value in vars(modules).items():
        if isinstance(value, type) and issubclass(value, nn.Module):
            namespace[name] = value
    return namespace


def _build(plan: Plan) -> nn.Module:
    namespace = _namespace()
    children = OrderedDict()
    for node, converted in plan.steps:
        if node.name not in children:
            children[node.name] = converted.spec.build(namespace)
    if plan.chain:
        module = nn.Sequential(children)
    else:
        graph = plan.graph
        steps = [(n.name, [t.name for t in n.inputs], n.outputs[0].name) for n, _ in plan.steps]
        module = modules.KerasGraph(
            children, steps, [t.name for t in graph.inputs], [t.name for t in graph.outputs]
        )
    state = {}
    for node, converted in plan.steps:
        for key, value in converted.state.items():
            state[f"{node.name}.{key}"] = torch.from_numpy(
                np.ascontiguousarray(value, dtype=np.float32)
            )
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


def from_keras(model_or_path) -> nn.Module:
    """A Keras model (object or ``.keras`` / ``.h5`` path) as a PyTorch module.

    One child per Keras layer, named after the layer, weights copied, in eval mode, taking
    channels-first input (NCHW). A chain of layers (any ``Sequential`` model) gives an
    ``nn.Sequential``; any other functional model a :class:`KerasGraph` whose ``forward``
    takes the model's inputs in order. Raises :class:`UnsupportedLayerError` naming every
    layer (and option) it cannot translate.

    >>> import keras  # doctest: +SKIP
    >>> m = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(8, 3)])  # doctest:+SKIP
    >>> from_keras(m)  # doctest: +SKIP
    Sequential(
      (conv2d): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))
    )
    """
    return _build(_plan(_load(model_or_path)))
