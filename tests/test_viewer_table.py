"""kfit.viewer.table.MetricsTable: the metrics by epoch, as the page reads them."""

from __future__ import annotations

import json

import pytest

from kfit.errors import KfitValueError
from kfit.viewer.table import MetricsTable


def test_table_rules() -> None:
    table = MetricsTable(["loss"])
    table.add(6, {"loss": 1.0, "val_loss": float("inf")})
    with pytest.raises(KfitValueError, match=r"(?s)`epoch`.*Received: epoch=6"):
        table.add(6, {"loss": 1.0})
    with pytest.warns(UserWarning, match="logs\\['weights'\\].*not a scalar"):
        table.add(7, {"loss": float("-inf"), "weights": [1, 2]})
    assert table.epochs == [6, 7]
    assert table.columns == {
        "loss": [1.0, float("-inf")],
        "val_loss": [float("inf"), None],
    }
    fields = json.loads("{" + table.json_fields() + "}")
    assert fields["metrics"] == {
        "loss": [1.0, "-Infinity"],
        "val_loss": ["Infinity", None],
    }
