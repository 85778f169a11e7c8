"""kfit: Keras training with the semantics R users know.

`fit()`, the legacy `fit_generator()` and `TrainingHistory`. Importing kfit
does not import TensorFlow; training does.

Who owns what, in layers; a module imports only from its layer and those
below it (`tests/test_layers.py` checks it), lowest first:

1. Leaves: decoded R values (`r.codec`, `r.values`), nested structures
   (`nested`), the console and Ctrl-C (`console`, `interrupt`).
2. What messages say in each language (`words`), the errors, the history,
   what a model takes (`model_spec`); R under rpy2 (`r.session`).
3. Argument rules: the table of arguments (`argument_table`), their checks
   (`arguments`, `class_weight`), R values to NumPy (`r.convert`), R
   functions as Python callables (`r.function`, `r.rpy2_host`), where kfit
   runs (`environment`).
4. Data: the sources of every kind (`data`), the checks of data against the
   model (`checks`), R worker processes (`workers`).
5. Training on the calling thread (`training`), callbacks, the live view.
6. The API: `fit`, `fit_generator` (`fit`).
7. R's host: the R package's entry point over reticulate (`r.host`).
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
from kfit.workers.warm import stop_idle

__all__ = [
    "KfitArgumentError", "KfitDataError", "KfitDeprecationWarning", "KfitError",
    "KfitTrainingError", "KfitTypeError", "KfitUnsupportedError", "KfitValueError",
    "KfitWarning",
    "TrainingHistory", "fit", "fit_generator", "stop_workers",
]


def stop_workers() -> int:
    """Stop the idle R worker processes that fits keep for the next one (see
    `kfit.workers.warm`); returns how many were running."""
    return stop_idle()
__version__ = "0.1.0"
