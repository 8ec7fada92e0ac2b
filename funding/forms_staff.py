"""Forms of the grants officers' pages. They collect input; the services decide the rules."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from boards.forms import DATE
from boards.models import AgendaItem, Meeting

from .models import Assessment, Criterion, Decision, FundingRound, LedgerEntry, Tranche

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.01")}


# --- The fund's ledger ---------------------------------------------------------------------


class ReceiveForm(forms.Form):
    amount = forms.DecimalField(label="Amount received (£)", **MONEY)
    on = forms.DateField(label="Date received", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(
        max_length=300, help_text="Where it came from, e.g. the Home Office ARIS share for Q2."
    )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError("Record money once it has arrived, not before.")
        return on


class AdjustForm(forms.Form):
    direction = forms.TypedChoiceField(
        label="Adjustment",
        choices=[("increase", "Increase the money held"), ("decrease", "Decrease the money held")],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "increase",
    )
    amount = forms.DecimalField(label="Amount (£)", **MONEY)
    reason = forms.CharField(max_length=300, help_text="Why the fund is being corrected.")


class ReverseForm(forms.Form):
    entry = forms.ModelChoiceField(
        label="Entry to reverse", queryset=LedgerEntry.objects.none(), empty_label="Choose…"
    )
    reason = forms.CharField(max_length=300, help_text="What was wrong with the entry.")

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        # Reversals and entries already reversed cannot be reversed (the ledger says why).
        self.fields["entry"].queryset = LedgerEntry.objects.filter(
            fund=fund, reverses__isnull=True, reversed_by__isnull=True
        ).order_by("-on", "-pk")
        self.fields["entry"].label_from_instance = lambda e: (
            f"#{e.pk} {e.on:%d/%m/%Y} {e.get_kind_display()} £{e.amount:,.2f}"
        )


# --- Rounds ---------------------------------------------------------------------------------


class RoundForm(forms.ModelForm):
    class Meta:
        model = FundingRound
        fields = [
            "fund",
            "name",
            "slug",
            "opens_on",
            "closes_on",
            "min_grant",
            "max_grant",
            "max_months",
            "guidance",
            "priority_areas",
            "key_themes",
        ]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "priority_areas": forms.CheckboxSelectMultiple,
            "key_themes": forms.CheckboxSelectMultiple,
        }


# --- Moving an application --------------------------------------------------------------------


class InviteToPresentForm(forms.Form):
    when_where = forms.CharField(
        label="When and where",
        max_length=500,
        help_text="E.g. 14 January, 10:30, Committee Room 2, Riverside Civic Centre.",
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(forms.Form):
    pass


# --- Assessment -------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """A score from 0 to 5 and a comment for each of the eight criteria, and a recommendation."""

    recommendation = forms.ChoiceField(
        choices=Assessment.Recommendation.choices, widget=forms.RadioSelect
    )
    recommended_amount = forms.DecimalField(
        label="Amount to fund in part (£)", required=False, **MONEY
    )
    comments = forms.CharField(
        label="Overall comments", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = {}
        for criterion in Criterion:
            criteria[f"score_{criterion.value}"] = forms.IntegerField(
                label=f"{criterion.label}: score (0 to 5)",
                min_value=0,
                max_value=5,
                widget=forms.NumberInput(attrs={"min": 0, "max": 5}),
            )
            criteria[f"comment_{criterion.value}"] = forms.CharField(
                label=f"{criterion.label}: comment",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The criteria come first, in the published order; the recommendation sums them up.
        self.fields = {**criteria, **self.fields}

    @classmethod
    def initial_from(cls, assessment: Assessment | None) -> dict:
        if assessment is None:
            return {}
        initial = {
            "recommendation": assessment.recommendation,
            "recommended_amount": assessment.recommended_amount,
            "comments": assessment.comments,
        }
        for score in assessment.scores.all():
            initial[f"score_{score.criterion}"] = score.score
            initial[f"comment_{score.criterion}"] = score.comment
        return initial

    def clean(self):
        cleaned = super().clean()
        part = cleaned.get("recommendation") == Assessment.Recommendation.PART
        if part and not cleaned.get("recommended_amount"):
            self.add_error("recommended_amount", "Say how much to fund in part.")
        if not part:
            cleaned["recommended_amount"] = None
        return cleaned

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {c.value: (data[f"score_{c.value}"], data[f"comment_{c.value}"]) for c in Criterion}

    def criteria_rows(self):
        """(score field, comment field) per criterion, for the template's table."""
        return [(self[f"score_{c.value}"], self[f"comment_{c.value}"]) for c in Criterion]


