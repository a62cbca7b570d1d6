"""The PEP as a PDF, the official copy: A4, a running header and footer.

WeasyPrint (vschool.kit.pdf) renders `peps/pep_document.html`; its print CSS is in the template; only
`file:` and `data:` URLs are fetched, so rendering never touches the network.

For paper meetings the same page prints a blank PEP (`peps/pep_blank.html`: every section's
questions with room to write) and the child's views sheet (`peps/pep_views_sheet.html`),
both on `peps/_print_base.html`.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.safestring import mark_safe

from vschool.kit.forms import GovukDateField
from vschool.kit.pdf import render_pdf
from vschool.peps.forms import OUTCOMES, ActionForm, TargetForm, VoiceSectionForm
from vschool.peps.models import Pep, PepStatusChange
from vschool.peps.presenters import PepPresenter
from vschool.peps.sections import GROUPS, SECTIONS

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Target fields in the order the table shows them, with their column headings.
TARGET_COLUMNS = [
    ("area", "Area"),
    ("target", "Target"),
    ("measure", "How we will know"),
    ("baseline", "Starting point"),
    ("by_when", "Review date"),
    ("who", "Who is responsible"),
    ("support", "Support"),
    ("cost", "PP+ cost"),
]


def load_for_document(pep: Pep) -> Pep:
    """Prefetch the PEP's sections and status history (with who made each change).

    Queries stay the same whatever the number of targets or status rows.
    """
    prefetch_related_objects(
        [pep],
        "sections",
        Prefetch("status_changes", queryset=PepStatusChange.objects.select_related("by")),
    )
    return pep


def pep_document_context(
    pep: Pep, presenter: PepPresenter | None = None, *, today: date | None = None, made_by=None
) -> dict:
    """What the document template shows: the summary, each section's answers, the history."""
    today = today or timezone.localdate()
    load_for_document(pep)
    presenter = presenter or PepPresenter(pep, set(), today)
    sections = []
    for section in presenter.answers:
        if not section.get("applies", True):
            sections.append({**section, "items": [], "not_applicable": True})
        elif section["key"] == "targets":
            row = presenter.rows.get("targets")
            targets = [
                [_value(t.get(key, ""), money=key == "cost") for key, _ in TARGET_COLUMNS]
                for t in (row.data if row and isinstance(row.data, list) else [])
            ]
            sections.append({**section, "targets": targets, "items": []})
        else:
            sections.append(
                {
                    **section,
                    "items": [(label, _value(value)) for label, value in section["items"]],
                    "facts": _held_attendance(presenter) if section["key"] == "school" else [],
                }
            )
    return {
        **_print_context(pep, today, made_by),
        "sections": sections,
        "target_columns": [heading for _, heading in TARGET_COLUMNS],
        "history": list(pep.status_changes.all()),
    }


def _held_attendance(presenter: PepPresenter) -> list[dict]:
    """The attendance and suspensions the system holds for the PEP's term, printed above
    the school section's answers; none while no marks or suspensions are held."""
    held = presenter.attendance
    return presenter.attendance_facts if held.has_marks or held.exclusions else []


def pep_pdf(
    pep: Pep, presenter: PepPresenter | None = None, *, today: date | None = None, made_by=None
) -> bytes:
    """Render one PEP as an A4 PDF and return its bytes."""
    return render_pdf(
        "peps/pep_document.html", pep_document_context(pep, presenter, today=today, made_by=made_by)
    )


def pdf_filename(pep: Pep, kind: str = "") -> str:
    """`PEP-[<kind>-]<child reference>-<term>-<year>.pdf`: no name, so a saved file names no one."""
    reference = re.sub(r"[^A-Za-z0-9-]", "", pep.child.reference)
    kind = f"{kind}-" if kind else ""
    return f"PEP-{kind}{reference}-{pep.term}-{pep.academic_year}.pdf"


# Blank forms for paper meetings: the questions only, never the PEP's saved answers.

# Ruled lines to write on: a textarea gets one more than its rows, anything else one.
_EXTRA_LINES = 1
_BLANK_TABLE_ROWS = {"targets": 3, "actions": 5, "review": 3}
# Hints that only make sense on screen, reworded for paper: (section, field) -> hint.
_PAPER_HINTS = {
    ("ppplus", "targets"): "Write the numbers of the SMART targets it will help with",
    ("meeting", "meeting_date"): "",
    (
        "voice",
        "words",
    ): "Write them exactly as the child said them, or attach the child's views sheet",
}
# The child's views sheet: its heading and a line to the child, by PEP type.
_SHEET_WORDING = {
    "early_years": (
        "What staff saw me enjoy",
        "For the staff who know the child best: write what you saw, or draw or "
        "stick in photos of the child playing and learning.",
    ),
    "primary": (
        "My views",
        "You can write, draw, or ask a grown-up to write down what you say. "
        "There are no wrong answers.",
    ),
}
_SHEET_OLDER = (
    "My views",
    "Write as much or as little as you like. What you say goes into your Personal "
    "Education Plan and helps the people around you support you.",
)
_VOICE_EXTRA = ("how_gathered", "words", "declined_reason")


