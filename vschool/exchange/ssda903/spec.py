"""The SSDA903 CSV files this system reads and writes: names, columns, keys and checks.

Column names and code lists are the DfE's (vschool/codes/ssda903_*.csv).
"""

from dataclasses import dataclass
from functools import cache

from vschool.codes import code_list, code_rows


@dataclass(frozen=True)
class FileSpec:
    name: str  # the file's standard name without .csv
    table: str  # its name in ssda903_columns.csv
    key: tuple[str, ...]  # columns that identify a row: a repeat is a duplicate
    required: bool  # must the return include this file?
    many: bool = False  # may a child have several rows?

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        rows = [row for row in code_rows("ssda903_columns") if row["file"] == self.table]
        return [row["code"] for row in sorted(rows, key=lambda r: int(r["position"]))]


HEADER = FileSpec("header", "Header", ("CHILD",), True)
EPISODES = FileSpec("episodes", "Episodes", ("CHILD", "DECOM"), True, many=True)
UASC = FileSpec("uasc", "UASC", ("CHILD",), False)
OC3 = FileSpec("oc3", "OC3", ("CHILD",), False)
REVIEWS = FileSpec("reviews", "Reviews", ("CHILD", "REVIEW"), False, many=True)
MISSING = FileSpec("missing", "Missing", ("CHILD", "MIS_START"), False, many=True)
OC2 = FileSpec("oc2", "OC2", ("CHILD",), False)
AD1 = FileSpec("ad1", "AD1", ("CHILD",), False)
PLACED_FOR_ADOPTION = FileSpec(
    "placed_for_adoption", "PlacedAdoption", ("CHILD", "DATE_PLACED"), False, many=True
)
PREVIOUS_PERMANENCE = FileSpec("previous_permanence", "PrevPerm", ("CHILD",), False)
FILES = (
    HEADER,
    EPISODES,
    UASC,
    OC3,
    REVIEWS,
    MISSING,
    OC2,
    AD1,
    PLACED_FOR_ADOPTION,
    PREVIOUS_PERMANENCE,
)

# Columns checked against a code list; blank is allowed unless the column is in REQUIRED.
CODED = {
    "SEX": "ssda903_sex",
    "ETHNIC": "ssda903_ethnic",
    "RNE": "ssda903_rne",
    "LS": "ssda903_legal_status",
    "CIN": "ssda903_category_of_need",
    "PLACE": "ssda903_place",
    "PLACE_PROVIDER": "ssda903_place_provider",
    "REC": "ssda903_rec",
    "REASON_PLACE_CHANGE": "ssda903_reason_place_change",
    "IN_TOUCH": "ssda903_oc3_in_touch",
    "ACTIV": "ssda903_oc3_activ",
    "ACCOM": "ssda903_oc3_accom",
    "REVIEW_CODE": "ssda903_review_code",
    "MISSING": "ssda903_missing",
    "SDQ_REASON": "ssda903_sdq_reason",
    "PREV_PERM": "ssda903_prev_perm",
    "NB_ADOPTR": "ssda903_adoption_codes",
    "SEX_ADOPTR": "ssda903_adoption_codes",
    "LS_ADOPTR": "ssda903_adoption_codes",
    "REASON_PLACED_CEASED": "ssda903_adoption_codes",
}
DATES = {
    "DOB",
    "DECOM",
    "DEC",
    "DUC",
    "MC_DOB",
    "REVIEW",
    "MIS_START",
    "MIS_END",
    "DATE_INT",
    "DATE_MATCH",
    "DATE_PLACED",
    "DATE_PLACED_CEASED",
    "DATE_PERM",
}
REQUIRED = {
    "CHILD",
    "SEX",
    "DOB",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "IN_TOUCH",
    "REVIEW",
    "REVIEW_CODE",
    "MISSING",
    "MIS_START",
    "DATE_PLACED",
    "PREV_PERM",
}
# Yes/no columns, written 1 (yes) or 0 (no); blank where the question does not apply.
FLAGS = {
    "MOTHER",
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
    "FOSTER_CARE",
}
SDQ_SCORES = range(0, 41)  # the SDQ total difficulties score is 0 to 40


# Longest values the database holds, for columns not checked against a code list.
LONGEST = {"CHILD": 20, "HOME_POST": 10, "PL_POST": 10, "URN": 10}


@cache
def codes(column: str) -> frozenset[str]:
    """The codes allowed in `column`; a list shared by several columns names each code's."""
    rows = code_list(CODED[column]).items()
    return frozenset(code for code, row in rows if row.get("field", column) == column)


@cache
def la_perm_codes() -> frozenset[str]:
    """LA_PERM: an English LA's 3-digit code, or WAL, SCO, NIR, NUK or 999."""
    specials = {code for code in code_list("ssda903_la_perm_special") if code != "nnn"}
    return frozenset(code_list("la_codes")) | specials


def sex_code(sex: str, year: int) -> str:
    """`sex` (M, F, U, 1 or 2) in the code the return for the year ending 31 March `year` uses.

    The DfE coded sex 1 and 2 up to 2023-24 and M, F (and U) since 2024-25 (ssda903_sex.csv);
    "" when the year has no code for it (U before 2024-25).
    """
    label = code_list("ssda903_sex").get(sex, {}).get("label")
    collection = f"{year - 1}-{year % 100:02d}"
    for code, row in code_list("ssda903_sex").items():
        if (
            row["label"] == label
            and (not row["valid_from"] or row["valid_from"] <= collection)
            and (not row["valid_to"] or collection <= row["valid_to"])
        ):
            return code
    return ""
