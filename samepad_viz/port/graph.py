"""A Keras model read once into a graph: tensors, and nodes (one per layer call) in order.

A functional model is a graph of layer calls; a ``Sequential`` one is the graph that
happens to be a chain. Nested models are opened up (their layers get the nested model's
name as a prefix), and a layer called twice gives two nodes that share one torch module.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

import numpy as np
from torch import nn

from .reading import UnsupportedLayerError, _keras, _torch_name

# names a generated ``forward`` uses itself
_RESERVED = {"self", "torch", "nn", "F", "OrderedDict", "os", "model"}


@dataclass(eq=False)
class Tensor:
    """One tensor of the graph: its variable name in ``forward`` and its Keras shape."""

    name: str
    shape: tuple  # Keras' shape, batch first (None), channels last
    producer: Node | None = None
    perm: np.ndarray | None = None  # set by the plan: torch feature j is Keras feature perm[j]


@dataclass(eq=False)
class Node:
    """One call of one Keras layer."""

    layer: object
    name: str  # the torch child's name (one per layer, shared by its calls)
    call: int  # 0 for the layer's first call, 1 for its second...
    inputs: list[Tensor]
    outputs: list[Tensor] = field(default_factory=list)
    list_call: bool = False  # Keras got a list of tensors (merge layers)
    folds: bool = False  # set by the plan for Flatten: the next Dense takes its order
    # a keras.ops operation (x + 3.0 in a functional model) rather than a layer: its call's
    # positional arguments, tensors and constants, as Keras recorded them
    op_args: tuple | None = None

    @property
    def kind(self) -> str:
        name = type(self.layer).__name__
        return name if self.op_args is None else f"ops.{name}"

    @property
    def what(self) -> str:
        """How messages name it: ``layer 'conv' (Conv2D)``."""
        noun = "layer" if self.op_args is None else "operation"
        return f"{noun} {self.layer.name!r} ({self.kind})"

    @property
    def cfg(self) -> dict:
        if not hasattr(self, "_cfg"):
            self._cfg = self.layer.get_config() if self.op_args is None else {}
        return self._cfg

    @property
    def weights(self) -> list:
        if not hasattr(self, "_weights"):
            own = self.layer.get_weights() if self.op_args is None else []
            self._weights = [np.asarray(w) for w in own]
        return self._weights

    @property
    def in_shape(self) -> tuple:
        return self.inputs[0].shape

    @property
    def out_shape(self) -> tuple:
        return self.outputs[0].shape

    @property
    def perm(self):
        return self.inputs[0].perm if self.inputs else None


@dataclass
class Graph:
    name: str
    inputs: list[Tensor]
    outputs: list[Tensor]
    nodes: list[Node]

    def consumers(self) -> dict:
        """For each tensor (by id), the nodes that read it."""
        out: dict[int, list[Node]] = {}
        for node in self.nodes:
            for t in node.inputs:
                out.setdefault(id(t), []).append(node)
        return out

    def is_chain(self) -> bool:
        """One input, one output, each layer called once on the previous layer's output."""
        if len(self.inputs) != 1 or len(self.outputs) != 1:
            return False
        previous = self.inputs[0]
        for node in self.nodes:
            if node.call or node.list_call or node.inputs != [previous] or len(node.outputs) != 1:
                return False
            previous = node.outputs[0]
        reads = self.consumers()
        if any(len(v) > 1 for v in reads.values()):
            return False
        return previous is self.outputs[0]


class _Names:
    """Unique, valid Python names for torch children and for forward's variables."""

    def __init__(self):
        self.children: dict[int, str] = {}
        self.taken_children: set[str] = set()
        self.variables: set[str] = set()

    def child(self, layer, prefix: str) -> str:
        if id(layer) not in self.children:
            name = _torch_name(prefix + layer.name)
            if keyword.iskeyword(name) or hasattr(nn.Module, name) or name in _RESERVED:
                name += "_"
            if name in self.taken_children:
                raise ValueError(f"two layers map to the torch name {name!r}; rename one")
            self.taken_children.add(name)
            self.children[id(layer)] = name
        return self.children[id(layer)]

    def variable(self, wanted: str) -> str:
        name = _torch_name(wanted)
        if keyword.iskeyword(name) or name in _RESERVED:
            name += "_"
        base, i = name, 2
        while name in self.variables:
            name, i = f"{base}_{i}", i + 1
        self.variables.add(name)
        return name


