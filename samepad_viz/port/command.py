"""The command: python -m samepad_viz.port MODEL.keras [-o model.py]."""

from __future__ import annotations

import os
import sys

import torch

from .build import from_keras
from .compare import compare
from .reading import UnsupportedLayerError, _input_shape, _keras, _load
from .report import Row, _shape_text
from .source import to_torch_source

EXIT_OK, EXIT_DIFFERS, EXIT_UNSUPPORTED = 0, 1, 2
COMMAND_RTOL = 1e-4  # every difference within 1e-4 of the activation's magnitude


def _progress_printer():
    """A ``compare`` progress callback printing ``[i/n] name (kind) shape: max |diff| …``."""
    done = []

    def progress(row: Row, n: int) -> None:
        done.append(row)
        diff = row.diff_text() or row.note or "?"
        print(
            f"[{len(done)}/{n}] {row.name} ({row.kind}) {_shape_text(row.keras_shape)}: "
            f"max |diff| {diff}",
            file=sys.stderr,
            flush=True,
        )

    return progress


def main(argv=None) -> int:
    """Port a ``.keras`` / ``.h5`` file: write ``model.py`` and ``model.pt``, check them.

    Exit status 0 when every layer matches Keras within ``1e-4 · max(1, |activation|)``,
    1 when one does not, 2 when the model cannot be ported (the layer is named).
    """
    import argparse
    import runpy

    parser = argparse.ArgumentParser(
        prog="python -m samepad_viz.port",
        description=(
            "Port a Keras model file to standalone PyTorch source plus a state_dict, run "
            "both on a seeded batch and compare them layer by layer."
        ),
    )
    parser.add_argument("model", help="a Keras 3 .keras archive or a legacy .h5 file")
    parser.add_argument(
        "-o", "--output", help="PyTorch source to write (default: the model's name with .py)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the test batch")
    parser.add_argument("--batch", type=int, default=4, help="test batch size")
    parser.add_argument(
        "--size", type=int, default=32, help="for input dimensions the model leaves open"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check an existing OUTPUT and its .pt against the model instead of writing them",
    )
    args = parser.parse_args(argv)
    source_path = args.output or os.path.splitext(args.model)[0] + ".py"
    weights_path = os.path.splitext(source_path)[0] + ".pt"
    keras = _keras()
    print(f"Keras {keras.__version__} on its {keras.backend.backend()} backend", file=sys.stderr)
    try:
        model = _load(args.model)
        if not args.check:
            module = from_keras(model)
            source = to_torch_source(model, standalone=True, weights=os.path.basename(weights_path))
    except UnsupportedLayerError as exc:
        print(f"unsupported: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except (OSError, TypeError, ValueError) as exc:
        print(f"cannot port {args.model}: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    if not args.check:
        os.makedirs(os.path.dirname(os.path.abspath(source_path)), exist_ok=True)
        with open(source_path, "w", encoding="utf-8") as f:
            f.write(source)
        torch.save(module.state_dict(), weights_path)
        print(f"wrote {source_path} and {weights_path}", file=sys.stderr)
    ported = runpy.run_path(source_path)["model"]  # as a user runs it: loads the .pt
    shape = tuple(args.size if s is None else s for s in _input_shape(model)[1:])
    if None in _input_shape(model)[1:]:
        print(f"open input dimensions set to {args.size}: {shape}", file=sys.stderr)
    report = compare(
        model, ported, shape, seed=args.seed, batch=args.batch, rtol=COMMAND_RTOL,
        progress=_progress_printer(),
    )  # fmt: skip
    print(report)
    return EXIT_OK if report.ok else EXIT_DIFFERS
