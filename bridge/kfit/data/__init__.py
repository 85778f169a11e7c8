"""Data sources: the one place that asks "what kind of input is this?".

`get_source` turns `x` (or `validation_data`, or `fit_generator`'s
`generator`) into a source: in-memory arrays (numpy, tensors, R arrays over
rpy2), a `tf.data.Dataset`, a `keras.utils.PyDataset`, a Python generator
or iterator, or an R function. Each kind lives in its own module.
"""

from __future__ import annotations

from typing import Any

from kfit.data.arrays import ArraySource, is_array_like
from kfit.data.base import Feed, FeedOptions, Source
from kfit.data.py_dataset import PyDatasetSource, is_py_dataset
from kfit.data.python_generator import PythonGeneratorSource, is_python_iterator
from kfit.data.r_generator import RGeneratorSource, is_r_function
from kfit.data.tf_dataset import TFDatasetSource, is_tf_dataset
from kfit.errors import KfitTypeError, KfitValueError
from kfit.r.convert import is_r_object, r_to_numpy

__all__ = ["ArraySource", "Feed", "FeedOptions", "Source", "get_source",
           "get_validation_source"]


def _convert_r(value: Any, argument: str) -> tuple[Any, list[str] | None]:
    if value is None or not is_r_object(value):
        return value, None
    converted = r_to_numpy(value, argument=argument)
    return converted.value, converted.levels


def get_source(x: Any, y: Any = None, sample_weight: Any = None, *,
               argument: str = "x") -> Source:
    """The source for training input `x` (with `y` and `sample_weight`).

    Raises:
        KfitTypeError: `x` is of no kind kfit knows.
        KfitValueError: `y`/`sample_weight` given with a generator/dataset.
    """
    if is_r_function(x):
        source: Source = RGeneratorSource(x, argument)
    elif is_tf_dataset(x):
        source = TFDatasetSource(x)
    elif is_py_dataset(x):
        source = PyDatasetSource(x)
    elif is_python_iterator(x):
        source = PythonGeneratorSource(x)
    else:
        x, _ = _convert_r(x, argument)
        y, levels = _convert_r(y, "y")
        sample_weight, _ = _convert_r(sample_weight, "sample_weight")
        if x is None or not is_array_like(x):
            raise KfitTypeError(
                argument, "must be arrays, a generator, a tf.data.Dataset, a "
                "keras.utils.PyDataset or an R function.",
                x if x is not None else None,
                f"got an object of type {type(x).__name__}.")
        return ArraySource(x, y, sample_weight, levels=levels)
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise KfitValueError(
                name, f"cannot be used when `{argument}` is a {source.kind}.",
                value, "the generator or dataset yields (inputs, targets, "
                "sample_weights) itself.")
    return source


def get_validation_source(validation_data: Any) -> Source:
    """The source for `validation_data`: (x, y[, sample_weight]) or a stream."""
    if is_r_object(validation_data) and not is_r_function(validation_data):
        validation_data, _ = _convert_r(validation_data, "validation_data")
    if isinstance(validation_data, (tuple, list)):
        if len(validation_data) not in (2, 3) or not all(
                is_array_like(part) for part in validation_data[:2]):
            raise KfitValueError(
                "validation_data",
                "must be (x, y) or (x, y, sample_weight), or a generator/dataset.",
                validation_data, "e.g. validation_data = list(x_val, y_val) in R.")
        return ArraySource(*validation_data,
                           names=("validation_data[0]", "validation_data[1]",
                                  "validation_data[2]"))
    try:
        return get_source(validation_data, argument="validation_data")
    except KfitTypeError as error:
        raise KfitValueError(
            "validation_data",
            "must be (x, y) or (x, y, sample_weight), or a generator/dataset.",
            validation_data) from error
