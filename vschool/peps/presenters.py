"""What the PEP pages show: task statuses, actions, answers and target hints."""

from datetime import date

from vschool.peps.forms import TargetForm
from vschool.peps.models import Pep, PepSection
from vschool.peps.rules import target_hints
from vschool.peps.sections import SECTIONS, may_edit
from vschool.peps.workflow import EDITABLE, Part, actions_for

# Moves made on the QA page rather than by a button on the task list.
_QA_ACTIONS = {"approve", "return"}


class PepPresenter:
    """A PEP for display; reads its prefetched sections, and its status rows when returned."""

    def __init__(self, pep: Pep, parts: set[Part], today: date):
        self.pep = pep
        self.parts = parts
        self.today = today
        self.rows = {row.key: row for row in pep.sections.all()}

    @property
    def tasks(self) -> list[dict]:
        tasks = []
        for key, spec in SECTIONS.items():
            row = self.rows.get(key)
            if row is not None and row.completed:
                status, tag = "Completed", ""
            elif row is not None and any(row.data.values() if isinstance(row.data, dict)
                                         else row.data):
                status, tag = "In progress", "govuk-tag--light-blue"
            else:
                status, tag = "Not yet started", "govuk-tag--grey"
            tasks.append({"key": key, "title": spec.title, "owner": spec.owner_label,
                          "status": status, "tag": tag,
                          "editable": self.pep.status in EDITABLE and may_edit(spec, self.parts)})
        return tasks

    @property
    def actions(self):
        return [t for t in actions_for(self.pep.status, self.parts) if t.action not in _QA_ACTIONS]

    @property
    def may_qa(self) -> bool:
        return Part.VIRTUAL_SCHOOL in self.parts and self.pep.status == Pep.Status.SUBMITTED

    @property
    def return_reason(self) -> str:
        if self.pep.status != Pep.Status.RETURNED:
            return ""
        row = self.pep.status_changes.filter(status=Pep.Status.RETURNED).last()
        return row.note if row else ""

    @property
    def answers(self) -> list[dict]:
        """Each section's answers as label and value pairs, for reading and QA."""
        shown = []
        for key, spec in SECTIONS.items():
            row = self.rows.get(key)
            data = row.data if row else {}
            if spec.form is None:
                items = [(f"Target {n}: {t.get('area', '')}", t.get("target", ""))
                         for n, t in enumerate(data or [], start=1)]
            else:
                form = spec.form()
                items = [(form.fields[name].label, data.get(name, "")) for name in form.fields]
            shown.append({"key": key, "title": spec.title, "items": items})
        return shown

    @property
    def targets(self) -> list[dict]:
        row = self.rows.get("targets")
        return [{**target, "hints": target_hints(target)} for target in (row.data if row else [])]


def section_initial(row: PepSection | None):
    """Return a section's saved answers as form initial data (targets: one dict each)."""
    if row is None:
        return None
    if isinstance(row.data, list):
        return [{**t, "by_when": date.fromisoformat(t["by_when"]) if t.get("by_when") else None}
                for t in row.data]
    return row.data


def targets_data(formset) -> list[dict]:
    """Return the targets a valid formset holds, as JSON-ready dicts, without removed ones."""
    targets = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        targets.append({name: _plain(data.get(name)) for name in TargetForm.base_fields})
    return targets


def _plain(value):
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)
