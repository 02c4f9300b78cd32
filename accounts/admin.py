"""Professionals, cards and e-CPS devices in the admin. An administrator manages accounts but can
never become a professional: no e-CPS secret (key, QR code, otpauth URL) is shown or settable, a
device cannot be created or moved to another account, a card cannot be created or reassigned, its
PIN hash is never shown, and a professional's password is not the admin's to set (SECURITY.md §4)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import (
    CPSCard,
    ECPSDevice,
    Establishment,
    Practice,
    PracticeSetting,
    Profession,
    User,
)


class PracticeInline(admin.TabularInline):
    model = Practice
    fk_name = "professional"
    extra = 0
    autocomplete_fields = ["establishment"]


class CPSCardInline(admin.TabularInline):
    """Read-only: a card is issued with its PIN, never typed in here; unblocking is an action."""

    model = CPSCard
    extra = 0
    fields = ["number", "confirmed", "failed_pin_attempts", "blocked_at", "last_used_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["display_name", "rpps", "profession", "card_type", "is_staff", "is_active"]
    list_filter = ["profession", "card_type", "is_staff", "is_active", "is_demo"]
    list_select_related = ["profession"]
    # Prefix-free icontains on three indexed columns: fine for a directory of a few
    # thousand professionals; "=" on RPPS keeps the exact lookup on its unique index.
    search_fields = ["=rpps", "last_name", "first_name", "username"]
    ordering = ["last_name", "first_name"]
    inlines = [PracticeInline, CPSCardInline]
    actions = ["unblock_cps_cards", "reset_ecps", "reactivate_ecps"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            "Annuaire santé",
            {
                "fields": [
                    "rpps",
                    "civility",
                    "last_name",
                    "first_name",
                    "profession",
                    "specialty",
                    "card_type",
                    "email",
                    "mobile",
                    "mssante_address",
                ]
            },
        ),
        ("Préférences", {"fields": ["default_practice_setting", "default_practice"]}),
        (
            "Droits",
            {"fields": ["is_active", "is_demo", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deactivate (is_active) instead: a professional's traces keep their author, and the
        # refusal page would list those traces, documents' titles included.
        return False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Professionals log in with a card or e-CPS: a password set by an administrator would only
        # open a door in their name.
        user = self.get_object(request, id)
        if user is not None and user.is_professional:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description="Débloquer la carte CPS des professionnels sélectionnés")
    def unblock_cps_cards(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for card in CPSCard.objects.filter(user__in=queryset, blocked_at__isnull=False):
            card.unblock()
            count += 1
        self.message_user(request, f"{count} carte(s) CPS débloquée(s).", messages.SUCCESS)

    @admin.action(description="Réinitialiser l'e-CPS des professionnels sélectionnés")
    def reset_ecps(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        deleted, _ = TOTPDevice.objects.filter(user__in=queryset).delete()
        self.message_user(
            request,
            f"{deleted} application(s) e-CPS réinitialisée(s) : le professionnel devra la réactiver.",
            messages.SUCCESS,
        )

    @admin.action(description="Réactiver l'e-CPS suspendue des professionnels sélectionnés")
    def reactivate_ecps(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        suspended = list(queryset.filter(ecps_suspended_at__isnull=False))
        for user in suspended:
            services.ecps_reactivate(request=request, user=user, by=request.user)
        self.message_user(request, f"{len(suspended)} application(s) e-CPS réactivée(s).", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes these rows in the admin, superusers included: reference
    code lists (loaded from the official CSVs), evidence (traces, notifications), credentials
    (CPS cards) and what services own (the workshop's sandboxes)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CPSCard)
class CPSCardAdmin(ReadOnlyAdmin):
    """View-only (no PIN hash shown): a card moved to another account would let its holder log in
    as that professional. Unblocking is the one thing done here."""

    list_display = ["number", "user", "failed_pin_attempts", "blocked_at", "last_used_at"]
    list_filter = [("blocked_at", admin.EmptyFieldListFilter)]
    search_fields = ["=number", "=user__rpps", "user__last_name"]
    list_select_related = ["user"]
    fields = ["user", "name", "number", "confirmed", "failed_pin_attempts", "blocked_at", "last_used_at"]
    actions = ["unblock"]

    @admin.action(description="Débloquer les cartes sélectionnées")
    def unblock(self, request: HttpRequest, queryset: QuerySet[CPSCard]) -> None:
        for card in queryset:
            card.unblock()
        self.message_user(request, f"{len(queryset)} carte(s) débloquée(s).", messages.SUCCESS)


class ECPSDeviceAdmin(admin.ModelAdmin):
    """Replaces django-otp's TOTPDevice admin, whose add page sets the key, whose change page moves
    a device to another user, and whose config page shows the QR code: with any of them an
    administrator could log in as the professional. Here: who, when, state; delete is a reset."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["=user__rpps", "user__last_name"]
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# django-otp registers TOTPDevice (its app is listed first); the portal shows the same rows as
# "Applications e-CPS", with none of those pages.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(ECPSDevice, ECPSDeviceAdmin)


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "finess", "city"]
    search_fields = ["=finess", "name", "city"]


@admin.register(Profession)
class ProfessionAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "status"]
    search_fields = ["code", "label"]


@admin.register(PracticeSetting)
class PracticeSettingAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "code_system"]
    list_filter = ["code_system"]
