"""Settings of the helpdesk comparison site: same database kind, same server flags as Aduan,
same session and CSRF middleware; e-mail is not sent (a dummy backend) on both sides."""

import os
from pathlib import Path
from urllib.parse import urlparse

DATA = Path(os.environ["BENCH_DATA_DIR"])
SECRET_KEY = "bench-helpdesk-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "helpdesk_site.urls"
SITE_ID = 1
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]


def _database() -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        parsed = urlparse(url)
        return {"ENGINE": "django.db.backends.postgresql", "NAME": parsed.path.lstrip("/"),
                "USER": parsed.username or "", "PASSWORD": parsed.password or "",
                "HOST": parsed.hostname or "", "PORT": parsed.port or "",
                "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "helpdesk.sqlite3",
            "CONN_MAX_AGE": 600, "OPTIONS": {
                "transaction_mode": "IMMEDIATE", "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
STATIC_URL = "/static/"
MEDIA_ROOT = DATA / "media"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_PUBLIC_TICKET_QUEUE = "aduan"
HELPDESK_TEAMS_MODE_ENABLED = False  # pinax-teams is an optional extra
LOGGING = {"version": 1, "root": {"level": "WARNING"}}
