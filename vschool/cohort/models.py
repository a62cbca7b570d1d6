"""Children on the roll, their care episodes, schools and school placements."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from vschool.codes import choices
from vschool.cohort.querysets import CareEpisodeQuerySet, ChildQuerySet, SchoolPlacementQuerySet
from vschool.cohort.rules import MAX_YEAR_GROUP_OFFSET, YEAR_GROUP_OFFSETS
from vschool.cohort.upn import upn_problem

UPN_UNKNOWN_CODES = {f"UN{n}" for n in range(1, 11)}


def validate_upn(value: str) -> None:
    """Accept a valid UPN or an SSDA903 'UPN unknown' code (UN1 to UN10)."""
    if value in UPN_UNKNOWN_CODES:
        return
    problem = upn_problem(value)
    if problem:
        raise ValidationError(problem)


class School(models.Model):
    """A school or other setting, as listed in Get Information About Schools (GIAS)."""

    urn = models.CharField("URN", max_length=8, unique=True)
    name = models.CharField(max_length=200)
    la_code = models.CharField("LA code", max_length=3, db_index=True)
    establishment_number = models.CharField(max_length=4, blank=True)
    type_code = models.CharField(
        "type", max_length=3, blank=True, choices=choices("gias_type_of_establishment")
    )
    phase_code = models.CharField(
        "phase", max_length=2, blank=True, choices=choices("gias_phase_of_education")
    )
    status_code = models.CharField(
        "status", max_length=2, default="1", choices=choices("gias_establishment_status")
    )
    postcode = models.CharField(max_length=10, blank=True)
    ofsted_rating = models.CharField(
        "Ofsted rating", max_length=20, blank=True, choices=choices("gias_ofsted_rating")
    )
    ofsted_date = models.DateField("Ofsted inspection date", null=True, blank=True)
    designated_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="schools"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_in_authority(self) -> bool:
        return self.la_code == settings.VSCHOOL_LA_CODE

    @property
    def is_open(self) -> bool:
        return self.status_code != "2"


class Child(models.Model):
    """A child on the Virtual School roll, keyed by the social care system's identifier."""

    class CohortType(models.TextChoices):
        LOOKED_AFTER = "cla", "Looked after"
        OTHER_LA = "ola", "Looked after by another LA"
        PREVIOUSLY_LOOKED_AFTER = "plac", "Previously looked after"
        SOCIAL_WORKER = "cwsw", "Child with a social worker"
        CARE_LEAVER = "leaver", "Care leaver"

    class Sex(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"

    la_child_id = models.CharField("LA child identifier", max_length=20, unique=True)
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[validate_upn])
    # The SSDA903 return carries no names: an imported child has none until someone adds them.
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True, db_index=True)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(db_index=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, blank=True, choices=choices("ssda903_ethnic"))
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    uasc_ceased = models.DateField("date UASC status ceased (DUC)", null=True, blank=True)
    # SSDA903 header facts kept so the return goes back out as it came in.
    mother = models.CharField(
        "is a mother (MOTHER)", max_length=1, blank=True, choices=[("1", "Yes"), ("0", "No")]
    )
    mother_child_dob = models.DateField(
        "date of birth of her child (MC_DOB)", null=True, blank=True
    )
    sen_provision = models.CharField(
        "SEN provision", max_length=1, default="N", choices=choices("sen_provision")
    )
    sen_primary_need = models.CharField(
        "SEN primary need", max_length=4, blank=True, choices=choices("sen_primary_need")
    )
    responsible_la = models.CharField("responsible authority", max_length=3, blank=True)
    cohort_type = models.CharField(
        max_length=8, choices=CohortType.choices, default=CohortType.LOOKED_AFTER, db_index=True
    )
    # Out-of-cohort pupils (rules.md 4): what stays true from year to year is how far the
    # school teaches the child from the year group of their age, so the year group in any
    # academic year is cohort.rules.year_group(date_of_birth, year, year_group_offset).
    year_group_offset = models.SmallIntegerField(
        "years taught away from the year group of their age",
        null=True,
        blank=True,
        help_text="Only when the school teaches the child out of their year group: -1 a year "
        "below (such as a summer-born child who started school a year late), "
        "+1 a year above",
    )
    education_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocated_children",
    )
    # Facts copied from the open care episode and school placement by
    # cohort.services.children_refresh_current, so the roll filters and sorts in one query.
    current_school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    current_legal_status = models.CharField(max_length=2, blank=True)
    current_placement_type = models.CharField(max_length=3, blank=True)
    current_placement_la = models.CharField(max_length=3, blank=True, db_index=True)
    in_care = models.BooleanField(default=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_group_offset__isnull=True)
                | Q(year_group_offset__in=YEAR_GROUP_OFFSETS),
                name="year_group_offset_in_range",
                violation_error_message=f"A child can be taught at most {MAX_YEAR_GROUP_OFFSET} "
                "years above or below the year group of their age",
            )
        ]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or f"Child {self.la_child_id}"

    @property
    def sort_name(self) -> str:
        """'Last, First' for lists, or the identifier when no name is recorded."""
        if self.first_name or self.last_name:
            return ", ".join(part for part in (self.last_name, self.first_name) if part)
        return f"Child {self.la_child_id}"

    @property
    def initials(self) -> str:
        if not (self.first_name or self.last_name):
            return "N.K."
        return f"{self.first_name[:1]}.{self.last_name[:1]}."

    @property
    def reference(self) -> str:
        """The system reference used in page titles instead of the name."""
        return f"VS-{self.pk:05d}"


