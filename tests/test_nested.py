"""kfit.nested: arrays, lists and dicts of them, walked with their paths."""

from __future__ import annotations

import numpy as np

from kfit.nested import (
    element_at,
    is_number_list,
    leaves,
    leaves_with_paths,
    lists_to_tuples,
    map_leaves,
)


def test_a_list_of_numbers_is_one_array_not_a_structure() -> None:
    assert is_number_list([1, 2.5, [3, 4]])
    assert not is_number_list([True, 1])  # a logical is no plain number
    assert not is_number_list([np.zeros(2), 1])
    assert not is_number_list([])
    assert leaves([[1, 2], [3, 4]]) == [[[1, 2], [3, 4]]]


def test_leaves_come_with_their_paths_in_order() -> None:
    a, b, c = np.zeros(1), np.ones(1), np.full(1, 2.0)
    structure = {"in": [a, b], "w": c}
    assert [(path, leaf is want) for (path, leaf), want in
            zip(leaves_with_paths(structure), (a, b, c), strict=True)] == \
        [(("in", 0), True), (("in", 1), True), (("w",), True)]
    doubled = map_leaves(structure, lambda leaf: leaf * 2)
    assert float(doubled["w"][0]) == 4.0 and isinstance(doubled["in"], list)
    assert lists_to_tuples(doubled)["in"].__class__ is tuple


def test_element_at_follows_dicts_lists_and_r_lists() -> None:
    class RList:  # what a decoded R list looks like to element_at
        def __init__(self, items, names):
            self.items, self.names = items, names

    shown = {"a": [10, RList([20, 30], ["p", "q"])]}
    assert element_at(shown, ("a", 1, "q"), None) == 30
    assert element_at(shown, ("a", 1, 1), None) == 30
    assert element_at(shown, ("a", 5), "none") == "none"
    assert element_at(shown, ("b",), "none") == "none"
