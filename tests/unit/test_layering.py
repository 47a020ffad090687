"""domain/ is pure: it imports no framework, database or I/O module."""

from __future__ import annotations

import ast
from pathlib import Path

import soulstock.domain

ALLOWED_ROOTS = {
    "__future__",
    "dataclasses",
    "datetime",
    "enum",
    "typing",
    "collections",
    "functools",
    "itertools",
    "math",
    "re",
    "hashlib",
    "hmac",
    "zoneinfo",
    "dateutil",  # RFC 5545 RRULEs: pure computation, no I/O
    "decimal",
    "bisect",
    "soulstock",
}


def test_domain_imports_only_the_standard_library_and_itself():
    root = Path(soulstock.domain.__file__).parent
    found: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in ALLOWED_ROOTS or (
                    top == "soulstock" and not name.startswith("soulstock.domain")
                ):
                    found.setdefault(path.name, set()).add(name)
    assert found == {}