def _is_model(op) -> bool:
    return isinstance(op, _keras().Model)


def _io(model):
    name = f"model {model.name!r}"
    keras = _keras()
    from keras.src.models.functional import Functional

    if not isinstance(model, (keras.Sequential, Functional)):
        raise UnsupportedLayerError(
            f"{name} is a subclassed model ({type(model).__name__}); only Sequential or "
            "functional models can be read"
        )
    try:
        inputs, outputs = list(model.inputs), list(model.outputs)
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        raise ValueError(
            f"{name} has no known input shape; start it with keras.Input(shape) "
            "(the 'same' splits depend on the input size)"
        )
    return inputs, outputs


def read_graph(model) -> Graph:
    """The model's layer calls in topological order, nested models opened up."""
    inputs, _ = _io(model)
    names = _Names()
    graph_inputs = [
        Tensor(names.variable(t._keras_history.operation.name), tuple(t.shape)) for t in inputs
    ]
    nodes: list[Node] = []
    calls: dict[int, int] = {}
    outputs = _expand(
        model, dict(zip(map(id, inputs), graph_inputs, strict=True)), "", nodes, names, calls
    )
    return Graph(model.name, graph_inputs, outputs, nodes)


def _expand(model, bound: dict, prefix: str, nodes: list, names: _Names, calls: dict) -> list:
    """Append the nodes of ``model`` (its inputs bound to graph tensors); its outputs."""
    keras = _keras()
    _, outputs = _io(model)
    memo = dict(bound)  # id(KerasTensor) -> Tensor
    for out in outputs:
        stack = [out]
        while stack:
            kt = stack[-1]
            if id(kt) in memo:
                stack.pop()
                continue
            op, node_index, _ = kt._keras_history
            knode = op._inbound_nodes[node_index]
            if type(op).__name__ == "InputLayer":
                raise ValueError(
                    f"model {model.name!r}: input {op.name!r} is not one of its inputs"
                )
            pending = [t for t in knode.input_tensors if id(t) not in memo]
            if pending:
                stack.extend(reversed(pending))
                continue
            stack.pop()
            ins = [memo[id(t)] for t in knode.input_tensors]
            if _is_model(op):
                inner_inputs, _ = _io(op)
                if len(inner_inputs) != len(ins):
                    raise UnsupportedLayerError(
                        f"nested model {op.name!r} is called on {len(ins)} tensors but has "
                        f"{len(inner_inputs)} inputs"
                    )
                bound_inner = dict(zip(map(id, inner_inputs), ins, strict=True))
                outs = _expand(op, bound_inner, f"{prefix}{op.name}_", nodes, names, calls)
            else:
                is_layer = isinstance(op, keras.layers.Layer)
                child = names.child(op, prefix)
                call = calls.get(id(op), 0)
                calls[id(op)] = call + 1
                args = knode.arguments.args
                node = Node(
                    op, child, call, ins,
                    list_call=bool(args) and isinstance(args[0], (list, tuple)),
                    op_args=None if is_layer else tuple(args),
                )  # fmt: skip
                base = child if call == 0 else f"{child}_{call + 1}"
                many = len(knode.outputs) > 1
                node.outputs = [
                    Tensor(names.variable(f"{base}_{i}" if many else base), tuple(t.shape), node)
                    for i, t in enumerate(knode.outputs)
                ]
                nodes.append(node)
                outs = node.outputs
            for kt_out, t in zip(knode.outputs, outs, strict=True):
                memo[id(kt_out)] = t
    return [memo[id(t)] for t in outputs]
