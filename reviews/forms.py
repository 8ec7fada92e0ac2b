"""Forms of the case-panel pages.

The forms check the shape of each answer and say what is wrong beside the field; the rules
(a referral meets a criterion, dates in order, closing with actions open) live in ``services``
and come back as field errors through ``add_service_errors``. Nothing here saves anything.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from boards.forms import add_service_errors
from boards.forms_actions import DateInput
from boards.models import Board, Meeting, Organisation, Person
from partnership.periods import QUARTER_NAMES, FinancialYear

from .keys import MIN_KEY_LENGTH, normalise_person_key
from .models import Case, CaseAction, PanelRules

__all__ = ["add_service_errors"]

NOT_IN_FUTURE = "The date cannot be in the future."


def fields_only_helper(*layout) -> FormHelper:
    """The page writes the <form> tag, the CSRF token and the buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def _choices(choices, blank: str | None = None) -> list:
    return ([("", blank)] if blank is not None else []) + list(choices)


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(NOT_IN_FUTURE)
    return day


def _whole_number(label: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    """A number with the range named in the message, rather than Django's generic wording."""
    message = f"Give a whole number from {low} to {high}."
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        **kwargs,
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organisation.name})"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{timezone.localtime(obj.starts_at):%A %-d %B %Y, %H:%M}"


# --- Referrals ----------------------------------------------------------------------------


