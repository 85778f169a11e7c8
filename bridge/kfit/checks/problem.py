"""A mismatch between data and model, said once (`Problem`), and raised
the two ways: for an argument as a `KfitShapeError` / `KfitLabelError`
naming it ("Argument `x` has 7 columns ..."), for a batch as a `BatchError`
naming the source ("The R generator `x` returned inputs with 7 columns ...").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kfit.data.batch import BatchError
from kfit.errors import KfitLabelError, KfitShapeError, KfitValueError
from kfit.model_spec import Dims
from kfit.nested import Path
from kfit.words import Arg, Say


@dataclass
class Problem:
    """A mismatch, said after "Argument `x` " (`lead` "has"/"is"/"names") or
    after "returned {part} " (lead "has" -> "with", "is" -> "that are")."""

    path: Path
    lead: str
    text: Any
    hint: Any
    received: Any = None  # what to show instead of the value at `path`
    label: bool = False  # a problem of the labels (KfitLabelError)


def fits(got: Sequence[int], want: Dims) -> bool:
    """Whether an array of shape `got` (with rows) fits an input of `want`,
    with the rank adjustments Keras makes for a last dimension of 1."""
    got = tuple(got)
    if len(got) == len(want) - 1 and want[-1] == 1:
        got = (*got, 1)
    elif len(got) == len(want) + 1 and got[-1] == 1:
        got = got[:-1]
    if len(got) != len(want):
        return False
    return all(w is None or g == w for g, w in zip(got[1:], want[1:], strict=True))


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word}es" if word.endswith("s") else f"{n} {word}s"


def class_range(units: int) -> Say:
    return Say("{n} ({range})", n=plural(units, "class"),
               range="0 and 1" if units == 2 else f"0 to {units - 1}")


def leaf_shape(value: Any) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        return None


def argument_error(problem: Problem, where: Arg, shown: Any) -> KfitValueError:
    at = Arg(where.name, (*where.path, *problem.path))
    received = shown if problem.received is None else problem.received
    cls = KfitLabelError if problem.label else KfitShapeError
    return cls(at, Say("{lead} {text}.", lead=problem.lead, text=problem.text),
               received, Hint(problem.hint, sentence=False))


BATCH_LEADS = {"has": "with", "is": "that are", "names": "that names",
                "is a factor with": "that are a factor with"}


def batch_error(problem: Problem, part: str) -> BatchError:
    name: Any = part if not problem.path else Arg(part, problem.path)
    return BatchError(Say("returned {part} {lead} {text}", part=name,
                          lead=BATCH_LEADS[problem.lead], text=problem.text),
                      Hint(problem.hint, sentence=True))


class Hint(Say):
    """A hint that ends with a full stop (`sentence`: capitalised, without
    one, as batch errors add theirs)."""

    def __init__(self, hint: Any, *, sentence: bool) -> None:
        super().__init__("{h}", h=hint)
        self.sentence = sentence

    def render(self, words: Any) -> str:
        text = super().render(words).rstrip(".")
        if self.sentence:
            return text[:1].upper() + text[1:]
        return text + "."
