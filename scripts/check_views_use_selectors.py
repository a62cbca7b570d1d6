"""Fail when a views module queries a model directly: views read through selectors.

The design (docs/layers.md): "Views are thin and read through selectors." A views module is any
views.py, views/*.py or *_views.py under vschool/ (tests excluded). In one, any use of a
model manager (`Child.objects`, `x.objects.filter(...)`, `_default_manager`,
`_base_manager`) is reported; put the read in the app's selectors.py (or the write in
services.py) and call that. Run by ./test; exit status 1 when something is found.

    .venv/bin/python scripts/check_views_use_selectors.py [PATH ...]
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def is_views_module(path: Path) -> bool:
    if "tests" in path.parts or "migrations" in path.parts:
        return False
    return (
        path.name == "views.py"
        or path.name.endswith("_views.py")
        or (path.parent.name == "views" and path.suffix == ".py")
    )


def views_modules(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.py")) if is_views_module(p))
        elif is_views_module(path):
            found.append(path)
    return found


def direct_queries(source: str, filename: str = "<views>") -> list[tuple[int, int, str]]:
    """(line, column, expression) of each model-manager access in `source`."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            problems.append((node.lineno, node.col_offset + 1, ast.unparse(node)))
    return sorted(problems)


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [ROOT / "vschool"]
    count = 0
    for path in views_modules(paths):
        for line, column, expression in direct_queries(path.read_text(), str(path)):
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            print(
                f"{shown}:{line}:{column}: `{expression}` in a view: read through the "
                "app's selectors.py (writes through services.py)"
            )
            count += 1
    if count:
        print(
            f"{count} direct model quer{'y' if count == 1 else 'ies'} in views (docs/layers.md)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