class CaseForm(forms.Form):
    """A referral's details, for a new case (``refer``) and for corrections (``edit``).

    The risk score's range and the thresholds in the help texts come from the panel's rules,
    so the form reads the same as the panel's own criteria.
    """

    person_key = forms.CharField(
        label="Matching key",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the matching key: initials and date of birth."},
        help_text="The person's initials and date of birth, e.g. “AB 01/02/1990”. It finds an "
        "earlier referral of the same person to this panel. The key itself is never stored: "
        "only a one-way hash of it is kept, so it cannot be shown again.",
    )
    subject_label = forms.CharField(
        label="Initials or pseudonym",
        max_length=40,
        error_messages={"required": "Give the person's initials or a pseudonym."},
        help_text="Never a full name. Shown on the case page only, never in lists or exports.",
    )
    referral_date = forms.DateField(
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": "Give the date of the referral."},
    )
    referring_organisation = OrganisationChoiceField(
        label="Referring agency",
        queryset=Organisation.objects.none(),
        empty_label="Choose",
        error_messages={"required": "Choose the agency that referred the case."},
    )
    referring_person = PersonChoiceField(
        label="Referrer",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Not recorded",
        help_text="The professional who referred the case; they must work for the agency.",
    )
    reason_professional_judgement = forms.BooleanField(
        label="Professional judgement",
        required=False,
        help_text="Tick when the referrer judges the risk high although no other criterion "
        "is met. The other reasons follow from the answers below.",
    )
    risk_score = forms.IntegerField(
        required=False, error_messages={"invalid": "Give the score as a whole number."}
    )
    police_incidents = _whole_number("Police incidents in the last 12 months", 0, 999, initial=0)
    risk_level = forms.ChoiceField(choices=Case.RiskLevel.choices, initial=Case.RiskLevel.HIGH)
    age_band = forms.ChoiceField(choices=Case.AgeBand.choices, initial="not_known")
    gender = forms.ChoiceField(choices=Case.Gender.choices, initial="not_known")
    ethnicity = forms.ChoiceField(choices=Case.Ethnicity.choices, initial="not_known")
    disability = forms.ChoiceField(choices=Case.Disability.choices, initial="not_known")
    sexual_orientation = forms.ChoiceField(
        choices=Case.SexualOrientation.choices, initial="not_known"
    )
    children_in_household = _whole_number(
        "Children in the household", 0, 30, required=False, help_text="Leave blank if not known."
    )
    consent = forms.ChoiceField(
        choices=_choices(Case.Consent.choices, "Choose"),
        error_messages={"required": "Say whether the person consented to the referral."},
    )
    consent_note = forms.CharField(
        label="Reason for sharing without consent",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when information is shared without consent. No names.",
    )
    transferred_in_from = forms.CharField(
        label="Transferred in from",
        max_length=100,
        required=False,
        help_text="For a MARAC-to-MARAC transfer in: the sending area.",
    )
    transferred_in_on = forms.DateField(
        label="Transferred in on", required=False, widget=DateInput()
    )

    def __init__(self, *args, rules: PanelRules, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.fields["referring_organisation"].queryset = Organisation.objects.filter(
            active=True
        ).order_by("name")
        self.fields["referring_person"].queryset = (
            Person.objects.filter(active=True).select_related("organisation").order_by("full_name")
        )
        score = self.fields["risk_score"]
        score.label = f"{rules.risk_measure} score"
        score.widget.attrs.update(min=rules.risk_score_min, max=rules.risk_score_max)
        score.help_text = (
            f"From {rules.score_range_text}; {rules.high_risk_threshold} or more marks visible "
            "high risk. Leave blank if not assessed."
        )
        if rules.escalation_incidents is not None:
            self.fields[
                "police_incidents"
            ].help_text = f"{rules.escalation_incidents} or more mark potential escalation."
        if editing:
            key = self.fields["person_key"]
            key.required = False
            key.help_text = (
                "Leave blank to keep the stored key. Type it again only to correct it: initials "
                "and date of birth. Only a one-way hash is kept."
            )
        self.helper = fields_only_helper(
            Fieldset(
                "The person",
                "person_key",
                "subject_label",
                "age_band",
                "gender",
                "ethnicity",
                "disability",
                "sexual_orientation",
                "children_in_household",
            ),
            Fieldset(
                "The referral",
                "referral_date",
                "referring_organisation",
                "referring_person",
                "transferred_in_from",
                "transferred_in_on",
            ),
            Fieldset(
                "Risk and reasons",
                "risk_score",
                "police_incidents",
                "risk_level",
                "reason_professional_judgement",
            ),
            Fieldset("Consent", "consent", "consent_note"),
        )

    def clean_person_key(self):
        raw = self.cleaned_data["person_key"]
        if raw.strip() and len(normalise_person_key(raw)) < MIN_KEY_LENGTH:
            raise forms.ValidationError(
                f"Enter at least {MIN_KEY_LENGTH} letters or digits: the person's initials and "
                "date of birth."
            )
        return raw

    def clean_subject_label(self):
        label = self.cleaned_data["subject_label"].strip()
        if not label:
            raise forms.ValidationError("Give the person's initials or a pseudonym.")
        return label

    def clean_referral_date(self):
        day = self.cleaned_data["referral_date"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The referral date cannot be in the future.")
        return day

    def clean_risk_score(self):
        score = self.cleaned_data["risk_score"]
        rules = self.rules
        if score is not None and not rules.risk_score_min <= score <= rules.risk_score_max:
            raise forms.ValidationError(
                f"A {rules.risk_measure} score is from {rules.risk_score_min} to "
                f"{rules.risk_score_max}."
            )
        return score

    def clean_transferred_in_on(self):
        return _not_in_future(self.cleaned_data["transferred_in_on"])

    def clean(self):
        data = super().clean()
        if data.get("consent") == Case.Consent.OVERRIDDEN and not data.get("consent_note"):
            self.add_error("consent_note", "Say why information is shared without consent.")
        area = (data.get("transferred_in_from") or "").strip()
        if area and not data.get("transferred_in_on") and "transferred_in_on" not in self.errors:
            self.add_error("transferred_in_on", "Give the date the case was transferred in.")
        if data.get("transferred_in_on") and not area:
            self.add_error("transferred_in_from", "Give the area the case came from.")
        return data

    @classmethod
    def initial_for(cls, case: Case) -> dict:
        """What the edit form starts from: the stored values (never the key, which is gone)."""
        names = [name for name in cls.base_fields if name != "person_key"]
        initial = {name: getattr(case, name) for name in names}
        initial["referring_organisation"] = case.referring_organisation_id
        initial["referring_person"] = case.referring_person_id
        return initial


# --- Meeting lists --------------------------------------------------------------------------


class ListingForm(forms.Form):
    """Put a case on one of the panel's coming meetings."""

    meeting = MeetingChoiceField(
        queryset=Meeting.objects.none(),
        empty_label="Choose a meeting",
        error_messages={
            "required": "Choose the meeting.",
            "invalid_choice": "Choose one of the panel's coming meetings.",
        },
    )
    minutes = _whole_number(
        "Minutes for the case", 1, 240, required=False, help_text="Blank: the panel's usual time."
    )
    order = _whole_number(
        "Place on the list", 1, 999, required=False, help_text="Blank puts the case last."
    )

    def __init__(self, *args, panel: Board, rules: PanelRules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.upcoming().filter(board=panel).order_by("starts_at")
        )
        self.fields[
            "minutes"
        ].help_text = f"Blank gives the panel's usual {rules.minutes_per_case} minutes."


class ListingChangeForm(forms.Form):
    """A case's place and time on a meeting's list."""

    order = _whole_number("Place", 1, 999)
    minutes = _whole_number("Minutes", 1, 240)


class AgreementForm(forms.Form):
    agree = forms.BooleanField(
        label="I will keep the information about these cases confidential, use it only for the "
        "safety of the people concerned, and share it only as the panel agrees.",
        error_messages={"required": "Tick the box to record your agreement."},
    )


# --- Actions --------------------------------------------------------------------------------


class ActionForm(forms.Form):
    agency = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        empty_label="Choose",
        error_messages={"required": "Choose the agency that will act."},
    )
    description = forms.CharField(
        label="The action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action."},
        help_text="What the agency will do. Refer to the person by initials only.",
    )
    owner = forms.CharField(
        max_length=200,
        required=False,
        help_text="Name or role of the professional responsible.",
    )
    due_on = forms.DateField(
        label="Due", widget=DateInput(), error_messages={"required": "Give the due date."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organisation.objects.filter(active=True).order_by("name")


class ActionUpdateForm(ActionForm):
    note = forms.CharField(
        label="Progress note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dated and kept with the action.",
    )

    @staticmethod
    def initial_for(action: CaseAction) -> dict:
        return {
            "agency": action.agency_id,
            "description": action.description,
            "owner": action.owner,
            "due_on": action.due_on,
        }


class CompleteActionForm(forms.Form):
    completed_on = forms.DateField(
        label="Done on", widget=DateInput(), required=False, initial=timezone.localdate
    )
    note = forms.CharField(
        label="Closing note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The completion date cannot be in the future.")
        return day


class CancelActionForm(forms.Form):
    note = forms.CharField(
        label="Why is it cancelled?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the action is cancelled."},
    )


# --- Closing --------------------------------------------------------------------------------


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason for closing",
        choices=_choices(Case.ClosureReason.choices, "Choose"),
        error_messages={"required": "Choose why the case is closing."},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for “Other”, and when actions are still open (they will be "
        "cancelled). No names.",
    )
    closed_on = forms.DateField(
        label="Closed on", widget=DateInput(), required=False, initial=timezone.localdate
    )
    transferred_to = forms.CharField(
        label="Receiving area",
        max_length=100,
        required=False,
        help_text="For a transfer out: the area the case goes to.",
    )
    transferred_on = forms.DateField(
        label="Transferred on",
        widget=DateInput(),
        required=False,
        help_text="For a transfer out; blank means the closing date.",
    )

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The closing date cannot be in the future.")
        return day

    def clean(self):
        data = super().clean()
        reason = data.get("reason")
        transfer = reason == Case.ClosureReason.TRANSFERRED_OUT
        if transfer and not data.get("transferred_to", "").strip():
            self.add_error("transferred_to", "A transfer out needs the receiving area.")
        if reason == Case.ClosureReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Explain the reason for closing.")
        return data


class TransferOutForm(forms.Form):
    to_area = forms.CharField(
        label="Receiving area",
        max_length=100,
        error_messages={"required": "A transfer out needs the receiving area."},
        help_text="The area where the people now live, whose panel takes the case on.",
    )
    on = forms.DateField(
        label="Transferred on",
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": "Give the date of the transfer."},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when actions are still open (they will be cancelled). No names.",
    )

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The transfer date cannot be in the future.")
        return day


# --- Exports, disposals, statistics -------------------------------------------------------


class ExportForm(forms.Form):
    SCOPES = (("open", "Open cases"), ("all", "All cases, open and closed"))

    scope = forms.ChoiceField(label="Which cases", choices=SCOPES, initial="open")
    justification = forms.CharField(
        label="Why do you need this list?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you need the list; it is kept in the access log."},
        help_text="Kept in the panel's access log for the Chair to read. Do not write any "
        "personal data here: no names, initials or addresses.",
    )


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.reference


