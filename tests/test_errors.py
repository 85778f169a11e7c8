"""One error hierarchy: the Python classes and the R classes made from them
(`kfit.errors.r_classes`; R mirrors the table, see test-conditions.R)."""

from __future__ import annotations

import pytest

from kfit.data.producer import SourceError
from kfit.errors import (
    KfitArgumentError,
    KfitCallbackError,
    KfitError,
    KfitLabelError,
    KfitShapeError,
    KfitTrainingError,
    KfitTypeError,
    KfitValueError,
    KfitWorkerCaptureError,
    KfitWorkerError,
    r_class_table,
    r_classes,
)


@pytest.mark.parametrize(("error_type", "mro", "r"), [
    (KfitTypeError, [KfitTypeError, KfitArgumentError, KfitError],
     ["kfit_type_error", "kfit_argument_error", "kfit_error"]),
    (KfitShapeError, [KfitShapeError, KfitValueError, KfitArgumentError, KfitError],
     ["kfit_shape_error", "kfit_value_error", "kfit_argument_error", "kfit_error"]),
    (KfitLabelError, [KfitLabelError, KfitValueError, KfitArgumentError, KfitError],
     ["kfit_label_error", "kfit_value_error", "kfit_argument_error", "kfit_error"]),
    (SourceError, [SourceError, SourceError.__mro__[1], KfitError],
     ["kfit_source_error", "kfit_data_error", "kfit_error"]),
    (KfitWorkerError, [KfitWorkerError, KfitTrainingError, KfitError],
     ["kfit_worker_error", "kfit_training_error", "kfit_error"]),
    (KfitWorkerCaptureError,
     [KfitWorkerCaptureError, KfitWorkerError, KfitTrainingError, KfitError],
     ["kfit_worker_capture_error", "kfit_worker_error", "kfit_training_error",
      "kfit_error"]),
    (KfitCallbackError, [KfitCallbackError, KfitTrainingError, KfitError],
     ["kfit_callback_error", "kfit_training_error", "kfit_error"]),
    (ValueError, [], ["kfit_python_error", "kfit_error"]),  # Keras' own errors
])
def test_r_classes_are_the_kfit_mro(error_type, mro, r) -> None:
    assert [c for c in error_type.__mro__ if issubclass(c, KfitError)] == mro
    assert r_classes(error_type) == r


def test_the_table_names_each_class_by_its_first_r_class() -> None:
    table = r_class_table()
    assert all(classes[0] == name and classes[-1] == "kfit_error"
               for name, classes in table.items())
    assert "kfit_python_error" not in table  # not a kfit class
