"""python -m samepad_viz.port: exit 0 agree, 1 differ, 2 cannot be ported — one line each.

The refusals run in-process (``port.main``: nothing to load), one graph model runs in a
subprocess as a user runs it, and its standalone source then runs with only torch
importable.
"""

import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import torch
from helpers import KERAS_NUMPY2_WARNINGS
from keras import layers as L

from samepad_viz import port

pytestmark = KERAS_NUMPY2_WARNINGS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# runs a ported file with keras and samepad_viz made unimportable: only torch is there
TORCH_ONLY = (
    "import sys; sys.modules['keras'] = None; sys.modules['samepad_viz'] = None; "
    "import runpy, numpy as np, torch; m = runpy.run_path(sys.argv[1])['model']; "
    "xs = [torch.from_numpy(np.load(p)) for p in sys.argv[3:]]; "
    "out = m(*xs); out = out if isinstance(out, tuple) else (out,); "
    "np.savez(sys.argv[2], *[o.detach().numpy() for o in out])"
)


def run_command(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    env.setdefault("OMP_NUM_THREADS", "1")
    return subprocess.run(
        [sys.executable, "-m", "samepad_viz.port", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def refused(capsys, *args):
    """``port.main(args)`` exits 2 with one line on stderr and no traceback; that line."""
    status = port.main([str(a) for a in args])
    err = capsys.readouterr().err
    assert status == 2, err
    lines = [line for line in err.splitlines() if line.startswith("samepad_viz.port:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def small_model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("refusals")
    model = keras.Sequential([keras.Input((6, 6, 2)), L.Conv2D(3, 3, name="conv")])
    model.save(folder / "m.keras")
    return folder


def test_corrupt_empty_and_text_keras_files_are_not_keras_archives(tmp_path, capsys):
    (tmp_path / "empty.keras").write_bytes(b"")
    (tmp_path / "text.keras").write_text("this is not a model\n")
    (tmp_path / "cut.keras").write_bytes(b"PK\x03\x04" + os.urandom(64))
    for name in ("empty.keras", "text.keras", "cut.keras"):
        assert "not a .keras archive" in refused(capsys, tmp_path / name)


def test_a_zip_without_a_model_is_not_a_keras_archive(tmp_path, capsys):
    import zipfile

    with zipfile.ZipFile(tmp_path / "z.keras", "w") as z:
        z.writestr("hello.txt", "hi")
    assert "not a .keras archive" in refused(capsys, tmp_path / "z.keras")


def test_missing_directory_and_wrong_suffix_and_bad_h5(tmp_path, capsys):
    assert "no such file" in refused(capsys, tmp_path / "missing.keras")
    (tmp_path / "dir.keras").mkdir()
    assert "directory" in refused(capsys, tmp_path / "dir.keras")
    (tmp_path / "model.pt").write_bytes(b"x")
    assert ".keras, .h5" in refused(capsys, tmp_path / "model.pt")
    (tmp_path / "bad.h5").write_text("not hdf5")
    assert "not an HDF5 file" in refused(capsys, tmp_path / "bad.h5")


def test_bad_arguments_are_one_line(capsys, small_model_file):
    assert "bad argument" in refused(capsys, small_model_file / "m.keras", "--batch", "x")
    assert "bad argument" in refused(capsys, small_model_file / "m.keras", "--nope")
    assert "bad argument" in refused(capsys)
    assert "at least 1" in refused(capsys, small_model_file / "m.keras", "--batch", "0")


def test_output_paths_that_cannot_work(tmp_path, capsys, small_model_file):
    model = small_model_file / "m.keras"
    (tmp_path / "out").mkdir()
    assert "is a directory" in refused(capsys, model, "-o", tmp_path / "out")
    (tmp_path / "afile").write_text("x")
    line = refused(capsys, model, "-o", tmp_path / "afile" / "m.py")
    assert "is a file, not a directory" in line
    line = refused(capsys, model, "-o", tmp_path / "model.pt")
    assert "would overwrite the source" in line
    assert "must end in .py" in refused(capsys, model, "-o", tmp_path / "model.txt")
    assert not (tmp_path / "model.pt").exists()


def test_check_on_a_renamed_pair_says_so(tmp_path, capsys, small_model_file):
    model = small_model_file / "m.keras"
    assert port.main([str(model), "-o", str(tmp_path / "first.py")]) == 0
    capsys.readouterr()
    os.rename(tmp_path / "first.py", tmp_path / "second.py")
    os.rename(tmp_path / "first.pt", tmp_path / "second.pt")
    line = refused(capsys, model, "-o", tmp_path / "second.py", "--check")
    assert "first.pt" in line and "renamed" in line
    assert "no such file" in refused(capsys, model, "-o", tmp_path / "none.py", "--check")


def test_success_prints_the_measured_differences_as_numbers(tmp_path, capsys, small_model_file):
    status = port.main([str(small_model_file / "m.keras"), "-o", str(tmp_path / "p.py")])
    out = capsys.readouterr().out
    assert status == 0
    match = re.search(r"measured: max abs diff (\S+), max rel diff (\S+) ", out)
    assert match, out
    assert 0 <= float(match.group(1)) < 1e-5 and 0 <= float(match.group(2)) < 1e-5


def test_list_prints_the_registry_table(capsys):
    assert port.main(["--list"]) == 0
    assert capsys.readouterr().out.strip() == port.layer_table()


def two_headed_model():
    """A small graph: fan-out, a strided 'same' depthwise conv on an even size, merges,
    two inputs and two outputs."""
    image, extra = keras.Input((12, 12, 3), name="image"), keras.Input((4,), name="extra")
    x = L.Conv2D(8, 3, strides=2, padding="same", name="stem")(image)
    x = L.BatchNormalization(name="stem_bn")(x)
    x = L.ReLU(6.0, name="stem_relu")(x)
    d = L.DepthwiseConv2D(3, strides=2, padding="same", name="dw")(x)
    p = L.MaxPooling2D(2, name="pool")(x)
    x = L.Add(name="add")([d, p])
    x = L.Concatenate(name="cat")([x, L.Conv2D(4, 1, name="side")(x)])
    features = L.GlobalAveragePooling2D(name="gap")(x)
    joined = L.Concatenate(name="joined")([features, L.Dense(4, name="extra_dense")(extra)])
    model = keras.Model([image, extra], [L.Dense(3, name="logits")(joined), x], name="two")
    rng = np.random.default_rng(0)
    for layer in model.layers:
        weights = layer.get_weights()
        if isinstance(layer, L.BatchNormalization):
            weights = [rng.uniform(0.5, 1.5, w.shape) for w in weights]
        else:
            weights = [rng.normal(0, 0.5, w.shape) if w.ndim == 1 else w for w in weights]
        layer.set_weights([np.asarray(w, "float32") for w in weights])
    return model


def test_a_graph_model_ports_with_the_command_and_runs_with_only_torch(tmp_path):
    model = two_headed_model()
    model.save(tmp_path / "two.keras")
    result = run_command("two.keras", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "measured: max abs diff" in result.stdout
    source = (tmp_path / "two.py").read_text()
    assert "def forward(self, image, extra):" in source and "add = dw + pool" in source
    xs = [np.random.default_rng(1).standard_normal((2, *s[1:])).astype("float32")
          for s in model.input_shape]  # fmt: skip
    np.save(tmp_path / "image.npy", np.ascontiguousarray(np.moveaxis(xs[0], -1, 1)))
    np.save(tmp_path / "extra.npy", xs[1])
    subprocess.run(
        [sys.executable, "-c", TORCH_ONLY, tmp_path / "two.py", tmp_path / "out.npz",
         tmp_path / "image.npy", tmp_path / "extra.npy"],
        check=True, capture_output=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    got = np.load(tmp_path / "out.npz")
    refs = [keras.ops.convert_to_numpy(r) for r in model(xs, training=False)]
    for i, ref in enumerate(refs):
        out = got[f"arr_{i}"]
        out = np.moveaxis(out, 1, -1) if out.ndim > 2 else out
        assert np.abs(out - ref).max() <= 1e-5 * max(1.0, float(np.abs(ref).max()))


def test_command_exits_1_for_a_graph_port_that_differs(tmp_path, capsys):
    model = two_headed_model()
    model.save(tmp_path / "two.keras")
    assert port.main([str(tmp_path / "two.keras")]) == 0
    state = torch.load(tmp_path / "two.pt", weights_only=True)
    state["dw.weight"] = state["dw.weight"].flip(-1)  # a kernel copied the wrong way round
    torch.save(state, tmp_path / "two.pt")
    capsys.readouterr()
    assert port.main([str(tmp_path / "two.keras"), "--check"]) == 1
    out = capsys.readouterr().out
    assert "first divergence: dw" in out
