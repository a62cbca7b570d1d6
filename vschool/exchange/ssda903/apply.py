"""Bring the roll into line with a checked SSDA903 return, in one transaction.

Children and episodes are matched by CHILD and by (CHILD, DECOM). A child missing from
a later return is kept: leaving care is an end date, never a deletion.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction

from vschool.cohort.models import (
    CareEpisode,
    CareLeaverContact,
    Child,
    MissingEpisode,
    StatutoryReview,
)
from vschool.cohort.rules import PLACEMENT_CHANGE_RNE, care_ending_reasons, cohort_from_episodes
from vschool.cohort.services import analyze_tables, children_refresh_current
from vschool.exchange.ssda903.parse import ParsedReturn

# Episode model fields and the SSDA903 columns they come from.
EPISODE_FIELDS = {
    "rne": "RNE", "ls": "LS", "cin": "CIN", "place": "PLACE",
    "place_provider": "PLACE_PROVIDER", "dec": "DEC", "rec": "REC",
    "reason_place_change": "REASON_PLACE_CHANGE", "home_post": "HOME_POST",
    "pl_post": "PL_POST", "urn": "URN",
}
_SEX = {"M": "M", "F": "F", "1": "M", "2": "F", "U": ""}
# The order changes are reported in, with their words for one and for more.
CHANGE_LABELS = {
    "children_added": ("child added", "children added"),
    "children_updated": ("child updated", "children updated"),
    "episodes_added": ("episode added", "episodes added"),
    "episodes_changed": ("episode changed", "episodes changed"),
    "episodes_removed": ("episode removed", "episodes removed"),
    "new_into_care": ("new into care", "new into care"),
    "left_care": ("left care", "left care"),
    "placement_changes": ("placement change", "placement changes"),
    "episodes_ended": ("episode ended", "episodes ended"),
    "new_uasc": ("new UASC", "new UASC"),
    "care_leaver_records": ("care leaver record", "care leaver records"),
    "reviews": ("review recorded", "reviews recorded"),
    "missing_episodes": ("missing episode recorded", "missing episodes recorded"),
}
BATCH = 2000


def _chunked(queryset, field: str, values: list) -> list:
    """Run `queryset` filtered by `field` in `values`, in chunks under SQLite's variable limit."""
    found = []
    for start in range(0, len(values), BATCH * 5):
        found += queryset.filter(**{f"{field}__in": values[start:start + BATCH * 5]})
    return found


@dataclass
class Changes:
    counts: Counter
    child_ids: list[int]

    @property
    def any(self) -> bool:
        return any(self.counts.values())


def collection_year_of(parsed: ParsedReturn) -> int:
    """The year whose 31 March ends the collection: the one after the latest date in it."""
    latest = max((d for eps in parsed.episodes.values() for ep in eps
                  for d in (ep["DECOM"], ep.get("DEC")) if d), default=date.today())
    return latest.year + 1 if latest >= date(latest.year, 4, 1) else latest.year


@transaction.atomic
def apply_return(parsed: ParsedReturn, *, collection_year: int) -> Changes:
    """Create and update children, episodes and care leaver records; report what changed."""
    counts: Counter = Counter()
    children = _children_upsert(parsed, counts)
    ids = {child_id: children[child_id].pk for child_id in parsed.header}
    _episodes_upsert(parsed, ids, counts)
    _oc3_upsert(parsed, ids, collection_year, counts)
    year = (date(collection_year - 1, 4, 1), date(collection_year, 3, 31))
    if "reviews" in parsed.files_read:
        counts["reviews"] += _dated_upsert(
            parsed.reviews, ids, StatutoryReview, "date", year,
            lambda row: {"date": row["REVIEW"], "participation": row["REVIEW_CODE"]})
    if "missing" in parsed.files_read:
        counts["missing_episodes"] += _dated_upsert(
            parsed.missing, ids, MissingEpisode, "start", year,
            lambda row: {"start": row["MIS_START"], "kind": row["MISSING"],
                         "end": row.get("MIS_END")})
    if counts["episodes_added"] or counts["episodes_changed"] or counts["episodes_removed"]:
        analyze_tables(Child, CareEpisode)
    changed_ids = list(ids.values())
    children_refresh_current(changed_ids)
    _cohorts_update(parsed, ids, counts)
    return Changes(counts, changed_ids)


