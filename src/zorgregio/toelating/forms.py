"""Forms shape input only; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zorgregio.aanbieders.models import LegalForm
from zorgregio.common.numbers import DecimalCommaField, DecimalInput
from zorgregio.common.numbers import EuroField as NumbersEuroField
from zorgregio.contracten.forms import DateInput
from zorgregio.contracten.models import EvidenceKind
from zorgregio.regio.models import Law

from .models import (
    DocumentKind,
    EvidenceMoment,
    EvidenceParties,
    ObjectionKind,
    Participation,
    PartyKind,
    QuestionType,
    Step,
    ThresholdKind,
    VerdictOutcome,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _date(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _moment(label, required=True, **kwargs):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        **kwargs,
    )


def EurosField(*args, **kwargs):  # noqa: N802 - kept as a field name for the forms below
    """An amount in euros, cleaned to eurocents (one parsing path: common.numbers)."""
    return NumbersEuroField(*args, allow_negative=True, **kwargs)


def _text(label, required=True, rows=3, **kwargs):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


# --- the procedure --------------------------------------------------------------------------


class PlanningForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("Description"), required=False, rows=4)
    question_deadline = _moment(_("Deadline for questions"))
    nota_planned_on = _date(_("Planned publication of the Nota van Inlichtingen"), required=False)
    admission_start = _date(_("Admissions start on"))
    evidence_term_days = forms.IntegerField(
        label=_("Term for additional evidence (days)"), min_value=1, initial=14
    )
    objection_days = forms.IntegerField(label=_("Objection period (days)"), min_value=0, initial=20)
    court = forms.CharField(label=_("Competent court"), required=False, max_length=150)
    min_assessors = forms.IntegerField(label=_("Assessors per application"), min_value=2, initial=2)


class ProcedureForm(PlanningForm):
    agreement = forms.ModelChoiceField(label=_("Framework agreement"), queryset=None)
    reference = forms.SlugField(
        label=_("Short reference"),
        max_length=40,
        help_text=_("Numbers the applications, e.g. wmo-2027."),
    )
    law = forms.ChoiceField(label=_("Law"), choices=Law.choices)

    field_order = ["agreement", "title", "reference", "law"]

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements


class LotForm(forms.Form):
    product_group = forms.ModelChoiceField(label=_("Product group"), queryset=None)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_group"].queryset = groups


class WindowForm(forms.Form):
    label = forms.CharField(label=_("Name of the window"), max_length=150)
    opens_at = _moment(_("Opens at"))
    closes_at = _moment(_("Closes at (deadline)"))


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.CharField(label=_("Role"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("The same title again makes a new version.")
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX or XLSX."))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class CommitteeForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members of the assessment committee"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = users
        self.fields["members"].label_from_instance = lambda u: u.get_full_name() or u.username


EVIDENCE_KINDS = [("", _("(other, describe below)"))] + list(EvidenceKind.choices)


class RequirementFields(forms.Form):
    """The fields of a requirement (also used for a municipality's extra requirement)."""

    code = forms.CharField(label=_("Number"), max_length=20, help_text=_("E.g. UEA, G1, S1G2."))
    text = _text(_("Requirement"))
    guidance = _text(_("Explanation"), required=False, rows=2)
    question_type = forms.ChoiceField(label=_("Question type"), choices=QuestionType.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    knockout = forms.BooleanField(label=_("Knock-out (yes/no)"), required=False)
    expected_yes = forms.TypedChoiceField(
        label=_("Expected answer"),
        choices=[("ja", _("yes")), ("nee", _("no"))],
        coerce=lambda v: v == "ja",
        initial="ja",
    )
    min_value = DecimalCommaField(label=_("Minimum value"), required=False)
    max_value = DecimalCommaField(label=_("Maximum value"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    choices = _text(_("Options (one per line)"), required=False)
    accepted_choices = _text(_("Options that meet the requirement (one per line)"), required=False)
    evidence = forms.ChoiceField(
        label=_("Evidence"), choices=EvidenceMoment.choices, required=False
    )
    evidence_kind = forms.ChoiceField(
        label=_("Kind of evidence"), choices=EVIDENCE_KINDS, required=False
    )
    evidence_other = forms.CharField(
        label=_("Other kind of evidence"), max_length=100, required=False
    )
    max_age_months = forms.IntegerField(
        label=_("Maximum age (months)"),
        min_value=1,
        required=False,
        help_text=_("Empty: the model document's maximum for the kind, if it has one."),
    )
    parties = forms.ChoiceField(label=_("Evidence from"), choices=EvidenceParties.choices)

    def requirement_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = _lines(data.get("choices"))
        data["accepted_choices"] = _lines(data.get("accepted_choices"))
        other = data.pop("evidence_other", "")
        data["evidence_kind"] = data.get("evidence_kind") or other
        return {k: data[k] for k in data if k in REQUIREMENT_KEYS}


REQUIREMENT_KEYS = {
    "code", "text", "guidance", "question_type", "required", "knockout", "expected_yes",
    "min_value", "max_value", "unit", "choices", "accepted_choices", "evidence", "evidence_kind",
    "max_age_months", "parties", "lot", "step", "order",
}  # fmt: skip


class RequirementForm(RequirementFields):
    step = forms.TypedChoiceField(label=_("Step"), choices=Step.choices, coerce=int)
    lot = forms.ModelChoiceField(
        label=_("Lot"), queryset=None, required=False, empty_label=_("(general, every lot)")
    )
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0)

    field_order = ["step", "lot", "code"]

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class ThresholdForm(RequirementFields):
    """A threshold; the requirement fields only for an extra suitability requirement."""

    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    product_group = forms.ModelChoiceField(
        label=_("Product group"),
        queryset=None,
        required=False,
        empty_label=_("(every product group)"),
    )
    kind = forms.ChoiceField(label=_("Kind of threshold"), choices=ThresholdKind.choices)
    motivation = _text(
        _("Motivation"), help_text=_("E.g. 'sufficient supply in the municipality'.")
    )
    valid_from = _date(_("Applies to applications from"))
    valid_until = _date(_("until"), required=False)
    max_per_year = forms.IntegerField(
        label=_("Entry windows per year at most"), required=False, min_value=1
    )
    min_turnover = EurosField(label=_("Minimum yearly turnover (euros)"), required=False)
    min_intensities = forms.IntegerField(
        label=_("Intensities to apply for at least"), required=False, min_value=2
    )

    field_order = [
        "municipality", "product_group", "kind", "motivation", "valid_from", "valid_until",
        "max_per_year", "min_turnover", "min_intensities",
    ]  # fmt: skip
    EXTRA = {"code", "text", "question_type"}

    def __init__(self, *args, municipalities, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["product_group"].queryset = groups
        for name, field in self.fields.items():
            if name in RequirementFields.base_fields:
                field.required = False
        self.fields["parties"].initial = EvidenceParties.APPLICANT

    def clean(self):
        data = super().clean()
        if data.get("kind") == ThresholdKind.EXTRA_REQUIREMENT:
            for name in self.EXTRA:
                if not data.get(name):
                    self.add_error(name, _("Needed for an extra requirement."))
        return data

    def threshold_data(self) -> dict:
        data = self.cleaned_data
        extra = None
        if data["kind"] == ThresholdKind.EXTRA_REQUIREMENT:
            extra = self.requirement_data()
            extra["parties"] = extra.get("parties") or EvidenceParties.APPLICANT
            extra["required"] = True
        return {
            "municipality": data["municipality"],
            "product_group": data.get("product_group"),
            "kind": data["kind"],
            "motivation": data["motivation"],
            "valid_from": data["valid_from"],
            "valid_until": data.get("valid_until"),
            "max_per_year": data.get("max_per_year"),
            "min_turnover_cents": data.get("min_turnover"),
            "min_intensities": data.get("min_intensities"),
            "requirement": extra,
        }


class EntryWindowForm(forms.Form):
    opens_on = _date(_("Applications from"))
    closes_on = _date(_("Applications until"))
    admission_from = _date(_("Admission from"))


class ThresholdEndForm(forms.Form):
    last_day = _date(_("Last day it applies"))


# --- questions --------------------------------------------------------------------------------


class QuestionForm(forms.Form):
    reference = forms.CharField(
        label=_("About (document and paragraph)"), max_length=200, required=False
    )
    text = _text(_("Your question"), rows=4)
    confidential = forms.BooleanField(
        label=_("Confidential: only my organisation may see the answer"), required=False
    )
    confidential_reason = _text(_("Why is it confidential?"), required=False, rows=2)


class AnswerForm(forms.Form):
    public_text = _text(
        _("Question as published"),
        rows=3,
        help_text=_("Remove anything that identifies the asker."),
        required=False,
    )
    answer = _text(_("Answer"), rows=4)


class NotaForm(forms.Form):
    intro = _text(_("Introduction"), required=False, rows=2)


# --- the application ---------------------------------------------------------------------------


class DetailsForm(forms.Form):
    participation = forms.ChoiceField(label=_("We apply"), choices=Participation.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    turnover = EurosField(
        label=_("Turnover last financial year (euros)"),
        required=False,
        help_text=_("Needed where a municipality sets a minimum turnover."),
    )


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of party"), choices=PartyKind.choices)
    name = forms.CharField(label=_("Name of the party"), max_length=200)
    kvk_number = forms.CharField(label=_("KvK number of the party"), max_length=8)
    description = forms.CharField(label=_("What it contributes"), max_length=300, required=False)


class AnswersForm(forms.Form):
    """One field per requirement that asks an answer (file uploads apart)."""

    def __init__(self, *args, requirements, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = [r for r in requirements if r.question_type != QuestionType.FILE]
        for requirement in self.requirements:
            answer = answers.get(requirement.pk)
            name = f"req_{requirement.pk}"
            label = f"{requirement.code} {requirement.text}"
            kind = requirement.question_type
            if kind == QuestionType.YES_NO:
                initial = (
                    None
                    if answer is None or answer.yes is None
                    else ("ja" if answer.yes else "nee")
                )
                field = forms.ChoiceField(
                    label=label,
                    choices=[("ja", _("yes")), ("nee", _("no"))],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=initial,
                )
            elif kind == QuestionType.VALUE:
                field = forms.CharField(
                    label=label + (f" ({requirement.unit})" if requirement.unit else ""),
                    required=False,
                    initial=answer.value if answer else None,
                    widget=DecimalInput(),  # a decimal comma, parsed by the service
                )
            elif kind == QuestionType.CHOICE:
                field = forms.ChoiceField(
                    label=label,
                    choices=[("", "—")] + [(c, c) for c in requirement.choices],
                    required=False,
                    initial=answer.choice if answer else "",
                )
            elif kind == QuestionType.TEXT:
                field = _text(label, required=False, initial=answer.text if answer else "")
            else:
                field = forms.BooleanField(
                    label=label, required=False, initial=bool(answer and answer.declared)
                )
            field.help_text = requirement.guidance
            field.requirement = requirement
            self.fields[name] = field

    def values(self) -> dict:
        return {int(name[4:]): value for name, value in self.cleaned_data.items()}


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPG."))
    issued_on = _date(_("Date of the document"))
    party = forms.ModelChoiceField(
        label=_("Of"), queryset=None, required=False, empty_label=_("(the applicant)")
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties
        if not parties.exists():
            del self.fields["party"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class ObjectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of objection"), choices=ObjectionKind.choices)
    grounds = _text(_("Grounds"), rows=4)


# --- the assessment ---------------------------------------------------------------------------


class StartAssessmentForm(forms.Form):
    assessors = forms.ModelMultipleChoiceField(
        label=_("Assessors"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = committee
        self.fields["assessors"].label_from_instance = lambda u: u.get_full_name() or u.username


class VerdictsForm(forms.Form):
    """The actor's verdict and motivation per requirement of one step."""

    def __init__(self, *args, results, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for result in results:
            requirement = result.requirement
            mine = result.verdicts.get(actor.pk)
            verdict = forms.ChoiceField(
                label=_("Verdict on %(code)s") % {"code": requirement.code},
                choices=[("", "—")] + list(VerdictOutcome.choices),
                required=False,
                initial=mine.outcome if mine else "",
            )
            motivation = _text(
                _("Motivation of %(code)s") % {"code": requirement.code},
                required=False,
                rows=2,
                initial=mine.motivation if mine else "",
            )
            self.fields[f"v_{requirement.pk}"] = verdict
            self.fields[f"m_{requirement.pk}"] = motivation
            self.rows.append((result, self[f"v_{requirement.pk}"], self[f"m_{requirement.pk}"]))

    def verdicts(self) -> dict:
        data = self.cleaned_data
        return {
            int(name[2:]): (value, data.get(f"m_{name[2:]}", ""))
            for name, value in data.items()
            if name.startswith("v_")
        }


class EvidenceRequestForm(forms.Form):
    requirement = forms.TypedChoiceField(label=_("Requirement"), coerce=int, choices=())
    description = _text(_("What is requested"), rows=2)

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [
            (r.pk, f"{r.code} {r.text[:60]}") for r in requirements
        ]


class DecisionForm(forms.Form):
    motivation = _text(_("Motivation of the decision"), rows=4)
    start_date = _date(_("Admissions start on"))


class ObjectionHandleForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("nee", _("dismissed: the decision stands")), ("ja", _("upheld: assess again"))],
        coerce=lambda v: v == "ja",
    )
    note = _text(_("Motivation of the outcome"), rows=2)


# --- registration ------------------------------------------------------------------------------


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kvk_number = forms.CharField(label=_("KvK number"), max_length=8, help_text=_("8 digits."))
    agb_code = forms.CharField(label=_("AGB code"), max_length=8, help_text=_("8 digits (Vektis)."))
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=LegalForm.choices)
    contact_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail"))
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            raise ValidationError({"password_again": _("The passwords differ.")})
        return data
