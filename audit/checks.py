"""System checks of the trace chain's configuration (SECURITY.md §5)."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from audit.sealing import LEGACY_KEY_ID


@checks.register(checks.Tags.security)
def check_trace_keys(app_configs: Sequence[AppConfig] | None, **kwargs: object) -> list[checks.CheckMessage]:
    """The legacy id names the unkeyed SHA-256: a key under that id would let anyone seal."""
    return [
        checks.Error(
            f"{name} uses the reserved key id {LEGACY_KEY_ID!r}.",
            hint="Give the key another id (letters, digits, '.', '_', '-').",
            id="audit.E001",
        )
        for name in ("DMP_TRACE_KEYS", "DMP_CHECKPOINT_KEYS")
        if LEGACY_KEY_ID in getattr(settings, name)
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_checkpoints_configured(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Without checkpoints, a database writer can delete a whole chain, or its end with its head."""
    if settings.DMP_CHECKPOINT_DIR:
        return []
    return [
        checks.Warning(
            "DMP_CHECKPOINT_DIR is not set: no signed checkpoint of the trace chains is written.",
            hint="Point it at a directory outside the database host, give DMP_CHECKPOINT_KEYS to the "
            "cron job, and run `manage.py checkpoint_traces` from cron (README).",
            id="audit.W001",
        )
    ]
