"""The workshop's models.

For now only the trainer's permission lives here: Django permissions hang off a content type,
so the permission is declared on a model that has no table of its own.
"""

from django.db import models


class WorkshopPermissions(models.Model):
    """Holds the trainer's permission (workshop/roles.py); no table, no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("run_workshop", "Peut animer un atelier DMP")]

    def __str__(self) -> str:
        return "Permissions de l'atelier"
