"""Settings for the clinic directory, read from environment variables.

Every value that differs between a laptop and production comes from the environment through
the small helpers below, which fail loudly on a value they cannot read. See README.md.
"""

import operator
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored: embedded database, uploads, collected static files


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"  # noqa: S105 - refused above without DEBUG

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",  # Django's widget templates, for FORM_RENDERER
    "django_filters",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "directory",
    "clinics",
    "guides",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "directory.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "directory.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "directory.middleware.EditorTimezoneMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "directory.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

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
                "directory.context_processors.site",
            ],
        },
    },
]
# Forms render through the templates above, so templates/forms/ lays out `{{ form }}`.
FORM_RENDERER = "directory.forms.FormRenderer"

# Database: any PostgreSQL through DATABASE_URL, or the embedded one in var/pgdata.
if env_str("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"))}
else:
    from directory.embedded_postgres import database_settings

    DATABASES = {"default": database_settings(VAR_DIR / "pgdata")}
DATABASES["default"].update(
    # Django's PostgreSQL backend with a health check that asks the socket, not the server.
    ENGINE="directory.postgresql",
    CONN_MAX_AGE=env_int("CONN_MAX_AGE", 60),
    CONN_HEALTH_CHECKS=True,
)
DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The caches and sessions are in the database by default, so several app servers can share one
# PostgreSQL. "default" holds security state: rate-limit counts, allauth's sign-in lockouts and the
# versions of cached pages. "pages" holds cached pages and computed entries (directory/caching.py),
# which any visitor can add to with a new URL; apart, filling it can never evict the former. "cards"
# holds each clinic's search result card (clinics/cards.py): as many as there are clinics, kept for
# days, so new searches filling "pages" do not push them out. "local" holds each process's copies
# of shared entries, used only while the shared versions say they are current; nothing depends on
# what one process keeps.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "directory.database_cache.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", "django_cache"),
    },
    "pages": {
        "BACKEND": env_str("PAGE_CACHE_BACKEND", "directory.database_cache.DatabaseCache"),
        "LOCATION": env_str("PAGE_CACHE_LOCATION", "django_page_cache"),
    },
    "cards": {
        "BACKEND": env_str("CARD_CACHE_BACKEND", "directory.database_cache.DatabaseCache"),
        "LOCATION": env_str("CARD_CACHE_LOCATION", "django_card_cache"),
    },
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_MAX_ENTRIES", 500)},
    },
}
# The database cache culls the third of its entries nearest to expiring once it holds more than
# this (Django's default of 300 would have every new search evict an older one). Security state
# only grows with visitors in the last day, so its limit is only reached by a flood of addresses.
# Pages and cards are rebuilt on demand, so their tables are unlogged
# (directory/management/commands/createcachetable.py); security state must survive a crash.
for alias, variable, max_entries, unlogged in [
    ("default", "CACHE_MAX_ENTRIES", 100000, False),
    ("pages", "PAGE_CACHE_MAX_ENTRIES", 20000, True),
    ("cards", "CARD_CACHE_MAX_ENTRIES", 300000, True),  # every card of 100,000 clinics, with room for new versions
]:
    if CACHES[alias]["BACKEND"].endswith("DatabaseCache"):
        CACHES[alias]["OPTIONS"] = {"MAX_ENTRIES": env_int(variable, max_entries), "UNLOGGED": unlogged}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Clinic page views are added up in each process and written this often (clinics/pageviews.py).
PAGE_VIEWS_FLUSH_SECONDS = env_int("PAGE_VIEWS_FLUSH_SECONDS", 10)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth, no social providers): sign in by e-mail, which must be verified.
AUTHENTICATION_BACKENDS = [
    # Django's own username check. Nothing signs in through it any more: /admin/login/ sends editors
    # to the allauth sign-in (directory/urls.py), whose backend below also answers permission checks.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "owner:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_DISPLAY = operator.attrgetter("email")  # usernames are generated and mean nothing to staff
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link scanner in a mail client must not confirm for the user
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True  # sign-up and reset answer the same whether or not an account exists
ACCOUNT_SESSION_REMEMBER = None  # ask ("Remember me")
ACCOUNT_ADAPTER = "clinics.staff.accounts.AccountAdapter"  # account e-mails go through the outbox
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ketamine Clinic Directory] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Two-step sign-in, which members can turn on: an authenticator app, with recovery codes for when
# the phone is lost. Wrong codes count against the same "login_failed" limit as wrong passwords.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ketamine Clinic Directory"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",  # five wrong passwords for one address lock it for 5 minutes
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploads: on this machine's disk, served by the app itself at MEDIA_URL to whom each may be shown
# (directory/media.py); or in object storage through django-storages when MEDIA_STORAGE is set.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")
MEDIA_STORAGE_OPTIONS = {"bucket_name": env_str("MEDIA_BUCKET")} if env_str("MEDIA_BUCKET") else {}
if MEDIA_STORAGE.endswith(".S3Storage"):
    if not env_str("MEDIA_BUCKET"):
        raise ImproperlyConfigured("MEDIA_STORAGE is S3Storage: set MEDIA_BUCKET to the bucket's name.")
    # A private bucket: every link the site renders is signed and expires, so a photo waiting for
    # review loads only for the staff and editors shown it. Credentials come from boto3's own
    # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Names are never reused, so a file may be cached long.
    MEDIA_STORAGE_OPTIONS |= {
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,  # S3-compatible services
        "default_acl": "private",
        "querystring_auth": True,
        # Longer than a cached page lives; a result card kept longer fills its logo's link in afresh.
        "querystring_expire": env_int("MEDIA_LINK_SECONDS", 24 * 3600),
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "max-age=31536000, immutable"},
    }
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "directory.static_storage.StaticFilesStorage"  # whitenoise's, compressed, with hashed names
    },
}

