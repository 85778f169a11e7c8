"""kfit.argument_table against the Python API: signatures, docstrings and
rules (the R side is checked by r_pkg/tests/testthat/test-argument-table.R)."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import kfit
from kfit import argument_table as table


def _signature(function: object) -> list[tuple[str, object]]:
    params = inspect.signature(function).parameters.values()
    return [(p.name, table.REQUIRED if p.default is p.empty else p.default)
            for p in params if p.kind is not p.VAR_KEYWORD]


@pytest.mark.parametrize("function, names, column", [
    (kfit.fit, table.FIT_ARGUMENTS, "fit"),
    (kfit.fit_generator, table.GENERATOR_ARGUMENTS, "fit_generator"),
])
def test_python_signatures_are_the_table(function: object, names: tuple[str, ...],
                                         column: str) -> None:
    expected = [(n, getattr(table.BY_NAME[n], column).python) for n in names]
    assert _signature(function) == expected


def test_the_table_lists_both_functions_arguments_in_their_order() -> None:
    assert table.FIT_ARGUMENTS[:4] == ("model", "x", "y", "batch_size")
    assert table.GENERATOR_ARGUMENTS[:3] == ("model", "generator", "steps_per_epoch")
    assert "generator" not in table.FIT_ARGUMENTS
    assert {"y", "batch_size", "shuffle"}.isdisjoint(table.GENERATOR_ARGUMENTS)
    assert set(table.DATA_ARGUMENTS) == {"x", "y", "validation_data", "sample_weight",
                                         "generator"}


def _documented(function: object) -> set[str]:
    """The names an `Args:` section of a docstring documents."""
    doc = inspect.getdoc(function) or ""
    section = doc.split("Args:\n", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"^    (\w+):", section, re.M))


def test_fit_documents_every_argument_and_fit_generator_its_own() -> None:
    documented = _documented(kfit.fit)
    assert documented == set(table.FIT_ARGUMENTS)
    own = _documented(kfit.fit_generator) - {"Others"}
    assert own and own <= set(table.GENERATOR_ARGUMENTS)
    assert set(table.GENERATOR_ARGUMENTS) <= documented | own


@pytest.mark.parametrize("argument", table.ARGUMENTS, ids=lambda a: a.name)
def test_every_rule_is_a_function_that_exists(argument: table.Argument) -> None:
    module, _, name = argument.rule.rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))


def test_unknown_arguments_are_refused_with_the_closest_name_from_the_table() -> None:
    with pytest.raises(kfit.KfitTypeError, match="Did you mean `validation_freq`"):
        kfit.fit(object(), validation_frq=2)
