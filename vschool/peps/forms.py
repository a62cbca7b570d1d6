"""Forms for PEP sections, targets and the Virtual School's QA decision."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from vschool.kit.forms import GovukDateField, GovukForm, _style_fields
from vschool.peps import quality

_TEXT = {"widget": forms.Textarea(attrs={"rows": 4}), "required": False}
_SHORT = {"widget": forms.Textarea(attrs={"rows": 2}), "required": False}

OUTCOMES = [("met", "Met"), ("partly", "Partly met"), ("not", "Not met")]

# The most a PEP may hold of targets or of actions, and the most a PP+ amount may be: far
# above any real plan (PP+ is about £2,500 a child a year), far below what costs the server.
MOST_ITEMS = 20
MOST_POUNDS = Decimal("100000")

# A short list of Education Endowment Foundation Teaching and Learning Toolkit strands.
EEF_CATEGORIES = [
    ("", "Choose a category"),
    ("one_to_one", "One to one tuition"),
    ("small_group", "Small group tuition"),
    ("reading", "Reading comprehension strategies"),
    ("oral_language", "Oral language interventions"),
    ("metacognition", "Metacognition and self-regulation"),
    ("social_emotional", "Social and emotional learning"),
    ("mentoring", "Mentoring"),
    ("arts", "Arts participation"),
    ("physical", "Physical activity"),
    ("carer_engagement", "Parental and carer engagement"),
    ("other", "Other"),
]

# The child's views, worded for the PEP's phase: (field, label, hint).
_EARLY_YEARS = [
    ("enjoys", "What did staff see the child enjoy?", "Play, activities and people they choose"),
    ("settles", "What helps the child feel settled and safe?", ""),
    ("finds_hard", "What does the child find hard?", ""),
]
_PRIMARY = [
    ("good_at", "What are you good at?", ""),
    ("hard", "What is hard at school?", ""),
    ("helps", "Who helps you?", ""),
]
_OLDER = [
    ("going_well", "What is going well in your education?", ""),
    ("hard", "What is getting in the way of your learning?", ""),
    ("helps", "What support would help you most?", ""),
    (
        "future",
        "What are your plans for the future?",
        "Courses, training, work or a career you are thinking about",
    ),
]
VOICE_QUESTIONS = {
    "early_years": _EARLY_YEARS,
    "primary": _PRIMARY,
    "secondary": _OLDER,
    "post_16": _OLDER,
    "neet": _OLDER,
}


def plain(value):
    """A cleaned form value as JSON: dates as ISO text, numbers as text, None as ""."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    return value


class SectionForm(GovukForm):
    """A PEP section's questions.

    `context` is what the PEP already knows (its phase, its targets, last term's targets).
    Answers are only required when the user says the section is completed (`completing`),
    so a half-done draft can be saved; ranges and formats are always checked.
    """

    def __init__(self, *args, context=None, completing=True, **kwargs):
        self.context = context or {}
        self.completing = completing
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            value = self.initial.get(name)
            if isinstance(field, GovukDateField) and isinstance(value, str):
                self.initial[name] = date.fromisoformat(value) if value else None

    def require(self, data: dict, name: str, message: str) -> None:
        value = data.get(name)
        if self.completing and (
            value is None or value in ("", [], ()) or (isinstance(value, str) and not value.strip())
        ):
            self.add_error(name, message)

    def answers(self) -> dict:
        """The cleaned answers as JSON-ready values, for PepSection.data."""
        return {name: plain(self.cleaned_data.get(name)) for name in self.fields}


