"""The metrics of one run, kept as aligned columns ready for JSON.

Separation of concerns: `MetricsTable` owns the numbers (one row per real
epoch, one column per metric, `None` where a metric was not computed);
`MetricsView` owns the run folder, the files and the page; `page` owns the
HTML. The table keeps every value both as a float and as its JSON text, so
writing the whole table after an epoch only joins strings: the per-epoch cost
stays flat however long the run gets.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Mapping

from kfit.errors import KfitValueError, KfitWarning

_NULL = "null"


def _json_number(value: float) -> str:
    """Formats a float as JSON text at full precision.

    `repr` is the shortest text that reads back as the same double
    (3.6e-05 stays 3.6e-05). JSON has no NaN or infinities: they travel as
    the strings the page turns back into numbers.
    """
    if math.isfinite(value):
        return repr(value)
    if math.isnan(value):
        return '"NaN"'
    return '"Infinity"' if value > 0 else '"-Infinity"'


class MetricsTable:
    """Per-epoch metrics, aligned on the real (1-based) epoch numbers.

    Attributes:
        epochs: The real epoch numbers, strictly increasing.
        columns: Metric name -> one value per epoch (`None` where missing),
            in the order the metrics were first seen.
    """

    def __init__(self, metric_names: Iterable[str] | None = None) -> None:
        self.epochs: list[int] = []
        self.columns: dict[str, list[float | None]] = {}
        self._epoch_text: list[str] = []
        self._column_text: dict[str, list[str]] = {}
        self._skipped: set[str] = set()
        for name in metric_names or ():
            self._ensure_column(str(name))

    def __len__(self) -> int:
        return len(self.epochs)

    @property
    def last_epoch(self) -> int | None:
        """The last epoch recorded, or `None` before the first one."""
        return self.epochs[-1] if self.epochs else None

    def add(self, epoch: int, logs: Mapping[str, object]) -> None:
        """Appends one epoch.

        Args:
            epoch: The real epoch number; must exceed the last one recorded.
            logs: Metric name -> scalar. Metrics absent here get `None` for
                this epoch; metrics new here get `None` for earlier epochs.
                Values that are not scalars are skipped with a warning.

        Raises:
            KfitValueError: If `epoch` does not come after the last epoch.
        """
        epoch = int(epoch)
        if self.epochs and epoch <= self.epochs[-1]:
            raise KfitValueError(
                "epoch",
                f"must be larger than the last epoch recorded ({self.epochs[-1]}).",
                epoch,
                "Epochs are the real, 1-based epoch numbers, in increasing order.",
            )
        row: dict[str, float] = {}
        for name, raw in logs.items():
            name = str(name)
            try:
                row[name] = float(raw)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                if name not in self._skipped:
                    self._skipped.add(name)
                    warnings.warn(
                        f"kfit metrics view: `logs[{name!r}]` is not a scalar "
                        f"and is not shown. Received: {type(raw).__name__}",
                        KfitWarning,
                        stacklevel=3,
                    )
                continue
            self._ensure_column(name)
        self.epochs.append(epoch)
        self._epoch_text.append(str(epoch))
        for name, column in self.columns.items():
            value = row.get(name)
            column.append(value)
            self._column_text[name].append(
                _NULL if value is None else _json_number(value)
            )

    def json_fields(self) -> str:
        """Returns `"epoch":[...],"metrics":{...}` (JSON object members)."""
        metrics = ",".join(
            f'"{_escape(name)}":[{",".join(text)}]'
            for name, text in self._column_text.items()
        )
        return f'"epoch":[{",".join(self._epoch_text)}],"metrics":{{{metrics}}}'

    def _ensure_column(self, name: str) -> None:
        if name in self.columns:
            return
        self.columns[name] = [None] * len(self.epochs)
        self._column_text[name] = [_NULL] * len(self.epochs)


def _escape(name: str) -> str:
    """Escapes a metric name for use inside a JSON string literal."""
    return json.dumps(name)[1:-1]
