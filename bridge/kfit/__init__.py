"""kfit: Keras training with the semantics R users know.

`fit()`, the legacy `fit_generator()` and `TrainingHistory`. Importing kfit
does not import TensorFlow; training does.
"""

from kfit.errors import (
    KfitArgumentError,
    KfitDataError,
    KfitDeprecationWarning,
    KfitError,
    KfitTrainingError,
    KfitTypeError,
    KfitUnsupportedError,
    KfitValueError,
    KfitWarning,
)
from kfit.fit import fit, fit_generator
from kfit.history import TrainingHistory

__all__ = [
    "KfitArgumentError", "KfitDataError", "KfitDeprecationWarning", "KfitError",
    "KfitTrainingError", "KfitTypeError", "KfitUnsupportedError", "KfitValueError",
    "KfitWarning",
    "TrainingHistory", "fit", "fit_generator", "stop_workers",
]


def stop_workers() -> int:
    """Stop the idle R worker processes that fits keep for the next one (see
    `kfit.workers.warm`); returns how many were running."""
    from kfit.workers.warm import stop_idle  # the workers' code loads on use

    return stop_idle()
__version__ = "0.1.0"
