"""Forms of the learning pages of statutory reviews: recommendations, their actions, the
7-minute briefing and its dissemination.

The forms check the shape of each answer; the rules (evidence before closing, one record per
agency, the stage that takes recommendations) live in ``reviews.statutory`` and come back as
field errors through ``add_service_errors``. Nothing here saves anything.
"""

from django import forms
from django.utils import timezone

from boards.forms import DATE
from boards.models import Organisation

from .models import RecommendationAction, Review

NOT_IN_FUTURE = "This date cannot be in the future."


def _active_organisations():
    return Organisation.objects.filter(active=True).order_by("name")


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _text(label, message="", rows=3, required=True, **kwargs) -> forms.CharField:
    errors = {"required": message} if message else {}
    errors.update(kwargs.pop("error_messages", {}))
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=errors,
        **kwargs,
    )


def _day(label, message="", required=True, **kwargs) -> forms.DateField:
    errors = {"invalid": "Enter a real date."}
    if message:
        errors["required"] = message
    return forms.DateField(
        label=label, required=required, widget=DATE, error_messages=errors, **kwargs
    )


def _past_or_today(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(NOT_IN_FUTURE)
    return day


class RecommendationForm(forms.Form):
    text = _text(
        "Recommendation",
        "Write the recommendation.",
        rows=4,
        help_text="As the report words it. It takes the next number.",
    )
    lead_organisations = OrganisationsField(
        label="Lead organisations",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one lead organisation.",
            "invalid_choice": "Choose the lead organisations from the list.",
            "invalid_pk_value": "Choose the lead organisations from the list.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisations"].queryset = _active_organisations()


class RecommendationActionForm(forms.Form):
    description = _text("The action", "Describe the action.")
    organisation = OrganisationField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose",
        error_messages={
            "required": "Choose the organisation that will act.",
            "invalid_choice": "Choose the organisation from the list.",
        },
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        error_messages={"required": "Name the post or person who owns the action."},
        help_text="The post or person responsible, e.g. Head of Service.",
    )
    due_on = _day("Due date", "Give the due date.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _active_organisations()


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=RecommendationAction.Status.choices,
        error_messages={
            "required": "Choose the action's status.",
            "invalid_choice": "Choose the action's status.",
        },
    )
    evidence = _text(
        "Evidence of completion",
        required=False,
        help_text="Needed to mark the action complete: what shows it is done.",
    )
    completed_on = _day(
        "Completed on", required=False, help_text="Left blank, today's date is used."
    )
    due_on = _day("Due date", "Give the due date.")

    def clean_completed_on(self):
        return _past_or_today(self.cleaned_data["completed_on"])

    @staticmethod
    def initial_for(action: RecommendationAction) -> dict:
        return {
            "status": action.status,
            "evidence": action.evidence,
            "completed_on": action.completed_on,
            "due_on": action.due_on,
        }


class CompleteRecommendationForm(forms.Form):
    # Not required here: the service gives the refusal, so it reads the same everywhere.
    evidence = _text(
        "Evidence of completion",
        required=False,
        rows=4,
        help_text="What shows the recommendation is met, e.g. an audit or a revised policy.",
    )
    completed_on = _day(
        "Completed on", required=False, help_text="Left blank, today's date is used."
    )

    def clean_completed_on(self):
        return _past_or_today(self.cleaned_data["completed_on"])


BRIEFING_HELP = {
    "briefing_summary": "A short account of what happened, by pseudonym only.",
    "briefing_why": "Why the learning matters to practitioners in every agency.",
    "findings": "One finding per paragraph, with a blank line between them; they are numbered.",
    "briefing_practice": "What practitioners should do differently.",
    "briefing_questions": "One question per line.",
}

# Generous limits that still let a briefing fit its one page.
BRIEFING_LIMITS = {
    "briefing_summary": 1200,
    "briefing_why": 900,
    "findings": 2400,
    "briefing_practice": 1200,
    "briefing_questions": 700,
}
TOO_LONG = (
    "Keep this part to %(limit_value)d characters (it has %(show_value)d): "
    "the briefing is one page."
)

# The order the briefing reads in, which is not the model's.
BRIEFING_ORDER = (
    "briefing_summary",
    "briefing_why",
    "findings",
    "briefing_practice",
    "briefing_questions",
)


def briefing_label(field: str) -> str:
    label = str(Review._meta.get_field(field).verbose_name)
    return label[:1].upper() + label[1:]


def missing_briefing_parts(review: Review) -> list[str]:
    """The labels of the briefing's parts not yet written, in reading order."""
    return [
        briefing_label(field)
        for field in BRIEFING_ORDER
        if not (getattr(review, field) or "").strip()
    ]


class BriefingForm(forms.Form):
    """The five parts; each may be saved on its own, and the briefing is ready when all are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {"findings": 8, "briefing_questions": 5}
        for field in BRIEFING_ORDER:
            self.fields[field] = _text(
                briefing_label(field),
                required=False,
                rows=rows.get(field, 4),
                max_length=BRIEFING_LIMITS[field],
                help_text=BRIEFING_HELP[field],
                error_messages={"max_length": TOO_LONG},
            )

    def clean(self):
        cleaned = super().clean()
        for field in BRIEFING_ORDER:
            if field in cleaned:
                cleaned[field] = _tidy_lines(cleaned[field])
        return cleaned

    @staticmethod
    def initial_for(review: Review) -> dict:
        return {field: getattr(review, field) for field in BRIEFING_ORDER}


def _tidy_lines(text: str) -> str:
    """Browsers send CRLF; findings are split on blank lines, so make blank lines plain."""
    return "\n".join(line.rstrip() for line in (text or "").splitlines()).strip()


class DisseminationForm(forms.Form):
    organisation = OrganisationField(
        label="Agency",
        queryset=Organisation.objects.none(),
        empty_label="Choose",
        error_messages={
            "required": "Choose the agency.",
            "invalid_choice": "Choose the agency from the list.",
        },
    )
    disseminated_on = _day("Shared on", "Give the date the agency shared it.")
    how = forms.CharField(
        label="How it was shared",
        max_length=300,
        error_messages={"required": "Say how the briefing was shared, e.g. team meetings."},
        help_text="E.g. team meetings, staff bulletin, supervision.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _active_organisations()

    def clean_disseminated_on(self):
        return _past_or_today(self.cleaned_data["disseminated_on"])
