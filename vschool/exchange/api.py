"""The attendance feed's JSON API: `POST /api/v1/attendance/marks` (docs/api.md).

Schools and providers send the rows the CSV import takes, as JSON, with a token of their
own (`Authorization: Bearer <token>`, issued on /imports/api-tokens/). The rows go through
the same importer (vschool.attendance.importer.import_marks): every row checked first,
all or nothing, a re-sent child-day replacing that day only. A token may send marks only
for its URNs. The schema is at /api/v1/openapi.json and its page at /api/v1/docs.

Sessions and cookies play no part: the token is the only credential, so CSRF does not
apply. Every answer is JSON, errors included: never a stack trace or an HTML page.
"""

import logging
import re
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer
from pydantic import ConfigDict

from vschool.attendance.importer import COLUMNS, Problem, check_marks, import_marks
from vschool.exchange.models import FeedToken
from vschool.exchange.tokens import token_authenticate

MAX_MARKS = 5_000  # a request's rows; its body is also held to 1 MB (docs/api.md)
UNAUTHORISED = "Give a valid API token: the header Authorization: Bearer <token>"
_URN = re.compile(r"^\d{1,8}$")
_LINE = re.compile(r"\bLine (\d+)\b")
logger = logging.getLogger("django.request")


class TokenAuth(HttpBearer):
    """The bearer token's FeedToken, if live; no token, an unknown one or a revoked one all
    get the same 401."""

    def authenticate(self, request: HttpRequest, token: str) -> FeedToken | None:
        return token_authenticate(token)


