"""The small forms officers fill in to act on cases: each decision carries a reason."""

from __future__ import annotations

from django import forms

from compliance.cases import access, selectors
from compliance.cases.models import Case

REASON_HELP = "Recorded on the case timeline and in the audit trail."


def _reason_field(label: str = "Reason", help_text: str = REASON_HELP) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=help_text,
    )


class StepForm(forms.Form):
    """Base: every step form knows who is acting (some choices depend on the role)."""

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class ConfirmForm(StepForm):
    pass


class ReasonForm(StepForm):
    reason = _reason_field()


class NoteForm(StepForm):
    text = _reason_field("Note", "Notes are permanent; a correction is another note.")


class AssignForm(StepForm):
    assignee = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="— nobody (unassign) —",
        help_text="Analysts and MLROs; closed cases are left as they are.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.case_workers()


class EscalateForm(StepForm):
    reason = _reason_field(
        "Grounds for suspicion",
        "Escalation forms suspicion: the 7-working-day STR clock starts now (AMLA s.7).",
    )
    propose_str = forms.BooleanField(
        label="Propose filing an STR",
        required=False,
        initial=True,
        help_text="The MLRO (a second officer) approves or refuses it.",
    )


class CloseForm(StepForm):
    outcome = forms.ChoiceField(choices=())
    reason = _reason_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        outcomes = [Case.Outcome.NO_ACTION, Case.Outcome.MONITOR]
        if access.can_decide(self.user):
            outcomes.append(Case.Outcome.EXIT_RELATIONSHIP)
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
        self.fields[
            "outcome"
        ].help_text = "An STR is filed by approving an STR decision, not by closing."


class CaseChangeForm(forms.ModelForm):
    """The case page's form, with the case's version as the page showed it: saving over a case
    that changed meanwhile is refused with a conflict message, never a silent overwrite."""

    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ("summary", "narrative")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["seen_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        seen = self.data.get(self.add_prefix("seen_version"), "")
        if seen and self.instance.pk:
            now = Case.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
            current = now.first()
            if current is not None and current.isoformat() != seen:
                raise forms.ValidationError(
                    "This case changed since you opened it (someone acted on it at "
                    f"{current:%H:%M:%S} UTC). Nothing was saved: reload the page, review "
                    "the changes and save again.",
                    code="stale",
                )
        return cleaned
