"""Bad input, group "values": what in-memory data holds.

NA/NaN/Inf (reported at the first position), zero rows, values that are no
numbers (strings, objects, dates), R data frames with columns that are no
numbers (through rpy2, as R hands them over), sample weights, and the form
of `validation_data` / `fit_generator()`'s `generator`. Valid but unusual
inputs (logical or integer arrays, tensors, one row, a 3-D input with 2-D
weights, a data frame of numeric, integer and logical columns) check the
result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import kfit
from kfit.errors import KfitTypeError, KfitValueError

from . import Case, Data, make_model
from support import weights_of


def fit(model: Any, x: Any, y: Any = None, **kwargs: Any) -> Any:
    return kfit.fit(model, x, y, verbose=0, **kwargs)


def fit_generator(model: Any, generator: Any, **kwargs: Any) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated, on purpose
        return kfit.fit_generator(model, generator, verbose=0, **kwargs)


def put(array: np.ndarray, index: tuple[int, ...], value: Any,
        dtype: Any = None) -> np.ndarray:
    """A copy of `array` (as `dtype`) with `value` at `index`."""
    out = np.array(array, dtype=dtype or array.dtype)
    out[index] = value
    return out


def r(code: str) -> Any:
    """An R value made by R (rpy2): kfit takes it as R hands it over."""
    import rpy2.robjects as ro

    return ro.r(code)


def r_frame(last_column: str) -> Any:
    """A data frame of 9 numeric columns and `last_column` as column 10."""
    return r("{set.seed(7); df <- as.data.frame(matrix(rnorm(640), 64, 10)); "
             f"df[[10]] <- {last_column}; names(df)[10] <- 'when'; df}}")


# -- checks of valid cases ------------------------------------------------------
def trained(epochs: list[int], samples: int | None = None, kind: str = "classifier"):
    """The run trained `epochs` (on `samples` rows) and changed the weights."""
    def check(history: Any, model: Any) -> None:
        assert history.epochs == epochs
        assert all(np.isfinite(history.metrics["loss"]))
        if samples is not None:
            assert history.params["samples"] == samples
        fresh = weights_of(make_model(kind))
        assert any(not np.array_equal(a, b)
                   for a, b in zip(fresh, weights_of(model), strict=True))
    return check


def validated(samples: int):
    def check(history: Any, model: Any) -> None:
        assert history.params["validation_samples"] == samples
        assert len(history.metrics["val_loss"]) == 1
        assert np.isfinite(history.metrics["val_loss"][0])
    return check


def temporal_run(model: Any, d: Data) -> Any:
    """A model on 3-D input (64 x 5 x 2) with per-timestep (64 x 5) weights."""
    import keras

    keras.utils.set_random_seed(3)
    seq = keras.Sequential([keras.Input((5, 2)), keras.layers.Dense(1)])
    seq.compile(optimizer="sgd", loss="mse")
    x = d.x.reshape(64, 5, 2)
    y = d.y_reg[:, None].repeat(5, axis=1)[..., None]
    weights = np.tile(np.array([1.0, 1.0, 0.0, 2.0, 1.0], dtype="float32"), (64, 1))
    before = weights_of(seq)
    history = fit(seq, x, y, sample_weight=weights, epochs=2)
    assert any(not np.array_equal(a, b)
               for a, b in zip(before, weights_of(seq), strict=True))
    return history


def temporal_check(history: Any, model: Any) -> None:
    assert history.epochs == [1, 2]
    assert history.params["samples"] == 64
    assert all(np.isfinite(history.metrics["loss"]))


def logical_frame_run(model: Any, d: Data) -> Any:
    frame = r("{set.seed(7); df <- as.data.frame(matrix(rnorm(384), 64, 6)); "
              "df$i1 <- 1:64; df$i2 <- rep(0:3, 16); df$l1 <- rep(c(TRUE, FALSE), 32);"
              " df$l2 <- rep(c(NA, TRUE), 32) & FALSE; df}")
    return fit(model, frame, d.y)


NF = "non-finite"
ZR = "zero-rows"
TY = "types"
DF = "data-frame"
SW = "sample_weight"
VD = "validation_data"

CASES: list[Case] = [
    # -- non-finite ---------------------------------------------------------------
    Case("values-nan-x", NF, lambda m, d: fit(m, put(d.x, (2, 1), np.nan), d.y),
         KfitValueError, "x", "`x` has nan at index [2, 1]."),
    Case("values-inf-x", NF, lambda m, d: fit(m, put(d.x, (5, 3), np.inf), d.y),
         KfitValueError, "x", "`x` has inf at index [5, 3]."),
    Case("values-neg-inf-x", NF,
         lambda m, d: fit(m, put(d.x, (0, 9), -np.inf), d.y),
         KfitValueError, "x", "has -inf at index [0, 9]"),
    Case("values-nan-x-several", NF,
         lambda m, d: fit(m, put(put(d.x, (9, 0), np.nan), (30, slice(None)), np.inf),
                          d.y),
         KfitValueError, "x", "has nan at index [9, 0] and 10 more nan or inf"),
    Case("values-nan-x-float64", NF,
         lambda m, d: fit(m, put(d.x, (63, 4), np.nan, "float64"), d.y),
         KfitValueError, "x", "has nan at index [63, 4]"),
    Case("values-nan-x-float16", NF,
         lambda m, d: fit(m, put(d.x, (1, 1), np.nan, "float16"), d.y),
         KfitValueError, "x", "has nan at index [1, 1]"),
    Case("values-nan-x-tensor", NF,
         lambda m, d: fit(m, _tensor(put(d.x, (4, 2), np.nan)), d.y),
         KfitValueError, "x", "has nan at index [4, 2]"),
    Case("values-nan-y", NF,
         lambda m, d: fit(m, d.x, put(d.y_reg, (7,), np.nan)),
         KfitValueError, "y", "`y` has nan at index [7]", model="regression"),
    Case("values-inf-y", NF,
         lambda m, d: fit(m, d.x, put(d.y_reg, (0,), np.inf)),
         KfitValueError, "y", "`y` has inf at index [0]", model="regression"),
    Case("values-nan-y-classes", NF,
         lambda m, d: fit(m, d.x, put(d.y, (12,), np.nan, "float32")),
         KfitValueError, "y", "`y` has nan at index [12]"),
    Case("values-nan-input-list", NF,
         lambda m, d: fit(m, [d.xa, put(d.xb, (1, 4), np.nan)], d.y_reg),
         KfitValueError, "x", "`x[1]` has nan at index [1, 4]", model="two_inputs"),
    Case("values-inf-input-dict", NF,
         lambda m, d: fit(m, {"a": put(d.xa, (3, 0), np.inf), "b": d.xb}, d.y_reg),
         KfitValueError, "x", "`x['a']` has inf at index [3, 0]", model="two_inputs"),
    Case("values-nan-before-split", NF,
         lambda m, d: fit(m, put(d.x, (60, 0), np.nan), d.y, validation_split=0.25),
         KfitValueError, "x", "has nan at index [60, 0]"),
    Case("values-nan-validation-x", NF,
         lambda m, d: fit(m, d.x, d.y, validation_data=(put(d.x, (2, 1), np.nan), d.y)),
         KfitValueError, "validation_data",
         "`validation_data[0]` has nan at index [2, 1]"),
    Case("values-inf-validation-y", NF,
         lambda m, d: fit(m, d.x, d.y_reg,
                          validation_data=(d.x, put(d.y_reg, (9,), -np.inf))),
         KfitValueError, "validation_data",
         "`validation_data[1]` has -inf at index [9]", model="regression"),
    Case("values-integers-not-scanned", NF, lambda m, d: fit(m, (d.x * 10).astype(
        "int32"), d.y, epochs=2), check=trained([1, 2], 64)),
    # -- zero rows ----------------------------------------------------------------
    Case("values-zero-rows-x", ZR, lambda m, d: fit(m, d.x[:0], d.y[:0]),
         KfitValueError, "x", "`x` has 0 rows"),
    Case("values-zero-rows-y", ZR, lambda m, d: fit(m, d.x, d.y[:0]),
         KfitValueError, "y", "`y` has 0 rows"),
    Case("values-empty-list-y", ZR, lambda m, d: fit(m, d.x, []),
         KfitValueError, "y", "`y` has 0 rows"),
    Case("values-zero-rows-input", ZR,
         lambda m, d: fit(m, {"a": d.xa[:0], "b": d.xb[:0]}, d.y_reg[:0]),
         KfitValueError, "x", "`x['a']` has 0 rows", model="two_inputs"),
    Case("values-zero-rows-weights", ZR,
         lambda m, d: fit(m, d.x, d.y, sample_weight=np.ones(0)),
         KfitValueError, "sample_weight", "`sample_weight` has 0 rows"),
    Case("values-zero-rows-validation", ZR,
         lambda m, d: fit(m, d.x, d.y, validation_data=(d.x[:0], d.y[:0])),
         KfitValueError, "validation_data", "`validation_data[0]` has 0 rows"),
    Case("values-one-row", ZR, lambda m, d: fit(m, d.x[:1], d.y[:1], epochs=2),
         check=trained([1, 2], 1)),
    # -- types --------------------------------------------------------------------
    Case("values-strings-x", TY, lambda m, d: fit(m, np.full((64, 10), "a"), d.y),
         KfitTypeError, "x", "x=<ndarray shape=(64, 10) dtype=<U1>"),
    Case("values-numbers-as-text-x", TY, lambda m, d: fit(m, d.x.astype(str), d.y),
         KfitTypeError, "x", "must hold numbers, not dtype <U"),
    Case("values-object-x", TY, lambda m, d: fit(m, d.x.astype(object), d.y),
         KfitTypeError, "x", "not dtype object"),
    Case("values-labels-y", TY,
         lambda m, d: fit(m, d.x, np.array(["lo", "mid", "hi"])[d.y]),
         KfitTypeError, "y", "y=<ndarray shape=(64,) dtype=<U3>"),
    Case("values-bytes-y", TY, lambda m, d: fit(m, d.x, d.y.astype("S1")),
         KfitTypeError, "y", "not dtype |S1"),
    Case("values-complex-x", TY, lambda m, d: fit(m, d.x.astype("complex64"), d.y),
         KfitTypeError, "x", "not dtype complex64"),
    Case("values-dates-x", TY,
         lambda m, d: fit(m, np.arange(640).reshape(64, 10).astype("datetime64[D]"),
                          d.y),
         KfitTypeError, "x", "not dtype datetime64[D]"),
    Case("values-strings-in-input-list", TY,
         lambda m, d: fit(m, [d.xa, d.xb.astype(str)], d.y_reg),
         KfitTypeError, "x", "`x[1]` must hold numbers", model="two_inputs"),
    Case("values-x-none", TY, lambda m, d: fit(m, None, d.y),
         KfitValueError, "x", "`x` is missing"),
    Case("values-x-file-name", TY, lambda m, d: fit(m, "train.csv", d.y),
         KfitTypeError, "x", "x='train.csv'"),
    Case("values-x-number", TY, lambda m, d: fit(m, 5, d.y),
         KfitTypeError, "x", "x=5"),
    Case("values-x-empty-list", TY, lambda m, d: fit(m, [], d.y),
         KfitTypeError, "x", "x=[]"),
    Case("values-x-scalar-array", TY, lambda m, d: fit(m, np.float32(3), d.y),
         KfitTypeError, "x", "must be an array with one row per sample"),
    Case("values-y-missing", TY, lambda m, d: fit(m, d.x),
         KfitValueError, "y", "`y` is missing"),
    Case("values-boolean-x", TY, lambda m, d: fit(m, d.x > 0, d.y, epochs=2),
         check=trained([1, 2], 64)),
    Case("values-tensors", TY,
         lambda m, d: fit(m, _tensor(d.x), _tensor(d.y), epochs=2),
         check=trained([1, 2], 64)),
    # -- data frames from R (rpy2) --------------------------------------------------
    Case("values-frame-date", DF,
         lambda m, d: fit(m, r_frame("as.Date('2020-01-01') + 1:64"), d.y),
         KfitTypeError, "x", 'column 10 ("when") is a Date vector'),
    Case("values-frame-posixct", DF,
         lambda m, d: fit(m, r_frame("as.POSIXct('2020-01-01', tz = 'UTC') + 1:64"),
                          d.y),
         KfitTypeError, "x", 'column 10 ("when") is a date-time (POSIXct) vector'),
    Case("values-frame-difftime", DF,
         lambda m, d: fit(m, r_frame("as.difftime(1:64, units = 'mins')"), d.y),
         KfitTypeError, "x", "is a time difference (difftime) vector"),
    Case("values-frame-factor", DF,
         lambda m, d: fit(m, r_frame("factor(rep(c('u', 'v'), 32))"), d.y),
         KfitTypeError, "x", 'column 10 ("when") is a factor'),
    Case("values-frame-character", DF,
         lambda m, d: fit(m, r_frame("as.character(1:64)"), d.y),
         KfitTypeError, "x", 'column 10 ("when") is a character vector'),
    Case("values-frame-list-column", DF,
         lambda m, d: fit(m, r_frame("I(as.list(1:64))"), d.y),
         KfitTypeError, "x", 'column 10 ("when") is'),
    Case("values-r-character-matrix", DF,
         lambda m, d: fit(m, r("matrix('a', 64, 10)"), d.y),
         KfitTypeError, "x", "not a character matrix"),
    Case("values-frame-numeric-integer-logical", DF, logical_frame_run,
         check=trained([1], 64)),
    # -- sample_weight --------------------------------------------------------------
    Case("values-weights-negative", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=put(np.ones(64), (3,), -1.0)),
         KfitValueError, "sample_weight", "has a negative weight, -1, at index [3]"),
    Case("values-weights-negative-integers", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=put(np.ones(64, "int32"),
                                                         (10,), -2)),
         KfitValueError, "sample_weight", "has a negative weight, -2, at index [10]"),
    Case("values-weights-nan", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=put(np.ones(64), (5,), np.nan)),
         KfitValueError, "sample_weight", "`sample_weight` has nan at index [5]"),
    Case("values-weights-inf", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=put(np.ones(64), (0,), np.inf)),
         KfitValueError, "sample_weight", "has inf at index [0]"),
    Case("values-weights-length", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=np.ones(10)),
         KfitValueError, "sample_weight", "has 10 rows but `x` has 64"),
    Case("values-weights-text", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=np.full(64, "1")),
         KfitTypeError, "sample_weight", "not dtype <U1"),
    Case("values-weights-3d", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=np.ones((64, 2, 2))),
         KfitValueError, "sample_weight", "must be one 1-D (per sample) or 2-D"),
    Case("values-weights-validation-negative", SW,
         lambda m, d: fit(m, d.x, d.y, validation_data=(
             d.x, d.y, put(np.ones(64), (63,), -0.5))),
         KfitValueError, "validation_data",
         "`validation_data[2]` has a negative weight, -0.5, at index [63]"),
    Case("values-weights-zeros-kept", SW,
         lambda m, d: fit(m, d.x, d.y, sample_weight=np.repeat([0.0, 1.0], 32)),
         check=trained([1], 64)),
    Case("values-weights-per-timestep", SW, temporal_run, check=temporal_check),
    # -- validation_data and generator ------------------------------------------------
    Case("values-validation-array", VD, lambda m, d: fit(m, d.x, d.y,
                                                         validation_data=d.x),
         KfitValueError, "validation_data",
         "validation_data=<ndarray shape=(64, 10) dtype=float32>"),
    Case("values-validation-dict", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data={"x": d.x, "y": d.y}),
         KfitValueError, "validation_data", "validation_data={'x': <ndarray"),
    Case("values-validation-one-item", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=(d.x,)),
         KfitValueError, "validation_data", "must be (x_val, y_val) or (x_val, y_val, "
         "sample_weight)"),
    Case("values-validation-four-items", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=[d.x, d.y, d.y_reg, d.y_reg]),
         KfitValueError, "validation_data", "validation_data=[<ndarray shape=(64, 10)"),
    Case("values-validation-number", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=0.2),
         KfitValueError, "validation_data", "validation_data=0.2"),
    Case("values-validation-strings", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=("x_val", "y_val")),
         KfitTypeError, "validation_data", "validation_data[0]='x_val'"),
    Case("values-validation-no-targets", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=(d.x, None)),
         KfitValueError, "validation_data", "`validation_data[1]` is missing"),
    Case("values-validation-lengths", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=(d.x, d.y[:10])),
         KfitValueError, "validation_data",
         "`validation_data[1]` has 10 rows but `validation_data[0]` has 64"),
    Case("values-generator-array", VD,
         lambda m, d: fit_generator(m, d.x, steps_per_epoch=2),
         KfitTypeError, "generator", "generator=<ndarray shape=(64, 10)"),
    Case("values-generator-tuple", VD,
         lambda m, d: fit_generator(m, (d.x, d.y), steps_per_epoch=2),
         KfitTypeError, "generator", "generator=(<ndarray shape=(64, 10)"),
    Case("values-validation-with-weights", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=(d.x[:16], d.y[:16],
                                                        np.ones(16))),
         check=validated(16)),
    Case("values-validation-list", VD,
         lambda m, d: fit(m, d.x, d.y, validation_data=[d.x[:20], d.y[:20]]),
         check=validated(20)),
]


def _tensor(array: np.ndarray) -> Any:
    import tensorflow as tf

    return tf.constant(array)
