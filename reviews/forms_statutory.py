"""Forms of the statutory-review pages: referral, decision, notifications, stages and pauses.

As with the case panels, a form checks the shape of each answer; the rules (dates in order,
criteria of the right type, a rationale for every decision) live in ``reviews.statutory`` and
come back beside the field through ``add_service_errors``. Nothing here saves anything.
"""

from crispy_forms.layout import Field, Fieldset
from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from boards.forms import DATE, add_service_errors
from boards.models import Board, Membership, Organisation, Person

from .forms import OrganisationChoiceField, fields_only_helper
from .models import ParallelProcess, Review, ReviewType

__all__ = ["add_service_errors"]

Stage = Review.Stage


def _date(label: str, required_message: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE,
        error_messages={"required": required_message, "invalid": "Enter a real date."},
        **kwargs,
    )


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")
    return day


class ReviewTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class DecidedByField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organisation.name})"


# --- Referral -----------------------------------------------------------------------------


class ReferralForm(forms.Form):
    """A referral to the One Panel; with ``review`` given, the correction of its details.

    The criteria checklist lists every active type's criteria, grouped under the type's name;
    the service refuses a criterion of another type than the one chosen.
    """

    review_type = ReviewTypeChoiceField(
        label="Type of review",
        queryset=ReviewType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the type of review."},
    )
    subject_pseudonym = forms.CharField(
        label="Subject's pseudonym",
        max_length=40,
        error_messages={"required": 'Give the pseudonym, e.g. "Child C"; never a name.'},
        help_text='E.g. "Child C" or "Adult M". Never a name or initials.',
    )
    incident_on = _date("Date of the incident", "Give the date of the incident.")
    notified_on = _date(
        "Date of notification",
        "Give the date the partnership was notified.",
        help_text="The day the partnership was told; the statutory clocks start here.",
    )
    referring_organisation = OrganisationChoiceField(
        label="Referring organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose",
        error_messages={"required": "Choose the organisation that made the referral."},
    )
    circumstances = forms.CharField(
        label="Summary of the circumstances",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Summarise the circumstances, without names or addresses."},
        help_text="What happened, briefly, without names or addresses.",
    )
    agencies_involved = forms.ModelMultipleChoiceField(
        label="Agencies involved",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The agencies that knew the subject or the family.",
    )
    criteria_met = forms.MultipleChoiceField(
        label="Criteria met",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick the criteria of the chosen type that the case meets.",
    )
    basis = forms.ChoiceField(
        label="Mandatory or discretionary",
        choices=Review.Basis.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        organisations = Organisation.objects.filter(active=True).order_by("name")
        self.fields["referring_organisation"].queryset = organisations
        self.fields["agencies_involved"].queryset = organisations
        if review is None:
            types = list(ReviewType.objects.filter(active=True).prefetch_related("criteria"))
            self.fields["review_type"].queryset = ReviewType.objects.filter(active=True)
        else:
            types = [review.review_type]
            del self.fields["review_type"]
        self.criteria = {str(c.pk): c for kind in types for c in kind.criteria.all()}
        self.fields["criteria_met"].choices = [
            (kind.name, [(str(c.pk), c.text) for c in kind.criteria.all()])
            for kind in types
            if kind.criteria.all()
        ]
        asking = [kind.name for kind in types if kind.asks_mandatory]
        if asking:
            self.fields[
                "basis"
            ].help_text = (
                f"Applies to a {' or '.join(asking)} only; leave it blank for other types."
            )
        else:
            del self.fields["basis"]
        about = ["subject_pseudonym", "incident_on", "notified_on", "referring_organisation"]
        if review is None:
            about.insert(0, "review_type")
        criteria = [Field("criteria_met", template="reviews/statutory/_criteria_field.html")]
        if "basis" in self.fields:
            criteria.append("basis")
        self.helper = fields_only_helper(
            Fieldset("The referral", *about),
            Fieldset("What happened", "circumstances", "agencies_involved"),
            Fieldset("The criteria", *criteria),
        )

    def clean_incident_on(self):
        return _not_in_future(self.cleaned_data["incident_on"])

    def clean_notified_on(self):
        return _not_in_future(self.cleaned_data["notified_on"])

    def clean_subject_pseudonym(self):
        return self.cleaned_data["subject_pseudonym"].strip()

    def clean_criteria_met(self):
        return [self.criteria[pk] for pk in self.cleaned_data["criteria_met"]]

    @staticmethod
    def initial_for(review: Review) -> dict:
        return {
            "subject_pseudonym": review.subject_pseudonym,
            "incident_on": review.incident_on,
            "notified_on": review.notified_on,
            "referring_organisation": review.referring_organisation_id,
            "circumstances": review.circumstances,
            "agencies_involved": [o.pk for o in review.agencies_involved.all()],
            "criteria_met": [str(c.pk) for c in review.criteria_met.all()],
            "basis": review.basis,
        }


# --- Decision and notifications --------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the rationale for the decision."},
        help_text="Why the panel decided so, against the criteria. No names.",
    )
    decided_on = _date("Decided on", "Give the date of the decision.", initial=timezone.localdate)
    decided_by = DecidedByField(
        label="Decided by",
        queryset=Person.objects.none(),
        empty_label="Choose",
        error_messages={"required": "Say who made the decision."},
        help_text="A member of the panel, usually its Chair.",
    )

    def __init__(self, *args, panel: Board, user, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.on(timezone.localdate()).filter(board=panel)
        people = (
            Person.objects.filter(memberships__in=members)
            .distinct()
            .select_related("organisation")
            .order_by("full_name")
        )
        self.fields["decided_by"].queryset = people
        own = getattr(user, "person", None)
        if own is not None and not self.is_bound:
            self.fields["decided_by"].initial = own.pk


class SuggestingInput(forms.TextInput):
    """A text box offering suggestions through a <datalist>; any other answer is allowed."""

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        if not self.suggestions:
            return super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}_suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        options = format_html_join("", '<option value="{}">', ((s,) for s in self.suggestions))
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


