"""Django settings for the Community Safety Partnership board system.

Every value that differs between machines is read from the environment through the typed helpers
in ``partnership.env``. With no variables set the project runs embedded: SQLite, Celery tasks run
eagerly in the web process, e-mail printed to the console, uploads under ``media/``. Setting
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switches to PostgreSQL and a real Celery worker.
``DJANGO_ENV=production`` turns on the production guard, which refuses unsafe values.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Environment ---------------------------------------------------------------------------

# "development" (the default) or "production". Production refuses DEBUG, a weak secret key,
# an empty host list, SQLite by accident and eager Celery.
ENVIRONMENT = env_str("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

# Debug pages show settings and source: on by default only in development.
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

# Signs sessions and password-reset links. The development key is public, so production must
# set its own (50+ characters, not the development one).
DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"  # noqa: S105 (public on purpose)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)

# Host names this site answers to (comma-separated).
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)

# Origins trusted for form posts when the site sits behind a proxy (comma-separated, with scheme).
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's public address, for links in e-mails sent by background jobs (no request there).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Secret mixed into the hashed keys that link a person's repeat referrals to a case panel
# (HMAC-SHA256; see reviews.keys). Blank derives one from DJANGO_SECRET_KEY. Set it on its own in
# production, so that rotating the secret key does not stop earlier referrals matching; changing
# it has that effect, so keep it as long as the cases.
CASE_KEY_PEPPER = env_str("CASE_KEY_PEPPER", "")

# The partnership's name, shown in the page header and on reports.
PARTNERSHIP_NAME = env_str("PARTNERSHIP_NAME", "Community Safety Partnership")
# The partnership's logo (SVG or PNG) on the page header and every report's cover, named as a
# static file. A deployment puts its own logo in a folder of its choosing, sets
# PARTNERSHIP_BRAND_DIR to that folder (served as static "brand/") and PARTNERSHIP_LOGO to
# "brand/<file name>". Only that folder is published, never the folder above it.
PARTNERSHIP_LOGO = env_str("PARTNERSHIP_LOGO", "img/partnership-logo.svg")
PARTNERSHIP_BRAND_DIR = env_str("PARTNERSHIP_BRAND_DIR", "")

# --- Applications --------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "django_celery_results",
    "simple_history",
    "axes",
    "django_ratelimit",
    # Content Security Policy header (and its system checks).
    "csp",
    # Optional two-factor sign-in (authenticator-app codes) for administrators and panel members.
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The project package is an app too: roles, home page, demo loader, system checks.
    "partnership",
    "boards",
    "funding",
    "reviews",
    "reporting",
]

MIDDLEWARE = [
    # First, so every log line of the request carries its id (partnership.logs).
    "partnership.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Ends sessions left idle too long or open too long since sign-in (partnership.sessions).
    "partnership.sessions.SessionExpiryMiddleware",
    # Records which user made each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Must stay last: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"
ASGI_APPLICATION = "partnership.asgi.application"

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
                "partnership.context_processors.site",
                # While a page is built for the page cache, its CSRF token is a placeholder.
                "partnership.pagecache.csrf_placeholder",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------

# postgres://user:password@host:5432/name in production; unset means a SQLite file.
DATABASE_URL = env_str("DATABASE_URL")
# Seconds a database connection is kept open between requests (0 closes it after each one).
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Where the embedded database lives.
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Take the write lock at the start of a transaction, so concurrent writers wait
            # instead of failing with "database is locked" half-way through.
            # Write-ahead logging lets pages be read while a write is under way, and commits
            # without waiting for the disk twice (NORMAL is safe with WAL: a power cut may lose
            # the last commits, never corrupt the file).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
            "CONN_MAX_AGE": DATABASE_CONN_MAX_AGE,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------

# redis://host:6379/2 shares the cache between processes; unset means per-process memory.
CACHE_URL = env_str("CACHE_URL")
# django-ratelimit's list of supported caches predates Django's own Redis backend, which is
# shared and increments atomically, all a rate limit needs.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Embedded mode is one process, whose memory is the whole cache, so the rate limits still
    # hold; production must set CACHE_URL (the guard refuses to start without it).
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003"]
# Whole pages kept for a moment (partnership.pagecache): always in the process's own memory,
# never in Redis, because case-panel pages hold personal data. 0 seconds turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 300)},
}

# --- Celery --------------------------------------------------------------------------------

# redis://host:6379/0 sends tasks to a worker; unset runs every task eagerly in the web process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
# An eager task's exception reaches the caller, as it would in a test.
CELERY_TASK_EAGER_PROPAGATES = True
# Results go to the database (django-celery-results), where they can be read back and audited.
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_TASK_TRACK_STARTED = True
# A task is acknowledged only when it finishes, and a worker that dies mid-task hands it back
# to the queue: tasks are written to be idempotent, so a retry is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Seconds Redis waits for an acknowledgement before redelivering a task. Must exceed the hard
# time limit, or a long task would be handed to a second worker while the first still runs.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
# Seconds after which a task is killed (hard) or asked to stop (soft).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
if CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT or CELERY_TASK_SOFT_TIME_LIMIT <= 0:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be over 60 seconds and below CELERY_VISIBILITY_TIMEOUT"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
# Periodic tasks live in the database (django-celery-beat); apps add theirs to this dict and
# beat copies it into the database at start-up.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # E-mail owners of board actions due within a week or overdue, every morning.
    "boards-action-reminders": {
        "task": "boards.tasks.send_action_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # E-mail grantees whose monitoring return is due within a week or overdue.
    "funding-monitoring-reminders": {
        "task": "funding.tasks.send_monitoring_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    # E-mail each agency's case-panel representatives a count of its overdue case actions.
    "reviews-case-action-reminders": {
        "task": "reviews.tasks.send_case_action_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Warn the One Panel's chairs of review deadlines five working days away or nearer.
    "reviews-review-deadline-warnings": {
        "task": "reviews.tasks.warn_review_deadlines",
        "schedule": crontab(hour=7, minute=40),
    },
    # Tell panel coordinators, each Monday, how many closed cases await approval to erase.
    "reviews-cases-due-for-disposal": {
        "task": "reviews.tasks.list_cases_due_for_disposal",
        "schedule": crontab(hour=7, minute=45, day_of_week="mon"),
    },
    # Remove generated report files older than REPORT_FILE_DAYS, every night.
    "reporting-delete-old-files": {
        "task": "reporting.tasks.delete_old_report_files",
        "schedule": crontab(hour=2, minute=30),
    },
    # Each board's draft quarterly report, a week after the quarter ends (8 January, April,
    # July and October), once the quarter's last meetings have been written up.
    "reporting-quarterly-drafts": {
        "task": "reporting.tasks.queue_quarterly_reports",
        "schedule": crontab(hour=6, minute=0, day_of_month=8, month_of_year="1,4,7,10"),
    },
    # Send report jobs the broker missed while it was down (workers also sweep every 30 s);
    # its arrival is beat's heartbeat for the health check.
    "reporting-requeue-waiting": {
        "task": "reporting.tasks.requeue_waiting_reports",
        "schedule": timedelta(minutes=2),
    },
}

# --- Authentication ------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Refuses a login while its username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with a cheaper per-request user lookup (partnership.backends).
    "partnership.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The name authenticator apps show next to this site's codes.
OTP_TOTP_ISSUER = PARTNERSHIP_NAME
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins allowed for one username from one address before it is locked out.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# Minutes a lockout lasts.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Keep usernames and addresses out of the application log.
AXES_VERBOSE = False
# Proxies in front of the app (0 when gunicorn faces clients directly); used to find the
# client's address for the lockout.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
# Rate limits on the public forms count per client address (see partnership.net).
RATELIMIT_IP_META_KEY = "partnership.net.client_ip"

# Sessions live in the database; partnership.sessions reads them without the ORM's overhead.
SESSION_ENGINE = "partnership.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
# Lax keeps the cookie off cross-site form posts while links from e-mails still arrive signed in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms (htmx ones included) send the token from a hidden field.
CSRF_COOKIE_HTTPONLY = True
# Minutes without a request after which a signed-in session ends (partnership.sessions). Status
# polls from an open page do not count as activity, so a page left open still times out.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
# Hours after sign-in at which a session ends however busy it has been.
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 10)
# The cookie outlives neither limit, so an abandoned browser holds nothing useful.
SESSION_COOKIE_AGE = min(SESSION_COOKIE_AGE, SESSION_ABSOLUTE_HOURS * 60 * 60)

# --- E-mail --------------------------------------------------------------------------------

# SMTP server; unset prints e-mail to the console.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Sender of the site's e-mail.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "csp-board@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Files ---------------------------------------------------------------------------------

STATIC_URL = "static/"
# Where collectstatic gathers files for production.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Third-party front-end assets come from node_modules (installed by `npm ci` from the lock
# file); nothing from a CDN and nothing copied into the repository by hand.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
if PARTNERSHIP_BRAND_DIR:
    STATICFILES_DIRS.append(("brand", Path(PARTNERSHIP_BRAND_DIR)))
# Outside production WhiteNoise serves straight from the source folders, so no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Uploaded papers and generated reports.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Days a generated report's file is kept before the nightly clean-up removes it (a report
# the chair marks final is kept); the request stays listed and can be built again.
REPORT_FILE_DAYS = env_int("REPORT_FILE_DAYS", 30)
# Largest upload accepted in one request, in megabytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Forms and locale ----------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Security ------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy (django-csp), the same in development and production so the tests see
# what users get. Scripts come only from our own static files: no inline <script>, no on*=
# handlers, no eval. Style attributes stay allowed (progress bar widths, plan status colours),
# while <style> elements and foreign style sheets do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Redirect plain HTTP to HTTPS.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Container health checks call this over plain HTTP from inside the host.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # Seconds browsers remember to use HTTPS only.
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging -------------------------------------------------------------------------------

# Never log personal data: log record ids, not names or case details.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# "json" writes one JSON object per line (timestamp, level, logger, message, request_id) for a
# log collector; "plain" (the default) is for reading in a terminal during development.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "partnership.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "partnership.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Quieten libraries that log routine steps (and, for axes, usernames) at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# Workers log through the handler above too, rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Production guard ----------------------------------------------------------------------

if PRODUCTION:
    from .guard import production_problems

    _problems = production_problems(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        development_secret_key=DEVELOPMENT_SECRET_KEY,
        allowed_hosts=ALLOWED_HOSTS,
        database_url=DATABASE_URL,
        broker_url=env_str("CELERY_BROKER_URL"),
        cache_url=CACHE_URL,
        case_key_pepper=CASE_KEY_PEPPER,
    )
    if _problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(_problems) + ".")
