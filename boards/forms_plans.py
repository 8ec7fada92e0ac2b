"""Forms for strategic plans, priorities, key actions, progress updates and the plan filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.periods import FinancialYear

from .forms import DATE
from .models import Board, KeyAction, Organisation, Priority, StrategicPlan
from .plan_services import next_sequence


def year_choices(around: int | None = None, before: int = 3, after: int = 6):
    centre = around or FinancialYear.containing(timezone.localdate()).start_year
    return [(y, FinancialYear(y).label) for y in range(centre - before, centre + after + 1)]


class PlanForm(forms.ModelForm):
    start_year = forms.TypedChoiceField(coerce=int, label="First financial year")
    end_year = forms.TypedChoiceField(coerce=int, label="Last financial year")

    class Meta:
        model = StrategicPlan
        fields = ["board", "title", "start_year", "end_year", "status_key", "summary"]
        labels = {"status_key": "Status key"}
        help_texts = {"status_key": "The statuses, colours and labels the plan reports with."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = year_choices(self.instance.start_year or None)
        self.fields["start_year"].choices = choices
        self.fields["end_year"].choices = choices
        self.fields["board"].queryset = Board.objects.filter(active=True)


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["number", "title", "aim", "domain", "lead_board"]
        widgets = {"aim": forms.Textarea(attrs={"rows": 3})}

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number < 1:
            raise ValidationError("Number priorities from 1.")
        clash = Priority.objects.filter(plan=self.instance.plan, number=number)
        if clash.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Priority {number} is already in this plan.")
        return number


class KeyActionForm(forms.ModelForm):
    class Meta:
        model = KeyAction
        fields = ["sequence", "title", "delivery", "lead_organisations", "deadline", "comments"]
        widgets = {
            "deadline": DATE,
            "delivery": forms.Textarea(attrs={"rows": 3}),
            "comments": forms.Textarea(attrs={"rows": 2}),
            "lead_organisations": forms.CheckboxSelectMultiple,
        }
        labels = {"sequence": "Number after the point"}

    def __init__(self, *args, priority: Priority, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority = priority
        self.fields["lead_organisations"].queryset = Organisation.objects.filter(active=True)
        self.fields["sequence"].required = self.instance.pk is not None
        if not self.instance.pk:
            self.fields["sequence"].help_text = "Leave blank to number it after the last one."

    def clean_sequence(self):
        sequence = self.cleaned_data.get("sequence")
        if sequence is None and not self.instance.pk:
            return next_sequence(self.priority)
        if sequence is not None:
            if sequence < 1:
                raise ValidationError("Number key actions from 1.")
            clash = KeyAction.objects.filter(priority=self.priority, sequence=sequence)
            if clash.exclude(pk=self.instance.pk).exists():
                raise ValidationError(
                    f"Action {self.priority.number}.{sequence} is already in the plan."
                )
        return sequence

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        plan = self.priority.plan
        if deadline and not plan.start <= deadline <= plan.end:
            raise ValidationError(f"The deadline must fall within the plan ({plan.period_label}).")
        return deadline

    def _post_clean(self):
        # The status is set by progress updates, not by this form.
        self.instance.priority = self.priority
        if not self.instance.pk:
            self.instance.status = self.priority.plan.status_key.initial_option()
        super()._post_clean()


class ProgressForm(forms.Form):
    status = forms.ModelChoiceField(queryset=None, empty_label=None, widget=forms.RadioSelect)
    note = forms.CharField(label="What has happened", widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label="Date of the update", widget=DATE)

    def __init__(self, *args, action: KeyAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = action.priority.plan.status_key.options.order_by("order")
        self.fields["status"].label_from_instance = lambda o: f"{o.label} ({o.colour_name})"
        self.fields["status"].initial = action.status_id
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError("An update cannot be dated in the future.")
        return on


class PlanFilterForm(forms.Form):
    priority = forms.ModelChoiceField(queryset=None, required=False, empty_label="All priorities")
    organisation = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any lead service", label="Lead service"
    )
    status = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any status")
    domain = forms.ChoiceField(
        choices=[("", "Any domain"), *Priority.Domain.choices], required=False
    )
    overdue = forms.TypedChoiceField(
        choices=[("", "Any"), ("yes", "Overdue only"), ("no", "Not overdue")],
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )

    def __init__(self, *args, plan: StrategicPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = plan.priorities.order_by("number")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            lead_key_actions__priority__plan=plan
        ).distinct()
        self.fields["status"].queryset = plan.status_key.options.order_by("order")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
