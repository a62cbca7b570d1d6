"""The sections of a PEP, their owners and forms (screens.md 2.5), fixed in code."""

from dataclasses import dataclass

from django import forms

from vschool.peps import forms as pep_forms
from vschool.peps.workflow import Part


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    owners: frozenset[Part]
    owner_label: str
    form: type[forms.Form] | None = None


SECTIONS = {s.key: s for s in [
    Section("school", "School, attendance and progress", frozenset({Part.DESIGNATED_TEACHER}),
            "Designated teacher", pep_forms.SchoolSectionForm),
    Section("care", "Care and the carer's views", frozenset({Part.SOCIAL_WORKER}),
            "Social worker", pep_forms.CareSectionForm),
    Section("voice", "The child's views", frozenset(Part),
            "Anyone who meets the child", pep_forms.VoiceSectionForm),
    Section("targets", "SMART targets", frozenset({Part.DESIGNATED_TEACHER}),
            "Designated teacher"),
]}

# Sections that must be completed before the PEP goes to the Virtual School.
REQUIRED_FOR_SUBMIT = ("school", "targets")


def may_edit(section: Section, parts: set[Part]) -> bool:
    """Owners edit their section; the Virtual School may edit any."""
    return bool(parts & (section.owners | {Part.VIRTUAL_SCHOOL}))
