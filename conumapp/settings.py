"""Conum settings: one module, driven by environment variables (see docs/environment.md)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION:
    # Required production secrets fail fast: no default.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")  # noqa: S105
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",
    # Third parties
    "dsfr",
    "widget_tweaks",  # django-dsfr checkbox and radio snippets load it
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",  # TOTP for operators (OPERATOR_MFA_REQUIRED)
    "conumapp.proconnect",
    "axes",  # login attempts: lockout after AXES_FAILURE_LIMIT failures
    "csp",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "django_filters",
    "django_htmx",
    # Conum, in dependency order
    "conumapp",
    "structures",
    "conventions",
    "conseillers",
    "formation",
    "cra",
    "statistiques",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "conumapp.input_middleware.NulCharactersMiddleware",  # PostgreSQL refuses NUL characters
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "conumapp.middleware.OperatorMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conumapp.urls"
WSGI_APPLICATION = "conumapp.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
                "conumapp.context_processors.navigation",
                "conumapp.context_processors.csp_nonce",
            ],
            # Tests set this to a value that makes an undefined variable fail (see tests/conftest.py).
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    },
]

# --- Database ----------------------------------------------------------------------------
# SQLite under the project by default (WAL + busy timeout so that web, worker and beat
# share it); PostgreSQL when DATABASE_URL is set.
SQLITE_PATH = Path(env.str("SQLITE_PATH", default=str(BASE_DIR / "var" / "conum.sqlite3")))
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # Server-side parameter binding and prepared statements: psycopg prepares the statements
        # a connection runs often (from the 5th run), so PostgreSQL parses and plans them once
        # per connection instead of at every request (the CRA filing hot path:
        # docs/performance.md). DB_PREPARED_STATEMENTS=0 turns this off (a transaction-pooling
        # pgbouncer in front of PostgreSQL does not keep prepared statements).
        if env.bool("DB_PREPARED_STATEMENTS", default=True):
            options = DATABASES["default"].setdefault("OPTIONS", {})
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
else:
    Path(SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Django's RedisCache that answers as an empty cache while Redis is unreachable (short
    # timeouts, one warning): a Redis outage does not break requests (conumapp/cache.py).
    CACHES = {"default": {"BACKEND": "conumapp.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis (written through to the database, which stays the reference):
    # one SQL query less on every authenticated request; from the database alone while Redis is down.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------
# Redis when REDIS_URL is set; otherwise kombu's filesystem transport (no server needed),
# so that `make run` runs a real worker and beat.
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(BASE_DIR / "var" / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    for sub in ("queue", "processed", "results", "control"):
        (Path(CELERY_BROKER_DIR) / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(Path(CELERY_BROKER_DIR) / "queue"),
        "data_folder_out": str(Path(CELERY_BROKER_DIR) / "queue"),
        "processed_folder": str(Path(CELERY_BROKER_DIR) / "processed"),
        "control_folder": str(Path(CELERY_BROKER_DIR) / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = "file://" + str(Path(CELERY_BROKER_DIR) / "results")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# One queue name per deployment; tests give their real worker a unique one.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "conumapp.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any authentication while the client is locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PASSWORD_MIN_LENGTH = 12
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Conum] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "conumapp.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "conumapp.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False

# ProConnect (OpenID Connect), switched on when PROCONNECT_CLIENT_ID is set.
PROCONNECT_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="")
PROCONNECT_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET", default="")
PROCONNECT_SERVER_URL = env.str(
    "PROCONNECT_SERVER_URL",
    default="https://auth.proconnect.gouv.fr/api/v2/.well-known/openid-configuration",
)
SOCIALACCOUNT_PROVIDERS = {}
if PROCONNECT_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["proconnect"] = {
        "APPS": [
            {
                "provider_id": "proconnect",
                "name": "ProConnect",
                "client_id": PROCONNECT_CLIENT_ID,
                "secret": PROCONNECT_CLIENT_SECRET,
                "settings": {
                    "server_url": PROCONNECT_SERVER_URL,
                    "token_auth_method": "client_secret_post",
                },
            }
        ],
        "SCOPE": ["openid", "email", "given_name", "usual_name", "siret"],
    }

# Two-factor authentication (allauth.mfa, TOTP). Operators must activate it before using
# any page when OPERATOR_MFA_REQUIRED is on (conumapp/middleware.py); the default follows
# DJANGO_ENV (on in production, off in development and tests).
OPERATOR_MFA_REQUIRED = env.bool("OPERATOR_MFA_REQUIRED", default=PRODUCTION)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Conum"

# Login attempts, second layer (django-axes): allauth's "login_failed" limit above refuses
# logins after 5 failures in 5 minutes (form message); axes keeps the failures in the
# database and, after AXES_FAILURE_LIMIT of them from one address on one account, locks the
# pair out for AXES_COOLOFF_TIME (page 429), right password included. It covers every
# authenticate() call (the admin's login goes through allauth's). No email is stored or
# logged: the "username" axes keeps is a keyed hash of the address (conumapp/security.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_CALLABLE = "conumapp.security.axes_username"
AXES_CLIENT_STR_CALLABLE = "conumapp.security.axes_client_str"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept (personal data minimal)
AXES_CLIENT_IP_CALLABLE = "conumapp.security.client_ip"
# Reverse proxies in front of gunicorn that append the client's address to X-Forwarded-For
# (0: the address is REMOTE_ADDR). The production proxy sends X-Forwarded-Proto too.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)

# --- Email -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Conum <ne-pas-repondre@conum.anct.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OPERATORS_EMAIL = env.str("OPERATORS_EMAIL", default="operateurs@conum.anct.gouv.fr")
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 20
# Outbox (conumapp/notifications.py): attempts before "failed", backoff base, stale claim.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=15 * 60)

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and private files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Private uploads: outside static, served only through permission-checked views.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))),
            "base_url": None,
        },
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DSFR_USE_INTEGRITY_CHECKSUMS = False

# --- Programme settings (see DOMAIN.md) --------------------------------------------------
SMIC_BRUT_MENSUEL = Decimal(env.str("SMIC_BRUT_MENSUEL", default="1801.80"))
CERTIFICATION_DEADLINE_MONTHS = env.int("CERTIFICATION_DEADLINE_MONTHS", default=2)
CRA_EDIT_WINDOW_DAYS = env.int("CRA_EDIT_WINDOW_DAYS", default=30)
# Row exports of CRAs above this many rows run as a background task (statistiques/export_cras.py).
EXPORT_CRAS_SYNC_MAX = env.int("EXPORT_CRAS_SYNC_MAX", default=100_000)
INVITATION_VALIDITY_DAYS = 7

# --- Security ----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): scripts only from this site and with the request's
# nonce (templates write nonce="{{ request.csp_nonce }}"; django-dsfr's {% dsfr_js %} gets it
# too), never inline. Styles keep 'unsafe-inline' only because the DSFR's JavaScript and the
# Django admin write style attributes (style="…") that CSP would otherwise block; no script
# can run from them.
_FORM_TARGETS = [SELF]
if PROCONNECT_CLIENT_ID:
    # The ProConnect login and logout forms redirect to the identity provider.
    _proconnect = urlsplit(PROCONNECT_SERVER_URL)
    _FORM_TARGETS.append(f"{_proconnect.scheme}://{_proconnect.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _FORM_TARGETS,
    },
}

# --- Logging: never personal data (no emails, names: log ids) ----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Its DEBUG lines carry the template context (users, names, addresses) in tracebacks.
        "django.template": {"level": "INFO"},
    },
}

# --- Tests -------------------------------------------------------------------------------
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
