"""Forms to raise an action and to record an update on it.

The forms check only the shape of the input; the rules (an owner is named, the item is on the
meeting's agenda, dates in order) live in ``services`` and come back as field errors.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from .models import Action, AgendaItem, Board, Meeting, Organisation, Person


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{timezone.localtime(obj.starts_at):%-d %B %Y}"


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference}: {obj.title}"


def _fields_only_helper() -> FormHelper:
    """The page template writes the <form> tag, the CSRF token and the buttons."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ActionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="The action",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the board asked for, in the words of the minutes.",
    )
    owner_person = forms.ModelChoiceField(
        label="Owner (person)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="No one named",
        help_text="Name a person, an organisation or both.",
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner (organisation)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No organisation named",
    )
    due_date = forms.DateField(label="Due date", widget=DateInput())
    meeting = MeetingChoiceField(
        label="Meeting where it was raised",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not raised at a meeting",
    )
    item = ItemChoiceField(
        label="Agenda item",
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label="No particular item",
        help_text="Must be an item on the chosen meeting's agenda.",
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self.fields["owner_person"].queryset = (
            Person.objects.filter(active=True).select_related("organisation").order_by("full_name")
        )
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            active=True
        ).order_by("name")
        self.fields["meeting"].queryset = board.meetings.order_by("-starts_at")
        self.fields["item"].queryset = (
            AgendaItem.objects.filter(meeting__board=board)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "number")
        )
        self.helper = _fields_only_helper()
        self.helper.layout = Layout(
            Fieldset("The action", "title", "description", "due_date"),
            Fieldset("Who owns it", "owner_person", "owner_organisation"),
            Fieldset("Where it was raised", "meeting", "item"),
        )


class ActionUpdateForm(forms.Form):
    note = forms.CharField(
        label="What has happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what has happened."},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label="Date of the update", widget=DateInput())

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate(), "status": action.status})
        super().__init__(*args, **kwargs)
        self.helper = _fields_only_helper()
        self.helper.layout = Layout("note", "status", "on")
