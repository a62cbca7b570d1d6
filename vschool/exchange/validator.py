"""Run the DfE-rules SSDA903 validator (`csc-validator-be-903`) on a folder of CSV files.

The validator pins pandas<2 and numpy<1.25, so it lives in its own virtualenv, `.venv-903`
(made by scripts/validator-903.sh), and runs in a subprocess: this file is also the script
that process runs, so it imports only the standard library at the top (decision 0004).
Its own CLI (`python -m lac_validator run-offline`) fixes the collection year and local
authority, cannot load the previous year and prints a truncated table, so the script
calls the library as its CLI does and prints the counts per rule as JSON.
"""

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-903"


class ValidatorMissing(RuntimeError):
    """`.venv-903` has not been made: run scripts/validator-903.sh."""


class ValidatorFailed(RuntimeError):
    """The validator process stopped with an error (its stderr is in the message)."""


@dataclass(frozen=True)
class ValidatorResult:
    counts: dict[str, int]  # findings per rule code; rules with none are left out
    seconds: float  # wall time of the whole validator process
    fields: dict[str, list[str]] = field(default_factory=dict)  # columns each rule checks
    failed: list[str] = field(default_factory=list)  # rules that raised instead of running

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def validator_python() -> Path:
    """The interpreter of `.venv-903`; raise ValidatorMissing when it is not there."""
    python = VENV / "bin" / "python"
    if not python.exists():
        raise ValidatorMissing(
            f"The SSDA903 validator is not installed ({VENV} is missing): "
            "run scripts/validator-903.sh to create it."
        )
    return python


def validate_903(
    folder: Path, *, year: int, previous: Path | None = None, la_code: str | None = None
) -> ValidatorResult:
    """Validate the return in `folder` for the year ending 31 March `year` (ruleset
    lac{year-1}_{yy}), with last year's return in `previous` if given. `la_code` (default
    VSCHOOL_LA_CODE) names the authority, for the in/out of area placement rules."""
    python = validator_python()
    # -I: isolated, so this folder (which has a selectors.py) does not shadow the stdlib.
    command = [str(python), "-I", __file__, str(folder), str(year), _gss(la_code)]
    if previous is not None:
        command.append(str(previous))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.strip():
        raise ValidatorFailed(f"The SSDA903 validator failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return ValidatorResult(report["counts"], seconds, report["fields"], report["failed"])


def _gss(la_code: str | None) -> str:
    """The GSS code the validator compares placement authorities with ("" if unknown)."""
    from django.conf import settings

    from vschool.codes import code_list

    row = code_list("la_codes").get(la_code or settings.VSCHOOL_LA_CODE)
    return row["gss_code"] if row else ""


def _run(folder: str, year: str, gss: str, previous: str | None = None) -> dict:
    """Inside .venv-903: run every rule of the year's ruleset, count findings per rule."""
    import importlib
    import logging

    logging.disable(logging.WARNING)  # the validator logs every rule at INFO
    from lac_validator.lac_validator import LacValidator
    from lac_validator.report import Report

    files = [
        {"name": path.name, "description": description, "file_content": path.read_bytes()}
        for description, where in (("This year", folder), ("Prev year", previous))
        if where
        for path in sorted(Path(where).glob("*.csv"))
    ]
    ruleset = f"lac{int(year) - 1}_{int(year) % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    metadata = {"collectionYear": year, "localAuthority": gss}
    validator = LacValidator(metadata=metadata, files=files, registry=registry)
    report = Report(validator.ds_results, registry).error_report
    counts = {str(code): int(n) for code, n in zip(report.Code, report.Count, strict=True) if n}
    rules = {str(rule.code): rule for rule in registry.values()}
    return {
        "counts": counts,
        "fields": {code: sorted(rules[code].affected_fields) for code in counts},
        "failed": [str(code) for code in validator.fails],
    }


if __name__ == "__main__":
    print(json.dumps(_run(*sys.argv[1:])))
