"""A message: `Say`, a template whose fields are tokens, plain values or
other `Say`s, and `Words`, the dispatch each language's formatter shares.
A `Say` renders in the language it is shown in; `str()` is Python's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from kfit.words.tokens import Arg, At, Either, Index, Kind, Shape, Value


class Say:
    """A message template: `Say("has {n} columns", n=7)`; fields may be tokens,
    other `Say`s, or plain values (inserted as `str()`)."""

    def __init__(self, template: str, /, **fields: Any) -> None:
        self.template = template
        self.fields = fields

    def render(self, words: Words) -> str:
        if not self.fields:
            return self.template
        shown = {k: words.field(v) for k, v in self.fields.items()}
        return self.template.format(**shown)

    def __str__(self) -> str:
        return self.render(Words.languages["Python"])

    def __repr__(self) -> str:
        return f"Say({str(self)!r})"

    def __add__(self, other: Any) -> Say:
        return Say("{a}{b}", a=self, b=other)


def render(text: Any, words: Words) -> str:
    """A `Say`, a token or a plain string, in `words`' language."""
    return words.field(text)


class Words:
    """Shared dispatch: each language renders tokens its own way."""

    language = "?"
    # The formatters by language, registered as each is made (`kfit.words`
    # makes both): a `Say` shows itself in Python without importing them.
    languages: ClassVar[dict[str, Words]] = {}

    def __init__(self) -> None:
        Words.languages[self.language] = self

    def field(self, value: Any) -> str:
        if isinstance(value, Say):
            return value.render(self)
        if isinstance(value, Value):
            return self.value(value.value)
        if isinstance(value, Kind):
            return self.kind(value.value)
        if isinstance(value, Arg):
            return f"`{self.argument(value.name, value.path)}`"
        if isinstance(value, At):
            return self.position(value.index)
        if isinstance(value, Shape):
            return self.shape(value.dims)
        if isinstance(value, Either):
            return value.r if self.language == "R" else value.python
        if isinstance(value, Index):
            return str(value.index + (1 if self.language == "R" else 0))
        return str(value)

    def value(self, value: Any) -> str:
        raise NotImplementedError

    def kind(self, value: Any) -> str:
        raise NotImplementedError

    def argument(self, name: str, path: Sequence[int | str]) -> str:
        raise NotImplementedError

    def position(self, index: Sequence[int]) -> str:
        raise NotImplementedError

    def shape(self, dims: Sequence[int | None]) -> str:
        raise NotImplementedError
