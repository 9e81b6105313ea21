"""The one settings module: every knob is read from the environment here.

Embedded default: SQLite (WAL) and local files under ADUAN_DATA_DIR (./var).
Scale-out: DATABASE_URL=postgres://..., ADUAN_STORAGE=s3://... .
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("ADUAN_DATA_DIR", "./var")).resolve()
DEBUG = env_bool("ADUAN_DEBUG")
DEMO = env_bool("ADUAN_DEMO")  # set by `aduan demo` only
TESTING = env_bool("ADUAN_TESTING") or "pytest" in sys.modules

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "placeholder"}


def _secret_key() -> tuple[str, bool]:
    """The key from the environment, or one generated into the data folder.

    A placeholder value is refused outside debug. A missing value is fine for the demo,
    the tests and offline commands; `aduan serve` refuses to start without a real one.
    """
    key = env("ADUAN_SECRET_KEY")
    if key and key.lower() not in PLACEHOLDER_SECRETS:
        return key, False
    if key and not DEBUG:
        raise ImproperlyConfigured(
            "ADUAN_SECRET_KEY is a placeholder; set a long random value."
        )
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip(), True
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key, True


SECRET_KEY, SECRET_KEY_GENERATED = _secret_key()
ALLOWED_HOSTS = env_list("ADUAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
PUBLIC_URL = env("ADUAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL] if PUBLIC_URL.startswith("http") else []

META_APP_SECRET = env("ADUAN_META_APP_SECRET")
META_VERIFY_TOKEN = env("ADUAN_META_VERIFY_TOKEN")
META_GRAPH_URL = env("ADUAN_META_GRAPH_URL", "https://graph.facebook.com/v23.0").rstrip("/")
INSTAGRAM_GRAPH_URL = env("ADUAN_INSTAGRAM_GRAPH_URL").rstrip("/")
TELEGRAM_API_URL = env("ADUAN_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "aduan.jobs",
    "aduan.regions",
    "aduan.org",
    "aduan.triage",
    "aduan.sla",
    "aduan.evidence",
    "aduan.complaints",
    "aduan.channels",
    "aduan.attachments",
    "aduan.dashboard",
    "aduan.open311",
    "aduan.api",
    "aduan.privacy",
    "aduan.guard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aduan.guard.middleware.CleanQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aduan.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "aduan.guard.middleware.SessionLimitMiddleware",
    "aduan.guard.middleware.ThrottleMiddleware",
    "aduan.guard.middleware.UploadBudgetMiddleware",
    "aduan.guard.middleware.SecondFactorMiddleware",
    "aduan.guard.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "aduan.urls"
WSGI_APPLICATION = "aduan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aduan.dashboard.context.access",
                "aduan.guard.context.security",
            ],
        },
    }
]


def _database() -> dict:
    url = env("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = dj_database_url.parse(f"sqlite:///{DATA_DIR / 'aduan.sqlite3'}")
    if config["ENGINE"].endswith("sqlite3"):
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # lock upgrades failing mid-transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 600  # keep one connection per thread: no PRAGMAs per request
    if TESTING:
        # Live-server threads kept alive by a browser's keep-alive sockets must not hold a
        # session open past the request: the test database is dropped at the end.
        config["CONN_MAX_AGE"] = 0
    if TESTING and not config["ENGINE"].endswith("sqlite3"):
        config["TEST"] = {"NAME": env("ADUAN_TEST_DB_NAME", "test_aduan")}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env("ADUAN_TASKS") == "immediate"
        else "aduan.jobs.backend.JobBackend",
        "QUEUES": ["default", "intake", "outbox", "sla"],
    }
}
# The job queue (aduan/jobs): a worker that stops renewing its lease loses its jobs to
# another worker after this long; failures retry with backoff doubling from BACKOFF.
ADUAN_JOB_LEASE_SECONDS = float(env("ADUAN_JOB_LEASE_SECONDS", "30"))
ADUAN_JOB_BACKOFF_SECONDS = float(env("ADUAN_JOB_BACKOFF_SECONDS", "2"))
ADUAN_JOB_MAX_ATTEMPTS = int(env("ADUAN_JOB_MAX_ATTEMPTS", "5"))
ADUAN_WORKER_POLL_SECONDS = float(env("ADUAN_WORKER_POLL_SECONDS", "0.2"))
# Threads of each `aduan worker` that only send the outbox (0: the main loop sends too), so a
# provider's slow answer or the account's pacing never holds up turning messages into
# complaints, and several sends wait on the provider at once.
ADUAN_WORKER_SEND_THREADS = int(env("ADUAN_WORKER_SEND_THREADS", "4"))

# Outbox pacing (docs/channels.md, "Order and pacing"). Per person: messages leave in order,
# at least PACE_SECONDS apart (Telegram: about one message per second in a chat). Per
# account: at most ACCOUNT_RATE sends per second over all workers, by kind, from the
# providers' documentation: WhatsApp Cloud API 80 messages/s per business phone number
# (error 130429 beyond it), Telegram about 30 messages/s per bot. Override with
# ADUAN_OUTBOX_ACCOUNT_RATE="whatsapp=1000,telegram=30" (0: no cap), or for one account
# with `max_per_second` in its settings (a coexistence number: 20).
ADUAN_OUTBOX_PACE_SECONDS = float(env("ADUAN_OUTBOX_PACE_SECONDS", "1"))
ADUAN_OUTBOX_ACCOUNT_RATE = {"whatsapp": 80.0, "telegram": 30.0, **{
    kind.strip(): float(rate) for kind, _, rate in (
        part.partition("=") for part in env("ADUAN_OUTBOX_ACCOUNT_RATE", "").split(",")
        if part.strip())}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here after collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG


def storages_for(storage: str) -> dict:
    """STORAGES for an ADUAN_STORAGE value ("" or file://...: the data folder)."""
    default: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if storage.startswith("s3://"):
        # s3://bucket?endpoint=https://s3.example.id&region=ap-southeast-3 (django-storages,
        # boto3). Keys come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (boto3's usual
        # chain). Objects stay private: pages get short-lived signed URLs.
        from urllib.parse import parse_qs, urlparse

        parsed = urlparse(storage)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if not parsed.netloc:
            raise ImproperlyConfigured("ADUAN_STORAGE=s3://BUCKET?endpoint=...: no bucket")
        default = {
            "BACKEND": "aduan.objectstore.S3Storage",  # django-storages' S3Storage
            "OPTIONS": {
                "bucket_name": parsed.netloc, "endpoint_url": query.get("endpoint"),
                "region_name": query.get("region"), "default_acl": None,
                "querystring_auth": True, "querystring_expire": 3600,
                "file_overwrite": False,
                # S3-compatible servers (MinIO, Ceph, moto) address buckets by path.
                "addressing_style": "path" if query.get("endpoint") else None,
            },
        }
    elif storage and not storage.startswith("file"):
        raise ImproperlyConfigured(f"ADUAN_STORAGE must be file:// or s3://, not {storage!r}")
    return {
        "default": default,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


STORAGES = storages_for(env("ADUAN_STORAGE"))

# Photos: limits checked on content, before decoding the whole image.
ADUAN_MAX_UPLOAD_BYTES = int(env("ADUAN_MAX_UPLOAD_BYTES", str(12 * 1024 * 1024)))
ADUAN_MAX_IMAGE_PIXELS = int(env("ADUAN_MAX_IMAGE_PIXELS", str(40_000_000)))
ADUAN_MAX_PHOTOS = 5
# One request decodes at most this many pixels in all its photos; a process decodes at most
# this many photos at once (others wait up to ADUAN_DECODE_WAIT_SECONDS, then get a 4xx).
ADUAN_MAX_REQUEST_PIXELS = int(env("ADUAN_MAX_REQUEST_PIXELS", str(60_000_000)))
ADUAN_MAX_CONCURRENT_DECODES = int(env("ADUAN_MAX_CONCURRENT_DECODES", "2"))
ADUAN_DECODE_WAIT_SECONDS = float(env("ADUAN_DECODE_WAIT_SECONDS", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# Triage: complaints route themselves above this classifier confidence.
# 0.7: 97.7% precision, 59% routed by itself on the held-out + adversarial sets (bench).
ADUAN_AUTO_ROUTE_CONFIDENCE = float(env("ADUAN_AUTO_ROUTE_CONFIDENCE", "0.7"))
ADUAN_REF_PREFIX = env("ADUAN_REF_PREFIX", "SKA")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https://tile.openstreetmap.org"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
HTTPS = not DEBUG and PUBLIC_URL.startswith("https://")
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = int(env("ADUAN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ADUAN_HSTS_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("ADUAN_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preload lists take whole registrable domains; a city runs on a subdomain of
        # go.id it cannot submit, so the reminder does not apply.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # The TLS-terminating proxy in front of `aduan serve` must set this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Staff logins (aduan/guard): one working day per session, an idle timeout, and a second
# factor (TOTP + recovery codes) for admins, the triage team and the mayor's office. The
# demo (`aduan demo`, plain http) says on every staff page that it does not require one.
SESSION_COOKIE_AGE = int(env("ADUAN_SESSION_HOURS", "9")) * 3600
ADUAN_SESSION_IDLE_MINUTES = int(env("ADUAN_SESSION_IDLE_MINUTES", "60"))
ADUAN_2FA_REQUIRED = env_bool("ADUAN_2FA_REQUIRED", default=not (DEMO and not HTTPS))
OTP_TOTP_ISSUER = "Aduan"
ADUAN_METRICS_TOKEN = env("ADUAN_METRICS_TOKEN")

# Abuse limits (aduan/guard/throttle.py): "count/period" per client address and per
# reporter or API key; the counters live in the shared cache below.
ADUAN_RATE_COMPLAINT_IP = env("ADUAN_RATE_COMPLAINT_IP", "60/h")
ADUAN_RATE_COMPLAINT_REPORTER = env("ADUAN_RATE_COMPLAINT_REPORTER", "10/h")
ADUAN_RATE_TRACKING = env("ADUAN_RATE_TRACKING", "300/m")
ADUAN_RATE_API = env("ADUAN_RATE_API", "300/m")
ADUAN_RATE_LOGIN_FAILURES = env("ADUAN_RATE_LOGIN_FAILURES", "5/15m")
ADUAN_PROXY_COUNT = int(env("ADUAN_PROXY_COUNT", "0"))  # trusted proxies setting X-Forwarded-For
REDIS_URL = env("ADUAN_REDIS_URL")  # optional: counters in Redis (needs `pip install redis`)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
elif not TESTING:
    # Without Redis, the processes of one host (`aduan serve`'s workers and `aduan
    # worker`) share the cache in files, so the figures the worker keeps warm
    # (dashboard/stats.py) reach every web process; a per-process memory cache kept them
    # in the worker alone. Tests keep Django's per-process memory cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache"),
                          "OPTIONS": {"MAX_ENTRIES": 5000}}}

# Input limits (aduan/guard/limits.py).
ADUAN_MAX_TEXT_CHARS = int(env("ADUAN_MAX_TEXT_CHARS", "10000"))
ADUAN_MAX_ID_CHARS = int(env("ADUAN_MAX_ID_CHARS", "200"))
ADUAN_MAX_MESSAGES_PER_EVENT = int(env("ADUAN_MAX_MESSAGES_PER_EVENT", "100"))
ADUAN_MAX_MESSAGES_PER_SENDER_HOUR = int(env("ADUAN_MAX_MESSAGES_PER_SENDER_HOUR", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"pii": {"()": "aduan.logfilter.MaskPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["pii"]}},
    "root": {"handlers": ["console"], "level": env("ADUAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Access lines carry paths such as /lacak/<token>/: through the same filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

if TESTING:
    # Real hashing costs ~0.3 s per demo user; tests need logins, not brute-force resistance.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
