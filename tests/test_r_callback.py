"""kfit.r.callback.RCallback: R hooks called with 1-based numbers and plain
logs, what they return merged into the logs, their arity checked before
training, a failing hook said with where it failed (nothing trains: the
hooks are called as Keras would)."""

from __future__ import annotations

import pytest
import rpy2.robjects as ro

from kfit.errors import KfitCallbackError, KfitTypeError, KfitValueError
from kfit.r.callback import RCallback
from kfit.r.rpy2_host import r_function
from kfit.words import Arg


def _callback(**hooks: str) -> RCallback:
    return RCallback({name: r_function(ro.r(code)) for name, code in hooks.items()})


def test_hooks_get_1_based_numbers_and_their_logs_come_back_merged() -> None:
    seen = ro.r("seen <- new.env(); seen")
    callback = _callback(
        on_epoch_end="function(epoch, logs) { assign('epoch', epoch, seen); "
                     "list(twice = 2 * logs$loss) }",
        on_batch_end="function(batch, logs) assign('batch', batch, seen)")
    logs = {"loss": 0.25}
    callback.on_train_begin()
    callback.on_epoch_end(0, logs)
    callback.on_train_batch_end(4, {"loss": 1.0})
    assert logs == {"loss": 0.25, "twice": 0.5}
    assert seen["epoch"][0] == 1 and seen["batch"][0] == 5  # Keras' 0 and 4
    callback.release()


def test_a_hook_that_takes_too_few_arguments_is_refused_naming_its_place() -> None:
    callback = _callback(on_epoch_end="function(logs) NULL")
    with pytest.raises(KfitTypeError, match="kfit calls `on_epoch_end") as info:
        callback.check(Arg("callbacks", (0,)))
    assert info.value.argument == "callbacks"
    _callback(on_epoch_end="function(...) NULL").check(Arg("callbacks", (0,)))
    with pytest.raises(KfitValueError, match="unknown hooks `on_nothing`"):
        _callback(on_nothing="function() NULL")


def test_a_failing_hook_names_the_hook_and_the_epoch() -> None:
    callback = _callback(on_epoch_begin="function(epoch, logs) stop('no way')")
    callback.on_train_begin()
    with pytest.raises(KfitCallbackError, match="on_epoch_begin` failed") as info:
        callback.on_epoch_begin(2, {})
    assert info.value.epoch == 3 and "no way" in str(info.value)
