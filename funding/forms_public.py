"""Forms for the fund's public pages, filled in by people without an account.

Every form carries a honeypot box. Field lengths match the model columns, so text the database
would refuse (PostgreSQL enforces them; SQLite does not) is refused here, next to the field.
"""

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from boards.forms import DATE
from boards.validators import validate_document
from partnership.downloads import safe_file_name

from . import services
from .models import (
    Application,
    ApplicationBudgetLine,
    ApplicationDocument,
    BudgetCategory,
    ChangeRequest,
    EligibilityQuestion,
    FundingRound,
    MonitoringReturn,
    OrganisationType,
)
from .monitoring import ReturnAnswers

HONEYPOT = "website"

# The type a document is served as, from the extension validate_document has checked against
# the content; the browser's own claim is never trusted.
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
OCTET_STREAM = "application/octet-stream"


def _limit(field: str) -> int:
    return Application._meta.get_field(field).max_length


class PublicForm(forms.Form):
    """A form with a honeypot: a box people never see, which form-filling robots complete."""

    website = forms.CharField(
        required=False,
        max_length=200,
        label="Leave this box empty",
        help_text="It is here to catch automated form-fillers.",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data.get(HONEYPOT):
            raise ValidationError("This box must be left empty. Clear it and send the form again.")
        return ""

    @property
    def caught_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class PoundsField(forms.CharField):
    """An amount in pounds: "12500", "12,500" or "£12,500.50"; pence optional, never more."""

    PATTERN = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$")
    LARGEST = Decimal("99999999.99")  # the model columns hold ten digits, two after the point

    def __init__(self, *, min_value: Decimal | None = None, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = text.replace(" ", "").removeprefix("£")
        # Checked as text, so "1e309", "NaN" or "-0" never reach Decimal.
        if len(text) > 14 or not self.PATTERN.fullmatch(text):
            raise ValidationError(
                "Give an amount in pounds, such as 12500 or 12,500.50.", code="invalid"
            )
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation as error:  # not reachable after the pattern; kept for safety
            raise ValidationError("Give an amount in pounds.", code="invalid") from error
        if amount > self.LARGEST:
            raise ValidationError("That amount is too large.", code="max_value")
        if self.min_value is not None and amount < self.min_value:
            raise ValidationError(f"Give an amount of at least £{self.min_value:,.2f}.")
        return amount

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value


class ChoicesById(forms.ModelMultipleChoiceField):
    """Checkboxes of rows, refusing anything but a plausible id before it reaches the database
    (an id past the 64-bit range would make the query itself fail)."""

    ID = re.compile(r"[0-9]{1,18}")

    def _check_values(self, value):
        for pk in value:
            if not isinstance(pk, str) or not self.ID.fullmatch(pk.strip()):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


phone = RegexValidator(
    r"^\+?[0-9 ().-]{7,40}$", "Give a telephone number using digits, spaces and + ( ) - only."
)


class ExpressionForm(PublicForm):
    organisation_name = forms.CharField(max_length=_limit("organisation_name"))
    contact_name = forms.CharField(label="Your name", max_length=_limit("contact_name"))
    contact_email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We send your private link here.",
    )
    contact_phone = forms.CharField(
        label="Telephone (optional)",
        required=False,
        max_length=_limit("contact_phone"),
        validators=[phone],
    )
    project_title = forms.CharField(max_length=_limit("project_title"))
    summary = forms.CharField(
        label="Project summary",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the project will do and for whom, in up to 2,000 characters.",
    )
    amount_estimate = PoundsField(label="Estimated amount you will ask for (£)")
    priority_areas = ChoicesById(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Priority areas your project addresses",
        error_messages={"required": "Choose at least one priority area your project addresses."},
    )

    field_order = [
        "organisation_name",
        "contact_name",
        "contact_email",
        "contact_phone",
        "project_title",
        "summary",
        "amount_estimate",
        "priority_areas",
        HONEYPOT,
    ]

    def __init__(self, round_: FundingRound, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.fields["priority_areas"].queryset = round_.priority_areas.all()
        self.fields[
            "amount_estimate"
        ].help_text = (
            f"Grants in this round are from £{round_.min_grant:,.0f} to £{round_.max_grant:,.0f}."
        )

    def expression(self) -> services.Expression:
        data = self.cleaned_data
        return services.Expression(
            organisation_name=data["organisation_name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            project_title=data["project_title"],
            summary=data["summary"],
            amount_estimate=data["amount_estimate"],
            priority_areas=list(data["priority_areas"]),
        )


YES_NO = [("yes", "Yes"), ("no", "No")]


class EligibilityForm(PublicForm):
    """One yes/no question per rule of the round; nothing is stored."""

    def __init__(self, questions: list[EligibilityQuestion], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[self.field_name(question)] = forms.ChoiceField(
                label=question.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer this question."},
            )
        self.order_fields([*(self.field_name(q) for q in questions), HONEYPOT])

    @staticmethod
    def field_name(question: EligibilityQuestion) -> str:
        return f"q{question.pk}"

    def failed(self) -> list[EligibilityQuestion]:
        """The rules the answers break, in the order they were asked."""
        failed = []
        for question in self.questions:
            said_yes = self.cleaned_data[self.field_name(question)] == "yes"
            if said_yes != question.eligible_answer:
                failed.append(question)
        return failed


class LostLinkForm(PublicForm):
    reference = forms.CharField(
        label="Your reference",
        max_length=_limit("reference"),
        help_text="It starts POCA-, for example POCA-2026-0042.",
    )
    email = forms.EmailField(label="The e-mail address on the application", max_length=254)

    field_order = ["reference", "email", HONEYPOT]


class WithdrawForm(PublicForm):
    confirm = forms.CharField(widget=forms.HiddenInput, initial="withdraw")

    def clean_confirm(self):
        if self.cleaned_data["confirm"] != "withdraw":
            raise ValidationError("Confirm that you want to withdraw.")
        return "withdraw"


def _org_type_choices():
    return [("", "Choose the kind of organisation")] + list(OrganisationType.choices)


class ApplicantForm(PublicForm):
    """The full application. Every field is optional here: a draft may be saved half-done, and
    the rules for a complete application are the service's (completeness_problems)."""

    organisation_type = forms.ChoiceField(
        label="Kind of organisation", choices=_org_type_choices, required=False
    )
    charity_number = forms.CharField(
        label="Charity number",
        required=False,
        max_length=_limit("charity_number"),
        help_text="Registered charities and CIOs: your Charity Commission number.",
    )
    company_number = forms.CharField(
        label="Companies House number",
        required=False,
        max_length=_limit("company_number"),
        help_text="CICs and companies: 8 digits, or 2 letters and 6 digits.",
    )
    address = forms.CharField(
        label="Organisation address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    need = forms.CharField(
        label="The need",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What problem the project tackles, and the evidence that it matters here.",
    )
    means = forms.CharField(
        label="How the project will be delivered",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Who does what, where and when; the people it will reach.",
    )
    evaluation = forms.CharField(
        label="How you will evaluate it",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How you will know it worked, and what you will measure and report.",
    )
    amount_requested = PoundsField(label="Amount requested (£)", required=False)
    start_date = forms.DateField(label="Start date", required=False, widget=DATE)
    duration_months = forms.IntegerField(
        label="Length of the project (months)", required=False, min_value=1, max_value=120
    )
    match_funding = PoundsField(label="Match funding (£)", required=False)
    match_funding_source = forms.CharField(
        label="Where the match funding comes from",
        required=False,
        max_length=Application._meta.get_field("match_funding_source").max_length,
    )
    priority_areas = ChoicesById(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Priority areas the project addresses (at least one)",
    )
    key_themes = ChoicesById(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Key themes the project considers",
    )
    established_under_a_year = forms.BooleanField(
        label="The organisation was set up less than a year ago (so has no annual accounts yet)",
        required=False,
    )
    declarations_confirmed = forms.BooleanField(
        label="I confirm the declarations above on behalf of the organisation", required=False
    )

    SCALAR_FIELDS = (
        "organisation_type",
        "charity_number",
        "company_number",
        "address",
        "need",
        "means",
        "evaluation",
        "amount_requested",
        "start_date",
        "duration_months",
        "match_funding",
        "match_funding_source",
        "established_under_a_year",
        "declarations_confirmed",
    )
    SECTIONS = {
        "organisation": ("organisation_type", "charity_number", "company_number", "address"),
        "project": (
            "need",
            "means",
            "evaluation",
            "amount_requested",
            "start_date",
            "duration_months",
        ),
        "match": ("match_funding", "match_funding_source"),
        "priorities": ("priority_areas", "key_themes"),
    }

    def __init__(self, round_: FundingRound, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_areas"].queryset = round_.priority_areas.all()
        self.fields["key_themes"].queryset = round_.key_themes.all()
        self.fields["amount_requested"].help_text = (
            f"From £{round_.min_grant:,.0f} to £{round_.max_grant:,.0f}; "
            "it must equal the total of the budget lines."
        )
        self.fields["duration_months"].help_text = f"Up to {round_.max_months} months."

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = {name: getattr(application, name) for name in cls.SCALAR_FIELDS}
        initial["priority_areas"] = list(application.priority_areas.all())
        initial["key_themes"] = list(application.key_themes.all())
        return initial

    def clean_charity_number(self):
        return self.cleaned_data["charity_number"].replace(" ", "")

    def clean_company_number(self):
        return self.cleaned_data["company_number"].replace(" ", "").upper()

    @property
    def sections(self) -> dict[str, list]:
        """The bound fields of each section, for the template."""
        return {name: [self[f] for f in fields] for name, fields in self.SECTIONS.items()}

    def save_valid_answers(self, application: Application) -> None:
        """Store every answer that passed its own check; leave the others as they were."""
        valid = self.cleaned_data  # Django drops a field from here when it has an error
        changed = []
        for name in self.SCALAR_FIELDS:
            if name in valid and name not in self.errors:
                value = valid[name]
                if name == "match_funding" and value is None:
                    value = Decimal("0")
                setattr(application, name, value)
                changed.append(name)
        if changed:
            # Only the answers: a new private link issued meanwhile must not be overwritten.
            application.save(update_fields=changed)
        for name in ("priority_areas", "key_themes"):
            if name in valid and name not in self.errors:
                getattr(application, name).set(valid[name])


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (not funded)" if obj.excluded else obj.name


class BudgetLineForm(forms.ModelForm):
    category = CategoryChoiceField(
        queryset=BudgetCategory.objects.all(),
        empty_label="Choose a category",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "Choose a category."},
    )
    description = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": "Say what this cost is."},
    )
    amount = PoundsField(
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
        error_messages={"required": "Give the amount."},
    )

    class Meta:
        model = ApplicationBudgetLine
        fields = ["category", "description", "amount"]


BudgetFormSet = forms.inlineformset_factory(
    Application,
    ApplicationBudgetLine,
    form=BudgetLineForm,
    extra=3,
    max_num=40,
    absolute_max=40,
    validate_max=True,
    can_delete=True,
)


class DocumentForm(PublicForm):
    kind = forms.ChoiceField(label="What the document is", choices=ApplicationDocument.Kind.choices)
    file = forms.FileField(
        label="File",
        validators=[validate_document],
        help_text="PDF, Word, Excel, PowerPoint or OpenDocument, up to the size limit.",
        error_messages={"empty": "The file is empty."},
    )

    field_order = ["kind", "file", HONEYPOT]

    def save(self, application: Application) -> ApplicationDocument:
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        return ApplicationDocument.objects.create(
            application=application,
            kind=self.cleaned_data["kind"],
            file=upload,
            original_name=safe_file_name(upload.name),
            content_type=DOCUMENT_TYPES.get(extension, OCTET_STREAM),
            size=upload.size,
        )


# --- The grantee's pages -----------------------------------------------------------------------

LONG_ANSWER = 6000  # characters: about two pages, plenty for a quarterly report


class MonitoringReturnForm(PublicForm):
    """A progress return, or with ``final`` the end-of-grant evaluation."""

    progress = forms.CharField(
        label="What the project has done since the last return",
        max_length=LONG_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Activities run, milestones met, and anything that went differently from plan.",
    )
    spend_to_date = PoundsField(
        label="Spent so far from the grant (£)", required=False, min_value=Decimal(0)
    )
    people_reached = forms.IntegerField(
        label="People reached so far", required=False, min_value=0, max_value=10_000_000
    )
    difficulties = forms.CharField(
        label="Difficulties or risks we should know about",
        max_length=LONG_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcomes = forms.CharField(
        label="What difference the project made",
        max_length=LONG_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The results against what you set out to achieve, with numbers where you have "
        "them, and what you learned.",
    )
    unspent = PoundsField(
        label="Grant not spent (£)",
        required=False,
        min_value=Decimal(0),
        help_text="0 if it was all spent. We will tell you how to return anything left over.",
    )

    def __init__(self, *args, final: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.final = final
        if not final:
            del self.fields["outcomes"]
            del self.fields["unspent"]

    @classmethod
    def initial_for(cls, report: MonitoringReturn) -> dict:
        names = ["progress", "spend_to_date", "people_reached", "difficulties"]
        if report.final:
            names += ["outcomes", "unspent"]
        return {name: getattr(report, name) for name in names}

    def answers(self) -> ReturnAnswers:
        data = self.cleaned_data
        return ReturnAnswers(
            progress=data["progress"],
            spend_to_date=data["spend_to_date"],
            people_reached=data["people_reached"],
            difficulties=data["difficulties"],
            outcomes=data.get("outcomes", ""),
            unspent=data.get("unspent"),
        )


class ChangeRequestForm(PublicForm):
    kind = forms.ChoiceField(
        label="What kind of change",
        choices=[("", "Choose one"), *ChangeRequest.Kind.choices],
        required=False,
    )
    description = forms.CharField(
        label="The change, and why it is needed",
        max_length=LONG_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    new_ends_on = forms.DateField(
        label="New end date",
        required=False,
        widget=DATE,
        help_text="Only when you are asking for more time.",
    )
