"""The bad-input tables (tests/bad_input/cases_*.py), run case by case.

Each failing case asserts the error's class, the argument it names, a
fragment of what was received, and that the model's weights did not change;
each valid case runs its check. Cases marked `child` run in a child process
with a timeout, so a hang or a crash fails the case instead of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bad_input import Case, all_cases, make_data, make_model

from support import assert_same_weights, deadline, weights_of

pytestmark = pytest.mark.trains  # see conftest.py

CASES = all_cases()
HERE = Path(__file__).resolve().parent


def run_case(case: Case) -> None:
    """Run one case in this process (asserting everything it promises)."""
    model = make_model(case.model)
    data = make_data()
    before = weights_of(model)
    if case.error is None:
        with deadline(case.timeout):
            result = case.call(model, data)
        if case.check is not None:
            case.check(result, model)
        return
    with deadline(case.timeout), pytest.raises(case.error) as caught:
        case.call(model, data)
    error = caught.value
    message = str(error)
    if case.argument is not None:
        assert getattr(error, "argument", None) == case.argument, message
    if case.fragment is not None:
        assert case.fragment in message, message
    for name, value in case.attributes.items():
        assert getattr(error, name, None) == value, (name, message)
    assert "\x1b[" not in message, message
    assert_same_weights(before, weights_of(model))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case) -> None:
    if not case.child:
        run_case(case)
        return
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "import test_bad_input as t; "
            "t.run_case(next(c for c in t.CASES if c.id == sys.argv[2])); "
            "print('CASE-OK')")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(HERE), case.id],
                              capture_output=True, text=True, timeout=case.timeout,
                              env={**os.environ, "PYTHONPATH": str(HERE)})
    except subprocess.TimeoutExpired:
        pytest.fail(f"case {case.id} did not end within {case.timeout} s")
    assert done.returncode == 0 and "CASE-OK" in done.stdout, (
        done.stdout[-3000:] + done.stderr[-3000:])


def test_tables_are_big_enough() -> None:
    """The issue asks for at least 150 cases in the Python table."""
    assert len(CASES) >= 150, len(CASES)
    groups = {c.group for c in CASES}
    assert len(groups) >= 8, sorted(groups)