class MeetingSectionForm(SectionForm):
    ATTENDED = [
        ("yes", "The child attended"),
        ("part", "The child attended part of it"),
        ("no", "The child did not attend"),
    ]
    meeting_date = GovukDateField(
        label="Date of the PEP meeting", help_text="For example, 27 3 2026", required=False
    )
    attendees = forms.CharField(
        label="Who attended?", help_text="Names and roles, one a line", **_TEXT
    )
    child_attended = forms.ChoiceField(
        label="Did the child attend?", choices=ATTENDED, widget=forms.RadioSelect, required=False
    )
    consulted = forms.CharField(
        label="Who was consulted but did not attend?",
        help_text="For example, the IRO or a health professional",
        **_SHORT,
    )

    # A meeting further than this from today is a mistyped year, not a real meeting.
    PLAUSIBLE = timedelta(days=366)

    def clean(self):
        data = super().clean()
        self.require(data, "meeting_date", "Enter the date of the PEP meeting")
        held = data.get("meeting_date")
        if held and abs(held - timezone.localdate()) > self.PLAUSIBLE:
            self.add_error("meeting_date", "Date of the PEP meeting must be within a year of today")
        self.require(data, "attendees", "Enter who attended the meeting")
        self.require(data, "child_attended", "Select whether the child attended")
        return data


class VoiceSectionForm(SectionForm):
    """The child's views: questions worded for the PEP's phase, how they were gathered, and
    the child's own words; needed unless the child chose not to share, with the reason."""

    HOW = [
        ("meeting", "At the meeting"),
        ("dt", "With the designated teacher beforehand"),
        ("own", "In their own writing, a drawing or a recording"),
        ("declined", "The child chose not to share"),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = VOICE_QUESTIONS.get(self.context.get("pep_type", ""), _OLDER)
        fields = {
            name: forms.CharField(label=label, help_text=hint, **_SHORT)
            for name, label, hint in questions
        }
        fields["how_gathered"] = forms.ChoiceField(
            label="How were these views gathered?",
            choices=self.HOW,
            widget=forms.RadioSelect,
            required=False,
        )
        fields["words"] = forms.CharField(
            label="The child's own words",
            help_text="Write them exactly as the child said them",
            **_TEXT,
        )
        fields["declined_reason"] = forms.CharField(
            label="If the child chose not to share, why not?", **_SHORT
        )
        self.fields = fields
        _style_fields(self)

    def clean(self):
        data = super().clean()
        self.require(data, "how_gathered", "Select how the child's views were gathered")
        if data.get("how_gathered") == "declined":
            self.require(
                data, "declined_reason", "Enter why the child chose not to share their views"
            )
        else:
            self.require(data, "words", "Enter the child's own words")
        return data


def _facts_comment(what: str) -> forms.CharField:
    """The one question about facts the system shows: say if they are wrong (screens 2.5)."""
    return forms.CharField(
        label="Is anything above wrong or missing?",
        help_text=f"Leave blank if the {what} are right",
        **_SHORT,
    )


class WellbeingSectionForm(SectionForm):
    facts_comment = _facts_comment("SEN details")
    ehcp_review = GovukDateField(
        label="Next EHC plan annual review",
        help_text="Only if the child has an EHC plan",
        required=False,
    )
    support = forms.CharField(label="Support for special educational needs", **_TEXT)
    health = forms.CharField(
        label="Health and emotional wellbeing",
        help_text="Including attachment, trauma or mental health needs",
        **_TEXT,
    )
    sdq_score = forms.IntegerField(
        label="Latest SDQ score",
        required=False,
        min_value=0,
        max_value=40,
        help_text="The Strengths and Difficulties Questionnaire total, from 0 to 40",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-3"}
        ),
        error_messages={
            "invalid": "SDQ score must be a whole number from 0 to 40",
            "min_value": "SDQ score must be between 0 and 40",
            "max_value": "SDQ score must be between 0 and 40",
        },
    )
    sdq_date = GovukDateField(label="Date of the SDQ", required=False)

    def clean(self):
        data = super().clean()
        self.require(data, "health", "Enter the child's health and emotional wellbeing")
        return data


