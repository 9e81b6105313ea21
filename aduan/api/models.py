import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "aduan_"


def hash_key(key: str) -> str:
    """Keys are 32 random bytes, so a plain SHA-256 is enough (no slow hash needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def for_key(self, key: str | None) -> "ApiKey | None":
        if not key:
            return None
        return self.filter(key_hash=hash_key(key.strip()), is_active=True).first()


class ApiKey(models.Model):
    """A key for an integrator (Open311 POST) or a staff tool (Bearer, acting as `user`).

    Only the hash is stored; the key itself is shown once, when it is made.
    """

    name = models.CharField(max_length=200)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=16, editable=False,
                              help_text=_("Awal kunci, untuk mengenali kunci tanpa membukanya"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="api_keys",
        help_text=_("Jika diisi, kunci ini boleh membaca antrean staf sebagai pengguna ini"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kunci API")
        verbose_name_plural = _("kunci API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self) -> str:
        """Give this row a fresh key and return it (the only time it is readable)."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.prefix = hash_key(key), key[:10]
        return key

    @classmethod
    def issue(cls, name: str, user=None) -> tuple["ApiKey", str]:
        row = cls(name=name, user=user)
        key = row.set_new_key()
        row.save()
        return row, key