def _child_fields(row: dict, uasc: dict | None | bool) -> dict:
    """The child's fields from a header row and, when a UASC file came, its UASC row."""
    fields = {"sex": _SEX.get(row["SEX"], ""), "date_of_birth": row["DOB"],
              "ethnicity": row.get("ETHNIC", ""), "upn": row.get("UPN", ""),
              "mother": row.get("MOTHER", ""), "mother_child_dob": row.get("MC_DOB")}
    if uasc is not False:
        fields["uasc"] = uasc is not None
        fields["uasc_ceased"] = uasc.get("DUC") if uasc else None
    return fields


def _children_upsert(parsed: ParsedReturn, counts: Counter) -> dict[str, Child]:
    columns = ["sex", "date_of_birth", "ethnicity", "upn", "mother", "mother_child_dob"]
    uasc_columns = ["uasc", "uasc_ceased"]
    existing = {child.la_child_id: child for child in _chunked(
        Child.objects.only("id", "la_child_id", *columns, *uasc_columns), "la_child_id",
        list(parsed.header))}
    has_uasc_file = "uasc" in parsed.files_read
    new, changed = [], []
    for child_id, row in parsed.header.items():
        uasc = parsed.uasc.get(child_id) if has_uasc_file else False
        fields = _child_fields(row, uasc)
        child = existing.get(child_id)
        if child is None:
            child = Child(la_child_id=child_id, responsible_la=settings.VSCHOOL_LA_CODE,
                          **fields)
            new.append(child)
            existing[child_id] = child
            counts["new_uasc"] += bool(fields.get("uasc"))
        elif any(getattr(child, name) != value for name, value in fields.items()):
            counts["new_uasc"] += bool(fields.get("uasc")) and not child.uasc
            for name, value in fields.items():
                setattr(child, name, value)
            changed.append(child)
    Child.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Child.objects.bulk_update(changed, columns + (uasc_columns if has_uasc_file else []),
                                  batch_size=BATCH)
    counts["children_added"] += len(new)
    counts["children_updated"] += len(changed)
    if any(child.pk is None for child in new):  # backends that return no ids on bulk insert
        existing.update({c.la_child_id: c for c in _chunked(
            Child.objects.only("id", "la_child_id"), "la_child_id",
            [c.la_child_id for c in new])})
    return existing


def _episodes_upsert(parsed: ParsedReturn, ids: dict[str, int], counts: Counter) -> None:
    ending = care_ending_reasons()
    in_db: dict[int, dict[date, CareEpisode]] = {}
    for ep in _chunked(CareEpisode.objects.all(), "child_id", list(ids.values())):
        in_db.setdefault(ep.child_id, {})[ep.decom] = ep
    new, changed, removed = [], [], []
    for child_id, rows in parsed.episodes.items():
        pk = ids[child_id]
        held = in_db.get(pk, {})
        in_file = set()
        for row in rows:
            fields = {name: row.get(column) if name == "dec" else (row.get(column) or "")
                      for name, column in EPISODE_FIELDS.items()}
            in_file.add(row["DECOM"])
            episode = held.get(row["DECOM"])
            if episode is None:
                new.append(CareEpisode(child_id=pk, decom=row["DECOM"], **fields))
                counts["new_into_care"] += fields["rne"] == "S"
                counts["placement_changes"] += fields["rne"] in PLACEMENT_CHANGE_RNE
                counts["left_care"] += fields["rec"] in ending
                counts["episodes_ended"] += fields["dec"] is not None
            elif any(getattr(episode, name) != value for name, value in fields.items()):
                counts["left_care"] += fields["rec"] in ending and episode.rec not in ending
                counts["episodes_ended"] += fields["dec"] is not None and episode.dec is None
                for name, value in fields.items():
                    setattr(episode, name, value)
                changed.append(episode)
        first = min(row["DECOM"] for row in rows) if rows else None
        removed += [ep.pk for decom, ep in held.items()
                    if first is not None and decom >= first and decom not in in_file]
    for start in range(0, len(removed), BATCH):
        CareEpisode.objects.filter(pk__in=removed[start:start + BATCH]).delete()
    CareEpisode.objects.bulk_create(new, batch_size=BATCH)
    CareEpisode.objects.bulk_update(changed, list(EPISODE_FIELDS), batch_size=BATCH)
    counts["episodes_added"] += len(new)
    counts["episodes_changed"] += len(changed)
    counts["episodes_removed"] += len(removed)


