"""Bring the roll into line with a checked SSDA903 return, in one transaction.

Children and episodes are matched by CHILD and by (CHILD, DECOM). A child missing from
a later return is kept: leaving care is an end date, never a deletion.
"""

from collections import Counter
from datetime import date
from types import SimpleNamespace

from django.conf import settings

from vschool.calendar.rules import age_on, financial_year_start
from vschool.cohort.models import (
    Adoption,
    AdoptionDecision,
    CareEpisode,
    CareLeaverContact,
    Child,
    HealthOutcome,
    MissingEpisode,
    PreviousPermanence,
    ReturnedHeader,
    StatutoryReview,
)
from vschool.cohort.rules import PLACEMENT_CHANGE_RNE, care_ending_reasons, cohort_from_episodes
from vschool.cohort.services import analyze_tables, children_refresh_current
from vschool.exchange.ssda903.parse import ParsedReturn

# Episode model fields and the SSDA903 columns they come from.
EPISODE_FIELDS = {
    "rne": "RNE",
    "ls": "LS",
    "cin": "CIN",
    "place": "PLACE",
    "place_provider": "PLACE_PROVIDER",
    "dec": "DEC",
    "rec": "REC",
    "reason_place_change": "REASON_PLACE_CHANGE",
    "home_post": "HOME_POST",
    "pl_post": "PL_POST",
    "urn": "URN",
}
# Columns of the files kept per collection year as returned, by model field.
OC2_FIELDS = {
    "sdq_score": "SDQ_SCORE",
    "sdq_reason": "SDQ_REASON",
    "convicted": "CONVICTED",
    "health_check": "HEALTH_CHECK",
    "immunisations": "IMMUNISATIONS",
    "teeth_check": "TEETH_CHECK",
    "health_assessment": "HEALTH_ASSESSMENT",
    "substance_misuse": "SUBSTANCE_MISUSE",
    "intervention_received": "INTERVENTION_RECEIVED",
    "intervention_offered": "INTERVENTION_OFFERED",
}
AD1_FIELDS = {
    "decided": "DATE_INT",
    "matched": "DATE_MATCH",
    "by_foster_carer": "FOSTER_CARE",
    "adopters": "NB_ADOPTR",
    "adopters_sex": "SEX_ADOPTR",
    "adopters_legal_status": "LS_ADOPTR",
}
PLACED_FIELDS = {
    "decided": "DATE_PLACED",
    "ceased": "DATE_PLACED_CEASED",
    "reason_ceased": "REASON_PLACED_CEASED",
}
PREV_PERM_FIELDS = {"option": "PREV_PERM", "la": "LA_PERM", "order_date": "DATE_PERM"}
# file name: (model, the fields, the count its changes go to, the field that with the child
# and year identifies a record, if a child may have several)
YEAR_FILES = {
    "oc2": (HealthOutcome, OC2_FIELDS, "outcomes", None),
    "ad1": (Adoption, AD1_FIELDS, "adoptions", None),
    "placed_for_adoption": (AdoptionDecision, PLACED_FIELDS, "adoption_decisions", "decided"),
    "previous_permanence": (PreviousPermanence, PREV_PERM_FIELDS, "previous_permanence", None),
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
    "outcomes": ("OC2 outcome record", "OC2 outcome records"),
    "adoptions": ("adoption recorded", "adoptions recorded"),
    "adoption_decisions": ("adoption decision recorded", "adoption decisions recorded"),
    "previous_permanence": ("previous permanence record", "previous permanence records"),
}
BATCH = 2000


def _chunked(queryset, field: str, values: list) -> list:
    """Run `queryset` filtered by `field` in `values`, in chunks under SQLite's variable limit."""
    found = []
    for start in range(0, len(values), BATCH * 5):
        found += queryset.filter(**{f"{field}__in": values[start : start + BATCH * 5]})
    return found


