"""The core's layers, checked from its source (ast; nothing is imported),
and tests that mirror the code: a test file per source file, in both
languages.

Each module belongs to one layer; it imports kfit modules of its own layer
or below, never above, and the imports have no cycle. A function-local
import of a kfit module is allowed only where `LOCAL_IMPORTS` lists it,
with its reason: it keeps TensorFlow out of `import kfit`, or loads an
optional part. Run by `make lint` and `make check`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BRIDGE = Path(__file__).resolve().parent.parent / "bridge"

# Lowest first. A module's layer is that of its longest listed prefix.
LAYERS: list[tuple[str, list[str]]] = [
    ("leaves: R values, nested structures, the console, interrupts", [
        "kfit.console", "kfit.interrupt", "kfit.nested", "kfit.rformat",
        "kfit.r.codec", "kfit.r.values", "kfit.r.buffers",
        "kfit.workers.socket_reader", "kfit.viewer.server"]),
    ("words, errors, history, what the model takes, the rpy2 session", [
        "kfit.words", "kfit.errors", "kfit.history", "kfit.model_spec",
        "kfit.r.session", "kfit.r.registry"]),
    ("argument rules, R values to NumPy, R functions, where kfit runs", [
        "kfit.argument_table",
        "kfit.environment", "kfit.arguments", "kfit.class_weight",
        "kfit.r.convert", "kfit.r.arguments", "kfit.r.function", "kfit.r.rpy2_host"]),
    ("data sources, checks, workers", ["kfit.data", "kfit.checks", "kfit.workers"]),
    ("the training loop, callbacks, the live view", [
        "kfit.training", "kfit.callbacks", "kfit.r.callback", "kfit.viewer"]),
    ("the API", ["kfit.fit", "kfit"]),
    ("R's host (reticulate)", ["kfit.r.host"]),
]

# (module, imported module): why the import is inside a function.
LOCAL_IMPORTS: dict[tuple[str, str], str] = {
    ("kfit.fit", "kfit.training"): "TensorFlow: training imports Keras",
    ("kfit.fit", "kfit.data.keras_adapter"): "TensorFlow: it subclasses Keras'",
    ("kfit.fit", "kfit.r.callback"): "TensorFlow: R callbacks are Keras callbacks",
    ("kfit.fit", "kfit.viewer"): "optional part: the live view (view_metrics)",
    ("kfit.fit", "kfit.viewer.display"): "optional part: the live view",
    ("kfit.data.streamed", "kfit.data.keras_adapter"): "TensorFlow: Keras' adapter",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((BRIDGE / "kfit").rglob("*.py")):
        parts = path.relative_to(BRIDGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _layer(module: str) -> int:
    best, layer = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and \
                    len(prefix) > best:
                best, layer = len(prefix), index
    if layer < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return layer


def _imports(module: str) -> list[tuple[str, bool, int]]:
    """(imported kfit module, local?, line) for every import in `module`."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    local_nodes = {id(n) for f in ast.walk(tree)
                   if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for n in ast.walk(f)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b`: a's submodule b where there is one, else a
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                     for a in node.names]
        else:
            continue
        for name in names:
            if name == "kfit" or name.startswith("kfit."):
                while name not in MODULES:
                    name = name.rpartition(".")[0]
                if name != module:
                    out.append((name, id(node) in local_nodes, node.lineno))
    return out


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def test_no_module_imports_from_a_layer_above_it() -> None:
    upward = [f"{m} (layer {_layer(m)}) imports {t} (layer {_layer(t)}), line {line}"
              for m in MODULES for t, _, line in _imports(m) if _layer(t) > _layer(m)]
    assert not upward, "\n".join(upward)


def test_local_imports_are_listed_with_a_reason() -> None:
    found = {(m, t) for m in MODULES for t, local, _ in _imports(m) if local}
    unlisted = sorted(found - set(LOCAL_IMPORTS))
    assert not unlisted, "\n".join(f"{m} imports {t} in a function"
                                    for m, t in unlisted)
    assert sorted(set(LOCAL_IMPORTS) - found) == []  # no stale entry either


def test_imports_have_no_cycle() -> None:
    graph = {m: sorted({t for t, _, _ in _imports(m)}) for m in MODULES}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in graph[node]:
            if state.get(target) == 1:
                cycles.append(" -> ".join([*stack[stack.index(target):], target]))
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize("source, expected", [
    ("from kfit.words import Say", ("kfit.words", False)),
    ("def f():\n    from kfit import fit\n", ("kfit.fit", True)),
    ("from . import codec", ("kfit.r.codec", False)),
])
def test_the_walker_reads_imports(tmp_path: Path, source: str,
                                  expected: tuple[str, bool]) -> None:
    probe = "kfit.r._probe"
    MODULES[probe] = tmp_path / "_probe.py"
    MODULES[probe].write_text(source)
    try:
        assert [i[:2] for i in _imports(probe)] == [expected]
    finally:
        del MODULES[probe]


def _has_code(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               for n in tree.body)


def test_every_python_module_with_code_has_its_test_file() -> None:
    """kfit.data.stream -> tests/test_data_stream.py; the package itself ->
    tests/test_kfit.py. A package __init__ without code of its own (a
    docstring, re-exports) is tested through its modules."""
    tests = BRIDGE.parent / "tests"
    missing = []
    for module, path in MODULES.items():
        name = "kfit" if module == "kfit" else module.removeprefix("kfit.").replace(
            ".", "_")
        if _has_code(path) and not (tests / f"test_{name}.py").exists():
            missing.append(f"{module}: tests/test_{name}.py")
    assert not missing, "\n".join(missing)


# R files with no function of their own to test: the package's help page.
R_WITHOUT_TESTS = {"kfit-package.R": "roxygen documentation only"}


def test_every_r_file_has_its_test_file() -> None:
    """r_pkg/R/history-plot.R -> r_pkg/tests/testthat/test-history-plot.R."""
    r_dir = BRIDGE.parent / "r_pkg" / "R"
    tests = BRIDGE.parent / "r_pkg" / "tests" / "testthat"
    missing = [f"R/{p.name}: test-{p.name}" for p in sorted(r_dir.glob("*.R"))
               if p.name not in R_WITHOUT_TESTS
               and not (tests / f"test-{p.name}").exists()]
    assert not missing, "\n".join(missing)
    assert all((r_dir / name).exists() for name in R_WITHOUT_TESTS)

