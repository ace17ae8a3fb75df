"""The command: python -m samepad_viz.port MODEL.keras [-o model.py].

Exit status: 0 the port agrees with Keras, 1 it differs, 2 the model cannot be ported
(unsupported layers, an unreadable or non-model file, a bad argument or output path).
Each refusal is one line on stderr; a user's mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

EXIT_OK, EXIT_DIFFERS, EXIT_UNSUPPORTED = 0, 1, 2
COMMAND_RTOL = 1e-4  # every difference within 1e-4 of the activation's magnitude


class _Refused(Exception):
    """The one line the command prints before exiting with status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2 (argparse prints usage too)
        raise _Refused(f"bad argument: {message} (see --help)")


def _progress_printer():
    """A ``compare`` progress callback printing ``[i/n] name (kind) shape: max |diff| …``."""
    from .report import _shape_text

    done = []

    def progress(row, n: int) -> None:
        done.append(row)
        diff = row.diff_text() or row.note or "?"
        print(
            f"[{len(done)}/{n}] {row.name} ({row.kind}) {_shape_text(row.keras_shape)}: "
            f"max |diff| {diff}",
            file=sys.stderr,
            flush=True,
        )

    return progress


def _parser():
    parser = _Parser(
        prog="python -m samepad_viz.port",
        description=(
            "Port a Keras model file to standalone PyTorch source plus a state_dict, run "
            "both on a seeded batch and compare them layer by layer. Exit status: 0 they "
            "agree, 1 they differ, 2 the model cannot be ported."
        ),
    )
    parser.add_argument("model", nargs="?", help="a Keras 3 .keras archive or a legacy .h5 file")
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
    parser.add_argument("--list", action="store_true", help="print the supported Keras layers")
    return parser


def _model_file(path: str) -> None:
    """Refuse a path that is not a readable Keras model file, in one line."""
    from .reading import _check_model_file

    if not os.path.exists(path):
        raise _Refused(f"cannot read {path}: no such file")
    if not path.endswith((".keras", ".h5", ".hdf5")):
        raise _Refused(f"cannot read {path}: a model file ends in .keras, .h5 or .hdf5")
    try:
        _check_model_file(path)
    except ValueError as exc:
        raise _Refused(f"cannot read {path}: {str(exc).removeprefix(path + ' is ')}") from None


def _output_paths(args) -> tuple[str, str]:
    source = args.output or os.path.splitext(args.model)[0] + ".py"
    if os.path.isdir(source):
        raise _Refused(f"bad output path {source}: it is a directory; give a file name")
    if source.endswith(".pt"):
        raise _Refused(
            f"bad output path {source}: the weights ({os.path.basename(source)}) would "
            "overwrite the source written there; give a .py path"
        )
    if not source.endswith(".py"):
        raise _Refused(f"bad output path {source}: the source must end in .py")
    weights = os.path.splitext(source)[0] + ".pt"
    parent = os.path.dirname(os.path.abspath(source))
    probe = parent
    while probe and not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if probe and not os.path.isdir(probe):
        raise _Refused(f"bad output path {source}: {probe} is a file, not a directory")
    if os.path.abspath(source) == os.path.abspath(args.model):
        raise _Refused(f"bad output path {source}: it would overwrite the model")
    if os.path.isdir(weights):
        raise _Refused(f"bad output path {source}: the weights {weights} would be a directory")
    return source, weights


def _weights_named_in(source_path: str) -> str | None:
    with open(source_path, encoding="utf-8") as f:
        match = re.search(r"__file__\)\), '([^']+)'\)", f.read())
    return match.group(1) if match else None


def _run(argv) -> int:
    args = _parser().parse_args(argv)
    if args.list:
        from .registry import layer_table

        print(layer_table())
        return EXIT_OK
    if not args.model:
        raise _Refused("bad argument: give a model file (.keras or .h5); see --help")
    if args.batch < 1 or args.size < 1:
        raise _Refused("bad argument: --batch and --size must be at least 1")
    _model_file(args.model)
    source_path, weights_path = _output_paths(args)
    if args.check:
        if not os.path.isfile(source_path):
            raise _Refused(f"cannot check {source_path}: no such file")
        named = _weights_named_in(source_path)
        if named is None:
            raise _Refused(f"cannot check {source_path}: it loads no weights file")
        beside = os.path.join(os.path.dirname(os.path.abspath(source_path)), named)
        if not os.path.isfile(beside):
            raise _Refused(
                f"cannot check {source_path}: it loads {named}, which is not beside it "
                "(renamed? port again, or change the name in the source)"
            )

    import runpy

    import torch

    from .build import _build
    from .compare import compare
    from .plan import _plan
    from .reading import UnsupportedLayerError, _keras
    from .source import _source

    keras = _keras()
    print(f"Keras {keras.__version__} on its {keras.backend.backend()} backend", file=sys.stderr)
    try:
        model = keras.saving.load_model(args.model, compile=False)
    except Exception as exc:  # Keras' own errors for a file it cannot read
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _Refused(f"cannot read {args.model}: {text}") from None
    try:
        plan = _plan(model)
    except (UnsupportedLayerError, ValueError) as exc:
        raise _Refused(f"cannot port {args.model}: {exc}") from None
    if not args.check:
        module = _build(plan)
        source = _source(plan, standalone=True, weights=os.path.basename(weights_path))
        try:
            os.makedirs(os.path.dirname(os.path.abspath(source_path)), exist_ok=True)
            with open(source_path, "w", encoding="utf-8") as f:
                f.write(source)
            torch.save(module.state_dict(), weights_path)
        except OSError as exc:
            raise _Refused(f"cannot write {source_path}: {exc.strerror or exc}") from None
        print(f"wrote {source_path} and {weights_path}", file=sys.stderr)
    try:
        ported = runpy.run_path(source_path)["model"]  # as a user runs it: loads the .pt
    except Exception as exc:
        raise _Refused(f"cannot run {source_path}: {type(exc).__name__}: {exc}") from None
    shapes = [tuple(args.size if s is None else s for s in t.shape[1:]) for t in plan.graph.inputs]
    if any(None in t.shape[1:] for t in plan.graph.inputs):
        print(f"open input dimensions set to {args.size}: {shapes}", file=sys.stderr)
    report = compare(
        model, ported, shapes if len(shapes) > 1 else shapes[0], seed=args.seed,
        batch=args.batch, rtol=COMMAND_RTOL, progress=_progress_printer(),
    )  # fmt: skip
    print(report)
    print(
        f"measured: max abs diff {report.max_abs_diff:.3g}, max rel diff "
        f"{report.max_rel_diff:.3g} (worst layer; relative to that layer's largest |value|)"
    )
    return EXIT_OK if report.ok else EXIT_DIFFERS


def main(argv=None) -> int:
    """Port a ``.keras`` / ``.h5`` file: write ``model.py`` and ``model.pt``, check them.

    Exit status 0 when every layer matches Keras within ``1e-4 · max(1, |activation|)``,
    1 when one does not, 2 when the model cannot be ported (one line says why: the
    unsupported layers by name and class, an unreadable file, a bad argument or path).
    """
    try:
        return _run(argv)
    except _Refused as exc:
        print(f"samepad_viz.port: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except KeyboardInterrupt:
        print("samepad_viz.port: interrupted", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except Exception as exc:  # a bug of ours, not the user's: still status 2, one line
        if os.environ.get("SAMEPAD_DEBUG"):
            raise
        print(
            f"samepad_viz.port: internal error {type(exc).__name__}: {exc} (please report it; "
            "SAMEPAD_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_UNSUPPORTED