def collection_year_of(parsed: ParsedReturn) -> int | None:
    """The year whose 31 March ends the collection: the one after the latest date in it.

    None when the episodes hold no date (no episode rows): the year must be stated.
    """
    latest = max(
        (
            d
            for eps in parsed.episodes.values()
            for ep in eps
            for d in (ep["DECOM"], ep.get("DEC"))
            if d
        ),
        default=None,
    )
    return None if latest is None else collection_year_on(latest)


def collection_year_on(day: date) -> int:
    """The collection year `day` falls in, by the 31 March it ends on (rules.md 2.1)."""
    return financial_year_start(day) + 1


def looked_after_past_18(la_child_ids: list[str], today: date) -> list[str]:
    """Of these children (by CHILD), those with an open episode who are 18 or older today.

    Care ends at 18 (CA1989 s22; rules.md 2), so a return that leaves one open needs
    checking; the import still goes in.
    """
    open_episodes = _chunked(
        CareEpisode.objects.filter(dec__isnull=True).select_related("child"),
        "child__la_child_id",
        la_child_ids,
    )
    found = {}
    for episode in sorted(open_episodes, key=lambda ep: ep.child.la_child_id):
        child = episode.child
        if child.date_of_birth and age_on(child.date_of_birth, today) >= 18:
            found[child.pk] = (
                f"CHILD {child.la_child_id} is looked after past 18 (born "
                f"{child.date_of_birth:%d/%m/%Y}, episode open since "
                f"{episode.decom:%d/%m/%Y}): check the return"
            )
    return list(found.values())


def apply_return(parsed: ParsedReturn, *, collection_year: int) -> Counter:
    """Create and update children, episodes and the year's records; count what changed.

    A return speaks for its collection year: imported after a later year's, it adds its
    own year's records but leaves the child row, the episodes' later ends and the episodes
    begun since as the later return left them. The caller holds the transaction.
    """
    counts: Counter = Counter()
    year = (date(collection_year - 1, 4, 1), date(collection_year, 3, 31))
    later = _returned_later(parsed, collection_year)
    children, updated, new = _children_upsert(parsed, later, counts)
    ids = {child_id: children[child_id].pk for child_id in parsed.header}
    # A child is updated when the child row or the year's header changed.
    updated |= _headers_upsert(parsed, ids, collection_year) - {ids[c] for c in new}
    counts["children_updated"] += len(updated)
    _episodes_upsert(parsed, ids, year[1], counts, later)
    _oc3_upsert(parsed, ids, collection_year, counts)
    if "reviews" in parsed.files_read:
        counts["reviews"] += _dated_upsert(
            parsed.reviews,
            ids,
            StatutoryReview,
            "date",
            year,
            lambda row: {"date": row["REVIEW"], "participation": row["REVIEW_CODE"]},
        )
    if "missing" in parsed.files_read:
        counts["missing_episodes"] += _dated_upsert(
            parsed.missing,
            ids,
            MissingEpisode,
            "start",
            year,
            lambda row: {
                "start": row["MIS_START"],
                "kind": row["MISSING"],
                "end": row.get("MIS_END"),
            },
            end_field="end",
        )
    for name, (model, fields, count, key) in YEAR_FILES.items():
        if name in parsed.files_read:
            counts[count] += _year_upsert(
                getattr(parsed, name), ids, model, fields, key, collection_year
            )
    if counts["episodes_added"] or counts["episodes_changed"] or counts["episodes_removed"]:
        analyze_tables(Child, CareEpisode)
    children_refresh_current(list(ids.values()))
    _cohorts_update(parsed, {c: pk for c, pk in ids.items() if c not in later}, counts)
    return counts


def _returned_later(parsed: ParsedReturn, collection_year: int) -> set[str]:
    """The children of this return that a later year's return has already given."""
    return {
        child_id
        for (child_id,) in _chunked(
            ReturnedHeader.objects.filter(collection_year__gt=collection_year).values_list(
                "child__la_child_id"
            ),
            "child__la_child_id",
            list(parsed.header),
        )
    }


