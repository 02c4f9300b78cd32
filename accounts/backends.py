"""The portal's authentication backend: Django's ModelBackend, whose session user comes with their
profession in the same query (every page's header names it: one query less on every page)."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User

# The dotted path sessions record (settings.AUTHENTICATION_BACKENDS, accounts.services.session_open).
PORTAL_BACKEND = "accounts.backends.PortalBackend"


class PortalBackend(ModelBackend):
    def get_user(self, user_id: object) -> User | None:
        user = User._default_manager.select_related("profession").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