class DisposalForm(forms.Form):
    """Approve the erasure of some or all of one panel's cases that are due."""

    cases = CaseChoiceField(
        label="Cases to erase",
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm = forms.BooleanField(
        label="I approve the erasure of these cases' personal data. This cannot be undone.",
        error_messages={"required": "Tick the box to approve the erasure."},
    )

    def __init__(self, *args, due, erase_all: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.erase_all = erase_all
        self.fields["cases"].queryset = due

    def clean_cases(self):
        chosen = self.cleaned_data["cases"]
        if self.erase_all:
            chosen = list(self.fields["cases"].queryset)
            if not chosen:
                raise forms.ValidationError("No case of this panel is due for disposal.")
            return chosen
        if not chosen:
            raise forms.ValidationError("Choose the cases to erase, or erase them all.")
        return list(chosen)


def year_choices(today=None, back: int = 5) -> list[tuple[str, str]]:
    current = FinancialYear.containing(today or timezone.localdate())
    years = [FinancialYear(current.start_year - n) for n in range(back + 1)]
    return [(year.label, year.label) for year in years]


class StatisticsPeriodForm(forms.Form):
    year = forms.ChoiceField(label="Financial year")
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "The whole year"), *QUARTER_NAMES.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].error_messages["invalid_choice"] = (
            "Choose one of the financial years listed."
        )
        self.fields["quarter"].error_messages["invalid_choice"] = "Choose a quarter from 1 to 4."

    @staticmethod
    def initial_for(today=None) -> dict:
        today = today or timezone.localdate()
        year = FinancialYear.containing(today)
        return {"year": year.label, "quarter": year.quarter_of(today)}