def _sync(model, held: dict, wanted: dict, removable=None) -> int:
    """Make the `held` records ({key: record}) match `wanted` ({key: model fields}).

    Records not wanted are deleted when `removable(record)` says so. Returns how many
    records were added, changed or removed.
    """
    new, changed = [], []
    for key, fields in wanted.items():
        record = held.get(key)
        if record is None:
            new.append(model(**fields))
        elif any(getattr(record, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(record, name, value)
            changed.append(record)
    removed = [
        record.pk
        for key, record in held.items()
        if key not in wanted and removable is not None and removable(record)
    ]
    model.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        names = sorted({name for fields in wanted.values() for name in fields} - {"child_id"})
        model.objects.bulk_update(changed, names, batch_size=BATCH)
    for start in range(0, len(removed), BATCH):
        model.objects.filter(pk__in=removed[start : start + BATCH]).delete()
    return len(new) + len(changed) + len(removed)


def _child_fields(row: dict, uasc: dict | None | bool) -> dict:
    """The child's fields from a header row and, when a UASC file came, its UASC row."""
    fields = {
        "sex": _SEX.get(row["SEX"], ""),
        "date_of_birth": row["DOB"],
        "ethnicity": row.get("ETHNIC", ""),
        "upn": row.get("UPN", ""),
        "mother": row.get("MOTHER", ""),
        "mother_child_dob": row.get("MC_DOB"),
    }
    if uasc is not False:
        fields["uasc"] = uasc is not None
        fields["uasc_ceased"] = uasc.get("DUC") if uasc else None
    return fields


def _children_upsert(
    parsed: ParsedReturn, later: set[str], counts: Counter
) -> tuple[dict[str, Child], set[int], set[str]]:
    """Create the new children and bring the others up to this return, unless a later one
    has been imported; return the children by CHILD, the ids of those updated and the
    CHILD of those added."""
    columns = ["sex", "date_of_birth", "ethnicity", "upn", "mother", "mother_child_dob"]
    uasc_columns = ["uasc", "uasc_ceased"]
    existing = {
        child.la_child_id: child
        for child in _chunked(
            Child.objects.only("id", "la_child_id", *columns, *uasc_columns),
            "la_child_id",
            list(parsed.header),
        )
    }
    has_uasc_file = "uasc" in parsed.files_read
    new, changed = [], []
    for child_id, row in parsed.header.items():
        uasc = parsed.uasc.get(child_id) if has_uasc_file else False
        fields = _child_fields(row, uasc)
        child = existing.get(child_id)
        if child is None:
            child = Child(la_child_id=child_id, responsible_la=settings.VSCHOOL_LA_CODE, **fields)
            new.append(child)
            existing[child_id] = child
            counts["new_uasc"] += bool(fields.get("uasc"))
        elif child_id not in later and any(
            getattr(child, name) != value for name, value in fields.items()
        ):
            counts["new_uasc"] += bool(fields.get("uasc")) and not child.uasc
            for name, value in fields.items():
                setattr(child, name, value)
            changed.append(child)
    Child.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Child.objects.bulk_update(
            changed, columns + (uasc_columns if has_uasc_file else []), batch_size=BATCH
        )
    counts["children_added"] += len(new)
    if any(child.pk is None for child in new):  # backends that return no ids on bulk insert
        existing.update(
            {
                c.la_child_id: c
                for c in _chunked(
                    Child.objects.only("id", "la_child_id"),
                    "la_child_id",
                    [c.la_child_id for c in new],
                )
            }
        )
    return existing, {child.pk for child in changed}, {child.la_child_id for child in new}


def _headers_upsert(parsed: ParsedReturn, ids: dict[str, int], year: int) -> set[int]:
    """Keep each child's header (and UASC row) as this year's return gave it.

    Returns the ids of the children whose record for the year was added or changed.
    """
    held = {
        record.child_id: record
        for record in _chunked(
            ReturnedHeader.objects.filter(collection_year=year), "child_id", list(ids.values())
        )
    }
    has_uasc_file = "uasc" in parsed.files_read
    wanted = {}
    for child_id, row in parsed.header.items():
        uasc = parsed.uasc.get(child_id)
        wanted[ids[child_id]] = {
            "child_id": ids[child_id],
            "collection_year": year,
            "sex": row["SEX"],
            "date_of_birth": row["DOB"],
            "ethnicity": row.get("ETHNIC", ""),
            "upn": row.get("UPN", ""),
            "mother": row.get("MOTHER", ""),
            "mother_child_dob": row.get("MC_DOB"),
            "uasc": (uasc is not None) if has_uasc_file else None,
            "uasc_ceased": uasc.get("DUC") if uasc else None,
        }
    changed = {
        pk
        for pk, fields in wanted.items()
        if pk not in held or any(getattr(held[pk], name) != value for name, value in fields.items())
    }
    _sync(ReturnedHeader, held, wanted)
    return changed


def _episodes_upsert(
    parsed: ParsedReturn,
    ids: dict[str, int],
    year_end: date,
    counts: Counter,
    later: set[str],
) -> None:
    """Match episodes by CHILD and DECOM; the file's replace those held from its first.

    The file shows episodes as they stood at its 31 March: one it gives open that is held
    with a later end keeps that end, and episodes begun after that 31 March stay.

    An older return never rolls the roll back: for a child a later year's return has
    given (`later`), it only adds the history missing before the child's earliest episode
    held (episodes that ended by then), and changes or removes nothing.
    """
    ending = care_ending_reasons()
    in_db: dict[int, dict[date, CareEpisode]] = {}
    for ep in _chunked(CareEpisode.objects.all(), "child_id", list(ids.values())):
        in_db.setdefault(ep.child_id, {})[ep.decom] = ep
    new, changed, removed = [], [], []
    for child_id, rows in parsed.episodes.items():
        pk = ids[child_id]
        held = in_db.get(pk, {})
        earliest = min(held, default=None)
        if child_id in later:
            rows = [
                row
                for row in rows
                if earliest is None
                or (row["DECOM"] < earliest and row.get("DEC") and row["DEC"] <= earliest)
            ]
        in_file = set()
        for row in rows:
            fields = {
                name: row.get(column) if name == "dec" else (row.get(column) or "")
                for name, column in EPISODE_FIELDS.items()
            }
            in_file.add(row["DECOM"])
            episode = held.get(row["DECOM"])
            if episode is None:
                new.append(CareEpisode(child_id=pk, decom=row["DECOM"], **fields))
                counts["new_into_care"] += fields["rne"] == "S"
                counts["placement_changes"] += fields["rne"] in PLACEMENT_CHANGE_RNE
                counts["left_care"] += fields["rec"] in ending
                counts["episodes_ended"] += fields["dec"] is not None
            elif child_id in later:
                continue  # as the later return gave it
            elif fields["dec"] is None and episode.dec is not None and episode.dec > year_end:
                continue  # ended after this return's 31 March: a later return said so
            elif any(getattr(episode, name) != value for name, value in fields.items()):
                counts["left_care"] += fields["rec"] in ending and episode.rec not in ending
                counts["episodes_ended"] += fields["dec"] is not None and episode.dec is None
                for name, value in fields.items():
                    setattr(episode, name, value)
                changed.append(episode)
        first = min(row["DECOM"] for row in rows) if rows and child_id not in later else None
        removed += [
            ep.pk
            for decom, ep in held.items()
            if first is not None and first <= decom <= year_end and decom not in in_file
        ]
    for start in range(0, len(removed), BATCH):
        CareEpisode.objects.filter(pk__in=removed[start : start + BATCH]).delete()
    CareEpisode.objects.bulk_create(new, batch_size=BATCH)
    CareEpisode.objects.bulk_update(changed, list(EPISODE_FIELDS), batch_size=BATCH)
    counts["episodes_added"] += len(new)
    counts["episodes_changed"] += len(changed)
    counts["episodes_removed"] += len(removed)


def _dated_upsert(
    rows_by_child, ids, model, date_field, year, fields_of, end_field: str | None = None
) -> int:
    """Make a child's dated records in the collection year match the file's rows.

    Records are matched by child and date; those of the year missing from the file go.
    A record the file gives open (blank `end_field`) keeps an end held after the year's
    31 March: a later return gave it. Returns how many records were added, changed or
    removed.
    """
    held = {
        (record.child_id, getattr(record, date_field)): record
        for record in _chunked(model.objects.all(), "child_id", list(ids.values()))
    }
    wanted = {}
    for child_id, pk in ids.items():
        for row in rows_by_child.get(child_id, []):
            fields = {"child_id": pk, **fields_of(row)}
            key = (pk, fields[date_field])
            ended = getattr(held.get(key), end_field or "", None)
            if end_field and fields[end_field] is None and ended and ended > year[1]:
                fields[end_field] = ended
            wanted[key] = fields
    return _sync(
        model, held, wanted, lambda record: year[0] <= getattr(record, date_field) <= year[1]
    )


def _year_upsert(
    rows_by_child, ids, model, columns: dict[str, str], key: str | None, year: int
) -> int:
    """Make the collection year's records of the return's children match the file's rows.

    `columns` maps model fields to the file's columns; `key`, for files with several rows
    a child, names the field that tells them apart.
    """
    held = {
        (record.child_id, getattr(record, key) if key else None): record
        for record in _chunked(
            model.objects.filter(collection_year=year), "child_id", list(ids.values())
        )
    }
    wanted = {}
    for child_id, pk in ids.items():
        rows = rows_by_child.get(child_id, [])
        for row in rows if key else [rows] if rows else []:
            fields = {"child_id": pk, "collection_year": year}
            for name, column in columns.items():
                fields[name] = _typed(model._meta.get_field(name), row.get(column))
            wanted[(pk, fields[key] if key else None)] = fields
    return _sync(model, held, wanted, lambda record: True)


def _typed(field, value):
    """A checked cell as `field` holds it: a 1/0 flag as True/False, a number as int."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return None if not value else value == "1"
    if "IntegerField" in kind:
        return int(value) if value else None
    if kind == "CharField":
        return value or ""
    return value  # a date, or None


def _oc3_upsert(parsed: ParsedReturn, ids: dict[str, int], year: int, counts: Counter) -> None:
    held = {
        record.child_id: record
        for record in _chunked(
            CareLeaverContact.objects.filter(collection_year=year),
            "child_id",
            [ids[c] for c in parsed.oc3],
        )
    }
    wanted = {
        ids[child_id]: {
            "child_id": ids[child_id],
            "collection_year": year,
            "in_touch": row["IN_TOUCH"],
            "activity": row.get("ACTIV", ""),
            "accommodation": row.get("ACCOM", ""),
        }
        for child_id, row in parsed.oc3.items()
    }
    counts["care_leaver_records"] += _sync(CareLeaverContact, held, wanted)


def _cohorts_update(parsed: ParsedReturn, ids: dict[str, int], counts: Counter) -> None:
    """Set each returned child's cohort from their episodes (our looked-after cohorts only)."""
    ours = {
        Child.CohortType.LOOKED_AFTER,
        Child.CohortType.PREVIOUSLY_LOOKED_AFTER,
        Child.CohortType.CARE_LEAVER,
    }
    current = dict(
        _chunked(Child.objects.values_list("pk", "cohort_type"), "pk", list(ids.values()))
    )
    by_cohort: dict[str, list[int]] = {}
    for child_id, pk in ids.items():
        episodes = [
            SimpleNamespace(decom=row["DECOM"], dec=row.get("DEC"), rec=row.get("REC"))
            for row in parsed.episodes.get(child_id, [])
        ]
        cohort = cohort_from_episodes(episodes, child_id in parsed.oc3)
        if current[pk] in ours and current[pk] != cohort:
            by_cohort.setdefault(cohort, []).append(pk)
    for cohort, pks in by_cohort.items():
        for start in range(0, len(pks), BATCH):
            Child.objects.filter(pk__in=pks[start : start + BATCH]).update(cohort_type=cohort)
