"""Data sources: the one place that asks "what kind of input is this?".

`get_source` turns `x` (or `validation_data`, or `fit_generator`'s
`generator`) into a source: in-memory arrays (numpy, tensors, R arrays over
rpy2), a `tf.data.Dataset`, a `keras.utils.PyDataset`, a Python generator
or iterator, or an R function. Each kind lives in its own module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kfit.data.arrays import ArraySource, is_array_like
from kfit.data.base import Feed, FeedOptions, Source
from kfit.data.py_dataset import PyDatasetSource, is_py_dataset
from kfit.data.python_generator import PythonGeneratorSource, is_python_iterator
from kfit.data.r_generator import RGeneratorSource, is_r_function
from kfit.data.tf_dataset import TFDatasetSource, is_tf_dataset
from kfit.errors import Described, KfitTypeError, KfitValueError
from kfit.r.codec import RList, RVector
from kfit.r.convert import as_r_value, is_r_object, r_to_numpy
from kfit.r.values import names_of
from kfit.words import Arg, Either, R, Say

__all__ = ["ArraySource", "Feed", "FeedOptions", "Source", "get_source",
           "get_validation_source"]

_STREAMS = Either(
    "a Python generator or iterator, a keras.utils.PyDataset, a tf.data.Dataset "
    "or an R function",
    "an R function (a generator function() or an index dataset function(i)), a "
    "Python generator, a keras.utils.PyDataset or a tf.data.Dataset")
_VALIDATION = Either("(x_val, y_val) or (x_val, y_val, sample_weight)",
                     "list(x_val, y_val) or list(x_val, y_val, weights)")
_VALIDATION_NAMES = tuple(Arg("validation_data", (i,)) for i in range(3))


def _convert_r(value: Any, argument: str | Arg) -> tuple[Any, list[str] | None]:
    if value is None or not is_r_object(value):
        return value, None
    converted = r_to_numpy(value, argument=argument)
    return converted.value, converted.levels


def _check_r_weights(sample_weight: Any, where: str | Arg) -> None:
    """An R factor as weights would train on its level codes: an error."""
    if isinstance(sample_weight, RVector) and "factor" in sample_weight.classes:
        code = where if isinstance(where, str) else R.argument(where.name, where.path)
        raise KfitTypeError(
            where, "must be numbers, not a factor.", sample_weight,
            f"make numbers of it on purpose: as.numeric(as.character({code})) gives "
            "the numbers its levels show.")


def get_source(x: Any, y: Any = None, sample_weight: Any = None, *,
               argument: str = "x", arrays: bool = True) -> Source:
    """The source for training input `x` (with `y` and `sample_weight`).

    Args:
        x, y, sample_weight: as given to `fit()` (R values not yet converted).
        argument: the name of `x` in messages ("x", "generator", ...).
        arrays: whether in-memory arrays are allowed (not for
            `fit_generator()`'s `generator`, which has no `y`).

    Raises:
        KfitTypeError: `x` is of no kind kfit knows, or holds no numbers.
        KfitValueError: `x` is missing, `y`/`sample_weight` given with a
            generator/dataset, or the arrays hold bad values (see `arrays`).
    """
    if is_r_function(x):
        source: Source = RGeneratorSource(x, argument)
    elif is_tf_dataset(x):
        source = TFDatasetSource(x)
    elif is_py_dataset(x):
        source = PyDatasetSource(x)
    elif is_python_iterator(x):
        source = PythonGeneratorSource(x)
    elif not arrays:
        raise KfitTypeError(
            argument, Say("must be {streams}.", streams=_STREAMS), as_r_value(x),
            Either("for arrays, use kfit.fit(model, x, y) instead.",
                   "for arrays, use fit(model, x, y) instead."))
    else:
        return _array_source(x, y, sample_weight, argument)
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise KfitValueError(
                name, f"cannot be used when `{argument}` is a {source.kind}.",
                value, "the generator or dataset yields (inputs, targets, "
                "sample_weights) itself.")
    return source


def _array_source(x: Any, y: Any, sample_weight: Any, argument: str) -> ArraySource:
    if x is None:
        raise KfitValueError(
            argument, "is missing: training needs inputs.", None, Either(
                "pass arrays as x (with y), or a generator or dataset that yields "
                "(inputs, targets).",
                "pass a matrix, array or data frame as x (with y), or a generator "
                "function()."), show_received=False)
    shown = tuple(as_r_value(v) for v in (x, y, sample_weight))
    _check_r_weights(shown[2], "sample_weight")
    x, _ = _convert_r(shown[0], argument)
    y, levels = _convert_r(shown[1], "y")
    sample_weight, _ = _convert_r(shown[2], "sample_weight")
    if not is_array_like(x):
        raise KfitTypeError(
            argument, Say("must be arrays (one row per sample), or {streams}.",
                          streams=_STREAMS), x, _not_arrays_hint(x))
    return ArraySource(x, y, sample_weight, names=(argument, "y", "sample_weight"),
                       levels=levels, shown=shown)


def _not_arrays_hint(x: Any) -> Either:
    if isinstance(x, str):
        return Either("to train on a file, load it first (np.load(), "
                      "pandas.read_csv(...).to_numpy()).",
                      "to train on a file, read it first (read.csv(), readRDS()).")
    return Either("e.g. a numpy array of shape (samples, features), or a list or "
                  "dict of arrays for several inputs.",
                  "e.g. a matrix with one row per sample, or a list of them for "
                  "several inputs.")


def get_validation_source(validation_data: Any) -> Source:
    """The source for `validation_data`: (x, y[, sample_weight]) or a stream.

    Raises:
        KfitValueError: it is not of that form (one array, a dict or named
            list, a data frame, 1 or 4 items), or its arrays hold bad values.
        KfitTypeError: an item holds no numbers.
    """
    if is_r_object(validation_data) and not is_r_function(validation_data):
        value = as_r_value(validation_data)
        if not (isinstance(value, RList) and not value.classes
                and names_of(value) is None and len(value.items) in (2, 3)):
            raise _validation_error(value)
        _check_r_weights(value.items[2] if len(value.items) == 3 else None,
                         _VALIDATION_NAMES[2])
        parts = [_convert_r(item, _VALIDATION_NAMES[i])
                 for i, item in enumerate(value.items)]
        return ArraySource(*(p[0] for p in parts), names=_VALIDATION_NAMES,
                           levels=parts[1][1], shown=tuple(value.items))
    if isinstance(validation_data, (tuple, list)):
        if len(validation_data) not in (2, 3):
            raise _validation_error(validation_data)
        for i, part in enumerate(validation_data[:2]):
            if part is not None and not is_array_like(part):
                raise KfitTypeError(
                    _VALIDATION_NAMES[i], "must be an array with one row per sample.",
                    part, Say("`validation_data` must be {form}.", form=_VALIDATION))
        return ArraySource(*validation_data, names=_VALIDATION_NAMES)
    if isinstance(validation_data, Mapping) or is_array_like(validation_data):
        raise _validation_error(validation_data)
    try:
        return get_source(validation_data, argument="validation_data", arrays=False)
    except KfitTypeError as error:
        raise _validation_error(validation_data) from error


def _validation_error(value: Any) -> KfitValueError:
    """`validation_data` of no form kfit knows, with a hint for what it is."""
    received: Any = value
    hint = Either("e.g. validation_data=(x_val, y_val).",
                  "e.g. validation_data = list(x_val, y_val).")
    frame = isinstance(value, RList) and "data.frame" in value.classes
    names = names_of(value) if isinstance(value, RList) and not frame else None
    if isinstance(value, Mapping) or names is not None:
        if names is not None:
            received = Described(f"a named list of length {len(names)} "
                                 f"({', '.join(names[:5])})")
        hint = Either("a dict is not read as (x, y): pass the tuple (x_val, y_val).",
                      "names are not read: pass the unnamed list(x_val, y_val), "
                      "e.g. unname(validation_data).")
    elif frame or is_array_like(value) or isinstance(value, RVector):
        hint = Either("pass its targets too, (x_val, y_val); or hold out the last "
                      "rows of x with validation_split=0.2.",
                      "pass its targets too, list(x_val, y_val); or hold out the "
                      "last rows of x with validation_split = 0.2.")
    return KfitValueError("validation_data", Say(
        "must be {form}, or a generator or dataset.", form=_VALIDATION),
        received, hint)
