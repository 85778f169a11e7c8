"""`fit()` and the legacy `fit_generator()`: R semantics over Keras' fit."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kfit import arguments as args
from kfit import checks, data
from kfit.argument_table import FIT_ARGUMENTS, GENERATOR_ARGUMENTS
from kfit.class_weight import normalize_class_weight
from kfit.console import run_console
from kfit.data.streamed import check_targets, check_validation_steps
from kfit.errors import (
    Described,
    KfitDeprecationWarning,
    KfitTypeError,
    KfitUnsupportedError,
    KfitValueError,
    KfitWarning,
)
from kfit.history import TrainingHistory
from kfit.interrupt import interruptible
from kfit.words import Arg, Either, Say


def fit(model: Any, x: Any = None, y: Any = None, *, batch_size: Any = None,
        epochs: Any = 1, callbacks: Sequence[Any] | None = None,
        validation_split: Any = 0.0, validation_data: Any = None,
        shuffle: bool = True, class_weight: Any = None, sample_weight: Any = None,
        initial_epoch: Any = 1, steps_per_epoch: Any = None,
        validation_steps: Any = None, validation_batch_size: Any = None,
        validation_freq: Any = 1, verbose: Any = "auto", view_metrics: Any = "auto",
        workers: Any = None, max_queue_size: Any = "auto", worker_globals: Any = None,
        worker_packages: Any = None, **unknown: Any) -> TrainingHistory:
    """Train `model` with the semantics R users know from keras3.

    Args:
        model: a compiled Keras 3 model.
        x: inputs: arrays (numpy, tensors, R arrays; a list/dict for several
            inputs), a Python generator or iterator, a `keras.utils.PyDataset`,
            a `tf.data.Dataset`, or an R function: a generator `function()`
            or an index dataset `function(i)` returning batch i (1-based).
        y: targets, for array inputs only.
        batch_size: rows per batch for arrays (default 32).
        epochs: the number of the LAST epoch to train (1-based).
        callbacks: Keras callbacks (they see Keras' 0-based epoch index).
        validation_split: fraction in [0, 1) of the last rows (taken before
            shuffling) held out for validation; arrays only.
        validation_data: `(x, y)`, `(x, y, sample_weight)`, or a generator /
            dataset / R function; overrides `validation_split`.
        shuffle: shuffle the rows of array inputs each epoch.
        class_weight: {0-based class index: weight}; string keys of digits
            (an R named list) and, for factor targets, level names work too;
            a sequence of weights maps to classes 0..k-1. Works for
            generators too; multiplies `sample_weight` when both are given.
        sample_weight: per-sample (1-D) or per-timestep (2-D) weights, finite
            and 0 or more (a negative weight is an error).
        initial_epoch: the 1-based first epoch (0 is taken as 1).
        steps_per_epoch: batches per epoch (default: all the data / until a
            generator ends).
        validation_steps: batches per validation (default: all of it).
        validation_batch_size: rows per validation batch (arrays).
        validation_freq: validate every N epochs, or after the listed epochs.
        verbose: 0, 1, 2 or "auto" (1; 2 under knitr or with TF_CONFIG set).
        view_metrics: True, False, "auto" (RStudio viewer, > 1 epoch), or a
            folder to write the live page to and keep it in. True and "auto"
            write to a temporary folder, removed when the session ends.
        workers: (kfit extension) where an R function runs: 0 in this
            session between steps; 1 (default) in one R worker process; N in
            N processes (index datasets). Threads loading a PyDataset.
        max_queue_size: (kfit extension) batches made ahead at most; "auto"
            (default): as many as fit in 64 MiB, from 10 to 1000.
        worker_globals: R globals for the workers that detection misses:
            names (looked up in R's global environment) or a dict of R values.
        worker_packages: R packages to load in the workers.

    Returns:
        A `TrainingHistory` whose epochs are the real epoch numbers.

    Raises:
        KfitValueError, KfitTypeError: bad arguments (nothing is trained).
        KfitTrainingError: a generator or callback failed during training;
            its `history` holds the epochs that finished.
    """
    args.check_known_arguments("fit", unknown, FIT_ARGUMENTS)
    return _fit(model, x, y, batch_size=batch_size, epochs=epochs,
                callbacks=callbacks, validation_split=validation_split,
                validation_data=validation_data, shuffle=shuffle,
                class_weight=class_weight, sample_weight=sample_weight,
                initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                validation_steps=validation_steps,
                validation_batch_size=validation_batch_size,
                validation_freq=validation_freq, verbose=verbose,
                view_metrics=view_metrics, max_queue_size=max_queue_size,
                workers=workers, worker_globals=worker_globals,
                worker_packages=worker_packages, legacy_epochs=False)


def fit_generator(model: Any, generator: Any, steps_per_epoch: Any = None,
                  epochs: Any = 1, verbose: Any = 1,
                  callbacks: Sequence[Any] | None = None, view_metrics: Any = "auto",
                  validation_data: Any = None, validation_steps: Any = None,
                  class_weight: Any = None, max_queue_size: Any = "auto",
                  workers: Any = None, initial_epoch: Any = 0,
                  worker_globals: Any = None, worker_packages: Any = None,
                  **unknown: Any) -> TrainingHistory:
    """Deprecated: train on batches from a generator (keras 2.x R API).

    Runs the same loop as `fit()`. `initial_epoch` keeps its legacy, 0-based
    meaning: `epochs=10, initial_epoch=5` trains epochs 6..10.

    Args:
        generator: an R function, Python generator/iterator, PyDataset or
            tf.data.Dataset yielding (inputs, targets[, sample_weights]).
        steps_per_epoch: batches per epoch (required).
        max_queue_size: batches made ahead of training (as in `fit()`).
        workers: as in `fit()`: R worker processes for an R function
            (0: in this session; 1 when not given, as R's `fit_generator()`
            sends it), threads for a PyDataset.
        Others: as in `fit()`.
    """
    warnings.warn(KfitDeprecationWarning(
        "`fit_generator()` is deprecated: use `fit()`, which takes generators as "
        "`x`. Note that `fit()`'s `initial_epoch` is 1-based."), stacklevel=2)
    args.check_known_arguments("fit_generator", unknown, GENERATOR_ARGUMENTS)
    if steps_per_epoch is None:
        raise KfitValueError(
            "steps_per_epoch", "is required by `fit_generator()`.", None,
            "give the number of batches per epoch.", show_received=False)
    return _fit(model, generator, None, batch_size=None, epochs=epochs,
                callbacks=callbacks, validation_split=0.0,
                validation_data=validation_data, shuffle=False,
                class_weight=class_weight, sample_weight=None,
                initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                validation_steps=validation_steps, validation_batch_size=None,
                validation_freq=1, verbose=verbose, view_metrics=view_metrics,
                max_queue_size=max_queue_size, workers=workers,
                worker_globals=worker_globals, worker_packages=worker_packages,
                legacy_epochs=True, x_argument="generator")


def _check_compiled(model: Any) -> None:
    import sys

    keras = sys.modules.get("keras")
    if keras is None or not isinstance(model, keras.Model):
        raise KfitTypeError("model", "must be a Keras 3 model.", model, Say(
            "build one with {make}.", make=Either(
                "keras.Sequential() or keras.Model()",
                "keras3::keras_model_sequential() or keras$Sequential()")))
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise KfitValueError(
            "model", "must be compiled before training.", model.name,
            _compile_hint(model))


# The loss a hint suggests, by the activation of the model's last layer.
_LOSS_FOR = {"softmax": "sparse_categorical_crossentropy",
             "sigmoid": "binary_crossentropy"}


def _compile_hint(model: Any) -> Say:
    """How to compile `model`: a loss that suits its output, in each
    language's way of calling `compile` (keras3's `compile(model, ...)` in R)."""
    layers = getattr(model, "layers", None) or [None]
    activation = getattr(getattr(layers[-1], "activation", None), "__name__", "")
    loss = _LOSS_FOR.get(activation, "mse")
    return Say("call {compile} first (a loss that suits the model's {what}).",
               compile=Either(f'model.compile(optimizer="adam", loss="{loss}")',
                              f'compile(model, optimizer = "adam", loss = "{loss}") '
                              f'with keras3, or model$compile(optimizer = "adam", '
                              f'loss = "{loss}")'),
               what=f"{activation} output" if activation in _LOSS_FOR else "output")


# Keras 3 (3.15 at least) fails inside fit() before step 1 under these
# strategies: keras-team/keras#20585.
_MULTI_WORKER = ("MultiWorkerMirroredStrategy", "CollectiveAllReduceStrategy")


def _check_distribution(model: Any) -> None:
    """Refuse a strategy Keras cannot train under, before anything starts.

    Raises:
        KfitUnsupportedError: the model was made under
            `tf.distribute.MultiWorkerMirroredStrategy`.
    """
    strategy = getattr(model, "_distribute_strategy", None)
    if strategy is None or not {cls.__name__ for cls in type(strategy).__mro__} \
            & set(_MULTI_WORKER):
        return
    import keras

    raise KfitUnsupportedError(Say(
        "Training under tf.distribute.MultiWorkerMirroredStrategy is not supported: "
        "Keras {version} fails inside fit() before the first step with it "
        "(keras-team/keras#20585). Hint: on one machine with several GPUs use "
        "{mirrored}; across machines use the JAX backend with "
        "keras.distribution.DataParallel (see the vignette \"Scaling out\").",
        version=keras.__version__, mirrored=Either(
            "tf.distribute.MirroredStrategy()",
            "tf$distribute$MirroredStrategy()")))


def _interruptible(function: Callable[..., TrainingHistory]
                   ) -> Callable[..., TrainingHistory]:
    """Run `function` with Ctrl-C turned into one clean interrupt (see
    `kfit.interrupt`) and its output on lines of its own (`kfit.console`),
    from argument checks to the workers' shutdown."""
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> TrainingHistory:
        with interruptible(), run_console():
            return function(*args, **kwargs)

    return run


@dataclass
class _Settings:
    """The scalar arguments of one run, checked and resolved."""

    epochs: args.EpochRange
    batch_size: int | None
    validation_batch_size: int | None
    steps_per_epoch: int | None
    validation_steps: int | None
    max_queue_size: int | None  # None: "auto"
    workers: int
    workers_given: bool
    worker_globals: Any
    worker_packages: list[str] | None
    split: float
    validation_freq: int | list[int]
    verbose: int
    view: bool | str  # a live view: no, yes, or yes and kept in this folder
    shuffle: bool
    callbacks: list[Any]
    x_argument: str
    legacy: bool


@_interruptible
def _fit(model: Any, x: Any, y: Any, *, batch_size: Any, epochs: Any,
         callbacks: Sequence[Any] | None, validation_split: Any,
         validation_data: Any, shuffle: Any, class_weight: Any, sample_weight: Any,
         initial_epoch: Any, steps_per_epoch: Any, validation_steps: Any,
         validation_batch_size: Any, validation_freq: Any, verbose: Any,
         view_metrics: Any, max_queue_size: Any, workers: Any,
         worker_globals: Any, worker_packages: Any,
         legacy_epochs: bool, x_argument: str = "x") -> TrainingHistory:
    """One run: check the model and the arguments, make the data sources and
    their feeds (checked against the model), then train on this thread.
    Whatever way it ends, it closes what it started (R workers are handed
    back for the next fit only when it ended cleanly)."""
    from kfit.training import Run, train  # imports TensorFlow

    _check_compiled(model)
    _check_distribution(model)
    epoch_range = args.resolve_epochs(epochs, initial_epoch, zero_based=legacy_epochs)
    resolved_verbose = args.resolve_verbose(verbose)
    settings = _Settings(
        epochs=epoch_range,
        batch_size=args.check_batch_size("batch_size", batch_size),
        validation_batch_size=args.check_batch_size("validation_batch_size",
                                                    validation_batch_size),
        steps_per_epoch=args.optional_whole_number("steps_per_epoch", steps_per_epoch),
        validation_steps=args.optional_whole_number("validation_steps",
                                                    validation_steps),
        max_queue_size=args.queue_size(max_queue_size),
        workers=args.whole_number("workers", 1 if workers is None else workers,
                                  minimum=0),
        workers_given=workers is not None,
        worker_globals=worker_globals,
        worker_packages=args.check_worker_packages(worker_packages),
        split=args.check_validation_split(validation_split),
        validation_freq=args.resolve_validation_freq(validation_freq),
        verbose=resolved_verbose,
        view=args.resolve_view_metrics(view_metrics, verbose=resolved_verbose,
                                       epochs=epoch_range),
        shuffle=args.flag("shuffle", shuffle),
        callbacks=_check_callbacks(callbacks),
        x_argument=x_argument, legacy=legacy_epochs)

    sources: list[Any] = []  # closed at the end: R functions, worker pools
    view = None
    ended_cleanly = False  # no error, no Ctrl-C: R workers may serve the next fit
    try:
        source, val_source, weights = _sources(
            model, settings, sources, x=x, y=y, sample_weight=sample_weight,
            class_weight=class_weight, validation_data=validation_data)
        train_feed, val_feed, ahead = _feeds(model, settings, source, val_source,
                                             weights, x)
        history = _history(settings, train_feed, val_feed)
        callbacks = settings.callbacks
        if settings.view:
            view, view_callback = _live_view(epoch_range, settings.view)
            callbacks = [*callbacks, view_callback]
            history.params["view_url"] = view.file_url
        result = train(Run(model=model, train=train_feed, validation=val_feed,
                           epochs=epoch_range, verbose=settings.verbose,
                           validation_freq=settings.validation_freq,
                           callbacks=callbacks, history=history, read_ahead=ahead))
        ended_cleanly = True
        return result
    finally:
        if view is not None:
            view.end(message=None if view.status == "done" else "interrupted")
        for used in sources:
            close = getattr(used, "close", None)
            if close is not None:
                close(clean=ended_cleanly)


def _sources(model: Any, settings: _Settings, sources: list[Any], *, x: Any,
             y: Any, sample_weight: Any, class_weight: Any, validation_data: Any
             ) -> tuple[Any, Any, Any]:
    """The training and validation sources (appended to `sources` as they
    are made, to be closed), checked against the model, and the class
    weights normalised: (source, validation source or None, weights)."""
    x_argument = settings.x_argument
    source = data.get_source(x, y, sample_weight, argument=x_argument,
                             arrays=not settings.legacy)
    sources.append(source)
    checks.check_source(model, source)
    weights = normalize_class_weight(class_weight, source.levels)
    checks.check_class_weight(model, weights, class_weight,
                              y=getattr(source, "y", None), levels=source.levels)
    if settings.split and source.kind != "arrays":
        raise KfitValueError(
            "validation_split", f"only works with arrays, not a {source.kind}.",
            settings.split, "pass `validation_data` instead.")
    if settings.batch_size is not None and source.kind != "arrays":
        raise KfitValueError(
            "batch_size", f"cannot be used when `{x_argument}` is a {source.kind}.",
            settings.batch_size, "the generator or dataset decides the batch size.")
    val_source = None
    if validation_data is not None:
        val_source = data.get_validation_source(validation_data)
        sources.append(val_source)
        checks.check_source(model, val_source)
    elif settings.split:
        source, val_source = source.split(settings.split)
    if validation_data is not None and settings.validation_steps is None:
        check_validation_steps(val_source, legacy=settings.legacy)
    for checked, name, role in ((source, x_argument, "training"),
                                (val_source, "validation_data", "validation")):
        if checked is not None and checked.kind == "tf.data":
            checked.check_model(model, name, role)
            checks.check_dataset(model, checked.dataset, name)
    return source, val_source, weights


def _feeds(model: Any, settings: _Settings, source: Any, val_source: Any,
           weights: Any, x: Any) -> tuple[Any, Any, int]:
    """The feeds Keras reads (training, validation or None), their first
    batches checked against the model, and how many batches Keras reads
    ahead of its steps."""
    from kfit.data.keras_adapter import read_ahead  # imports TensorFlow

    workers = settings.workers
    streamed = {source.kind} | ({val_source.kind} if val_source else set())
    if settings.workers_given and not streamed & {"R generator", "PyDataset",
                                                  "Python generator"}:
        warnings.warn(KfitWarning(
            f"`workers` ({workers}) only applies to generators and datasets "
            f"made in R or Python; it is ignored for {source.kind}."),
            stacklevel=5)
    if not settings.workers_given and source.kind == "PyDataset":
        workers = max(1, int(getattr(x, "workers", 1) or 1))
    ahead = read_ahead(model) if streamed - {"arrays", "tf.data"} else 0
    shared = {"max_queue_size": settings.max_queue_size, "read_ahead": ahead,
              "workers": workers, "first_epoch": settings.epochs.first,
              "epochs": settings.epochs.count,
              "worker_globals": settings.worker_globals,
              "worker_packages": settings.worker_packages}
    train_feed = source.feed(data.FeedOptions(
        role="training", argument=settings.x_argument,
        batch_size=settings.batch_size, steps=settings.steps_per_epoch,
        shuffle=settings.shuffle, class_weight=weights, **shared))
    check_targets(model, train_feed, "training")
    checks.check_feed(model, train_feed)
    val_feed = None
    if val_source is not None:
        val_feed = val_source.feed(data.FeedOptions(
            role="validation", argument="validation_data",
            batch_size=settings.validation_batch_size or settings.batch_size,
            steps=settings.validation_steps, **shared))
        check_targets(model, val_feed, "validation")
        checks.check_feed(model, val_feed)
    return train_feed, val_feed, ahead


def _history(settings: _Settings, train_feed: Any, val_feed: Any
             ) -> TrainingHistory:
    """The run's history, with the params known before training."""
    history = TrainingHistory(_params(settings.verbose, settings.epochs,
                                      bool(settings.view)))
    if val_feed is not None:
        history.params["validation_samples"] = val_feed.samples
    history.params["steps"] = _steps(train_feed)
    history.params["samples"] = train_feed.samples
    history.params["batch_size"] = train_feed.batch_size
    return history


def _live_view(epochs: args.EpochRange, where: bool | str) -> tuple[Any, Any]:
    """A live metrics view for this run, in the folder `where` names (True:
    a temporary one), opened where the user sees it."""
    from kfit.viewer import MetricsView, make_view_callback  # only with a view
    from kfit.viewer.display import run_dir_for_host, show

    run_dir = where if isinstance(where, str) else run_dir_for_host()
    view = MetricsView(run_dir, title="kfit training")
    callback = make_view_callback(view, epochs.keras_initial_epoch, epochs.last)
    show(view)
    return view, callback


def _params(verbose: int, epochs: args.EpochRange, view: bool) -> dict[str, Any]:
    return {"verbose": verbose, "epochs": epochs.last,
            "initial_epoch": epochs.first, "steps": None, "view_metrics": view}


def _steps(feed: Any) -> int | None:
    if feed.steps is not None:
        return int(feed.steps)
    if feed.known_steps is not None:
        return int(feed.known_steps)
    if feed.samples is not None and feed.batch_size:
        return -(-feed.samples // feed.batch_size)
    return None


def _check_callbacks(callbacks: Any) -> list[Any]:
    """A Keras callback or a list/tuple of them (R callbacks are `RCallback`s,
    whose hooks must take the arguments kfit passes)."""
    import keras

    from kfit.r.callback import RCallback  # imports TensorFlow

    hint = Either("e.g. keras.callbacks.EarlyStopping(monitor='loss').",
                  "use callback_lambda() or a Keras callback, e.g. "
                  'keras$callbacks$EarlyStopping(monitor = "loss").')
    if callbacks is None:
        return []
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    if not isinstance(callbacks, (list, tuple)):
        raise KfitTypeError("callbacks", "must be a Keras callback or a list of them.",
                            callbacks, hint)
    for index, callback in enumerate(callbacks):
        where = Arg("callbacks", (index,))
        if isinstance(callback, type) and issubclass(callback,
                                                     keras.callbacks.Callback):
            name = callback.__name__
            raise KfitTypeError(
                where, "is a callback class, not a callback.",
                Described(f"the class {name}"),
                f"call it to make one, e.g. `{name}()`.")
        if not isinstance(callback, keras.callbacks.Callback):
            raise KfitTypeError(where, "must be a Keras callback.", callback, hint)
        if isinstance(callback, RCallback):
            callback.check(where)
    return list(callbacks)
