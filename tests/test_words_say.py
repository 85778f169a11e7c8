"""kfit.words.say: a message renders its fields, nested messages included,
in the one language it is shown in; `str()` is Python's."""

from __future__ import annotations

from kfit.words import Arg, At, R, Say, Value


def test_a_say_renders_its_fields_and_nested_says_in_one_language() -> None:
    inner = Say("{a} at {at}", a=Arg("x", (0,)), at=At((1, 1)))
    message = Say("Argument {inner}: {v}.", inner=inner, v=Value(None)) + " Hint."
    assert str(message) == "Argument `x[0]` at index [1, 1]: None. Hint."
    assert message.render(R) == "Argument `x[[1]]` at row 2, column 2: NULL. Hint."
    assert Say("plain {n}", n=3).render(R) == "plain 3"
    assert repr(Say("no fields")) == "Say('no fields')"