# E-mail: sent by SMTP when EMAIL_HOST is set, else printed to the console in development. With
# DEBUG off and no mail server nothing is sent or printed: mail waits in the outbox (directory/
# outbox.py) and `check --deploy` fails (directory/checks.py), so inquiries never reach the log.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.dummy.EmailBackend",
)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a mail server that never answers cannot hold a worker
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ketamine Clinic Directory <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", address) for address in env_list("ADMIN_EMAILS", [])]

# Security headers; the HTTPS-only ones are on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG


def map_tiles_origin(url: str) -> str:
    """The origin a tile URL template loads from, for the CSP: Leaflet's {s} subdomains become a wildcard."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    if scheme not in ("http", "https") or not host or not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured(f"MAP_TILES_URL must be an http(s) URL with {{z}}, {{x}} and {{y}}, not {url!r}")
    return f"{scheme}://{host.replace('{s}', '*')}"


# The maps of search results and clinic pages draw tiles from this URL template (Leaflet's syntax);
# an empty value turns the maps off. OpenStreetMap's own tiles suit a small site; a busy one should
# use a tile provider (OpenStreetMap's tile usage policy) and set its attribution here too.
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
MAP_TILES_ORIGINS = [map_tiles_origin(MAP_TILES_URL)] if MAP_TILES_URL else []

# Content-Security-Policy (django-csp): every page loads only its own scripts, styles and images.
# JSON-LD <script type="application/ld+json"> blocks are data, not scripts, so they need nothing.
# Object storage for media on another host adds its origin through MEDIA_ORIGIN; map tiles, theirs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("MEDIA_ORIGIN", []), *MAP_TILES_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Django's admin and django-simple-history's history pages ship inline style attributes and <style>
# blocks we do not own; under /admin/ only, inline styles (never scripts) are allowed. See
# directory/middleware.py.
CSP_ADMIN_PREFIX = "/admin/"

if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

# Request bodies over a route's limit get a 413 page before they are read (directory/middleware.py).
# Public forms are small; a view that takes uploads sets its own limit; the admin takes a guide's
# hero image (10 MB) with its form.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 64 * 1024)
ADMIN_REQUEST_BODY_MAX_BYTES = env_int("ADMIN_REQUEST_BODY_MAX_BYTES", 11 * 1024 * 1024)

# Proxies in front of the app that append to X-Forwarded-For (0: use the connecting address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Patient inquiries are health information: kept only this long, then purged.
INQUIRY_RETENTION_DAYS = env_int("INQUIRY_RETENTION_DAYS", 180)
INQUIRY_MAX_DELIVERY_ATTEMPTS = 8
# Where patients and clinics write to the site's editors (privacy requests, corrections); on the contact
# and privacy pages.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", f"help@{urlsplit(SITE_URL).hostname}")
# Notifications and account e-mails waiting in the outbox (directory/outbox.py) are retried this often.
EMAIL_MAX_DELIVERY_ATTEMPTS = 8
RATE_LIMITS = {
    # scope: (attempts, per seconds)
    "inquiry-ip": (5, 3600),
    "inquiry-clinic": (30, 3600),
    "report-ip": (10, 3600),
    # a claimant asking for the claim's confirmation e-mail again, per claim: once a minute, five times a day
    "claim-resend": (1, 60),
    "claim-resend-day": (5, 24 * 3600),
    # an owner's invitations: the same address once a minute per clinic, and 30 a day per owner
    "invite-address": (1, 60),
    "invite-user": (30, 24 * 3600),
}
