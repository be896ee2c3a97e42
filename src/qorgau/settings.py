"""Qorgau settings: one module, configured only from environment variables.

QORGAU_ENV selects the mode:
- ``production`` (the default when unset): every secret must come from the environment and the
  start is refused when one is missing, is a published demo value, or DEBUG is on;
- ``demo``: the embedded SQLite database under var/, published demo keys, console e-mail;
- ``test``: like demo, plus fast password hashing and jobs run inline; PostgreSQL when
  TEST_DATABASE_URL is set.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent

QORGAU_ENV = env.str("QORGAU_ENV", default="production")
if QORGAU_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("QORGAU_ENV must be production, demo or test")
PRODUCTION = QORGAU_ENV == "production"
TESTING = QORGAU_ENV == "test"

VAR_DIR = Path(env.str("QORGAU_VAR_DIR", default=str(REPO_DIR / "var")))
if TESTING and env.str("PYTEST_XDIST_WORKER", default=""):
    # `make test` runs a pytest worker per core: each keeps its own media, checkpoints and files.
    VAR_DIR = VAR_DIR / env.str("PYTEST_XDIST_WORKER")
    VAR_DIR.mkdir(parents=True, exist_ok=True)

# Published demo values: fine for a laptop, refused in production (see _refuse_insecure_production).
DEMO_SECRET_KEY = "demo-insecure-secret-key-qorgau-never-use-in-production-0123456789abcdef"
DEMO_DATA_KEYS = "demo1:ZGVtby1kYXRhLWtleS1xb3JnYXUtMzItYnl0ZXMhISE="
DEMO_INDEX_KEY = "ZGVtby1pbmRleC1rZXktcW9yZ2F1LTMyLWJ5dGVzISE="
DEMO_AUDIT_KEY = "ZGVtby1hdWRpdC1rZXktcW9yZ2F1LTMyLWJ5dGVzISE="
DEMO_EVIDENCE_SIGNING_KEY = "ZGVtby1ldmlkZW5jZS1zaWduaW5nLWtleS0zMmJ5dGU="

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    QORGAU_DATA_KEYS = env.str("QORGAU_DATA_KEYS", default="")
    QORGAU_INDEX_KEY = env.str("QORGAU_INDEX_KEY", default="")
    QORGAU_AUDIT_KEY = env.str("QORGAU_AUDIT_KEY", default="")
    DEBUG = env.bool("DEBUG", default=False)
else:
    SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
    QORGAU_DATA_KEYS = env.str("QORGAU_DATA_KEYS", default=DEMO_DATA_KEYS)
    QORGAU_INDEX_KEY = env.str("QORGAU_INDEX_KEY", default=DEMO_INDEX_KEY)
    QORGAU_AUDIT_KEY = env.str("QORGAU_AUDIT_KEY", default=DEMO_AUDIT_KEY)
    DEBUG = env.bool("DEBUG", default=False)
# During `qorgau keys reindex`: the index key being replaced (searches accept both until it ends).
QORGAU_INDEX_KEY_PREVIOUS = env.str("QORGAU_INDEX_KEY_PREVIOUS", default="")
# The key of backup archives (base64, 32 bytes): kept apart from the data keys, no default.
QORGAU_BACKUP_KEY = env.str("QORGAU_BACKUP_KEY", default="")


def _is_key_32(text: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.b64decode(text, validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def _refuse_insecure_production() -> None:
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    if not SECRET_KEY or SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if not QORGAU_DATA_KEYS or DEMO_DATA_KEYS.split(":", 1)[1] in QORGAU_DATA_KEYS:
        problems.append("QORGAU_DATA_KEYS must be set and must not contain the demo key")
    if not QORGAU_INDEX_KEY or QORGAU_INDEX_KEY == DEMO_INDEX_KEY:
        problems.append("QORGAU_INDEX_KEY must be set and must not be the demo key")
    if not QORGAU_AUDIT_KEY or QORGAU_AUDIT_KEY == DEMO_AUDIT_KEY:
        problems.append("QORGAU_AUDIT_KEY must be set and must not be the demo key")
    signing_key = env.str("QORGAU_EVIDENCE_SIGNING_KEY", default="")
    if not signing_key or signing_key == DEMO_EVIDENCE_SIGNING_KEY or not _is_key_32(signing_key):
        problems.append(
            "QORGAU_EVIDENCE_SIGNING_KEY must be set to the base64 of a random 32-byte Ed25519 seed, "
            "not the demo key"
        )
    if not env.str("DATABASE_URL", default=""):
        problems.append("DATABASE_URL must be set (PostgreSQL)")
    if not env.list("ALLOWED_HOSTS", default=[]):
        problems.append("ALLOWED_HOSTS must be set")
    if problems:
        raise ImproperlyConfigured("Qorgau refuses to start in production: " + "; ".join(problems))


if PRODUCTION:
    _refuse_insecure_production()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if TESTING:
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "qorgau.core",
    "qorgau.accounts",
    "qorgau.people",
    "qorgau.cases",
    "qorgau.api",
    "qorgau.risk",
    "qorgau.directory",
    "qorgau.portal",
    "qorgau.notifications",
    "qorgau.referrals",
    "qorgau.campaigns",
    "qorgau.stats",
    "qorgau.lifecycle",
    "qorgau.protection",
    "qorgau.evidence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qorgau.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qorgau.api.hostile.HostileBytesMiddleware",
    "qorgau.api.idempotency.IdempotencyMiddleware",
    "qorgau.accounts.middleware.StaffAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "qorgau.core.middleware.NoStoreMiddleware",
    "qorgau.core.middleware.AuditUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qorgau.urls"
WSGI_APPLICATION = "qorgau.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qorgau.core.context_processors.qorgau",
            ],
        },
    }
]

# --- Database ------------------------------------------------------------------------------------
_SQLITE_OPTIONS = {
    # Web workers and the job worker share one file: WAL lets readers run beside one writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing half-way.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
if TESTING and env.str("TEST_DATABASE_URL", default=""):
    DATABASES = {"default": env.db("TEST_DATABASE_URL")}
elif TESTING:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "test.sqlite3"}}
else:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'qorgau.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica for read-only reporting (qorgau.core.replica.reporting_alias): statistics and
# reports ask for it explicitly; everything else, and every write, uses the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read "replica" from the test database
DATABASE_ROUTERS = ["qorgau.core.replica.PrimaryRouter"]
QORGAU_REPLICA_MAX_LAG_SECONDS = env.int("QORGAU_REPLICA_MAX_LAG_SECONDS", default=30)
QORGAU_REPLICA_RETRY_SECONDS = env.int("QORGAU_REPLICA_RETRY_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="dbcache://qorgau_cache")}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts, sessions, lockout -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qorgau.accounts.passwords.MixedCharactersValidator"},
]

QORGAU_SESSION_IDLE_MINUTES = env.int("QORGAU_SESSION_IDLE_MINUTES", default=30)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = QORGAU_SESSION_IDLE_MINUTES * 60
# The idle clock restarts with each request, but the session row is written at most once per
# QORGAU_SESSION_REFRESH_SECONDS (qorgau.core.middleware.IdleSessionMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
QORGAU_SESSION_REFRESH_SECONDS = env.int("QORGAU_SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # no persistent cookie on a shared phone or PC
SESSION_COOKIE_NAME = "qorgau_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_AGE = None  # a browser-session cookie: visitors keep nothing after closing the browser
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "qorgau.portal.views.csrf_failure"  # a calm page for the public form
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_NAME = "qorgau_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# How long the password step stays valid while the person types the one-time code.
QORGAU_MFA_PENDING_SECONDS = 300
OTP_TOTP_ISSUER = "Qorgau"

# A new staff member's (or a reset account's) invitation link to set a password works this long.
QORGAU_INVITATION_HOURS = env.int("QORGAU_INVITATION_HOURS", default=72)
AXES_FAILURE_LIMIT = env.int("QORGAU_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("QORGAU_LOCKOUT_MINUTES", default=15))
# Each list entry is counted on its own: an account is locked after N failures from anywhere, and
# an address after N failures against any accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qorgau.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The client address (lockout, the portal's and /verify/'s limits) comes from django-ipware: with
# QORGAU_PROXY_COUNT reverse proxies in front, each appending the address it saw to
# X-Forwarded-For, the client is the entry that many places from the right (the last proxy's own
# address is REMOTE_ADDR, not in the header). Entries a client wrote itself sit further left and
# are ignored, so nobody chooses the address they are counted under. docs/adr/0012-national-scale.md
QORGAU_PROXY_COUNT = env.int("QORGAU_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = QORGAU_PROXY_COUNT - 1 if QORGAU_PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if QORGAU_PROXY_COUNT else ["REMOTE_ADDR"]
)
IPWARE_STRICT = False  # a longer (client-padded) header is fine: the position counts from the right

# --- Languages and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
# Each app keeps its own catalogue in <app>/locale; this one holds only Kazakh for Django's own
# messages that Django ships untranslated (form errors, durations, password rules).
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["qorgau.formats"]  # kk and en: day-first dates, 24-hour clock
TIME_ZONE = env.str("QORGAU_TIME_ZONE", default="Asia/Almaty")

# --- Static files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = None if TESTING else VAR_DIR / "static"  # tests serve from the finders
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("QORGAU_MEDIA_DIR", default=str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = TESTING
WHITENOISE_MAX_AGE = 0 if TESTING else 3600
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security headers ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # "no-referrer" would send "Origin: null" and fail CSRF checks
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("QORGAU_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("QORGAU_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env.bool("QORGAU_BEHIND_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = env.list("QORGAU_SILENCED_CHECKS", default=[])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Service directory and public portal (docs/directory-and-portal.md) ---------------------------
# A bed figure older than this is shown as out of date ("call to check").
QORGAU_CAPACITY_STALE_HOURS = env.int("QORGAU_CAPACITY_STALE_HOURS", default=24)
# Where the quick-exit button and the Escape key send a portal visitor: a neutral page.
QORGAU_QUICK_EXIT_URL = env.str("QORGAU_QUICK_EXIT_URL", default="https://www.google.com/search?q=weather")
# Legal figures the portal's "your rights" page quotes. Check them against the law in force
# (see shared/reference/kazakhstan.md: some are unconfirmed after the 2024 amendments).
QORGAU_PROTECTIVE_ORDER_DAYS = env.int("QORGAU_PROTECTIVE_ORDER_DAYS", default=30)
QORGAU_PROTECTIVE_ORDER_BREACH_ARTICLE = env.str("QORGAU_PROTECTIVE_ORDER_BREACH_ARTICLE", default="461")
QORGAU_FAMILY_OFFENCE_ARTICLE = env.str("QORGAU_FAMILY_OFFENCE_ARTICLE", default="73")
QORGAU_SPECIAL_REQUIREMENTS_MIN_MONTHS = env.int("QORGAU_SPECIAL_REQUIREMENTS_MIN_MONTHS", default=3)
QORGAU_SPECIAL_REQUIREMENTS_MAX_MONTHS = env.int("QORGAU_SPECIAL_REQUIREMENTS_MAX_MONTHS", default=12)
# Contact requests from the portal: at most N submissions per client address per window, and a
# request nobody has taken after this many hours is escalated to the region's supervisors.
QORGAU_CONTACT_RATE_LIMIT = env.int("QORGAU_CONTACT_RATE_LIMIT", default=5)
QORGAU_CONTACT_RATE_WINDOW_MINUTES = env.int("QORGAU_CONTACT_RATE_WINDOW_MINUTES", default=60)
QORGAU_CONTACT_ESCALATE_HOURS = env.int("QORGAU_CONTACT_ESCALATE_HOURS", default=24)
# Identifying content of a request taken into a case is erased after this many days (the case
# holds what is needed); the request's bare facts stay for statistics.
QORGAU_CONTACT_PURGE_DAYS = env.int("QORGAU_CONTACT_PURGE_DAYS", default=30)
# Retention (qorgau retention): years after closure before a case is anonymised, by case type
# ("child": she was under 18 at an incident). Defaults to check against the law in force.
QORGAU_RETENTION_YEARS_ADULT = env.int("QORGAU_RETENTION_YEARS_ADULT", default=5)
QORGAU_RETENTION_YEARS_CHILD = env.int("QORGAU_RETENTION_YEARS_CHILD", default=10)

# --- REST API ---------------------------------------------------------------------------------------
# An Idempotency-Key's first answer is replayed to retries for this long (qorgau.api.idempotency).
QORGAU_IDEMPOTENCY_KEEP = timedelta(hours=env.int("QORGAU_IDEMPOTENCY_HOURS", default=24))
# JSON bodies nested deeper than this are refused with a 400 (qorgau.api.hostile).
QORGAU_JSON_MAX_DEPTH = env.int("QORGAU_JSON_MAX_DEPTH", default=32)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qorgau.api.authentication.BearerTokenAuthentication",
        "qorgau.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["qorgau.api.hostile.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "qorgau.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "qorgau.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
}
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is swapped for ours;
# without them no unused table exists (and PostgreSQL's test flush does not trip over its FK).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_PREFIX": "qorgau_",
    "TOKEN_TTL": timedelta(days=env.int("QORGAU_TOKEN_DAYS", default=90)),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qorgau API",
    "DESCRIPTION": (
        "The REST API of Qorgau. Authenticate with `Authorization: Bearer <token>`. "
        'Every error has the same shape: `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "qorgau.api.schema.add_error_responses",
    ],
    # Choice sets that share a field name ("kind", "status") or appear under two names.
    "ENUM_NAME_OVERRIDES": {
        "YesNoEnum": "qorgau.cases.forms.YES_NO",
        "SectionEnum": "qorgau.cases.models.Section",
        "SexEnum": "qorgau.people.models.Person.Sex",
        "AgencyKindEnum": "qorgau.accounts.models.Agency.Kind",
        "EventKindEnum": "qorgau.campaigns.models.Event.Kind",
        "EventStatusEnum": "qorgau.campaigns.models.Event.Status",
        "PartnerKindEnum": "qorgau.campaigns.models.Partner.Kind",
        "LetterRecipientRoleEnum": "qorgau.campaigns.models.Letter.RecipientRole",
    },
}

# --- Background jobs --------------------------------------------------------------------------------
# Redis in production (QORGAU_BROKER_URL=redis://...), a SQLite file for the embedded default.
_broker = env.str("QORGAU_BROKER_URL", default="")
if TESTING and not _broker:
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "qorgau", "immediate": True}
elif _broker.startswith(("redis://", "rediss://")):
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "qorgau",
        "url": _broker,
        "immediate": False,
        "consumer": {"workers": env.int("QORGAU_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "qorgau",
        "filename": str(VAR_DIR / "jobs.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- E-mail (never carries survivor-identifying data) -----------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:  # the demo keeps its mail in files under var/mail/ instead of filling the terminal
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Qorgau <no-reply@qorgau.invalid>")
# Outside production the address follows the port the demo serves (`PORT=18100 make run`), so
# letters' QR codes and e-mailed links point at the running server.
QORGAU_SITE_URL = env.str("QORGAU_SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

# --- Prevention campaigns ------------------------------------------------------------------------------
# The default signature block of letters of gratitude (a campaign may set its own). Production has
# no default: letters cannot be issued until a campaign or these variables name the signatory.
_DEMO_SIGNATORY = {
    "NAME": {"kk": "Ж. Демо-Сейітова", "ru": "Ж. Демо-Сеитова", "en": "Zh. Demo-Seitova"},
    "TITLE": {
        "kk": "Ұлттық комиссия төрағасының орынбасары (демо)",
        "ru": "Заместитель председателя Национальной комиссии (демо)",
        "en": "Deputy Chair of the National Commission (demo)",
    },
}
QORGAU_LETTER_SIGNATORY_NAME, QORGAU_LETTER_SIGNATORY_TITLE = (
    {
        lang: env.str(f"QORGAU_LETTER_SIGNATORY_{part}_{lang.upper()}", default="" if PRODUCTION else demo)
        for lang, demo in _DEMO_SIGNATORY[part].items()
    }
    for part in ("NAME", "TITLE")
)
QORGAU_PHOTO_MAX_BYTES = env.int("QORGAU_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# The public letter check: after this many unknown codes from one address within the window, the
# address waits for the rest of the window (codes are random, so guessing is hopeless anyway).
QORGAU_VERIFY_MISSES = env.int("QORGAU_VERIFY_MISSES", default=10)
QORGAU_VERIFY_WINDOW_MINUTES = env.int("QORGAU_VERIFY_WINDOW_MINUTES", default=10)

# --- Identity matching (people.matching) -------------------------------------------------------------
# Candidates at intake: how many searches one user may make in a window; how long an opened intake
# allows searching; from which probability a pair is shown as a candidate (and proposed for review).
QORGAU_IDENTITY_SEARCH_LIMIT = env.int("QORGAU_IDENTITY_SEARCH_LIMIT", default=30)
QORGAU_IDENTITY_SEARCH_WINDOW_MINUTES = env.int("QORGAU_IDENTITY_SEARCH_WINDOW_MINUTES", default=10)
QORGAU_INTAKE_SEARCH_MINUTES = env.int("QORGAU_INTAKE_SEARCH_MINUTES", default=60)
QORGAU_MATCH_THRESHOLD = env.float("QORGAU_MATCH_THRESHOLD", default=0.5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "ERROR" if TESTING else "WARNING"},
        "huey": {"level": "WARNING" if TESTING else "INFO"},
        "django.request": {"level": "ERROR"},
    },
}

# --- Risk assessment (qorgau.risk) -------------------------------------------------------------------
# Instrument files: the shipped ones, then the operator's own directories (e.g. licensed weights that
# may not be published with the code). An (id, version) may exist in only one of them.
QORGAU_INSTRUMENT_DIRS = [PACKAGE_DIR / "risk" / "instruments"] + [
    Path(p) for p in env.list("QORGAU_INSTRUMENT_DIRS", default=[])
]
# Days until a re-assessment is due, by risk level (VioGén practice: high 7, medium 30).
QORGAU_REASSESS_DAYS = env.dict(
    "QORGAU_REASSESS_DAYS",
    cast={"value": int},
    default={"extreme": 3, "high": 7, "medium": 30, "standard": 60},
)
# A risk assessment draft (answers and her words, begun and never saved) is erased this many days
# after its last save by the hourly job: an abandoned draft must not keep what she said.
QORGAU_RISK_DRAFT_DAYS = env.int("QORGAU_RISK_DRAFT_DAYS", default=30)
# Risk conference referral: N or more incidents within M calendar months (escalation), and any new
# incident within M calendar months of the last referral (repeat).
QORGAU_CONFERENCE_ESCALATION_INCIDENTS = env.int("QORGAU_CONFERENCE_ESCALATION_INCIDENTS", default=3)
QORGAU_CONFERENCE_ESCALATION_MONTHS = env.int("QORGAU_CONFERENCE_ESCALATION_MONTHS", default=12)
QORGAU_CONFERENCE_REPEAT_MONTHS = env.int("QORGAU_CONFERENCE_REPEAT_MONTHS", default=12)
# A breach of a protective order within the repeat window (and after the last referral) is a
# referral criterion of its own ("order breached", qorgau.protection); off: it is not.
QORGAU_CONFERENCE_BREACH_CRITERION = env.bool("QORGAU_CONFERENCE_BREACH_CRITERION", default=True)

# --- Legal protection (qorgau.protection, docs/protection.md) -----------------------------------------
# A protective order's duration is QORGAU_PROTECTIVE_ORDER_DAYS (above, default 30). The issuing unit
# and the caseworker are told this many days before it expires (once, by the hourly job).
QORGAU_PROTECTIVE_ORDER_ALERT_DAYS = env.int("QORGAU_PROTECTIVE_ORDER_ALERT_DAYS", default=5)
# At the scene (docs/protection.md): each police officer has this many look-ups by IIN or name and
# birth date per window (like QORGAU_IDENTITY_SEARCH_LIMIT for the people search).
QORGAU_SCENE_LOOKUP_LIMIT = env.int("QORGAU_SCENE_LOOKUP_LIMIT", default=30)
QORGAU_SCENE_LOOKUP_WINDOW_MINUTES = env.int("QORGAU_SCENE_LOOKUP_WINDOW_MINUTES", default=60)
# The longest single extension of a served order, in days.
QORGAU_PROTECTIVE_ORDER_MAX_EXTENSION_DAYS = env.int("QORGAU_PROTECTIVE_ORDER_MAX_EXTENSION_DAYS", default=30)
# Proceedings: an article is written like "73", "108-1" or "120.2" (a regular expression, so the
# operator can follow the codes in force); her lawyer and caseworker are reminded of a hearing
# this many days before it; reconciliation needs a supervisor's recorded decision when she was a
# minor or after an earlier reconciliation within this many months (Law No. 72-VIII, 2024).
QORGAU_ARTICLE_PATTERN = env.str("QORGAU_ARTICLE_PATTERN", default=r"^\d{1,3}(-\d{1,2})?(\.\d{1,2})?$")
QORGAU_HEARING_REMINDER_DAYS = [int(d) for d in env.list("QORGAU_HEARING_REMINDER_DAYS", default=["3", "1"])]
QORGAU_RECONCILIATION_REPEAT_MONTHS = env.int("QORGAU_RECONCILIATION_REPEAT_MONTHS", default=12)
# Court-imposed special requirements: the period a court may set, in months (the range the law
# allows; a decision outside it is refused as a typing error), and how many days before their last
# day they show as "ending soon" on the dashboards.
QORGAU_REQUIREMENT_MIN_MONTHS = env.int("QORGAU_REQUIREMENT_MIN_MONTHS", default=3)
QORGAU_REQUIREMENT_MAX_MONTHS = env.int("QORGAU_REQUIREMENT_MAX_MONTHS", default=12)
QORGAU_REQUIREMENT_ALERT_DAYS = env.int("QORGAU_REQUIREMENT_ALERT_DAYS", default=14)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# django-otp's own per-device backoff doubles after each wrong code; lockout (axes) is the rule the
# tests assert, so the backoff is off there to keep them independent of timing.
OTP_TOTP_THROTTLE_FACTOR = 0 if TESTING else 1
OTP_STATIC_THROTTLE_FACTOR = 0 if TESTING else 1

# --- The referral pathway (qorgau.referrals) ------------------------------------------------------
# Her own rating of safety and wellbeing goes from 1 to this number.
QORGAU_WELLBEING_SCALE_MAX = env.int("QORGAU_WELLBEING_SCALE_MAX", default=10)
# How often the background worker looks for referrals past their due time (minutes).
QORGAU_REFERRAL_CHECK_MINUTES = env.int("QORGAU_REFERRAL_CHECK_MINUTES", default=5)
# A notification e-mail still unsent after this many minutes is sent by the worker's sweep (its job
# was lost, e.g. with a killed worker).
QORGAU_EMAIL_RETRY_MINUTES = env.int("QORGAU_EMAIL_RETRY_MINUTES", default=5)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ReferralStatusEnum": "qorgau.referrals.models.Referral.Status",
        "PlanStatusEnum": "qorgau.referrals.models.CasePlan.Status",
        "PlanActionStatusEnum": "qorgau.referrals.models.PlanAction.Status",
        "RatingScaleEnum": [(n, str(n)) for n in range(1, QORGAU_WELLBEING_SCALE_MAX + 1)],
        # Orders and court requirements both have "conditions", from different lists.
        "OrderConditionEnum": "qorgau.protection.models.Condition",
        "RequirementConditionEnum": "qorgau.protection.models.RequirementCondition",
    }
)

# --- Time-critical care after sexual violence (qorgau.cases.care) -----------------------------------
# Hours from the incident within which each kind of care works: "pep=72,emergency_contraception=120,..."
QORGAU_CARE_WINDOWS_HOURS = env.dict(
    "QORGAU_CARE_WINDOWS_HOURS",
    cast={"value": int},
    default={"pep": 72, "emergency_contraception": 120, "forensic": 72},
)

# --- National statistics (qorgau.stats, docs/statistics.md) -----------------------------------------
# Counts from 1 to k-1 are suppressed (zero is published); every suppressed cell must be able to lie
# at least P away from its true value both ways (or down to zero) whatever an attacker solves.
QORGAU_STATS_K = env.int("QORGAU_STATS_K", default=5)
QORGAU_STATS_PROTECTION = env.int("QORGAU_STATS_PROTECTION", default=QORGAU_STATS_K)
# How often the worker rebuilds the de-identified facts from consented cases (minutes).
QORGAU_STATS_REFRESH_MINUTES = env.int("QORGAU_STATS_REFRESH_MINUTES", default=60)
# Risk levels against outcomes: assessments at least this old, outcomes within this many months.
QORGAU_STATS_FOLLOW_UP_MONTHS = env.int("QORGAU_STATS_FOLLOW_UP_MONTHS", default=12)

# --- The audit chain (qorgau.core.audit, docs/adr/0014-audit-chain.md) -------------------------------
# More audit keys by id, for `qorgau audit rotate-key <id>`: "k2:<base64>,k3:<base64>". The key
# QORGAU_AUDIT_KEY has the id "" and seals every event before the first rotation; keep every key
# the chain was sealed with configured, or `audit verify` cannot check that part.
QORGAU_AUDIT_KEYS = env.str("QORGAU_AUDIT_KEYS", default="")
# Signed checkpoints of the chain head (count + hash), appended (O_APPEND) to a file outside the
# database; `audit verify` fails when the chain was rolled back below one. Empty: none are kept
# (the default only in test mode; give the file a place the database's owner cannot rewrite).
QORGAU_AUDIT_CHECKPOINT_FILE = env.str(
    "QORGAU_AUDIT_CHECKPOINT_FILE", default="" if TESTING else str(VAR_DIR / "audit-checkpoints.log")
)
# Key (base64) of the checkpoints' HMAC; by default one derived from QORGAU_AUDIT_KEY. Give the
# checkpoint writer its own key so a database-side attacker with the audit key cannot sign.
QORGAU_AUDIT_CHECKPOINT_KEY = env.str("QORGAU_AUDIT_CHECKPOINT_KEY", default="")
# How often the worker writes a checkpoint (minutes); `qorgau audit verify` writes one too.
QORGAU_AUDIT_CHECKPOINT_MINUTES = env.int("QORGAU_AUDIT_CHECKPOINT_MINUTES", default=10)
# Parallel lanes of the chain (ADR 0014): an append takes a free lane's head, so this many
# transactions can append at once. Raising it adds lanes; lowering it leaves the extra lanes as
# they are (still verified, no longer appended to).
QORGAU_AUDIT_LANES = env.int("QORGAU_AUDIT_LANES", default=8)
# PostgreSQL: the audit events are partitioned by month; the worker keeps this many months ahead.
QORGAU_AUDIT_PARTITION_MONTHS_AHEAD = env.int("QORGAU_AUDIT_PARTITION_MONTHS_AHEAD", default=3)
# --- Evidence locker (qorgau.evidence, docs/adr/0009-evidence-locker.md) -----------------------------
# Size limits per kind of file, in MiB: "image=25,pdf=50,audio=200,video=500,office=50". An upload
# stops being read at its kind's limit and leaves nothing behind.
QORGAU_EVIDENCE_LIMITS_MB = env.dict(
    "QORGAU_EVIDENCE_LIMITS_MB",
    cast={"value": int},
    default={"image": 25, "pdf": 50, "audio": 200, "video": 500, "office": 50},
)
# Plaintext bytes per encrypted chunk on disk (each chunk is sealed on its own, AES-256-GCM).
QORGAU_EVIDENCE_CHUNK_BYTES = env.int("QORGAU_EVIDENCE_CHUNK_BYTES", default=1024 * 1024)
# The platform's Ed25519 signing key for evidence packages (base64 of the 32-byte private seed).
# Its public key is published at /evidence/signing-key.pem and inside every package.
QORGAU_EVIDENCE_SIGNING_KEY = env.str(
    "QORGAU_EVIDENCE_SIGNING_KEY", default="" if PRODUCTION else DEMO_EVIDENCE_SIGNING_KEY
)
# An RFC 3161 time-stamp authority for package manifests (empty: no timestamp).
QORGAU_EVIDENCE_TSA_URL = env.str("QORGAU_EVIDENCE_TSA_URL", default="")
QORGAU_EVIDENCE_TSA_TIMEOUT_SECONDS = env.int("QORGAU_EVIDENCE_TSA_TIMEOUT_SECONDS", default=10)
# Her own upload link: how long it works (hours) and the most files one link may take (a
# caseworker chooses 1 = single use, up to this).
QORGAU_EVIDENCE_UPLOAD_LINK_HOURS = env.int("QORGAU_EVIDENCE_UPLOAD_LINK_HOURS", default=24)
QORGAU_EVIDENCE_UPLOAD_LINK_MAX_FILES = env.int("QORGAU_EVIDENCE_UPLOAD_LINK_MAX_FILES", default=10)
# Attempts to send a file through one link, and from one address (all links and unknown
# tokens together), per window: a stolen link cannot fill the disk, a guesser is slowed down.
QORGAU_EVIDENCE_UPLOAD_LINK_PER_LINK = env.int("QORGAU_EVIDENCE_UPLOAD_LINK_PER_LINK", default=30)
QORGAU_EVIDENCE_UPLOAD_LINK_PER_ADDRESS = env.int("QORGAU_EVIDENCE_UPLOAD_LINK_PER_ADDRESS", default=40)
QORGAU_EVIDENCE_UPLOAD_LINK_WINDOW_MINUTES = env.int("QORGAU_EVIDENCE_UPLOAD_LINK_WINDOW_MINUTES", default=60)
# Staged ciphertext older than this (hours) belongs to an upload that crashed: the sweep job removes it.
QORGAU_EVIDENCE_STAGING_MAX_HOURS = env.int("QORGAU_EVIDENCE_STAGING_MAX_HOURS", default=6)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "OnlinePlatformEnum": "qorgau.cases.models.OnlineAccount.Platform",
        "OnlineAccountOwnerEnum": "qorgau.cases.models.OnlineAccount.Owner",
        "EvidencePurposeEnum": "qorgau.evidence.forms.PURPOSES",
        "ConsentPurposeEnum": "qorgau.cases.models.Consent.Purpose",
        "TakedownStatusEnum": "qorgau.evidence.models.TakedownRequest.Status",
        "TakedownAskEnum": "qorgau.evidence.models.TakedownRequest.Ask",
    }
)
