"""The SSDA903 CSV files this system reads and writes: names, columns, keys and checks.

Column names and code lists are the DfE's (vschool/codes/ssda903_*.csv).
"""

from dataclasses import dataclass

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
FILES = (HEADER, EPISODES, UASC, OC3, REVIEWS, MISSING)

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
}
DATES = {"DOB", "DECOM", "DEC", "DUC", "MC_DOB", "REVIEW", "MIS_START", "MIS_END"}
REQUIRED = {"CHILD", "SEX", "DOB", "DECOM", "RNE", "LS", "CIN", "PLACE", "IN_TOUCH", "REVIEW",
            "REVIEW_CODE", "MISSING", "MIS_START"}


# Longest values the database holds, for columns not checked against a code list.
LONGEST = {"CHILD": 20, "HOME_POST": 10, "PL_POST": 10, "URN": 10}


def codes(column: str) -> frozenset[str]:
    return frozenset(code_list(CODED[column]))