def _print_context(pep: Pep, today: date | None, made_by) -> dict:
    """What every printed page needs: the child, the term, the marking, who printed it when."""
    marking = settings.VSCHOOL_PROTECTIVE_MARKING
    return {
        "pep": pep,
        "child": pep.child,
        "term_label": pep.term_label,
        "marking": marking,
        "marking_css": css_string(marking),
        "made_on": today or timezone.localdate(),
        "made_by": made_by,
    }


def _question(field, hint: str | None = None) -> dict:
    """A form field as a question on paper: tick boxes for choices, else lines to write on."""
    question = {"label": field.label, "hint": field.help_text if hint is None else hint}
    choices = [label for value, label in getattr(field, "choices", None) or [] if value != ""]
    if choices:
        return {**question, "kind": "choices", "choices": choices}
    if isinstance(field, GovukDateField):
        return {**question, "kind": "date"}
    rows = field.widget.attrs.get("rows")
    lines = int(rows) + _EXTRA_LINES if rows else 1
    return {**question, "kind": "lines", "lines": range(lines)}


def _form_context(pep: Pep, key: str) -> dict:
    """A section form's context for a blank form: the phase, but no saved targets."""
    return {"pep_type": pep.pep_type} if key == "voice" else {}


def blank_pep_context(pep: Pep, *, today: date | None = None, made_by=None) -> dict:
    """Every section's questions in task-list order, with room to write and no answers."""
    presenter = PepPresenter(pep, set(), today or timezone.localdate())
    sections = []
    for key, spec in SECTIONS.items():
        section = {
            "key": key,
            "title": spec.title,
            "group": GROUPS[spec.group],
            "owner": spec.owner_label,
            "facts": presenter.facts(key),
            "questions": [],
            "rows": range(_BLANK_TABLE_ROWS.get(key, 0)),
        }
        if key == "targets":
            section["columns"] = [f.label for f in TargetForm.base_fields.values()]
        elif key == "actions":
            section["columns"] = [f.label for f in ActionForm.base_fields.values()]
        elif key == "review":
            section["columns"] = [
                "Last term's target",
                "Was it met?",
                "What difference did it make?",
            ]
            section["outcomes"] = [label for _, label in OUTCOMES]
        else:
            form = spec.form(context=_form_context(pep, key))
            section["questions"] = [
                _question(field, _PAPER_HINTS.get((key, name)))
                for name, field in form.fields.items()
            ]
        sections.append(section)
    return {**_print_context(pep, today, made_by), "sections": sections}


def views_sheet_context(pep: Pep, *, today: date | None = None, made_by=None) -> dict:
    """The child's-views questions worded for the PEP's phase, with big boxes to fill."""
    form = VoiceSectionForm(context={"pep_type": pep.pep_type})
    questions = [
        {"label": field.label, "hint": field.help_text}
        for name, field in form.fields.items()
        if name not in _VOICE_EXTRA
    ]
    heading, intro = _SHEET_WORDING.get(pep.pep_type, _SHEET_OLDER)
    # The boxes share the page: fewer questions, taller boxes.
    box_mm = 42 if len(questions) <= 3 else 28
    return {
        **_print_context(pep, today, made_by),
        "heading": heading,
        "intro": intro,
        "questions": questions,
        "box_mm": box_mm,
        "early_years": pep.pep_type == "early_years",
        "how_gathered": _question(form.fields["how_gathered"]),
    }


def blank_pep_pdf(pep: Pep, *, today: date | None = None, made_by=None) -> bytes:
    """Render the blank PEP for a paper meeting as an A4 PDF."""
    return render_pdf("peps/pep_blank.html", blank_pep_context(pep, today=today, made_by=made_by))


def views_sheet_pdf(pep: Pep, *, today: date | None = None, made_by=None) -> bytes:
    """Render the child's views sheet as an A4 PDF."""
    return render_pdf(
        "peps/pep_views_sheet.html", views_sheet_context(pep, today=today, made_by=made_by)
    )


def css_string(value: str) -> str:
    """Quote `value` as a CSS string, escaping all but plain characters (safe in <style>)."""
    escaped = "".join(c if c.isalnum() or c in " -_.,:/()" else f"\\{ord(c):x} " for c in value)
    return mark_safe(f'"{escaped}"')  # every character but plain ones is escaped above


def _value(value, money: bool = False) -> str:
    """An answer as text: ISO dates as '27 March 2026', lists joined, money with '£'."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value if v not in (None, ""))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if _ISO_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    if money:
        try:
            return f"£{Decimal(text):,.2f}"
        except InvalidOperation:
            return text
    return text
