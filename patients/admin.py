"""Patients in the admin. Identity is edited here; what decides who may open the DMP (care stays,
blocks, médecins traitants DMP, status, emergency choices) goes through patients/services.py like
every other change of access rights, so each one is traced in the patient's history. Opening a
patient's page is itself traced (it shows the authorizations, emergency reasons included)."""

from django import forms
from django.contrib import admin
from django.db import connection
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from accounts.admin import ReadOnlyAdmin
from audit.admin import TracedReadAdmin
from audit.models import Action
from patients import services
from patients.ins import normalize_ins
from patients.models import Authorization, Block, CareStay, DMPStatus, Patient, Sandbox, VitaleCard

EMERGENCY_FIELDS = ["emergency_samu_allowed", "emergency_others_allowed", "emergency_masked_allowed"]
STATUS_FIELDS = ["dmp_status", "closed_on", "closing_reason"]


class CareStayInline(admin.TabularInline):
    model = CareStay
    extra = 0
    autocomplete_fields = ["establishment"]


class AuthorizationInline(admin.TabularInline):
    """Declarations are the professionals' acts: visible here, never edited."""

    model = Authorization
    extra = 0
    can_delete = False
    fields = ["professional", "kind", "declared_at", "reason", "expires_at", "withdrawn_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    fields = ["professional", "blocked_at"]
    readonly_fields = ["blocked_at"]
    autocomplete_fields = ["professional"]


class PatientAdminForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["dmp_status", "closing_reason"]  # the admin adds its fieldsets' fields

    def clean(self) -> dict:
        data = super().clean()
        closing = (
            self.instance.pk
            and self.instance.dmp_status == DMPStatus.ACTIVE
            and data.get("dmp_status") == DMPStatus.CLOSED
        )
        if closing and not (data.get("closing_reason") or "").strip():
            self.add_error("closing_reason", "Indiquez le motif de fermeture du DMP.")
        return data


@admin.register(Patient)
class PatientAdmin(TracedReadAdmin):
    form = PatientAdminForm
    read_action = Action.ADMIN_RECORD_VIEWED
    list_display = ["display_name", "ins", "birth_date", "identity_status", "dmp_status", "sandbox"]
    # Administrators see every scope; "bac à sable" tells the portal's patients from the trainees' copies.
    # Each filter is served by an index (patients_dmp_status_idx, patients_identity_status_idx, the
    # sandboxes' partial unique index), newest first (LargeTableAdmin's ordering).
    list_filter = ["dmp_status", "identity_status", ("sandbox", admin.EmptyFieldListFilter), "sandbox"]
    list_select_related = ["sandbox"]
    # One search box for the INS or a name; see get_search_results for why not search_fields.
    search_fields = ["ins"]
    search_help_text = "Matricule INS exact, ou nom de naissance ou d'usage (accents et tirets indifférents)."
    autocomplete_fields = ["dmp_attending_physicians", "legal_representatives"]
    inlines = [CareStayInline, AuthorizationInline, BlockInline]
    fieldsets = [
        (
            "Identité",
            {
                "fields": [
                    "code",
                    "sandbox",
                    "ins",
                    "identity_status",
                    "birth_name",
                    "usual_name",
                    "birth_first_names",
                    "first_name",
                    "sex",
                    "birth_date",
                    "birth_place_cog",
                    "email",
                ]
            },
        ),
        ("Statut du DMP", {"fields": STATUS_FIELDS}),
        ("Accès en urgence", {"fields": EMERGENCY_FIELDS}),
        (
            "Équipe de soins et représentants",
            {"fields": ["dmp_attending_physicians", "legal_representatives"]},
        ),
    ]

    def patient_of(self, patient: Patient) -> Patient:
        return patient

    def get_readonly_fields(self, request: HttpRequest, obj: Patient | None = None) -> list[str]:
        # The closing date is the service's; a new DMP is open (closing one is a change, traced).
        if obj is None:
            return ["code", "sandbox", *STATUS_FIELDS]
        return ["code", "sandbox", "closed_on"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A DMP is closed, never deleted (kept ten years); its traces protect it anyway, and the
        # refusal page would list its documents' titles.
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Patient], search_term: str
    ) -> tuple[QuerySet[Patient], bool]:
        """Index-backed: the INS by equality on its unique index, a name through the normalized
        name keys. Django's default (icontains on each field) would scan a million rows."""
        term = search_term.strip()
        if not term:
            return queryset, False
        ins = normalize_ins(term)
        if ins[:1].isdigit() and len(ins) == 15:
            return queryset.filter(ins=ins), False
        matching = queryset.matching_name(term)
        if connection.vendor == "sqlite":
            # SQLite reads the OR of the two name indexes by fetching every matching row, then
            # sorts them all in the list's order before its page of 100 (a frequent name at a
            # million patients: 14,700 rows, 39 ms). Their ids first, from the indexes alone, then
            # the page's rows: 3 ms. PostgreSQL plans the plain form better (bitmap OR, top-N sort).
            return queryset.filter(pk__in=matching.values("pk")), False
        return matching, False

    def save_model(self, request: HttpRequest, obj: Patient, form: forms.ModelForm, change: bool) -> None:
        """Identity through patient_save; the status and emergency choices through their services."""
        if not change:
            services.patient_save(patient=obj)
            return
        before = Patient.objects.get(pk=obj.pk)
        wanted = {name: getattr(obj, name) for name in [*STATUS_FIELDS, *EMERGENCY_FIELDS]}
        for name in wanted:
            setattr(obj, name, getattr(before, name))
        services.patient_save(patient=obj)
        if wanted["dmp_status"] != before.dmp_status:
            if wanted["dmp_status"] == DMPStatus.CLOSED:
                services.dmp_close(
                    actor=request.user, patient=obj, reason=wanted["closing_reason"], request=request
                )
            else:
                services.dmp_reopen(actor=request.user, patient=obj, request=request)
        if any(wanted[name] != getattr(before, name) for name in EMERGENCY_FIELDS):
            services.emergency_choices_change(
                actor=request.user,
                patient=obj,
                samu_allowed=wanted["emergency_samu_allowed"],
                others_allowed=wanted["emergency_others_allowed"],
                masked_allowed=wanted["emergency_masked_allowed"],
                request=request,
            )

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool) -> None:
        """Not form.save_m2m(): each médecin traitant DMP added or removed is a traced service call."""
        patient = form.instance
        wanted = set(form.cleaned_data["dmp_attending_physicians"])
        current = set(patient.dmp_attending_physicians.all())
        for physician in wanted - current:
            services.attending_physician_add(
                actor=request.user, patient=patient, physician=physician, request=request
            )
        for physician in current - wanted:
            services.attending_physician_remove(
                actor=request.user, patient=patient, physician=physician, request=request
            )
        patient.legal_representatives.set(form.cleaned_data["legal_representatives"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is CareStay:
            _save_stays(request, formset)
        elif formset.model is Block:
            _save_blocks(request, formset)
        else:
            # Authorizations: read-only; the admin's change message still reads what was "saved".
            formset.save(commit=False)


def _save_stays(request: HttpRequest, formset: BaseInlineFormSet) -> None:
    changed = formset.save(commit=False)
    for stay in formset.deleted_objects:
        services.care_stay_delete(actor=request.user, stay=stay, request=request)
    for stay in changed:
        services.care_stay_save(actor=request.user, stay=stay, request=request)


def _save_blocks(request: HttpRequest, formset: BaseInlineFormSet) -> None:
    """A block names one professional: changing it is lifting one block and setting another."""
    formset.save(commit=False)
    for block in formset.deleted_objects:
        services.block_remove(actor=request.user, block=block, request=request)
    for block, _fields in formset.changed_objects:
        services.block_remove(actor=request.user, block=Block.objects.get(pk=block.pk), request=request)
        services.block_add(
            actor=request.user, patient=block.patient, professional=block.professional, request=request
        )
    for block in formset.new_objects:
        services.block_add(
            actor=request.user, patient=block.patient, professional=block.professional, request=request
        )


class VitaleCardAdminForm(forms.ModelForm):
    class Meta:
        model = VitaleCard
        fields = ["serial", "holder", "beneficiaries", "in_reader"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("holder") and data.get("beneficiaries"):
            VitaleCard(holder=data["holder"]).validate_beneficiaries(list(data["beneficiaries"]))
        return data


@admin.register(VitaleCard)
class VitaleCardAdmin(admin.ModelAdmin):
    form = VitaleCardAdminForm
    list_display = ["serial", "holder", "in_reader"]
    list_filter = ["in_reader"]
    search_fields = ["=serial"]
    autocomplete_fields = ["holder", "beneficiaries"]
    list_select_related = ["holder"]


@admin.register(Sandbox)
class SandboxAdmin(ReadOnlyAdmin):
    """The workshop's sandboxes, read-only: the workshop's services create, archive and fill them."""

    list_display = ["label", "trainee", "created_at", "archived_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["trainee"]
    search_fields = ["label"]
    fields = ["code", "label", "trainee", "created_at", "archived_at"]
    readonly_fields = fields