def _dated_upsert(rows_by_child, ids, model, date_field, year, fields_of) -> int:
    """Make a child's dated records in the collection year match the file's rows.

    Records are matched by child and date; those of the year missing from the file go.
    Returns how many records were added, changed or removed.
    """
    held: dict[int, dict[date, object]] = {}
    for record in _chunked(model.objects.all(), "child_id", list(ids.values())):
        held.setdefault(record.child_id, {})[getattr(record, date_field)] = record
    new, changed, removed = [], [], []
    for child_id, pk in ids.items():
        mine = held.get(pk, {})
        wanted = {}
        for row in rows_by_child.get(child_id, []):
            fields = fields_of(row)
            wanted[fields[date_field]] = fields
        for day, fields in wanted.items():
            record = mine.get(day)
            if record is None:
                new.append(model(child_id=pk, **fields))
            elif any(getattr(record, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(record, name, value)
                changed.append(record)
        removed += [record.pk for day, record in mine.items()
                    if day not in wanted and year[0] <= day <= year[1]]
    model.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        names = [name for name in _field_names(model) if name != date_field]
        model.objects.bulk_update(changed, names, batch_size=BATCH)
    for start in range(0, len(removed), BATCH):
        model.objects.filter(pk__in=removed[start:start + BATCH]).delete()
    return len(new) + len(changed) + len(removed)


def _field_names(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in ("id", "child")]


def _oc3_upsert(parsed: ParsedReturn, ids: dict[str, int], year: int, counts: Counter) -> None:
    in_db = {record.child_id: record for record in _chunked(
        CareLeaverContact.objects.filter(collection_year=year), "child_id",
        [ids[c] for c in parsed.oc3])}
    new, changed = [], []
    for child_id, row in parsed.oc3.items():
        fields = {"in_touch": row["IN_TOUCH"], "activity": row.get("ACTIV", ""),
                  "accommodation": row.get("ACCOM", "")}
        record = in_db.get(ids[child_id])
        if record is None:
            new.append(CareLeaverContact(child_id=ids[child_id], collection_year=year, **fields))
        elif any(getattr(record, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(record, name, value)
            changed.append(record)
    CareLeaverContact.objects.bulk_create(new, batch_size=BATCH)
    CareLeaverContact.objects.bulk_update(changed, ["in_touch", "activity", "accommodation"],
                                          batch_size=BATCH)
    counts["care_leaver_records"] += len(new) + len(changed)


def _cohorts_update(parsed: ParsedReturn, ids: dict[str, int], counts: Counter) -> None:
    """Set each returned child's cohort from their episodes (our looked-after cohorts only)."""
    ours = {Child.CohortType.LOOKED_AFTER, Child.CohortType.PREVIOUSLY_LOOKED_AFTER,
            Child.CohortType.CARE_LEAVER}
    current = dict(_chunked(Child.objects.values_list("pk", "cohort_type"), "pk",
                            list(ids.values())))
    by_cohort: dict[str, list[int]] = {}
    for child_id, pk in ids.items():
        episodes = [SimpleNamespace(decom=row["DECOM"], dec=row.get("DEC"), rec=row.get("REC"))
                    for row in parsed.episodes.get(child_id, [])]
        cohort = cohort_from_episodes(episodes, child_id in parsed.oc3)
        if current[pk] in ours and current[pk] != cohort:
            by_cohort.setdefault(cohort, []).append(pk)
    for cohort, pks in by_cohort.items():
        for start in range(0, len(pks), BATCH):
            Child.objects.filter(pk__in=pks[start:start + BATCH]).update(cohort_type=cohort)
