"""The arguments of `fit()` and `fit_generator()`: one table, owned here.

Each argument with its defaults in Python and in R (as R code), its kind and
the function that holds its rule. The Python signatures (`kfit.fit`), the R
methods' formals (`r_pkg/R/fit.R`), the names R sends to the core and both
languages' argument docs are checked against this table by tests
(`tests/test_argument_table.py`, `test-argument-table.R`); the lists of
names the code needs are made from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Kinds: how the core takes an argument.
MODEL = "model"  # the Keras model (R: `object`)
DATA = "data"  # arrays, generators, datasets: R sends R functions apart
OPTION = "option"  # a value with a rule in `kfit.arguments` (or beside it)
CALLBACKS = "callbacks"  # Keras callbacks, R's callback_lambda()
WORKERS = "workers"  # where R functions run, what they need: R resolves globals

REQUIRED = object()  # no default


@dataclass(frozen=True)
class Default:
    """An argument's default in one function: in Python, and as R code
    (`""`: none, the argument is required in R)."""

    python: Any
    r: str


@dataclass(frozen=True)
class Argument:
    """One argument. `fit`/`fit_generator`: its defaults there (None: not an
    argument of that function). `rule`: the function that checks it."""

    name: str
    kind: str
    rule: str
    fit: Default | None
    fit_generator: Default | None = None

    @property
    def r_name(self) -> str:
        """R's name: R's `fit()` generic calls the model `object`."""
        return "object" if self.kind == MODEL else self.name


_AUTO_VERBOSE = 'getOption("keras.verbose", default = "auto")'
_AUTO_VIEW = 'getOption("keras.view_metrics", default = "auto")'

ARGUMENTS: tuple[Argument, ...] = (
    Argument("model", MODEL, "kfit.fit._check_compiled",
             Default(REQUIRED, ""), Default(REQUIRED, "")),
    Argument("x", DATA, "kfit.data.get_source", Default(None, "NULL")),
    Argument("y", DATA, "kfit.data.get_source", Default(None, "NULL")),
    Argument("batch_size", OPTION, "kfit.arguments.check_batch_size",
             Default(None, "NULL")),
    Argument("epochs", OPTION, "kfit.arguments.resolve_epochs",
             Default(1, "1L"), Default(1, "1")),
    Argument("callbacks", CALLBACKS, "kfit.fit._check_callbacks",
             Default(None, "NULL"), Default(None, "NULL")),
    Argument("validation_split", OPTION, "kfit.arguments.check_validation_split",
             Default(0.0, "0")),
    Argument("validation_data", DATA, "kfit.data.get_validation_source",
             Default(None, "NULL"), Default(None, "NULL")),
    Argument("shuffle", OPTION, "kfit.arguments.flag", Default(True, "TRUE")),
    Argument("class_weight", OPTION, "kfit.class_weight.normalize_class_weight",
             Default(None, "NULL"), Default(None, "NULL")),
    Argument("sample_weight", DATA, "kfit.data.get_source", Default(None, "NULL")),
    Argument("initial_epoch", OPTION, "kfit.arguments.resolve_epochs",
             Default(1, "1L"), Default(0, "0")),
    Argument("steps_per_epoch", OPTION, "kfit.arguments.optional_whole_number",
             Default(None, "NULL"), Default(None, "")),
    Argument("validation_steps", OPTION, "kfit.arguments.optional_whole_number",
             Default(None, "NULL"), Default(None, "NULL")),
    Argument("validation_batch_size", OPTION, "kfit.arguments.check_batch_size",
             Default(None, "NULL")),
    Argument("validation_freq", OPTION, "kfit.arguments.resolve_validation_freq",
             Default(1, "1L")),
    Argument("verbose", OPTION, "kfit.arguments.resolve_verbose",
             Default("auto", _AUTO_VERBOSE),
             Default(1, 'getOption("keras.fit_verbose", default = 1)')),
    Argument("view_metrics", OPTION, "kfit.arguments.resolve_view_metrics",
             Default("auto", _AUTO_VIEW), Default("auto", _AUTO_VIEW)),
    # R's default documents what the core does when none is given: R sends
    # NULL unless the user gave one (a warning names a `workers` given for
    # data that has no use for it).
    Argument("workers", WORKERS, "kfit.arguments.whole_number",
             Default(None, "1L"), Default(None, "1")),
    Argument("max_queue_size", OPTION, "kfit.arguments.queue_size",
             Default("auto", '"auto"'), Default("auto", '"auto"')),
    Argument("worker_globals", WORKERS, "kfit.data.r_generator.RGeneratorSource",
             Default(None, "NULL"), Default(None, "NULL")),
    Argument("worker_packages", WORKERS, "kfit.arguments.check_worker_packages",
             Default(None, "NULL"), Default(None, "NULL")),
    Argument("generator", DATA, "kfit.data.get_source", None,
             Default(REQUIRED, "")),
)

# fit_generator()'s order (keras 2.x's), where it differs from fit()'s.
GENERATOR_ORDER = (
    "model", "generator", "steps_per_epoch", "epochs", "verbose", "callbacks",
    "view_metrics", "validation_data", "validation_steps", "class_weight",
    "max_queue_size", "workers", "initial_epoch", "worker_globals",
    "worker_packages")

BY_NAME = {a.name: a for a in ARGUMENTS}
FIT_ARGUMENTS = tuple(a.name for a in ARGUMENTS if a.fit is not None)
GENERATOR_ARGUMENTS = tuple(n for n in GENERATOR_ORDER
                            if BY_NAME[n].fit_generator is not None)
DATA_ARGUMENTS = tuple(a.name for a in ARGUMENTS if a.kind == DATA)