class NotificationForm(forms.Form):
    body = forms.CharField(
        label="National body",
        max_length=120,
        error_messages={"required": "Name the national body told."},
    )
    sent_on = _date("Sent on", "Give the date it was sent.", initial=timezone.localdate)
    note = forms.CharField(max_length=300, required=False, help_text="E.g. how it was sent.")

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        body.widget = SuggestingInput(suggestions)
        if suggestions:
            body.help_text = f"For this type of review: {', '.join(suggestions)}."


# --- The stages ------------------------------------------------------------------------

# Per stage: the label of its date field and the message when the date is missing.
STAGE_DATES = {
    Stage.REVIEWER_APPOINTED: ("Appointed on", "Give the date the reviewer was appointed."),
    Stage.IN_PROGRESS: ("Started on", "Give the date the review started."),
    Stage.DRAFT: ("Draft received on", "Give the date the draft report arrived."),
    Stage.QUALITY_ASSURANCE: ("Sent on", "Give the date it went for quality assurance."),
    Stage.PUBLISHED: ("Published on", "A published review needs its publication date."),
    Stage.CLOSED: ("Closed on", "Give the date the review closed."),
}


class AdvanceForm(forms.Form):
    """One step on the commissioned path: its date, and what that step records."""

    on = forms.DateField(widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        label, missing = STAGE_DATES[stage]
        self.fields["on"].label = label
        self.fields["on"].error_messages.update(required=missing, invalid="Enter a real date.")
        if stage == Stage.REVIEWER_APPOINTED:
            self.fields["reviewer_name"] = forms.CharField(
                label="Independent reviewer",
                max_length=200,
                error_messages={"required": "Name the independent reviewer."},
            )
            self.fields["terms_of_reference"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 6}),
                error_messages={"required": "Set out the terms of reference."},
            )
            self.fields["terms_agreed_on"] = forms.DateField(
                label="Terms of reference agreed on",
                widget=DATE,
                required=False,
                help_text="Leave blank until the panel agrees them.",
                error_messages={"invalid": "Enter a real date."},
            )
        elif stage == Stage.PUBLISHED:
            self.fields["publication_url"] = forms.URLField(
                label="Link to the published report",
                required=False,
                max_length=200,
                assume_scheme="https",
                error_messages={"invalid": "Enter a full web address, e.g. https://…"},
            )
        elif stage == Stage.CLOSED:
            self.fields["closing_note"] = forms.CharField(
                label="Closing note",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                help_text="E.g. how the learning was embedded.",
            )


# --- Parallel processes ----------------------------------------------------------------


class ProcessForm(forms.Form):
    kind = forms.ChoiceField(
        label="Process",
        choices=[("", "Choose")] + list(ParallelProcess.Kind.choices),
        error_messages={"required": "Choose the kind of process."},
    )
    description = forms.CharField(
        max_length=300, required=False, help_text="E.g. the court or coroner; no names."
    )
    starts_on = _date("Starts on", "Give the date the process starts.")
    ends_on = forms.DateField(
        label="Ends on",
        widget=DATE,
        required=False,
        help_text="Leave blank while it continues.",
        error_messages={"invalid": "Enter a real date."},
    )
    pauses_clock = forms.BooleanField(
        label="Pauses the clock",
        required=False,
        initial=True,
        help_text="Untick if the review carries on alongside it.",
    )


class EndProcessForm(forms.Form):
    ends_on = _date("Ended on", "Give the date the process ended.", initial=timezone.localdate)
