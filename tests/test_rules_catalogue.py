"""docs/rules.md is the map of the rules: every home it names exists, every public function
of a rules module is in it, and no rule is written a second time elsewhere."""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
NAMED = sorted(set(re.findall(r"`(vschool(?:\.\w+)+)`", CATALOGUE)))


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts), 1, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize("dotted", NAMED)
def test_every_home_the_catalogue_names_exists(dotted):
    assert _resolve(dotted) is not None


def test_the_catalogue_names_enough_homes():
    assert len(NAMED) > 80


RULES_MODULES = sorted((ROOT / "vschool").glob("*/rules.py"))


@pytest.mark.parametrize("path", RULES_MODULES, ids=lambda p: p.parent.name)
def test_every_public_rule_is_catalogued(path):
    module = "vschool." + path.parent.name + ".rules"
    functions = [
        node.name
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    missing = [name for name in functions if f"`{module}.{name}`" not in CATALOGUE]
    assert not missing, f"add these to docs/rules.md, with their source: {missing}"


# A rule's tell-tale text, and the only files where it may appear: anywhere else it is a
# second home. Add a file here only when it is the rule's home (and say so in rules.md).
ONE_HOME = [
    (r"COMPLETED_STATUSES", {"peps/rules.py", "peps/querysets.py"}),
    (r"status__in", {"peps/querysets.py", "exchange/querysets.py"}),  # and running imports
    # Good or better; and the lowest good grade, the PP+ threshold when no policy is set.
    (r"VSCHOOL_PEP_GOOD_GRADES", {"settings.py", "peps/querysets.py", "funding/allocations.py"}),
    (r"rne\s*(?:==|!=|=)\s*[\"']S[\"']", set()),
    (r"SHORT_BREAK_LS|[\"']V3[\"'],\s*[\"']V4[\"']", {"cohort/rules.py", "cohort/querysets.py"}),
    (r"\.covering\(", {"cohort/querysets.py"}),
    (r"\.month\s*>=\s*[49]\b", {"calendar/rules.py"}),
    (r"PepTermDeadline\.objects", {"peps/selectors.py", "peps/deadlines.py"}),
    (r"dob_range_for_nc_year\(", {"calendar/rules.py", "cohort/querysets.py"}),
    (r"\(\\d\{4\}\)\(\?:\[-/\]", {"calendar/rules.py"}),
]


@pytest.mark.parametrize(("pattern", "homes"), ONE_HOME, ids=[p for p, _ in ONE_HOME])
def test_no_rule_has_a_second_home(pattern, homes):
    found = []
    for path in sorted((ROOT / "vschool").rglob("*.py")):
        relative = path.relative_to(ROOT / "vschool").as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative in homes:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"vschool/{relative}:{number}: {line.strip()}")
    assert not found, "a rule written again outside its home (docs/rules.md):\n" + "\n".join(found)


OUTSIDE = re.compile(r"domain\.md|screens\.md|architecture\.md|style-examples\.md|\.\./shared")


def test_docs_and_docstrings_point_only_inside_the_repository():
    """Docs and code comments cite docs/rules.md, never files beside the repository."""
    paths = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").rglob("*.md"),
        *(ROOT / "bench").glob("*.md"),
        *[
            p
            for p in (ROOT / "vschool").rglob("*")
            if p.suffix in (".py", ".html") and "/tests/" not in p.as_posix()
        ],
        *(ROOT / "scripts").glob("*"),
        ROOT / "pyproject.toml",
    ]
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in paths
        if p.is_file()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, "points outside the repository: " + ", ".join(found)