api = NinjaAPI(
    title="Virtual School attendance feed",
    version="1",
    description=(
        "Attendance marks from schools and providers, one row per child and session."
        " Issue a token on the service's Imports page (API tokens)."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=login_not_required,
)


class MarkIn(Schema):
    """One mark: the columns of the CSV import (docs/attendance.md)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    child: str | None = Field(
        None, description="The child's reference (the SSDA903 CHILD). Give child or upn."
    )
    upn: str | None = Field(None, description="The child's unique pupil number.")
    urn: str | None = Field(
        None, description="The school's URN: up to 8 digits, one the token may send for."
    )
    date: str | None = Field(
        None, description="YYYY-MM-DD (or DD/MM/YYYY), not in the future.", examples=["2026-11-03"]
    )
    session: str | None = Field(None, description="AM or PM.", examples=["AM"])
    code: str | None = Field(None, description="The DfE attendance code.", examples=["/"])


class MarksIn(Schema):
    marks: list[MarkIn] = Field(
        ..., max_length=MAX_MARKS, description=f"At most {MAX_MARKS:,} marks in one request."
    )


class MarksOut(Schema):
    message: str
    created: int = Field(description="Marks written.")
    replaced: int = Field(description="Marks held before for the children's days, replaced.")
    unchanged: int = Field(description="Marks of days already held exactly so: left alone.")
    children: int = Field(description="Children the marks are for.")
    urns_not_held: list[str] = Field(
        description="URNs of schools not held yet: their marks are kept by URN."
    )


class ProblemOut(Schema):
    row: int = Field(description="The mark's place in `marks`, from 1; 0 for the whole request.")
    field: str
    message: str
    value: str


class ProblemsOut(Schema):
    message: str
    problems: list[ProblemOut]


class MessageOut(Schema):
    message: str


def _problems_response(request: HttpRequest, problems: list[dict[str, Any]]) -> HttpResponse:
    rows = {problem["row"] for problem in problems}
    count = f"{len(rows):,} {'row' if len(rows) == 1 else 'rows'}"
    return api.create_response(
        request,
        {"message": f"Not imported: {count} with problems. Nothing changed.", "problems": problems},
        status=422,
    )


def _problem(row: int, field: str, message: str, value: Any = "") -> dict[str, Any]:
    shown = value if isinstance(value, str | int | float | bool) and value is not None else ""
    return {"row": row, "field": field, "message": message, "value": str(shown)}


def _from_importer(problem: Problem) -> dict[str, Any]:
    # The importer numbers rows given as dicts from 2, as if under a header line.
    reason = _LINE.sub(lambda found: f"Row {int(found.group(1)) - 1}", problem.reason)
    return _problem(max(problem.line - 1, 0), problem.column, reason, problem.value)


_MESSAGES = {
    "extra_forbidden": f"This is not a field of a mark: the fields are {', '.join(COLUMNS)}",
    "string_type": "Give this as text",
    "model_type": f"Each mark is an object with the fields {', '.join(COLUMNS)}",
    "model_attributes_type": 'The body is a JSON object: {"marks": [...]}',
    "dict_type": 'The body is a JSON object: {"marks": [...]}',
    "list_type": "marks is a list of marks",
    "missing": 'Give the marks: the body is a JSON object {"marks": [...]}',
}


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The body's shape is wrong: each fault named by row and field, as the importer does."""
    problems = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload")]
        kind = error.get("type", "")
        if kind == "too_long" and loc == ["marks"]:
            return api.create_response(
                request,
                {"message": f"Too many marks: send at most {MAX_MARKS:,} in one request."},
                status=413,
            )
        row = loc[1] + 1 if len(loc) > 1 and loc[0] == "marks" and isinstance(loc[1], int) else 0
        field = str(loc[-1]) if loc and not isinstance(loc[-1], int) else ""
        if row and field == "marks":
            field = ""
        message = _MESSAGES.get(kind, error.get("msg", ""))
        if row and kind in ("model_type", "model_attributes_type", "dict_type"):
            message = _MESSAGES["model_type"]
        # ninja drops the value that failed (error["input"]): the row and field name it.
        problems.append(_problem(row, field, message))
    return _problems_response(request, problems)


def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = api.create_response(request, {"message": UNAUTHORISED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400:  # ninja's "Cannot parse request body"
        message = 'The body is not JSON: send {"marks": [...]} with Content-Type application/json'
    return api.create_response(request, {"message": message}, status=exc.status_code)


def _too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {"message": f"The request is too large: send at most {MAX_MARKS:,} marks and 1 MB."},
        status=413,
    )


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback for us, a plain message for the sender."""
    logger.error("Attendance API error: %s", request.path, exc_info=exc)
    return api.create_response(
        request,
        {
            "message": "Something went wrong on our side. Send the marks again later: marks"
            " already held are left alone."
        },
        status=500,
    )


api.add_exception_handler(Exception, _server_error)
api.add_exception_handler(ValidationError, _validation_error)
api.add_exception_handler(AuthenticationError, _unauthorised)
api.add_exception_handler(HttpError, _http_error)
api.add_exception_handler(RequestDataTooBig, _too_big)


@api.post(
    "/attendance/marks",
    auth=TokenAuth(),
    response={200: MarksOut, 401: MessageOut, 413: MessageOut, 422: ProblemsOut},
    url_name="attendance_marks",
    summary="Send attendance marks",
    description=(
        "Every row is checked first: with any problem nothing is written and the answer"
        " (422) names each by row and field. Otherwise the marks are imported in one"
        " transaction: each child's day in the request replaces the marks held for that"
        " day, and a day already held exactly so is left alone, so sending the same marks"
        " again changes nothing. A URN the token may not send for is a problem; a school"
        f" not held yet keeps its marks by URN. At most {MAX_MARKS:,} marks and 1 MB."
    ),
)
def attendance_marks(request: HttpRequest, payload: MarksIn):
    token: FeedToken = request.auth  # type: ignore[attr-defined]
    rows = [mark.model_dump(exclude_none=True) for mark in payload.marks]
    if not rows:
        return Status(
            422,
            {
                "message": "Not imported: the request has no marks. Nothing changed.",
                "problems": [_problem(0, "marks", "Send at least one mark")],
            },
        )
    allowed = set(token.urn_list)
    refused = [
        _problem(number, "urn", "This token may not send marks for this URN", urn)
        for number, row in enumerate(rows, start=1)
        if _URN.match(urn := str(row.get("urn", "")).strip()) and urn not in allowed
    ]
    if refused:
        _, checked = check_marks(rows)
        problems = refused + [_from_importer(problem) for problem in checked.problems]
        problems.sort(key=lambda problem: (problem["row"], problem["field"]))
        return _problems_response(request, problems)
    result = import_marks(rows, user=None, request=request, username=f"API: {token.name}")
    if result.problems:
        return _problems_response(request, [_from_importer(p) for p in result.problems])
    return Status(
        200,
        {
            "message": result.summary(),
            "created": result.created,
            "replaced": result.replaced,
            "unchanged": result.unchanged,
            "children": result.children,
            "urns_not_held": result.unknown_urns,
        },
    )


def api_urls():
    """The API's URLs, none of them behind sign-in: the token is the API's only key, and
    the schema and its page are public (they show no data)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace
