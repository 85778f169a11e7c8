"""TrainingHistory: plain data on real epoch numbers, its data frame, its
print format (R's), and the record the R package makes its history of."""

from __future__ import annotations

import math

import numpy as np

from kfit.history import TrainingHistory

HEADER = "\nFinal epoch (plot to see history):\n"


def history_of(*epochs: tuple[int, dict], **params) -> TrainingHistory:
    history = TrainingHistory(params or None)
    for number, logs in epochs:
        history.record(number, logs)
    return history


# ---- recording --------------------------------------------------------------


def test_record_keeps_real_epoch_numbers_and_aligns_metrics():
    history = history_of((6, {"loss": 0.5, "accuracy": 0.7}),
                         (7, {"loss": 0.4, "accuracy": 0.8}))
    assert history.epochs == [6, 7]
    assert history.metrics == {"loss": [0.5, 0.4], "accuracy": [0.7, 0.8]}
    assert len(history) == 2


def test_metric_first_logged_late_is_padded_with_none():
    history = history_of((1, {"loss": 0.9}), (2, {"loss": 0.8, "val_loss": 1.0}),
                         (3, {"loss": 0.7}), (4, {"loss": 0.6, "val_loss": 0.5}))
    assert history.metrics == {"loss": [0.9, 0.8, 0.7, 0.6],
                               "val_loss": [None, 1.0, None, 0.5]}
    assert all(len(series) == len(history.epochs)
               for series in history.metrics.values())


def test_record_with_no_logs_adds_an_epoch_of_missing_values():
    history = history_of((1, {"loss": 0.9}), (2, None))
    assert history.epochs == [1, 2]
    assert history.metrics == {"loss": [0.9, None]}


def test_record_converts_numpy_and_tensor_like_values_to_floats():
    class TensorLike:
        def __float__(self):
            raise TypeError("no float")

        def numpy(self):
            return np.float32(0.25)

    history = history_of((1, {"a": np.float32(0.5), "b": np.float64(2.0),
                              "c": TensorLike(), "d": 3, "e": None}))
    assert history.metrics == {"a": [0.5], "b": [2.0], "c": [0.25], "d": [3.0],
                               "e": [None]}
    assert all(type(v[0]) is float for k, v in history.metrics.items() if k != "e")


def test_params_are_copied_into_a_plain_dict():
    params = {"verbose": 1, "epochs": 10, "initial_epoch": 6, "steps": 7}
    history = TrainingHistory(params)
    params["epochs"] = 99
    assert history.params == {"verbose": 1, "epochs": 10, "initial_epoch": 6,
                              "steps": 7}
    assert TrainingHistory().params == {}


def test_last_values_skip_missing_values():
    history = history_of((1, {"loss": 0.9, "val_loss": 1.5}), (2, {"loss": 0.8}),
                         (3, {"loss": 0.7}))
    assert history.last_values() == {"loss": 0.7, "val_loss": 1.5}


def test_to_record_is_plain_data_detached_from_the_history():
    history = history_of((2, {"loss": 0.5}), (3, {"loss": 0.25, "val_loss": 0.3}),
                         epochs=3, initial_epoch=2)
    history.params["steps"] = None  # not given: left out of the record
    record = history.to_record()
    assert record == {"params": {"epochs": 3, "initial_epoch": 2},
                      "metrics": {"loss": {"values": [0.5, 0.25],
                                           "missing": [False, False]},
                                  "val_loss": {"values": [0.0, 0.3],
                                               "missing": [True, False]}}}
    record["metrics"]["loss"]["values"].append(1.0)
    assert history.metrics["loss"] == [0.5, 0.25] and history.epochs == [2, 3]


def test_repr_names_the_epoch_span_and_metrics():
    history = history_of((6, {"loss": 0.5, "val_loss": 0.6}), (7, {"loss": 0.4}))
    assert repr(history) == "<TrainingHistory epochs 6..7, metrics: loss, val_loss>"
    assert repr(TrainingHistory()) == "<TrainingHistory no epochs, metrics: >"


# ---- as_data_frame ----------------------------------------------------------


def test_as_data_frame_is_metric_major_in_logged_order():
    history = history_of(
        (3, {"loss": 0.9, "accuracy": 0.5, "val_loss": 1.1, "val_accuracy": 0.4}),
        (4, {"loss": 0.8, "accuracy": 0.6}),
        (5, {"loss": 0.7, "accuracy": 0.7, "val_loss": 0.95, "val_accuracy": 0.45}))
    frame = history.as_data_frame()
    assert frame == {
        "epoch": [3, 4, 5] * 4,
        "value": [0.9, 0.8, 0.7, 0.5, 0.6, 0.7, 1.1, None, 0.95, 0.4, None, 0.45],
        "metric": ["loss"] * 3 + ["accuracy"] * 3 + ["loss"] * 3 + ["accuracy"] * 3,
        "data": ["training"] * 6 + ["validation"] * 6,
    }


def test_as_data_frame_columns_have_equal_lengths_and_r_names():
    history = history_of((1, {"loss": 1.0}), (2, {"loss": 0.5, "val_mae": 0.1}))
    frame = history.as_data_frame()
    assert list(frame) == ["epoch", "value", "metric", "data"]
    assert {len(column) for column in frame.values()} == {4}
    assert frame["metric"] == ["loss", "loss", "mae", "mae"]
    assert frame["data"] == ["training", "training", "validation", "validation"]
    assert frame["value"] == [1.0, 0.5, None, 0.1]


def test_as_data_frame_of_an_empty_history_has_four_empty_columns():
    assert TrainingHistory().as_data_frame() == {"epoch": [], "value": [],
                                                 "metric": [], "data": []}


# ---- printing ---------------------------------------------------------------


def test_str_is_r_print_format_with_right_aligned_names():
    history = history_of((1, {"loss": 0.3, "val_loss": 0.4}),
                         (2, {"loss": 0.2512, "val_loss": 0.3012}))
    assert str(history) == HEADER + "    loss: 0.2512\nval_loss: 0.3012"


def test_str_rounds_to_four_significant_digits_like_r():
    history = history_of((1, {"loss": 3.6e-05, "accuracy": 1.2499,
                              "mae": 1234567.0, "val_loss": np.float32(0.45)}))
    assert str(history) == (HEADER + "    loss: 3.6e-05\naccuracy: 1.25\n"
                            "     mae: 1234567\nval_loss: 0.45")


def test_str_shows_the_last_validation_value_when_the_last_epoch_had_none():
    history = history_of((1, {"loss": 0.9, "val_loss": 1.23456}),
                         (2, {"loss": 0.8}), (3, {"loss": 0.71}))
    assert str(history) == HEADER + "    loss: 0.71\nval_loss: 1.235"


def test_str_of_a_metric_never_computed_is_na():
    history = history_of((1, {"loss": 0.5, "val_loss": None}))
    assert str(history) == HEADER + "    loss: 0.5\nval_loss: NA"


def test_str_of_an_empty_history():
    assert str(TrainingHistory({"epochs": 5})) == HEADER + "(no epochs completed)"


def test_str_of_epochs_without_metrics_is_like_an_empty_history():
    assert str(history_of((1, {}))) == HEADER + "(no epochs completed)"


def test_str_of_nan_and_inf_losses():
    history = history_of((1, {"loss": math.nan, "val_loss": math.inf}))
    assert str(history) == HEADER + "    loss: NaN\nval_loss: Inf"
