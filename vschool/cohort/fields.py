"""What each role may see of a child, field by field: the one home of the field limits.

Scoping (`scoping.py`) decides which children a user sees; this decides which of their
facts. docs/roles-and-fields.md is the table, with the reason for each limit. Presenters,
selectors and exports take the set `visible_fields` gives and leave out the rest, so a page
or a download never receives a fact its reader may not see.
"""

import re
from enum import StrEnum

from vschool.accounts.models import VIRTUAL_SCHOOL_STAFF, Role


class Field(StrEnum):
    IDENTITY = "identity"  # names, date of birth, sex, UPN, LA child identifier
    ETHNICITY = "ethnicity"
    CARE_STATUS = "care status"  # cohort, looked after today, since when
    LEGAL_STATUS = "legal status"
    CATEGORY_OF_NEED = "category of need"
    PLACEMENT_TYPE = "placement type"
    PLACEMENT_AREA = "placement area"  # the authority the child lives in
    PLACEMENT_PROVIDER = "placement provider"
    PLACEMENT_POSTCODE = "placement postcode district"
    HOME_POSTCODE = "home postcode district"
    CARE_HISTORY = "care history"  # episodes, reasons, moves, missing, reviews, leaving care
    UASC = "UASC"
    SEN = "SEN"
    SCHOOLS = "schools"
    PEPS = "PEPs"
    ATTENDANCE = "attendance"  # marks, suspensions and exclusions, alternative provision


EVERY_FIELD = frozenset(Field)

# A designated teacher's view: what the school needs to teach the child and lead the PEP.
FOR_SCHOOLS = frozenset(
    {
        Field.IDENTITY,
        Field.CARE_STATUS,
        Field.LEGAL_STATUS,
        Field.PLACEMENT_TYPE,
        Field.PLACEMENT_AREA,
        Field.UASC,
        Field.SEN,
        Field.SCHOOLS,
        Field.PEPS,
        Field.ATTENDANCE,
    }
)

VISIBLE: dict[str, frozenset[Field]] = {
    **{role: EVERY_FIELD for role in VIRTUAL_SCHOOL_STAFF},
    Role.SOCIAL_WORKER: EVERY_FIELD,
    Role.DESIGNATED_TEACHER: FOR_SCHOOLS,
    Role.GOVERNOR: frozenset(),  # totals only: no child-level fact at all
}


def visible_fields(user) -> frozenset[Field]:
    """The facts about a child in scope that `user` may see (docs/roles-and-fields.md)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return VISIBLE.get(user.role, frozenset())


_INWARD = re.compile(r"\d[A-Z]{2}$")


def postcode_district(postcode: str) -> str:
    """The outward code ("LS20" of "LS20 8FJ"), the most of a postcode any page shows.

    The SSDA903 return carries full postcodes, which the export gives back; a page needs
    no more than the district to say roughly where a child lives or came from.
    """
    packed = postcode.replace(" ", "").upper()
    if len(packed) >= 5 and _INWARD.search(packed):
        return packed[:-3]
    return packed
