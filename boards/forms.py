"""Forms for boards, members, meetings, agendas, attendance and declarations."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import (
    AgendaItem,
    Attendance,
    Board,
    Declaration,
    Meeting,
    Membership,
    Organisation,
    Paper,
    Person,
    TermsOfReference,
)


def add_service_errors(
    form: forms.Form, error: ValidationError, *, elsewhere: list | None = None
) -> None:
    """Show a service's refusal on the form: by the field it names, else at the top.

    Keys the form has no field for (e.g. "tranches") go to ``elsewhere`` when given, so the
    page can show them beside the part they are about.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        elif elsewhere is not None:
            elsewhere.extend(message for e in errors for message in e.messages)
        else:
            form.add_error(None, errors)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "sector", "responsible_authority", "active"]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "job_title", "organisation", "email", "user", "active"]
        labels = {"user": "Sign-in account"}


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "meeting_frequency",
            "purpose",
            "quorum_kind",
            "quorum_numerator",
            "quorum_denominator",
            "quorum_rounding",
            "quorum_fixed",
            "quorum_requires_chair",
            "deputies_from_other_organisations",
        ]
        labels = {
            "quorum_kind": "Quorum",
            "quorum_numerator": "Fraction: parts",
            "quorum_denominator": "Fraction: out of",
            "quorum_rounding": "Rounding",
        }
        help_texts = {"quorum_numerator": "For a quarter of the membership: 1 out of 4."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = Board.objects.exclude(pk=self.instance.pk)


class TermsOfReferenceForm(forms.ModelForm):
    class Meta:
        model = TermsOfReference
        fields = ["version", "document", "approved_on", "review_due"]
        widgets = {"approved_on": DATE, "review_due": DATE}

    def clean_version(self):
        version = self.cleaned_data["version"]
        board = self.instance.board
        if board.terms_of_reference.filter(version=version).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This board already has terms of reference of that version.")
        return version


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", "organisation", "role", "voting", "deputy", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}
        help_texts = {"end_date": "Leave blank while the membership continues."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(active=True).select_related("organisation")
        self.fields["person"].queryset = people
        self.fields["deputy"].queryset = people
        self.fields["organisation"].queryset = Organisation.objects.filter(active=True)


class MeetingForm(forms.ModelForm):
    # A link typed without a scheme is taken as https://.
    online_link = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ["starts_at", "ends_at", "venue", "online_link", "others_present"]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "others_present": forms.Textarea(attrs={"rows": 3}),
        }


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["number", "title", "report_of", "purpose", "exempt", "outcome"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3})}

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number < 1:
            raise ValidationError("Number items from 1.")
        taken = AgendaItem.objects.filter(meeting=self.instance.meeting, number=number)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Item {number} is already on this agenda.")
        return number


class PaperForm(forms.ModelForm):
    class Meta:
        model = Paper
        fields = ["title", "file"]


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = ["person", "item", "kind", "interest"]
        widgets = {"interest": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(
                Q(memberships__in=Membership.objects.on(meeting.date).filter(board=meeting.board))
                | Q(deputy_attendance__meeting=meeting)
            )
            .distinct()
            .select_related("organisation")
        )
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].label_from_instance = lambda item: f"{item.number}. {item.title}"


class AttendanceForm(forms.Form):
    """One row per member on the meeting date: a status and, for a deputy, who came."""

    def __init__(self, *args, meeting: Meeting, memberships, saved: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.memberships = list(memberships)
        board = meeting.board
        if board.deputies_from_other_organisations:
            people = list(Person.objects.filter(active=True).select_related("organisation"))
        else:
            organisations = {m.organisation_id for m in self.memberships}
            people = list(
                Person.objects.filter(
                    active=True, organisation_id__in=organisations
                ).select_related("organisation")
            )
        self.rows = []
        for membership in self.memberships:
            row = saved.get(membership.pk)
            status_name, deputy_name = f"status_{membership.pk}", f"deputy_{membership.pk}"
            self.fields[status_name] = forms.ChoiceField(
                label=f"{membership.person.full_name}: attendance",
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=row.status if row else None,
            )
            candidates = [
                p
                for p in people
                if p.pk != membership.person_id
                and (
                    board.deputies_from_other_organisations
                    or p.organisation_id == membership.organisation_id
                )
            ]
            self.fields[deputy_name] = forms.TypedChoiceField(
                label=f"Deputy for {membership.person.full_name}",
                choices=[("", "Choose the deputy")] + [(p.pk, p.full_name) for p in candidates],
                coerce=int,
                empty_value=None,
                required=False,
                initial=(row.deputy_id if row and row.deputy_id else membership.deputy_id),
            )
            self.rows.append((membership, self[status_name], self[deputy_name]))

    def entries(self):
        from .services import AttendanceEntry

        result = []
        for membership in self.memberships:
            status = self.cleaned_data.get(f"status_{membership.pk}")
            if not status:
                continue
            deputy = self.cleaned_data.get(f"deputy_{membership.pk}")
            result.append(AttendanceEntry(membership.pk, status, deputy))
        return result

    def proposed_statuses(self) -> dict[int, str]:
        """What the form says now, valid or not: for the live quorum indicator."""
        statuses = {}
        for membership in self.memberships:
            value = self.data.get(self.add_prefix(f"status_{membership.pk}"))
            if value in Attendance.Status.values:
                statuses[membership.pk] = value
        return statuses
