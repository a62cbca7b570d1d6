"""Settings for the Virtual School MIS. Behaviour changes only through environment variables."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from vschool.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Demo mode: the shipped demo data, demo logins and no 2FA requirement. ./run turns it on.
DEMO_MODE = env_bool("VSCHOOL_DEMO", False)
DEBUG = env_bool("DEBUG", False)

# An insecure key is acceptable only for demo and debug use; check vschool.W001 refuses it elsewhere.
INSECURE_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the attendance API (docs/api.md); its docs page from local static files
    "vschool.kit",
    "vschool.ops",
    "vschool.audit",
    "vschool.calendar",
    "vschool.accounts",
    "vschool.cohort",
    "vschool.attendance",
    "vschool.exchange",
    "vschool.peps",
    "vschool.funding",
    "vschool.alerts",
    "vschool.reports",
    "vschool.demo",
    "vschool.pages",
]

MIDDLEWARE = [
    # Outermost: headers on every response, and /healthz before host checks and redirects.
    "vschool.ops.middleware.ResponseHeadersMiddleware",
    "vschool.ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "vschool.accounts.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "vschool.audit.seen.SeenMiddleware",  # records what each response shows (docs/audit.md)
]

ROOT_URLCONF = "vschool.urls"
WSGI_APPLICATION = "vschool.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vschool" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vschool.pages.context_processors.service",
                "vschool.accounts.context_processors.session_timeout",
            ],
            "builtins": [
                "vschool.kit.templatetags.govuk",
                "vschool.calendar.templatetags.school_year",
            ],
        },
    }
]
FORM_RENDERER = "vschool.kit.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query it costs highly before running it: 60 to 100 ms a
    # query, more than the counts on a page take to run (bench/README.md). Off, as for
    # most web workloads.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # zxcvbn's estimate refuses sequences, repeats and keyboard runs the list misses.
    {"NAME": "vschool.accounts.passwords.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: an account, and an address, are each locked after repeated failures,
# so one password tried across many accounts, or many addresses against one, is limited.
# A success does not wipe the count: otherwise any valid sign-in would reset its address.
AXES_FAILURE_LIMIT = env_int("VSCHOOL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("VSCHOOL_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "vschool.accounts.views.locked_out"
AXES_VERBOSE = False

# Sessions end after a period of inactivity and when the browser closes; a warning shows
# this many minutes before, with a button to stay signed in (WCAG 2.2.1).
SESSION_COOKIE_AGE = env_int("VSCHOOL_SESSION_MINUTES", 30) * 60
VSCHOOL_SESSION_WARNING_SECONDS = env_int("VSCHOOL_SESSION_WARNING_MINUTES", 5) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# What one request may send besides its files (docs/security.md): the largest form, a QA
# decision or 20 targets, is well inside both. More is refused with the 400 page.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS settings: on by default outside demo and debug use.
HTTPS = env_bool("VSCHOOL_HTTPS", not (DEMO_MODE or DEBUG))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("VSCHOOL_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload list is for a whole registrable domain; the service runs on a council's
# subdomain, so preloading is the council's decision (VSCHOOL_HSTS_PRELOAD=1).
SECURE_HSTS_PRELOAD = HTTPS and env_bool("VSCHOOL_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict content security policy: scripts only from this origin or with a per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "vschool" / "static"]
# Production sets STATIC_ROOT and runs `collectstatic`: WhiteNoise then serves compressed
# files with hashed names, cached for a year. Without it, WhiteNoise serves from the apps.
STATIC_ROOT = env_str("STATIC_ROOT", "") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_ROOT
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_ROOT
WHITENOISE_AUTOREFRESH = DEBUG

# Background work (large imports) goes to a queue in the database; `vschool db_worker` runs
# it. VSCHOOL_TASKS_IMMEDIATE=1 runs tasks in the request instead (tests, a worker-less demo).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("VSCHOOL_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend",
    }
}
# Uploads larger than this many bytes are imported in the background, with progress shown.
VSCHOOL_BACKGROUND_IMPORT_BYTES = env_int("VSCHOOL_BACKGROUND_IMPORT_BYTES", 1_000_000)
# A running import silent for this long has lost its worker: it is shown as stopped.
VSCHOOL_IMPORT_STALLED_MINUTES = env_int("VSCHOOL_IMPORT_STALLED_MINUTES", 10)
# Uploads larger than this are refused unread (docs/imports.md: sized for the largest returns).
VSCHOOL_MAX_UPLOAD_BYTES = env_int("VSCHOOL_MAX_UPLOAD_BYTES", 20_000_000)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "virtual.school@example.org")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# The address people open the service at, for links in e-mails.
# The service's address for links in e-mails; by default where ./run serves (PORT).
VSCHOOL_BASE_URL = env_str(
    "VSCHOOL_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}"
).rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The authority this installation serves.
VSCHOOL_AUTHORITY_NAME = env_str("VSCHOOL_AUTHORITY_NAME", "Anytown")
VSCHOOL_LA_CODE = env_str("VSCHOOL_LA_CODE", "999")
# TOTP two-factor is required for every user unless turned off; off by default in demo mode.
VSCHOOL_REQUIRE_2FA = env_bool("VSCHOOL_REQUIRE_2FA", not DEMO_MODE)
# A link to set up two-factor (and a new user's password) works once, within this many days.
VSCHOOL_ENROLMENT_LINK_DAYS = env_int("VSCHOOL_ENROLMENT_LINK_DAYS", 7)
VSCHOOL_DEMO_PASSWORD = env_str("VSCHOOL_DEMO_PASSWORD", "demo")
# Aggregates under this size show as "fewer than N" to roles without child-level access.
VSCHOOL_SUPPRESS_BELOW = env_int("VSCHOOL_SUPPRESS_BELOW", 5)
VSCHOOL_ROLL_PAGE_SIZE = env_int("VSCHOOL_ROLL_PAGE_SIZE", 50)
# The 12-month cohort (rules.md 2.1, UNCONFIRMED): does care ending on 31 March itself count?
# Off: the project convention (not looked after on the end date); on: the 903 validator.
# PP+ counts children aged 4 to 15 on a 31 August: the one inside the financial year
# ("in_year", the 2014-15 wording) or the one before it ("before_year"); UNCONFIRMED.
VSCHOOL_PP_PLUS_AGE_ON = env_str("VSCHOOL_PP_PLUS_AGE_ON", "in_year")
# The authority's finance cost code for PP+ payments to schools, in the finance export.
VSCHOOL_PP_PLUS_COST_CODE = env_str("VSCHOOL_PP_PLUS_COST_CODE", "PPPLUS")
VSCHOOL_12_MONTHS_ADMITS_END_ON_31_MARCH = env_bool(
    "VSCHOOL_12_MONTHS_ADMITS_END_ON_31_MARCH", False
)

# Attendance (rules.md 7): the Virtual School's aspiration line, a whole percentage.
VSCHOOL_ATTENDANCE_ASPIRATION = env_int("VSCHOOL_ATTENDANCE_ASPIRATION", 95)
# The nightly alerts run raises a task for each exclusion recorded this many days back
# without one (docs/alerts.md).
VSCHOOL_ALERTS_EXCLUSION_DAYS = env_int("VSCHOOL_ALERTS_EXCLUSION_DAYS", 7)
# A part-time timetable ends or is reviewed within this many weeks of its start (rules.md 7).
VSCHOOL_PART_TIME_REVIEW_WEEKS = env_int("VSCHOOL_PART_TIME_REVIEW_WEEKS", 6)

# Personal Education Plans (rules.md 5): the initial PEP's local timescale and start age.
VSCHOOL_INITIAL_PEP_DAYS = env_int("VSCHOOL_INITIAL_PEP_DAYS", 20)
VSCHOOL_INITIAL_PEP_UNIT = env_str("VSCHOOL_INITIAL_PEP_UNIT", "working_days")
VSCHOOL_PEP_FROM_AGE_TWO = env_bool("VSCHOOL_PEP_FROM_AGE_TWO", False)
# The quality scale, best first, and the grades that count as good or better (rules.md 5).
VSCHOOL_PEP_GRADES = tuple(env_list("VSCHOOL_PEP_GRADES", ["Gold", "Green", "Amber", "Red"]))
VSCHOOL_PEP_GOOD_GRADES = tuple(env_list("VSCHOOL_PEP_GOOD_GRADES", ["Gold", "Green"]))
# The QA criteria, each judged met, partly met or not met.
VSCHOOL_PEP_QA_CRITERIA = tuple(
    env_list(
        "VSCHOOL_PEP_QA_CRITERIA",
        [
            "The child's views are recorded",
            "Last term's targets are reviewed",
            "Targets are SMART",
            "PP+ is linked to targets",
            "Attendance and attainment data are current",
            "Attendees are recorded",
            "The carer has contributed",
        ],
    )
)
# The share of each term's approved PEPs second-graded blind, in per cent.
VSCHOOL_MODERATION_PERCENT = env_int("VSCHOOL_MODERATION_PERCENT", 10)
# The protective marking printed on every page of a PEP document.
VSCHOOL_PROTECTIVE_MARKING = env_str("VSCHOOL_PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")

OTP_TOTP_ISSUER = f"{VSCHOOL_AUTHORITY_NAME} Virtual School"
