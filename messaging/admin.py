"""Organisational mailboxes in the admin: an administrator creates them and manages who shares
them. Personal and patients' mailboxes are derived, and messages are correspondence: neither is
here (an administrator does not read professionals' or patients' mail)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from messaging.models import Mailbox, MailboxKind, OrganisationMailbox


@admin.register(OrganisationMailbox)
class OrganisationMailboxAdmin(admin.ModelAdmin):
    list_display = ["address", "label"]
    search_fields = ["address", "label"]
    fields = ["address", "label", "members"]
    autocomplete_fields = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mailbox]:
        return super().get_queryset(request).filter(kind=MailboxKind.ORGANISATION)

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["members"].queryset = form.base_fields["members"].queryset.filter(rpps__isnull=False)
        return form

    def save_form(self, request, form, change):  # type: ignore[no-untyped-def]
        mailbox = super().save_form(request, form, change)
        mailbox.kind = MailboxKind.ORGANISATION
        return mailbox
