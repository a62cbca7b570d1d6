"""Display values for children on the roll and the record; no queries, fields only.

Each value the reader's role may not see (cohort.fields) is blank, so the roll, the record
and the downloads never hold it.
"""

from datetime import date

from django.conf import settings

from vschool.calendar.rules import academic_year_start, age_on, key_stage, nc_year_label, nc_year_on
from vschool.codes import label
from vschool.cohort.fields import Field
from vschool.cohort.models import Child
from vschool.cohort.rules import year_group

_COHORT_TAG_COLOURS: dict[str, str] = {
    Child.CohortType.LOOKED_AFTER: "govuk-tag--blue",
    Child.CohortType.OTHER_LA: "govuk-tag--purple",
    Child.CohortType.PREVIOUSLY_LOOKED_AFTER: "govuk-tag--green",
    Child.CohortType.SOCIAL_WORKER: "govuk-tag--yellow",
    Child.CohortType.CARE_LEAVER: "govuk-tag--grey",
}


# Short names of legal statuses for tables; the record shows the full SSDA903 label.
_LEGAL_STATUS_SHORT = {
    "C1": "Interim care order",
    "C2": "Care order",
    "D1": "Freeing order",
    "E1": "Placement order",
    "V2": "Section 20",
    "V3": "Short breaks",
    "V4": "Short breaks",
    "L1": "Police protection",
    "L2": "Emergency protection order",
    "L3": "Child assessment order",
    "J1": "Remand",
    "J2": "PACE accommodation",
    "J3": "Youth rehabilitation order",
}


def la_name(code: str) -> str:
    """Name an authority by its DfE code; this installation's own code gives its own name."""
    if not code:
        return ""
    if code == settings.VSCHOOL_LA_CODE:
        return settings.VSCHOOL_AUTHORITY_NAME
    return label("la_codes", code)


class ChildPresenter:
    """What the roll and the record show about one child on `today` to a reader who may
    see `fields` (cohort.fields.visible_fields)."""

    def __init__(self, child: Child, today: date, fields: frozenset[Field]):
        self.child = child
        self.today = today
        self.fields = fields

    @property
    def age(self) -> int:
        return age_on(self.child.date_of_birth, self.today)

    @property
    def nc_year(self) -> int:
        """The NC year of the child's age this academic year."""
        return nc_year_on(self.child.date_of_birth, self.today)

    @property
    def taught_in(self) -> int:
        """The year group the school teaches the child in this academic year (rules.year_group)."""
        return year_group(
            self.child.date_of_birth, academic_year_start(self.today), self.child.year_group_offset
        )

    @property
    def year_group(self) -> str:
        """'Year 5', or 'Year 5 (taught in Year 4)' when the school teaches out of year group."""
        by_age = nc_year_label(self.nc_year)
        if self.taught_in != self.nc_year:
            return f"{by_age} (taught in {nc_year_label(self.taught_in)})"
        return by_age

    @property
    def key_stage(self) -> str:
        return key_stage(self.taught_in) or ""

    @property
    def legal_status(self) -> str:
        if Field.LEGAL_STATUS not in self.fields:
            return ""
        return label("ssda903_legal_status", self.child.current_legal_status)

    @property
    def legal_status_short(self) -> str:
        if Field.LEGAL_STATUS not in self.fields:
            return ""
        code = self.child.current_legal_status
        return _LEGAL_STATUS_SHORT.get(code, code)

    @property
    def placement_type(self) -> str:
        if Field.PLACEMENT_TYPE not in self.fields:
            return ""
        return label("ssda903_place", self.child.current_placement_type)

    @property
    def placement_area(self) -> str:
        if Field.PLACEMENT_AREA not in self.fields:
            return ""
        return la_name(self.child.current_placement_la)

    @property
    def responsible_authority(self) -> str:
        return la_name(self.child.responsible_la)

    @property
    def sen(self) -> str:
        if Field.SEN not in self.fields:
            return ""
        return {"N": "None", "K": "SEN support", "E": "EHC plan"}.get(
            self.child.sen_provision, self.child.sen_provision
        )

    @property
    def cohort_tag_class(self) -> str:
        return _COHORT_TAG_COLOURS.get(self.child.cohort_type, "")

    @property
    def ethnicity(self) -> str:
        if Field.ETHNICITY not in self.fields:
            return ""
        return label("ssda903_ethnic", self.child.ethnicity)

    @property
    def uasc(self) -> bool | None:
        """Whether the child is an unaccompanied asylum-seeking child; None when hidden."""
        return self.child.uasc if Field.UASC in self.fields else None
