from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, behind a second factor (see dmp_portal.admin.PortalAdminSite)."""

    default_site = "dmp_portal.admin.PortalAdminSite"
