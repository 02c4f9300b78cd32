from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class PortalAdminSite(admin.AdminSite):
    """The admin for staff verified by a second factor (password + TOTP code).

    Its own password-only login page is replaced by the portal's administrator login,
    which also asks for the code, so there is no way into the admin with a password alone.
    """

    site_header = "DMP Portal — administration"
    site_title = "DMP Portal"
    index_title = "Administration du portail"

    def has_permission(self, request: HttpRequest) -> bool:
        from accounts.services import SESSION_ADMIN_LOGIN

        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.is_verified()
            and request.session.get(SESSION_ADMIN_LOGIN) is True
        )

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:admin_login')}?{urlencode({'next': target})}")
