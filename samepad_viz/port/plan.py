"""The port plan: the model's graph, and for each layer call what its converter returned.

Every problem is collected before anything is refused, so one message names every layer
that cannot be ported, each by name and class.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import Graph, Node, read_graph
from .reading import UnsupportedLayerError
from .registry import CONVERTERS, Converted, _load_families, supported_layers

# layers through which a Flatten's feature order can travel to the Dense that absorbs it
_ORDER_FREE = {
    "Dropout",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "BatchNormalization",
    "Activation",
    "SpatialDropout1D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Identity",
}


@dataclass
class Plan:
    graph: Graph
    steps: list  # [(Node, Converted)] in topological order

    @property
    def chain(self) -> bool:
        """A chain of modules: written and built as an nn.Sequential."""
        return self.graph.is_chain() and all(c.expr is None for _, c in self.steps)


def _folds(graph: Graph, node: Node, reads: dict) -> bool:
    """Whether the Flatten ``node`` reaches a 2-D Dense through order-free layers only."""
    outputs = {id(t) for t in graph.outputs}
    tensor = node.outputs[0]
    while True:
        users = reads.get(id(tensor), [])
        if id(tensor) in outputs or len(users) != 1 or users[0].call:
            return False
        user = users[0]
        if user.kind == "Dense":
            return True
        if user.kind not in _ORDER_FREE or user.cfg.get("activation") == "glu":
            return False
        tensor = user.outputs[0]


def _problem_text(exc: Exception) -> str:
    return str(exc).removesuffix(" is not supported by samepad_viz.port")


def _plan(model) -> Plan:
    _load_families()
    graph = read_graph(model)
    for t in graph.inputs:
        if len(t.shape) not in (2, 3, 4, 5):
            raise UnsupportedLayerError(
                f"model input shape {t.shape}: only 1-D, 2-D, 3-D or flat data"
            )
    reads = graph.consumers()
    steps, problems, first = [], {}, {}
    for node in graph.nodes:
        layer, kind = node.layer, node.kind
        if node.name in problems:
            continue
        converter = CONVERTERS.get(kind)
        if converter is None:
            problems[node.name] = f"{node.what} has no converter"
            continue
        policy = getattr(getattr(layer, "dtype_policy", None), "name", "float32")
        if policy != "float32":
            problems[node.name] = f"{node.what}: dtype policy {policy!r} (only float32)"
            continue
        if kind == "Flatten":
            node.folds = _folds(graph, node, reads)
        try:
            converted: Converted = converter.function(node)
        except UnsupportedLayerError as exc:
            problems[node.name] = _problem_text(exc)
            continue
        if node.name in first:  # a shared layer: one module, so every call must agree
            earlier = first[node.name]
            if earlier.spec.render(0) != converted.spec.render(0):
                problems[node.name] = (
                    f"{node.what} is shared by calls that need different "
                    "torch modules (e.g. 'same' padding on inputs of different sizes)"
                )
                continue
        else:
            first[node.name] = converted
        for t in node.outputs:
            t.perm = converted.perm
        steps.append((node, converted))
    if problems:
        items = list(problems.values())
        count = f"{len(items)} layer{'s' if len(items) > 1 else ''}"
        raise UnsupportedLayerError(
            f"model {graph.name!r}: {count} cannot be ported: "
            + "; ".join(items)
            + f". Supported layers: {', '.join(supported_layers())}"
        )
    return Plan(graph, steps)
