"""Reading a Keras model: lazy Keras, loading files, names and axes."""

from __future__ import annotations

import os

import numpy as np


class UnsupportedLayerError(ValueError):
    """A Keras layer, or an option of one, that the port does not translate."""


def _keras():
    import keras

    return keras


def _load(model_or_path):
    """A Keras model object, or one loaded from a ``.keras`` / ``.h5`` path."""
    if isinstance(model_or_path, (str, os.PathLike)):
        path = os.fspath(model_or_path)
        if not path.endswith((".keras", ".h5", ".hdf5")):
            raise ValueError(
                f"model_or_path {path!r} must end in .keras, .h5 or .hdf5 "
                "(a Keras 3 archive or a legacy HDF5 file)"
            )
        if not os.path.exists(path):
            raise FileNotFoundError(f"no Keras model file at {path!r}")
        _check_model_file(path)
        return _keras().saving.load_model(path, compile=False)
    keras = _keras()
    if not isinstance(model_or_path, keras.Model):
        raise TypeError(
            "model_or_path must be a Keras model or a path to a .keras/.h5 file, "
            f"got {type(model_or_path).__name__}"
        )
    return model_or_path


def _check_model_file(path: str) -> None:
    """Refuse, with a ValueError saying what it is instead, a file Keras cannot load
    (Keras itself says "File not found" for a corrupt archive that is there)."""
    import zipfile

    if os.path.isdir(path):
        raise ValueError(f"{path} is a directory, not a model file")
    if path.endswith(".keras"):
        if not zipfile.is_zipfile(path):
            raise ValueError(f"{path} is not a .keras archive (a .keras file is a zip)")
        with zipfile.ZipFile(path) as archive:
            if "config.json" not in archive.namelist():
                raise ValueError(f"{path} is not a .keras archive (it has no config.json)")
    else:
        import h5py

        if not h5py.is_hdf5(path):
            raise ValueError(f"{path} is not an HDF5 file")


def _torch_name(name: str) -> str:
    """A Keras layer name as a torch child name (no dots, a valid identifier)."""
    out = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return out if out and not out[0].isdigit() else f"layer_{out}"


def _torch_dim(axis: int, rank: int) -> int:
    """Where Keras' channels-last ``axis`` lives in PyTorch's channels-first layout."""
    axis = axis % rank
    if rank <= 2 or axis == 0:
        return axis
    return 1 if axis == rank - 1 else axis + 1


def _flatten_perm(shape) -> np.ndarray:
    """``perm[j]`` = Keras' flat index of PyTorch's flat position ``j`` for ``(*S, C)``."""
    keras_index = np.arange(int(np.prod(shape))).reshape(shape)
    return np.moveaxis(keras_index, -1, 0).reshape(-1)