class SchoolSectionForm(SectionForm):
    facts_comment = _facts_comment("school details")
    attendance = forms.CharField(
        label="Attendance summary",
        help_text="Attendance this term and any exclusions: the system does not hold them yet",
        **_TEXT,
    )
    attainment = forms.CharField(label="Attainment and progress", **_TEXT)
    strengths = forms.CharField(label="Strengths and interests", **_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.context.get("attendance_held"):
            # The figures come from the school's marks, shown above: ask only what they miss.
            self.fields["attendance"].label = "Anything to add about attendance or exclusions?"
            self.fields["attendance"].help_text = (
                "The figures above come from the school's marks. Add what they do not say: "
                "reasons, support in place, what is improving"
            )


class ReviewSectionForm(SectionForm):
    """Last term's targets: for each, whether it was met and what difference it made."""

    def __init__(self, *args, initial=None, **kwargs):
        saved = (initial or {}).get("targets", [])
        initial = {}
        for n, item in enumerate(saved):
            initial[f"outcome_{n}"] = item.get("outcome", "")
            initial[f"difference_{n}"] = item.get("difference", "")
        super().__init__(*args, initial=initial, **kwargs)
        self.previous = list(self.context.get("previous_targets", []))
        for n, target in enumerate(self.previous):
            name = target.get("area") or f"target {n + 1}"
            self.fields[f"outcome_{n}"] = forms.ChoiceField(
                label=f"Was the {name} target met?",
                choices=OUTCOMES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"difference_{n}"] = forms.CharField(
                label="What difference did it make?", **_SHORT
            )
        _style_fields(self)

    def cards(self) -> list[tuple[dict, forms.BoundField, forms.BoundField]]:
        return [
            (target, self[f"outcome_{n}"], self[f"difference_{n}"])
            for n, target in enumerate(self.previous)
        ]

    def clean(self):
        data = super().clean()
        for n, target in enumerate(self.previous):
            self.require(
                data,
                f"outcome_{n}",
                f"Select whether the {target.get('area') or 'target'} target was met",
            )
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        keep = ("area", "target", "baseline", "measure", "cost")
        return {
            "targets": [
                {
                    **{k: target.get(k, "") for k in keep},
                    "outcome": data.get(f"outcome_{n}", ""),
                    "difference": data.get(f"difference_{n}", ""),
                }
                for n, target in enumerate(self.previous)
            ]
        }


class PpPlusSectionForm(SectionForm):
    """A PP+ request, tied to at least one of this PEP's targets."""

    REQUESTED = [("yes", "Request PP+ this term"), ("no", "No PP+ request this term")]
    requested = forms.ChoiceField(
        label="Is the school requesting PP+ this term?",
        choices=REQUESTED,
        widget=forms.RadioSelect,
        required=False,
    )
    targets = forms.MultipleChoiceField(
        label="Which targets will it help with?",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    buys = forms.CharField(label="What will it buy?", **_SHORT)
    provider = forms.CharField(label="Who will provide it?", required=False)
    amount = forms.DecimalField(
        label="Amount in pounds (£)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=MOST_POUNDS,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}
        ),
        error_messages={
            "invalid": "Amount must be a number, like 450",
            "min_value": "Amount must be more than £0",
            "max_value": f"Amount must be £{MOST_POUNDS:,} or less",
            "max_decimal_places": "Amount must be in pounds and pence, like 450.50",
        },
    )
    eef_category = forms.ChoiceField(
        label="EEF Toolkit category", choices=EEF_CATEGORIES, required=False
    )
    start_date = GovukDateField(label="Start date", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = self.context.get("targets", [])
        self.costs = {str(n): _cost(t) for n, t in enumerate(targets, start=1)}
        self.fields["targets"].choices = [
            (str(n), f"Target {n}: {t.get('area') or t.get('target', '')}" + _cost_label(t))
            for n, t in enumerate(targets, start=1)
        ]
        self.fields["amount"].help_text = (
            "Left blank, it is the sum of the PP+ costs of the targets chosen; change it "
            "if the request is for a different amount"
        )
        if not self.is_bound and not self.initial.get("requested"):
            # A new request starts from the targets that cost something, and their sum.
            chosen = [n for n, cost in self.costs.items() if cost]
            self.initial.setdefault("targets", chosen)
            if chosen and not self.initial.get("amount"):
                self.initial["amount"] = sum(self.costs[n] for n in chosen)

    def clean(self):
        data = super().clean()
        if (
            data.get("requested") == "yes"
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            total = sum(self.costs.get(n, Decimal(0)) for n in data.get("targets") or [])
            data["amount"] = total or None
        self.require(data, "requested", "Select whether the school is requesting PP+")
        if data.get("requested") == "yes":
            self.require(data, "targets", "Select at least one target this request serves")
            self.require(data, "buys", "Enter what the PP+ will buy")
            self.require(data, "amount", "Enter the amount in pounds")
            self.require(data, "eef_category", "Select an EEF Toolkit category")
            self.require(data, "start_date", "Enter the start date")
        return data


def _cost(target: dict) -> Decimal:
    """A target's PP+ cost as a number; 0 when none or not a number."""
    try:
        return Decimal(str(target.get("cost") or 0))
    except ArithmeticError:
        return Decimal(0)


def _cost_label(target: dict) -> str:
    cost = _cost(target)
    return f" (£{cost})" if cost else ""


class CareSectionForm(SectionForm):
    facts_comment = _facts_comment("placement and legal status")
    placement = forms.CharField(
        label="Care and placement context",
        help_text="What the placement and legal status above do not say: who the child "
        "lives with, how settled they are, contact that affects school. The school reads "
        "the PEP: give no address or postcode",
        **_TEXT,
    )
    changes = forms.CharField(
        label="Planned changes and how disruption will be kept low",
        help_text="For example, a planned move of placement or school",
        **_TEXT,
    )


class CarerSectionForm(SectionForm):
    carer_views = forms.CharField(label="The carer's views", **_TEXT)
    carer_role = forms.CharField(label="How the carer will support learning", **_SHORT)
    parent_views = forms.CharField(
        label="The parent's views", help_text="If it is right to ask them", **_TEXT
    )


class TargetForm(GovukForm):
    area = forms.CharField(label="Area", help_text="For example, reading or attendance")
    target = forms.CharField(
        label="What will the child be able to do?", widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(label="How will you know?", required=False)
    baseline = forms.CharField(label="Starting point", required=False)
    by_when = GovukDateField(
        label="Review date", help_text="Usually the next PEP date", required=False
    )
    who = forms.CharField(label="Who is responsible", required=False)
    support = forms.CharField(label="Support", required=False)
    cost = forms.DecimalField(
        label="PP+ cost in pounds",
        required=False,
        min_value=0,
        max_value=MOST_POUNDS,
        decimal_places=2,
        error_messages={
            "max_value": f"PP+ cost in pounds must be £{MOST_POUNDS:,} or less",
            "max_decimal_places": "PP+ cost in pounds must be in pounds and pence, like 450.50",
        },
    )


def _list_formset(form: type[forms.Form], noun: str) -> type[forms.BaseFormSet]:
    """A list section's formset: at most MOST_ITEMS items, however many forms a page
    says it sends, so a forged TOTAL_FORMS costs nothing."""
    messages = {
        "too_many_forms": f"You can add up to %(num)d {noun}s",
        "missing_management_form": f"The {noun}s could not be read: reload the page and try again",
    }
    base = type(
        f"{noun.title()}FormSetBase", (forms.BaseFormSet,), {"default_error_messages": messages}
    )
    return forms.formset_factory(
        form,
        formset=base,
        extra=1,
        can_delete=True,
        max_num=MOST_ITEMS,
        validate_max=True,
        absolute_max=MOST_ITEMS,
    )


TargetFormSet = _list_formset(TargetForm, "target")


class ActionForm(GovukForm):
    action = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="Who will do it")
    by_when = GovukDateField(label="By when", required=False)


ActionFormSet = _list_formset(ActionForm, "action")


class CompletedForm(GovukForm):
    """ "Have you completed this section?"; for a section the PEP needs (rules.md 5), also
    "It cannot be completed", with the reason: "not available because ..."."""

    completed = forms.ChoiceField(
        label="Have you completed this section?",
        widget=forms.RadioSelect,
        choices=[
            ("yes", "Yes, I’ve completed this section"),
            ("no", "No, I’ll come back to it later"),
            ("na", "No, it cannot be completed for this PEP"),
        ],
        error_messages={"required": "Select whether you have completed this section"},
    )
    not_available = forms.CharField(
        label="If it cannot be completed, why not?",
        required=False,
        help_text="For example, the carer could not be reached before the meeting. The PEP "
        "can then be submitted without this section; the reason is kept in its history.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, may_be_unavailable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_be_unavailable:
            field = self.fields["completed"]
            field.choices = [c for c in field.choices if c[0] != "na"]  # type: ignore[attr-defined]
            del self.fields["not_available"]

    def clean(self):
        data = super().clean()
        if data.get("completed") == "na" and not data.get("not_available", "").strip():
            self.add_error("not_available", "Enter why this section cannot be completed")
        return data

    @property
    def outcome(self) -> tuple[bool, str]:
        """(completed, the reason it is not available, or "")."""
        data = self.cleaned_data
        if data["completed"] == "na":
            return False, data["not_available"].strip()
        return data["completed"] == "yes", ""


class CheckForm(GovukForm):
    declaration = forms.BooleanField(
        label="I confirm the PEP was agreed at the meeting and is correct to the best of my "
        "knowledge",
        error_messages={"required": "Confirm the declaration to submit the PEP"},
    )


class QaForm(GovukForm):
    """The QA decision: each criterion judged, a comment per section, then the grade.

    Criteria are judged to approve; returning needs only the reason.
    """

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve with a grade"), ("return", "Return for changes")],
        error_messages={"required": "Select whether to approve or return the PEP"},
    )
    grade = forms.ChoiceField(
        label="Grade",
        widget=forms.RadioSelect,
        required=False,
        choices=[(g, g) for g in settings.VSCHOOL_PEP_GRADES],
        help_text=quality.SUGGESTION_RULE,
    )
    note = forms.CharField(
        label="Reason for the decision",
        required=False,
        help_text="Needed to return the PEP; whoever the PEP goes back to sees it",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    PPPLUS_DECISIONS = [
        ("approve", "Approve the amount requested"),
        ("reduce", "Approve a smaller amount"),
        ("withhold", "Withhold it"),
    ]

    def __init__(self, *args, sections=(), ppplus=None, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The PEP's PP+ request (presenters.PepPresenter.ppplus_request), decided on approval.
        self.ppplus = ppplus
        if ppplus is not None:
            self._add_ppplus_fields(may_override)
        self.criteria = quality.qa_criteria()
        for key, label in self.criteria:
            self.fields[f"criterion_{key}"] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect(attrs={"inline": True}),
                required=False,
                choices=quality.JUDGEMENTS,
            )
        # (key, title) or (key, title, hint): the hint says who a return would tell.
        self.sections = [(item[0], item[1]) for item in sections]
        for key, title, *hint in sections:
            self.fields[f"comment_{key}"] = forms.CharField(
                label=f"Comment on “{title}”",
                required=False,
                help_text=hint[0] if hint else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _add_ppplus_fields(self, may_override: bool) -> None:
        self.fields["ppplus_decision"] = forms.ChoiceField(
            label="PP+ decision",
            widget=forms.RadioSelect,
            required=False,
            choices=self.PPPLUS_DECISIONS,
        )
        self.fields["ppplus_amount"] = forms.DecimalField(
            label="Amount to approve in pounds",
            required=False,
            min_value=Decimal("0.01"),
            max_value=MOST_POUNDS,
            decimal_places=2,
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}
            ),
            error_messages={
                "invalid": "Amount to approve must be a number in pounds, like 450 or 450.50",
                "min_value": "Amount to approve must be more than £0",
                "max_value": f"Amount to approve must be £{MOST_POUNDS:,} or less",
                "max_decimal_places": "Amount to approve must be in pounds and pence, like 450.50",
                "max_digits": f"Amount to approve must be £{MOST_POUNDS:,} or less",
            },
        )
        self.fields["ppplus_amount"].prefix = "£"
        self.fields["ppplus_amount"].help_text = "Only to approve a smaller amount"
        self.fields["ppplus_reason"] = forms.CharField(
            label="Reason",
            required=False,
            max_length=2000,
            help_text="Needed to approve a smaller amount or to withhold the PP+. Left blank "
            "for a PEP graded below the threshold, it says so",
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        if may_override:
            self.fields["ppplus_override"] = forms.CharField(
                label="Reason for approving below the threshold grade",
                required=False,
                max_length=2000,
                help_text="Only for a PEP graded below the threshold: PP+ is then approved "
                "only with your reason",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def ppplus_fields(self):
        names = ("ppplus_decision", "ppplus_amount", "ppplus_reason", "ppplus_override")
        return {name: self[name] for name in names if name in self.fields}

    @property
    def ppplus_decision(self) -> dict | None:
        """The PP+ decision as services.pep_transition passes it on; None without a request."""
        if self.ppplus is None:
            return None
        data = self.cleaned_data
        decision = data.get("ppplus_decision")
        return {
            "decision": decision,
            "amount": data.get("ppplus_amount") if decision == "reduce" else None,
            "reason": (data.get("ppplus_reason") or "").strip(),
            "override_reason": (data.get("ppplus_override") or "").strip(),
        }

    def _clean_ppplus(self, data: dict) -> None:
        decision = data.get("ppplus_decision")
        if not decision:
            self.add_error(
                "ppplus_decision", "Select whether to approve, reduce or withhold the PP+"
            )
        if decision == "reduce":
            amount = data.get("ppplus_amount")
            requested = _cost({"cost": self.ppplus.get("amount")})
            if amount is None and "ppplus_amount" not in self.errors:
                self.add_error("ppplus_amount", "Enter the amount to approve in pounds")
            elif amount is not None and requested and amount >= requested:
                self.add_error(
                    "ppplus_amount",
                    f"Amount to approve must be less than the £{requested:,.2f} requested",
                )
            if not (data.get("ppplus_reason") or "").strip():
                self.add_error("ppplus_reason", "Enter the reason for approving a smaller amount")

    def criterion_fields(self):
        return [self[f"criterion_{key}"] for key, _ in self.criteria]

    def comment_fields(self):
        return [self[f"comment_{key}"] for key, _ in self.sections]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve":
            if not data.get("grade"):
                self.add_error("grade", "Select a grade to approve the PEP")
            for key, label in self.criteria:
                if not data.get(f"criterion_{key}"):
                    self.add_error(
                        f"criterion_{key}",
                        f"Select whether “{label}” is met, partly met or not met",
                    )
            if self.ppplus is not None:
                self._clean_ppplus(data)
        if data.get("decision") == "return":
            if not data.get("note", "").strip():
                self.add_error("note", "Enter the reason for returning the PEP")
            if self.sections and not any(
                data.get(f"comment_{key}", "").strip() for key, _ in self.sections
            ):
                self.add_error(
                    f"comment_{self.sections[0][0]}",
                    "Comment on each section to change: the PEP goes back to whoever "
                    "answers for those sections",
                )
        return data

    @property
    def review(self) -> dict:
        """The judgements and non-empty comments, as services.pep_transition records them."""
        data = self.cleaned_data
        return {
            "criteria": {
                key: data[f"criterion_{key}"]
                for key, _ in self.criteria
                if data.get(f"criterion_{key}")
            },
            "comments": {
                key: data[f"comment_{key}"].strip()
                for key, _ in self.sections
                if data.get(f"comment_{key}", "").strip()
            },
        }


class RegradeForm(GovukForm):
    """A new grade for an approved PEP, with the reason (the Virtual School's)."""

    grade = forms.ChoiceField(
        label="New grade",
        widget=forms.RadioSelect,
        choices=[(g, g) for g in settings.VSCHOOL_PEP_GRADES],
        error_messages={"required": "Select the new grade"},
    )
    note = forms.CharField(
        label="Reason for regrading",
        max_length=2000,
        help_text="Kept in the PEP's history",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for regrading the PEP"},
    )
