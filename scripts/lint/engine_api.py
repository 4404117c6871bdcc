#!/usr/bin/env python3
"""Fails when code outside the refresh engine calls an underscore method of the engine
(the ``sales.kpi.engine`` model): other code goes through its public API (``refresh``,
``measure_kpi``, ``measure_users``, ``burnup``, ``counted_records``, ...).

The engine is the ``engine`` package and the ``sales.kpi.engine`` model files
(``models/sales_kpi_engine.py`` of each add-on, where a bridge registers its metrics);
the scheduled passes that drive it (``models/sales_kpi_refresh.py``) are not. Elsewhere,
an expression is the engine when it is ``env["sales.kpi.engine"]`` (or
``registry[...]``), that with ``.sudo()`` / ``.with_context(...)`` ..., a name
assigned from one in the same function, or a name ``engine``. Run by ``scripts/test``
with the linters.

Usage: scripts/lint/engine_api.py [repo root]
"""

import ast
import pathlib
import sys

ENGINE_MODEL = "sales.kpi.engine"
ENGINE_FILES = ("models/sales_kpi_engine.py",)
# recordset methods that return the same model
SAME_MODEL = {"sudo", "with_context", "with_user", "with_company", "with_env", "browse"}


def is_engine_file(path):
    parts = path.parts
    return "engine" in parts[1:-1] or any(path.as_posix().endswith(f) for f in ENGINE_FILES)


class Finder(ast.NodeVisitor):
    def __init__(self, path):
        self.path = path
        self.names = [set()]  # names bound to the engine, per function
        self.found = []

    def is_engine(self, node):
        if isinstance(node, ast.Subscript):
            key = node.slice
            return isinstance(key, ast.Constant) and key.value == ENGINE_MODEL
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SAME_MODEL:
                return self.is_engine(node.func.value)
            return node.func.attr == "_engine"
        if isinstance(node, ast.Name):
            # a name assigned from the engine, or an argument called ``engine``
            return node.id in self.names[-1] or node.id == "engine"
        return False

    def visit_FunctionDef(self, node):
        self.names.append(set())
        self.generic_visit(node)
        self.names.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node):
        self.visit(node.value)
        engine = self.is_engine(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                (self.names[-1].add if engine else self.names[-1].discard)(target.id)
            else:
                self.visit(target)

    def visit_Attribute(self, node):
        name = node.attr
        if name.startswith("_") and not name.startswith("__") and self.is_engine(node.value):
            self.found.append((node.lineno, name))
        self.generic_visit(node)


def main(root):
    root = pathlib.Path(root)
    failures = []
    for addon in sorted(p.parent for p in root.glob("*/__manifest__.py")):
        for path in sorted(addon.rglob("*.py")):
            relative = path.relative_to(root)
            if is_engine_file(relative):
                continue
            finder = Finder(relative)
            finder.visit(ast.parse(path.read_text(), str(path)))
            failures += [(relative, line, name) for line, name in finder.found]
    for path, line, name in failures:
        print(
            f"{path}:{line}: calls {name}() of {ENGINE_MODEL}, a private method of the"
            " engine: use its public API"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]))