# --- The board's decision ---------------------------------------------------------------------


class DecisionForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), empty_label="Choose…")
    item = forms.ModelChoiceField(
        label="Agenda item",
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label="(not recorded)",
        help_text="The item of that meeting at which the board decided.",
    )
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the board declines; minuted with any decision.",
    )
    amount = forms.DecimalField(label="Amount approved (£)", required=False, **MONEY)
    starts_on = forms.DateField(label="Grant starts", required=False, widget=DATE)
    months = forms.IntegerField(label="Length (months)", required=False, min_value=1)
    conditions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.select_related("board").order_by("-starts_at")
        items = AgendaItem.objects.select_related("meeting").order_by(
            "-meeting__starts_at", "number"
        )
        if fund.board_id is not None:
            meetings = meetings.filter(board_id=fund.board_id)
            items = items.filter(meeting__board_id=fund.board_id)
        self.fields["meeting"].queryset = meetings
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: (
            f"{i.meeting.date:%d/%m/%Y} item {i.number}: {i.title}"
        )

    def clean(self):
        cleaned = super().clean()
        meeting, item = cleaned.get("meeting"), cleaned.get("item")
        if meeting and item and item.meeting_id != meeting.pk:
            self.add_error("item", "Choose an item on that meeting's agenda.")
        return cleaned

    @property
    def approving(self) -> bool:
        return self.data.get(self.add_prefix("outcome")) == Decision.Outcome.APPROVED


class TrancheForm(forms.Form):
    amount = forms.DecimalField(label="Amount (£)", **MONEY)
    release_on = forms.DateField(label="Release from", widget=DATE)
    review_on = forms.DateField(
        label="Review due (optional)",
        required=False,
        widget=DATE,
        help_text="A review that must be recorded before this tranche is paid.",
    )

    def clean(self):
        cleaned = super().clean()
        release_on, review_on = cleaned.get("release_on"), cleaned.get("review_on")
        if release_on and review_on and review_on > release_on:
            self.add_error("review_on", "The review must be due before the tranche is paid.")
        return cleaned


TrancheFormSet = forms.formset_factory(TrancheForm, extra=3, max_num=12, validate_max=True)


# --- Awards -----------------------------------------------------------------------------------


class TrancheReviewForm(forms.ModelForm):
    """Reads the review; the rules for it are in ``monitoring.record_tranche_review``."""

    class Meta:
        model = Tranche
        fields = ["reviewed_on", "review_note"]
        labels = {"reviewed_on": "Review held on", "review_note": "What the review found"}
        widgets = {"reviewed_on": DATE, "review_note": forms.Textarea(attrs={"rows": 2})}


class ReturnForm(forms.Form):
    amount = forms.DecimalField(label="Amount returned (£)", **MONEY)
    on = forms.DateField(label="Date received", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(max_length=300, help_text="Why: unused at the end, or misused.")


class UncommitForm(forms.Form):
    amount = forms.DecimalField(label="Amount no longer to be paid (£)", **MONEY)
    reason = forms.CharField(max_length=300, help_text="E.g. the project ended early.")


# --- Monitoring -------------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    every_months = forms.IntegerField(
        label="Months between progress returns", min_value=1, max_value=12
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Milestone")
    due_on = forms.DateField(label="Due by", widget=DATE)


class MilestoneMetForm(forms.Form):
    achieved_on = forms.DateField(label="Met on", widget=DATE, required=False)
    note = forms.CharField(max_length=500, required=False, label="Note")


class ReturnReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[("accept", "Accept the return"), ("more", "Ask the grantee for more")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note to the grantee",
        help_text="Needed when you ask for more: it is e-mailed to them and shown on their page.",
    )


class ChangeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Agree the change"), ("refuse", "Refuse the change")],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reply to the grantee",
    )


class CloseAwardForm(forms.Form):
    early = forms.BooleanField(
        required=False,
        label="The grant is ending early",
        help_text="Without it, the grant closes as completed once its evaluation is accepted.",
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Why it is ending early",
    )
