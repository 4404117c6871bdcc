#!/usr/bin/env python3
"""One model per file, named after the model (run by scripts/test with the linters).

For each add-on given, every Python file of ``models/``, ``wizard/`` and ``report/``
may hold only the classes of the model it is named after: ``models/sales_target.py``
holds the classes whose ``_name`` (or, without one, ``_inherit``) is ``sales.target``.
Besides:

- a report (a model with ``_auto = False``) is in ``report/``;
- a wizard (a new transient model) is in ``wizard/``;
- no class asks pylint to let it be split from its model
  (``consider-merging-classes-inherited``).

Prints one line per finding (``path:line: what``) and exits 1 if there is any.

    python3 scripts/lint_model_files.py ADDON_DIR [ADDON_DIR ...]
"""

import ast
import sys
from pathlib import Path

FOLDERS = ("models", "wizard", "report")
MODEL_BASES = {"Model", "AbstractModel", "TransientModel"}
MERGE_DISABLE = "consider-merging-classes-inherited"


def _base_name(node):
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _attributes(cls):
    """The class attributes ``_name``, ``_inherit`` and ``_auto`` that are literals."""
    found = {}
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id in ("_name", "_inherit", "_auto"):
                try:
                    found[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    pass
    return found


def _model_name(attributes):
    """The model a class defines or extends, as Odoo names it."""
    name = attributes.get("_name")
    if name:
        return name
    inherit = attributes.get("_inherit")
    if isinstance(inherit, str):
        return inherit
    if isinstance(inherit, (list, tuple)) and len(inherit) == 1:
        return inherit[0]
    return None


def check_file(path, folder):
    findings = []
    text = path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if MERGE_DISABLE in line and "disable" in line:
            findings.append((number, f"disables pylint's {MERGE_DISABLE}: merge the class"))
    for node in ast.parse(text, str(path)).body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {_base_name(base) for base in node.bases}
        if not bases & MODEL_BASES:
            continue
        attributes = _attributes(node)
        model = _model_name(attributes)
        if model is None:
            findings.append((node.lineno, f"class {node.name}: no model name found"))
            continue
        expected = model.replace(".", "_") + ".py"
        if path.name != expected:
            findings.append(
                (node.lineno, f"class {node.name} is model {model!r}: it belongs in {expected}")
            )
        if attributes.get("_auto") is False and folder != "report":
            findings.append(
                (node.lineno, f"class {node.name} is a report (_auto = False): put it in report/")
            )
        inherit = attributes.get("_inherit") or []
        inherit = [inherit] if isinstance(inherit, str) else list(inherit)
        is_new_wizard = (
            "TransientModel" in bases and attributes.get("_name") and model not in inherit
        )
        if is_new_wizard and folder != "wizard":
            findings.append(
                (node.lineno, f"class {node.name} is a wizard (TransientModel): put it in wizard/")
            )
    return findings


def main(addons):
    count = 0
    for addon in addons:
        root = Path(addon)
        for folder in FOLDERS:
            for path in sorted((root / folder).glob("*.py")):
                if path.name == "__init__.py":
                    continue
                for line, what in sorted(check_file(path, folder)):
                    print(f"{path}:{line}: {what}")
                    count += 1
    if count:
        print(f"model files: {count} finding(s): one model per file, named after the model")
        return 1
    print("model files: one model per file, each named after its model")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
