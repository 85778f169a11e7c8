"""kfit.r.arguments: a name given twice in an R named vector or list (which
a dict would silently resolve) is an error naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

from kfit.errors import KfitValueError
from kfit.r.arguments import check_unique_names
from kfit.r.codec import RList, RVector


def _named(*names: str) -> RVector:
    return RVector("double", len(names), np.ones(len(names)), names=list(names))


def test_a_name_given_twice_is_an_error_naming_the_argument() -> None:
    with pytest.raises(KfitValueError, match="gives the name '1' more than once") \
            as info:
        check_unique_names("class_weight", _named("0", "1", "1"))
    assert info.value.argument == "class_weight"


def test_names_inside_a_list_are_checked_too() -> None:
    inner = RList([_named("a", "a")], names=["x"])
    with pytest.raises(KfitValueError, match="more than once"):
        check_unique_names("worker_globals", inner)
    check_unique_names("class_weight", _named("0", "1"))  # unique: fine
    check_unique_names("epochs", RVector("double", 1, np.ones(1)))  # no names
