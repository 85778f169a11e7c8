"""What a message shows, in the caller's language: one formatter per language.

An error's text is a `Say`: a template whose fields may be tokens
(`Value`, `Arg`, `At`, `Shape`, `Either`) that each language renders its
own way. Python messages speak Python (`None`, `nan`, `True`, `[1, 2]`,
0-based `x[2, 1]`); messages shown in R speak R (`NA`, `TRUE`,
`c(1, 2)`, `list("0" = 1)`, "a character vector", 1-based "row 3, column
2", `validation_data[[2]]`). `PYTHON` and `R` are the two formatters;
nothing patches strings afterwards.
"""

from kfit.words.python import PYTHON, PythonWords
from kfit.words.r import R, RWords
from kfit.words.say import Say, Words, render
from kfit.words.tokens import SHORT, Arg, At, Either, Index, Kind, Shape, Value

__all__ = [
           "PYTHON",
           "SHORT",
           "Arg",
           "At",
           "Either",
           "Index",
           "Kind",
           "PythonWords",
           "R",
           "RWords",
           "Say",
           "Shape",
           "Value",
           "Words",
           "render",
]
