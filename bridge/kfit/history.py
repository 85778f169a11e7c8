"""The training history: plain data, aligned on the real epoch numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kfit.rformat import format_r_number


class TrainingHistory:
    """What a `fit()` run recorded, epoch by epoch.

    Attributes:
        params: run parameters: `verbose` (resolved), `epochs` (the final
            epoch), `steps` (per epoch, None if unknown), `initial_epoch`
            (1-based) and a few more.
        epochs: the 1-based numbers of the epochs that ran.
        metrics: metric name -> list aligned with `epochs`; None where the
            metric was not computed (e.g. `val_*` with `validation_freq`).
    """

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        self.params: dict[str, Any] = dict(params or {})
        self.epochs: list[int] = []
        self.metrics: dict[str, list[float | None]] = {}

    def record(self, epoch: int, logs: Mapping[str, Any] | None) -> None:
        """Add one finished epoch (1-based number) and its logs."""
        self.epochs.append(int(epoch))
        for name, value in (logs or {}).items():
            series = self.metrics.get(name)
            if series is None:
                series = self.metrics[name] = [None] * (len(self.epochs) - 1)
            series.append(_to_float(value))
        for series in self.metrics.values():
            if len(series) < len(self.epochs):
                series.append(None)

    def last_values(self) -> dict[str, float | None]:
        """The last non-missing value of each metric."""
        out: dict[str, float | None] = {}
        for name, series in self.metrics.items():
            out[name] = next((v for v in reversed(series) if v is not None), None)
        return out

    def as_data_frame(self) -> dict[str, list[Any]]:
        """Long format, as R's `as.data.frame(history)`.

        Returns:
            A dict of four equal-length lists: `epoch` (real epoch numbers),
            `value` (None where missing), `metric` (without `val_`) and
            `data` ("training" or "validation"); rows are metric-major in
            the order the metrics were logged.
        """
        frame: dict[str, list[Any]] = {"epoch": [], "value": [], "metric": [],
                                       "data": []}
        for name, series in self.metrics.items():
            validation = name.startswith("val_")
            base = name[4:] if validation else name
            frame["epoch"].extend(self.epochs)
            frame["value"].extend(series)
            frame["metric"].extend([base] * len(series))
            frame["data"].extend(["validation" if validation else "training"]
                                 * len(series))
        return frame

    def to_record(self) -> dict[str, Any]:
        """The record the R package makes its `keras_training_history` of
        (`history_from_record()` in `r_pkg/R/history-class.R`): the params given,
        and per metric its values with a flag where an epoch has none (R's
        NA; 0.0 stands in its place)."""
        params = {k: v for k, v in self.params.items() if v is not None}
        metrics = {name: {"values": [0.0 if v is None else float(v) for v in values],
                          "missing": [v is None for v in values]}
                   for name, values in self.metrics.items()}
        return {"params": params, "metrics": metrics}

    def __len__(self) -> int:
        return len(self.epochs)

    def __str__(self) -> str:
        lines = ["", "Final epoch (plot to see history):"]
        last = self.last_values()
        if not self.epochs or not last:
            lines.append("(no epochs completed)")
        else:
            width = max(len(name) for name in last)
            lines += [f"{name:>{width}}: {format_r_number(value)}"
                      for name, value in last.items()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        span = (f"epochs {self.epochs[0]}..{self.epochs[-1]}" if self.epochs
                else "no epochs")
        return f"<TrainingHistory {span}, metrics: {', '.join(self.metrics)}>"


def _to_float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return float(getattr(value, "numpy", lambda: value)())
