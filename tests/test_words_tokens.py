"""kfit.words.tokens: the tokens are values (equal by content, hashable), and
the helpers that tell arrays and structures of arrays from plain values."""

from __future__ import annotations

import numpy as np

from kfit.words.tokens import Arg, At, holds_arrays, is_array, one_line


def test_tokens_are_plain_values() -> None:
    assert Arg("x", (1,)) == Arg("x", (1,)) and Arg("x") != Arg("x", (0,))
    assert len({At((1, 2)), At((1, 2))}) == 1


def test_arrays_and_structures_of_arrays_are_told_apart() -> None:
    assert is_array(np.zeros(2)) and not is_array([1.0, 2.0])
    assert holds_arrays({"a": [1, np.zeros(1)]}) and not holds_arrays([1, [2, 3]])


def test_one_line_joins_whitespace_and_cuts_at_the_limit() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    cut = one_line("x" * 200, limit=20)
    assert len(cut) == 20 and cut.endswith("...")
