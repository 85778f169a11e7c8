"""Scaling out over processes: a two-process JAX job on 127.0.0.1, each
process feeding its own shard from its own R worker (see
`jax_multiprocess_child.py`). Every step trains one batch of each shard
together: both shards' batches, each once, in order, and both processes
agree on the history."""

from __future__ import annotations

import json
import socket
import subprocess

import pytest
from test_batch_matrix import TESTS, _environment, backend_python

pytestmark = pytest.mark.trains  # see conftest.py


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_jax_processes_train_every_shard_batch_once() -> None:
    port = str(free_port())
    children = [subprocess.Popen(
        [backend_python(), str(TESTS / "jax_multiprocess_child.py"), str(p), port],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_environment()) for p in (0, 1)]
    results = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, out[-2000:] + err[-4000:]
        line = next(x for x in out.splitlines() if x.startswith("RESULT "))
        results.append(json.loads(line[len("RESULT "):]))
    steps = 3 * 2  # steps_per_epoch x epochs
    expected = sorted([[100 + k, float(k - 1)] for k in range(1, steps + 1)] +
                      [[200 + k, float(k - 1)] for k in range(1, steps + 1)],
                      key=lambda pair: (pair[1], pair[0]))
    for result in results:
        assert (result["devices"], result["local_devices"]) == (2, 1)
        assert result["train"] == expected  # step k trains 10k and 20k, once
        assert set(result["train_rows"].values()) == {4}
    assert results[0]["history"] == results[1]["history"]
    assert len(results[0]["history"]["loss"]) == 2
