"""Gongyou settings: everything variable comes from the environment (see README)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gongyou.csp import content_security_policy
from gongyou.env import env_bool, env_int, env_list, env_networks, env_str, env_weights
from gongyou.secrets import previous_local_secret, required_secret, strong_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GONGYOU_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = required_secret(
    env_str("SECRET_KEY"), name="SECRET_KEY", debug=DEBUG, directory=VAR_DIR / "secrets"
)
# One master key for personal data; the encryption and lookup-hash keys are derived from it.
GONGYOU_DATA_KEY = strong_key(
    required_secret(env_str("GONGYOU_DATA_KEY"), name="GONGYOU_DATA_KEY", debug=DEBUG, directory=VAR_DIR / "secrets"),
    name="GONGYOU_DATA_KEY",
)
# The key being retired during a rotation (`manage.py rotate_data_key`): still read, never written.
# The demo keeps it beside the current one after `rotate_data_key --generate`.
GONGYOU_DATA_KEY_PREVIOUS = env_str("GONGYOU_DATA_KEY_PREVIOUS") or (
    previous_local_secret(VAR_DIR / "secrets", "gongyou_data_key_previous") if DEBUG else None
)
if GONGYOU_DATA_KEY_PREVIOUS:
    strong_key(GONGYOU_DATA_KEY_PREVIOUS, name="GONGYOU_DATA_KEY_PREVIOUS")
# Encrypts backups at rest (`manage.py backup`); kept apart from the backups. The demo makes one.
GONGYOU_BACKUP_KEY = env_str("GONGYOU_BACKUP_KEY") or (
    required_secret(None, name="GONGYOU_BACKUP_KEY", debug=True, directory=VAR_DIR / "secrets") if DEBUG else None
)
if GONGYOU_BACKUP_KEY:
    strong_key(GONGYOU_BACKUP_KEY, name="GONGYOU_BACKUP_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS: secure cookies whenever DEBUG is off; the redirect is the operator's call because TLS
# usually ends at the load balancer (then set GONGYOU_BEHIND_TLS_PROXY=true).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# SecurityMiddleware sends HSTS only on HTTPS responses, so a year by default is safe for a plain
# HTTP demo and right whenever TLS is on (directly or, with GONGYOU_BEHIND_TLS_PROXY, at the proxy).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
# Only when every subdomain is HTTPS too (deploy/env.example sets both for a dedicated domain).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Load balancers probe over plain HTTP inside the network: the probes must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("GONGYOU_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    # The Django admin, behind the console's login, lockout, TOTP and idle timeout.
    "gongyou.console.admin_apps.GatedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Content-Security-Policy header (policy in gongyou/csp.py); its checks catch stale settings.
    "csp",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI served from our own static files: /api/docs/ works offline and loads no CDN.
    "drf_spectacular_sidecar",
    # Background tasks: Django's task API (django-tasks backport), its database backend's table,
    # and django-rq's worker command for the Redis backend (gongyou/core/jobs.py).
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "gongyou.core",
    "gongyou.members",
    "gongyou.partners",
    "gongyou.positions",
    "gongyou.benefits",
    "gongyou.funds",
    "gongyou.cases",
    "gongyou.insight",
    "gongyou.voice",
    "gongyou.honours",
    "gongyou.portal",
    "gongyou.console",
    "gongyou.demo",
    "gongyou.api",
    "gongyou.ops",
]

# Proxies (nginx, the load balancer) whose X-Forwarded-For / X-Real-IP name the real client;
# from anyone else those headers are ignored (gongyou/core/clientaddr.py).
GONGYOU_TRUSTED_PROXIES = env_networks("GONGYOU_TRUSTED_PROXIES")

MIDDLEWARE = [
    "gongyou.core.clientaddr.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app servers themselves (deploy/README.md: or let nginx serve them).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "gongyou.urls"
WSGI_APPLICATION = "gongyou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongyou.portal.context.portal_session",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL (or anything Django knows).
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
        DATABASES["default"]["TEST"] = {"NAME": f"test_gongyou_{os.getpid()}"}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "gongyou.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
                # timeout instead of failing with "database is locked" on a lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not shared-cache memory: the concurrency tests use real threads. One file per
            # test process so parallel runs in one checkout never delete each other's database.
            "TEST": {"NAME": str(VAR_DIR / f"test-gongyou-{os.getpid()}.sqlite3")},
        }
    }

# The partner API's hot lookups are prepared on the PostgreSQL server once per connection
# (core/prepared.py): planning them cost PostgreSQL more than running them. Off for a connection
# pooler in transaction mode that does not keep prepared statements (deploy/README.md).
GONGYOU_PG_PREPARE = env_bool("GONGYOU_PG_PREPARE", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background tasks (gongyou/core/jobs.py) through Django's task API: the database backend
# (django-tasks-db, SQLite or PostgreSQL, `manage.py run_worker`) by default, RQ on Redis when
# REDIS_URL is set; GONGYOU_TASK_BACKEND=db|rq|immediate chooses explicitly ("immediate" runs each
# task inside the request that enqueues it: tests, or a demo without a worker).
GONGYOU_TASK_BACKEND = (env_str("GONGYOU_TASK_BACKEND") or ("rq" if _redis_url else "db")).strip().lower()
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if GONGYOU_TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"GONGYOU_TASK_BACKEND must be db, rq or immediate, got {GONGYOU_TASK_BACKEND!r}")
if GONGYOU_TASK_BACKEND == "rq" and not _redis_url:
    raise ImproperlyConfigured("GONGYOU_TASK_BACKEND=rq needs REDIS_URL")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[GONGYOU_TASK_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": _redis_url or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}
# RQ workers run django-tasks' jobs (the Task behind each job path), not bare functions.
RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
# A failed task is tried again after 30 s, 2 min, 8 min, 32 min (× 4 each time) up to this many
# attempts, then listed as failed in the console (后台任务). A running task reports at least every
# lease; one silent for longer lost its worker and is given to another.
GONGYOU_TASK_MAX_ATTEMPTS = env_int("GONGYOU_TASK_MAX_ATTEMPTS", 5, minimum=1)
GONGYOU_TASK_RETRY_SECONDS = env_int("GONGYOU_TASK_RETRY_SECONDS", 30, minimum=0)
GONGYOU_TASK_LEASE_SECONDS = env_int("GONGYOU_TASK_LEASE_SECONDS", 600, minimum=1)
# Console exports up to this many rows are answered at once; larger ones become a background job
# with a download link when ready.
GONGYOU_EXPORT_INLINE_ROWS = env_int("GONGYOU_EXPORT_INLINE_ROWS", 5000, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static_collected"
# Front-end libraries come from npm (package.json + lockfile), never copied into the repo.
STATICFILES_DIRS: list[object] = [BASE_DIR / "static"] + [
    (f"vendor/{name}", BASE_DIR / "node_modules" / path)
    for name, path in {
        "htmx": "htmx.org/dist",
        "leaflet": "leaflet/dist",
        "echarts": "echarts/dist",
        "jsqr": "jsqr/dist",
    }.items()
    if (BASE_DIR / "node_modules" / path).is_dir()
]

# Production (DEBUG off) serves hashed, compressed files collected by `manage.py collectstatic`
# through WhiteNoise; the demo serves them straight from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "/console/login/"
# /admin/ answers 404 unless this is set (and is then still behind the console's gate).
GONGYOU_ADMIN_ENABLED = env_bool("GONGYOU_ADMIN_ENABLED", False)

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gongyou.api.errors.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "gongyou.api.negotiation.JsonFirstNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    # Throttles count REMOTE_ADDR, which ClientAddressMiddleware has already resolved; DRF's own
    # X-Forwarded-For reading would believe any client.
    "NUM_PROXIES": 0,
    # One throttle setup for the whole API: each applies only to its kind of caller.
    "DEFAULT_THROTTLE_CLASSES": [
        "gongyou.api.auth.PartnerRateThrottle",
        "gongyou.api.auth.StaffRateThrottle",
        "gongyou.api.auth.PublicRateThrottle",
        "gongyou.api.auth.FailureThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Bad tokens and unknown member numbers, per client address (issue 14, item 4).
        "failures": env_str("GONGYOU_API_FAILURE_RATE", "30/min"),
        "partner": env_str("GONGYOU_PARTNER_RATE", "600/min"),
        "public": env_str("GONGYOU_PUBLIC_RATE", "120/min"),
        "staff": env_str("GONGYOU_STAFF_RATE", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongyou API",
    "DESCRIPTION": "Partner, staff and public API of Gongyou (工友), the gig-worker union platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per vocabulary across every component of the document.
    "ENUM_NAME_OVERRIDES": {
        "IndustryEnum": "gongyou.core.choices.Industry",
        "LaborRelationEnum": "gongyou.core.choices.LaborRelation",
        "CampaignKindEnum": "gongyou.benefits.vocab.CampaignKind",
        "CampaignStatusEnum": "gongyou.benefits.vocab.CampaignStatus",
        "NewCampaignStatusEnum": "gongyou.api.benefit_serializers.NEW_CAMPAIGN_STATUSES",
        "MembershipStatusEnum": "gongyou.members.models.Membership.Status",
        "CaseTypeEnum": "gongyou.cases.vocab.CaseType",
        "CaseStatusEnum": "gongyou.cases.vocab.CaseStatus",
    },
}


def _case_deadlines(value: str) -> dict[str, tuple[int, int]]:
    """Per case type (working days to accept, calendar days to resolve): the defaults, with
    "type=accept/resolve" pairs from the environment on top; a bad pair stops start-up."""
    deadlines = {
        "opinion": (2, 15),
        "complaint": (2, 15),
        "hardship": (2, 20),
        "legal_aid": (2, 10),
        "dispute": (1, 7),
    }
    for item in filter(None, (part.strip() for part in value.split(","))):
        kind, _sep, days = item.partition("=")
        accept, _slash, resolve = days.partition("/")
        if kind.strip() not in deadlines or not accept.strip().isdigit() or not resolve.strip().isdigit():
            raise ImproperlyConfigured(
                f"GONGYOU_CASE_DEADLINES: {item!r} should be type=accept_working_days/resolve_days, "
                f"type one of {', '.join(deadlines)}"
            )
        if int(accept) < 1 or int(resolve) < 1:
            raise ImproperlyConfigured(f"GONGYOU_CASE_DEADLINES: {item!r} needs days of at least 1")
        deadlines[kind.strip()] = (int(accept), int(resolve))
    return deadlines


# Product rules that an operator may tune.
GONGYOU: dict[str, Any] = {
    # Days after which a pending transfer is accepted automatically (the new org stayed silent).
    "TRANSFER_AUTO_ACCEPT_DAYS": env_int("GONGYOU_TRANSFER_AUTO_ACCEPT_DAYS", 15, minimum=1),
    # Months without contact after which a member is listed as at risk of being lost.
    "AT_RISK_NO_CONTACT_MONTHS": env_int("GONGYOU_AT_RISK_NO_CONTACT_MONTHS", 6, minimum=1),
    # Individual members of one enterprise in a street federation's area that open a founding task.
    "FOUNDING_TASK_THRESHOLD": env_int("GONGYOU_FOUNDING_TASK_THRESHOLD", 25, minimum=1),
    "ROSTER_BATCH_MAX": env_int("GONGYOU_ROSTER_BATCH_MAX", 5000, minimum=1),
    # Worker processes that encrypt the new rows of a large roster batch (members.roster,
    # core.sealing). 0: none, the batch's own process does it (what pays on a 2-CPU machine
    # shared with PostgreSQL; bench/README.md).
    "ROSTER_CRYPTO_WORKERS": env_int("GONGYOU_ROSTER_CRYPTO_WORKERS", 0, minimum=0),
    # Seconds the dashboards reuse today's changes counted city-wide (insight.queries.Reader):
    # at a million members each count joins a few thousand of today's rows, so the readers of one
    # minute share one count. 0: counted on every page.
    "INSIGHT_LIVE_SECONDS": env_int("GONGYOU_INSIGHT_LIVE_SECONDS", 60, minimum=0),
    # Seconds the coverage page (positions.coverage) reuses its worker counts per set of streets:
    # they scan every roster row and membership of the streets. 0: counted on every page.
    "COVERAGE_SECONDS": env_int("GONGYOU_COVERAGE_SECONDS", 600, minimum=0),
    "PRIVACY_NOTICE_VERSION": env_str("GONGYOU_PRIVACY_NOTICE_VERSION", "2026-11"),
    # The same feedback (sender, position, score, problem, text) sent again within this many
    # minutes is the same report (a double tap, a resubmitted form): one inbox item.
    "FEEDBACK_REPEAT_MINUTES": env_int("GONGYOU_FEEDBACK_REPEAT_MINUTES", 10, minimum=0),
    # Days a member may be behind with fixed dues before lapse_unpaid_dues lapses the membership.
    "DUES_GRACE_DAYS": env_int("GONGYOU_DUES_GRACE_DAYS", 90, minimum=0),
    # Share of each dues payment moved on to the org's member-service fund (seed §二(三)10: dues go
    # straight back into services for the members).
    "DUES_SERVICE_SHARE_PERCENT": env_int("GONGYOU_DUES_SERVICE_SHARE_PERCENT", 100, minimum=0),
    # Days between two dues reminders to one member.
    "DUES_REMINDER_INTERVAL_DAYS": env_int("GONGYOU_DUES_REMINDER_INTERVAL_DAYS", 30, minimum=1),
    # Case deadlines per type (SPEC §6): working days (Mon–Fri) to accept, then calendar days to
    # resolve. GONGYOU_CASE_DEADLINES overrides some, e.g. "dispute=1/5,legal_aid=2/10".
    "CASE_DEADLINES": _case_deadlines(env_str("GONGYOU_CASE_DEADLINES", "") or ""),
    # An overdue case escalates to the next org up once per this many days it stays overdue.
    "CASE_OVERDUE_PERIOD_DAYS": env_int("GONGYOU_CASE_OVERDUE_PERIOD_DAYS", 3, minimum=1),
    # A resolved case may be reopened by its worker or staff within this many days.
    "CASE_REOPEN_DAYS": env_int("GONGYOU_CASE_REOPEN_DAYS", 30, minimum=1),
    # Early-warning levels (seed Annex 3 §三3): red for collective action or at least this many
    # workers or fen at stake, yellow from the lower thresholds, green otherwise.
    "WARNING_RED_WORKERS": env_int("GONGYOU_WARNING_RED_WORKERS", 30, minimum=1),
    "WARNING_RED_AMOUNT_FEN": env_int("GONGYOU_WARNING_RED_AMOUNT_FEN", 100_000_00, minimum=1),
    "WARNING_YELLOW_WORKERS": env_int("GONGYOU_WARNING_YELLOW_WORKERS", 10, minimum=1),
    "WARNING_YELLOW_AMOUNT_FEN": env_int("GONGYOU_WARNING_YELLOW_AMOUNT_FEN", 20_000_00, minimum=1),
    # Cluster signal: this many opinions/complaints about one enterprise or station and one topic
    # within this many days raise a warning for the street federation.
    "WARNING_CLUSTER_CASES": env_int("GONGYOU_WARNING_CLUSTER_CASES", 3, minimum=2),
    "WARNING_CLUSTER_DAYS": env_int("GONGYOU_WARNING_CLUSTER_DAYS", 7, minimum=1),
    # District assessment (考核): weight of each indicator's progress against its target
    # (gongyou/insight/assessment.py); indicators unknown to the registry stop start-up there.
    "ASSESSMENT_WEIGHTS": env_weights(
        "GONGYOU_ASSESSMENT_WEIGHTS",
        "members_active:30,people_served:30,head_enterprises_with_union:20,stations_with_union:20",
    ),
}

# SMS codes for the worker portal: the console backend logs codes (demo, tests); production sets
# gongyou.core.sms.HttpGatewayBackend with the gateway's URL and token.
GONGYOU_SMS_BACKEND = env_str("GONGYOU_SMS_BACKEND", "gongyou.core.sms.ConsoleBackend" if DEBUG else None)
if not GONGYOU_SMS_BACKEND:
    # Without DEBUG the console backend would silently log codes nobody receives.
    raise ImproperlyConfigured("GONGYOU_SMS_BACKEND must be set when DEBUG is off (e.g. gongyou.core.sms.HttpGatewayBackend)")
if not DEBUG and GONGYOU_SMS_BACKEND.rsplit(".", 1)[-1] == "ConsoleBackend":
    # The console backend shows codes on /join/demo-sms/: anyone could log in as any worker.
    raise ImproperlyConfigured("GONGYOU_SMS_BACKEND cannot be the console (demo) backend when DEBUG is off")
GONGYOU_SMS_GATEWAY_URL = env_str("GONGYOU_SMS_GATEWAY_URL", "")
GONGYOU_SMS_GATEWAY_TOKEN = env_str("GONGYOU_SMS_GATEWAY_TOKEN", "")

# Map tiles: an OpenStreetMap-style WGS-84 source by default; an AMap-style source draws in
# GCJ-02, and markers are converted to match (see gongyou/positions/conf.py).
GONGYOU_MAP_TILE_URL = env_str("GONGYOU_MAP_TILE_URL", "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
GONGYOU_MAP_TILE_ATTRIBUTION = env_str("GONGYOU_MAP_TILE_ATTRIBUTION", "© OpenStreetMap 贡献者")
GONGYOU_MAP_TILE_SUBDOMAINS = env_str("GONGYOU_MAP_TILE_SUBDOMAINS", "abc")
GONGYOU_MAP_TILE_CRS = (env_str("GONGYOU_MAP_TILE_CRS", "wgs84") or "wgs84").lower()
# Address search on the position form (see gongyou/positions/conf.py); empty hides the box.
GONGYOU_MAP_GEOCODER_URL = env_str("GONGYOU_MAP_GEOCODER_URL", "") or ""
if GONGYOU_MAP_GEOCODER_URL and "{q}" not in GONGYOU_MAP_GEOCODER_URL:
    raise ImproperlyConfigured("GONGYOU_MAP_GEOCODER_URL must contain {q} where the address goes")
# Every response carries the policy in gongyou/csp.py: the tile host is allowed as an image
# source, the geocoder's host as a fetch target of the position form's address search.
CONTENT_SECURITY_POLICY = content_security_policy(GONGYOU_MAP_TILE_URL or "", GONGYOU_MAP_GEOCODER_URL)
if GONGYOU_MAP_TILE_CRS not in ("wgs84", "gcj02"):
    raise ImproperlyConfigured(f"GONGYOU_MAP_TILE_CRS must be wgs84 or gcj02, got {GONGYOU_MAP_TILE_CRS!r}")

# Every handler masks ID-number-like and phone-like digit runs (gongyou/core/logmask.py); the
# loggers Django and gunicorn write request lines to are routed through masked handlers too.
_LOG_LEVEL = env_str("LOG_LEVEL", "INFO") or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "gongyou.core.logmask.MaskPersonalData"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