class CareEpisode(models.Model):
    """One SSDA903 episode: a period with one legal status and one placement."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    decom = models.DateField("start date (DECOM)")
    rne = models.CharField(
        "reason for new episode (RNE)", max_length=1, choices=choices("ssda903_rne")
    )
    ls = models.CharField(
        "legal status (LS)", max_length=2, choices=choices("ssda903_legal_status")
    )
    cin = models.CharField(
        "category of need (CIN)", max_length=2, choices=choices("ssda903_category_of_need")
    )
    place = models.CharField(
        "placement type (PLACE)", max_length=3, choices=choices("ssda903_place")
    )
    place_provider = models.CharField(
        "placement provider", max_length=3, blank=True, choices=choices("ssda903_place_provider")
    )
    dec = models.DateField("end date (DEC)", null=True, blank=True)
    rec = models.CharField(
        "reason episode ceased (REC)", max_length=3, blank=True, choices=choices("ssda903_rec")
    )
    reason_place_change = models.CharField(
        max_length=6, blank=True, choices=choices("ssda903_reason_place_change")
    )
    home_post = models.CharField("home postcode (HOME_POST)", max_length=10, blank=True)
    pl_post = models.CharField("placement postcode (PL_POST)", max_length=10, blank=True)
    placement_la = models.CharField("placement authority", max_length=3, blank=True)
    urn = models.CharField("placement URN", max_length=10, blank=True)

    objects = CareEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["child", "decom"]
        indexes = [
            models.Index(fields=["child", "decom"]),
            models.Index(fields=["decom"]),
            models.Index(fields=["dec"]),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.decom} {self.ls}/{self.place}"

    def clean(self) -> None:
        if self.dec and self.dec < self.decom:
            raise ValidationError({"dec": "The end date must be on or after the start date"})
        if self.dec and not self.rec:
            raise ValidationError({"rec": "Enter why the episode ended"})
        if self.rec and not self.dec:
            raise ValidationError({"dec": "Enter the end date of the episode"})


class SchoolPlacement(models.Model):
    """Where a child is educated for a period: a school on roll or other provision."""

    class Provision(models.TextChoices):
        SCHOOL = "school", "School"
        ALTERNATIVE = "ap", "Alternative provision"
        EOTAS = "eotas", "Education other than at school (EOTAS)"
        TUITION = "tuition", "Tuition"
        NOT_ON_ROLL = "none", "Not on roll"

    class Attendance(models.TextChoices):
        FULL_TIME = "full", "Full time"
        PART_TIME = "part", "Part time"

    class MoveType(models.TextChoices):
        IN_YEAR = "in_year", "In-year move"
        TRANSITION = "transition", "Normal transition"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="school_placements")
    provision = models.CharField(max_length=8, choices=Provision.choices, default=Provision.SCHOOL)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="placements"
    )
    provider_name = models.CharField("provider", max_length=200, blank=True)
    attendance = models.CharField(
        "full or part time", max_length=4, choices=Attendance.choices, default=Attendance.FULL_TIME
    )
    start = models.DateField("start date")
    end = models.DateField("end date", null=True, blank=True)
    move_type = models.CharField(max_length=10, blank=True, choices=MoveType.choices)
    reason_for_move = models.CharField(max_length=200, blank=True)

    objects = SchoolPlacementQuerySet.as_manager()

    class Meta:
        ordering = ["child", "start"]
        indexes = [models.Index(fields=["child", "start"]), models.Index(fields=["school", "end"])]

    def __str__(self) -> str:
        return f"{self.child_id} {self.setting_name} from {self.start}"

    @property
    def setting_name(self) -> str:
        if self.school_id:
            return self.school.name
        return self.provider_name or self.get_provision_display()

    def clean(self) -> None:
        if self.provision == self.Provision.SCHOOL and not self.school_id:
            raise ValidationError({"school": "Choose the school"})
        if self.end and self.end < self.start:
            raise ValidationError({"end": "The end date must be on or after the start date"})


class CareLeaverContact(models.Model):
    """A care leaver's SSDA903 OC3 record: in touch, main activity, accommodation (rules.md)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_leaver_contacts")
    collection_year = models.PositiveSmallIntegerField(
        help_text="Year the SSDA903 collection ends on 31 March"
    )
    in_touch = models.CharField(max_length=4, choices=choices("ssda903_oc3_in_touch"))
    activity = models.CharField(max_length=2, blank=True, choices=choices("ssda903_oc3_activ"))
    accommodation = models.CharField(max_length=2, blank=True, choices=choices("ssda903_oc3_accom"))

    class Meta:
        ordering = ["child", "-collection_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="one_oc3_per_child_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.collection_year} {self.in_touch}/{self.activity}"


