"""Shared test settings: one Hypothesis profile for every property test, Keras on torch."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# tests/helpers*.py hold shared assertions: rewrite them so a failure shows the values
pytest.register_assert_rewrite("helpers", "helpers_keras")

# The example count is stated in the README's "Testing" section; keep the two in step.
settings.register_profile(
    "samepad",
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# A quick profile for edit-run loops only (HYPOTHESIS_PROFILE=dev); CI uses "samepad".
settings.register_profile("dev", max_examples=25, deadline=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "samepad"))


def pytest_make_parametrize_id(config, val, argname):
    """Stable test ids for functions and plain objects (their repr holds a memory address).

    pytest-xdist requires every worker to collect the same ids; ``<function f at 0x…>``
    differs between processes.
    """
    if callable(val) and hasattr(val, "__name__"):
        return val.__name__
    if " at 0x" in repr(val):
        return type(val).__name__
    return None


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny tensors on a busy 2-core machine: one thread is faster (oneDNN's two-thread
    parallel regions stall for tens of milliseconds per convolution). A module asks for it
    with ``pytest.mark.usefixtures("one_torch_thread")``."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
