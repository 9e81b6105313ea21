"""What to do when a provider refuses a message: one table per provider (in the channel's
folder, `errors.py` with `classify(error) -> Verdict`), read here for the outbox.

Verdicts: retry later (with the provider's pacing), switch to the account's approved
template (outside the 24-hour window), stop and tell staff (the person cannot be reached),
fix the configuration (bad token, missing permission: the account is marked unhealthy on
/petugas/kanal/gagal/ and in /metrics), send the words again without the image the
provider could not fetch (`send.without_media`), or park for staff (anything else).
"""

from dataclasses import dataclass
from importlib import import_module

from django.utils import timezone

from .http import ProviderError, Retryable
from .registry import CHANNELS

RETRY, TEMPLATE, STOP, FIX_CONFIG, PARK = "retry", "template", "stop", "fix_config", "park"
PLAIN = "plain"


@dataclass(frozen=True)
class Verdict:
    action: str
    reason: str = ""
    wait: float | None = None  # seconds before the next attempt (the provider's pacing)


def classify(kind: str, error: ProviderError) -> Verdict:
    try:
        table = import_module(f"{CHANNELS[kind].package}.errors")
    except (KeyError, ModuleNotFoundError):
        table = None
    verdict = table.classify(error) if table is not None else None
    return verdict or default(error)


def default(error: ProviderError) -> Verdict:
    """No row in the table: trust the provider's own hint, then the HTTP status."""
    if error.transient or isinstance(error, Retryable):
        return Verdict(RETRY, "sementara", error.retry_after)
    return Verdict(PARK, "ditolak penyedia")


def mark_unhealthy(account, reason: str) -> None:
    account.settings = {**account.settings, "unhealthy": {
        "reason": reason[:300], "at": timezone.now().isoformat()}}
    account.save(update_fields=["settings"])


def mark_healthy(account) -> None:
    if "unhealthy" in account.settings:
        account.settings = {k: v for k, v in account.settings.items() if k != "unhealthy"}
        account.save(update_fields=["settings"])