class StatutoryReview(models.Model):
    """A looked-after review (SSDA903 reviews file) and how the child took part."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    participation = models.CharField(max_length=3, choices=choices("ssda903_review_code"))

    class Meta:
        ordering = ["child", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "date"], name="one_review_per_child_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.date} {self.participation}"


class MissingEpisode(models.Model):
    """A period missing from care or away without authorisation (SSDA903 missing file)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    kind = models.CharField(max_length=1, choices=choices("ssda903_missing"))
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "start"], name="one_missing_episode_per_child_and_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.kind} {self.start}"


class ReturnedHeader(models.Model):
    """A child's SSDA903 header as one collection year's return gave it.

    The Child row holds the latest year's values; these rows keep each year's own (a UPN
    found later, MOTHER answered one year and blank the next, SEX coded 1/2 before 2024-25)
    so that re-exporting an earlier year gives back what that year said.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="returned_headers")
    collection_year = models.PositiveSmallIntegerField(
        help_text="Year the SSDA903 collection ends on 31 March"
    )
    sex = models.CharField("SEX as returned", max_length=1, blank=True)
    date_of_birth = models.DateField()
    ethnicity = models.CharField(max_length=4, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True)
    mother = models.CharField("MOTHER", max_length=1, blank=True)
    mother_child_dob = models.DateField("MC_DOB", null=True, blank=True)
    uasc = models.BooleanField(
        "in the UASC file", null=True, help_text="Blank when the return had no UASC file"
    )
    uasc_ceased = models.DateField("DUC", null=True, blank=True)

    class Meta:
        ordering = ["child", "-collection_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="one_returned_header_per_child_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.collection_year}"


class HealthOutcome(models.Model):
    """SSDA903 OC2 for a collection year: SDQ, health checks, convictions, substance misuse.

    The yes/no answers are blank where the question does not apply (e.g. health checks over 5).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="health_outcomes")
    collection_year = models.PositiveSmallIntegerField()
    sdq_score = models.PositiveSmallIntegerField("SDQ score", null=True, blank=True)
    sdq_reason = models.CharField(
        "reason no SDQ", max_length=4, blank=True, choices=choices("ssda903_sdq_reason")
    )
    convicted = models.BooleanField(null=True)
    health_check = models.BooleanField("health surveillance checks up to date", null=True)
    immunisations = models.BooleanField("immunisations up to date", null=True)
    teeth_check = models.BooleanField("dental check", null=True)
    health_assessment = models.BooleanField("annual health assessment", null=True)
    substance_misuse = models.BooleanField(null=True)
    intervention_received = models.BooleanField(null=True)
    intervention_offered = models.BooleanField("intervention offered but refused", null=True)

    class Meta:
        ordering = ["child", "-collection_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="one_oc2_per_child_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.collection_year} OC2"


class Adoption(models.Model):
    """SSDA903 AD1: the adoption of a child adopted in the collection year."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoptions")
    collection_year = models.PositiveSmallIntegerField()
    decided = models.DateField("decision to place for adoption (DATE_INT)", null=True, blank=True)
    matched = models.DateField("matched with adopters (DATE_MATCH)", null=True, blank=True)
    by_foster_carer = models.BooleanField("adopted by former foster carer", null=True)
    adopters = models.CharField("number of adopters", max_length=1, blank=True)
    adopters_sex = models.CharField("sex of adopters", max_length=2, blank=True)
    adopters_legal_status = models.CharField("legal status of adopters", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "-collection_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="one_ad1_per_child_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.collection_year} AD1"


class AdoptionDecision(models.Model):
    """SSDA903 placed_for_adoption: a decision that the child should be placed for adoption.

    Kept per collection year as each return gave it: a decision reported again the next year
    may then carry the date and reason it ceased.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoption_decisions")
    collection_year = models.PositiveSmallIntegerField()
    decided = models.DateField("decision date (DATE_PLACED)")
    ceased = models.DateField("decision ceased (DATE_PLACED_CEASED)", null=True, blank=True)
    reason_ceased = models.CharField("reason ceased", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "-collection_year", "decided"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year", "decided"],
                name="one_adoption_decision_per_child_year_and_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.collection_year} placed {self.decided}"


class PreviousPermanence(models.Model):
    """SSDA903 previous_permanence: a permanence order the child had before this care began."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="previous_permanence")
    collection_year = models.PositiveSmallIntegerField()
    option = models.CharField(
        "previous permanence (PREV_PERM)", max_length=2, choices=choices("ssda903_prev_perm")
    )
    la = models.CharField("where arranged (LA_PERM)", max_length=3, blank=True)
    order_date = models.DateField("date of order (DATE_PERM)", null=True, blank=True)

    class Meta:
        ordering = ["child", "-collection_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "collection_year"], name="one_prev_perm_per_child_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.collection_year} {self.option}"
