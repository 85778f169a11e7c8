"""Small data sets shipped with kfit (for the demo and the tests)."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np


def iris() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """R's `iris`: 150 x 4 float32 measurements, 0-based species, names."""
    text = resources.files(__name__).joinpath("iris.csv").read_text()
    rows = list(csv.reader(text.splitlines()))[1:]
    species = sorted({row[4] for row in rows})
    x = np.array([[float(v) for v in row[:4]] for row in rows], dtype=np.float32)
    y = np.array([species.index(row[4]) for row in rows], dtype=np.int32)
    return x, y, species
