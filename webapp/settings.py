"""Circuitscope settings: every value comes from the environment, read strictly in one place.

Embedded defaults (no variables set): SQLite file, in-process worker, in-memory channel layer,
local media directory, the bundled demo model. Production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and usually STORAGE_BACKEND=s3. The README's
configuration table lists every variable read here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from webapp.client_address import parse_networks
from webapp.env import env_bool, env_choice, env_int, env_list, env_str, env_url
from webapp.redis_options import CACHE_OPTIONS, channel_layer_host
from webapp.storage_config import S3Options, storages_setting

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CIRCUITSCOPE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
_secret = env_str("SECRET_KEY", required=not DEBUG)
SECRET_KEY = _secret or "insecure-development-key-only-used-with-DEBUG-true"
# Production must name its hosts: a default list would silently accept any Host it contains.
if DEBUG:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
else:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS item {_origin!r} must start with http:// or https://"
        )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "webapp.accounts",
    "graphs",
    "graphs.generation",
    "graphs.collab",
    "graphs.features",
    "graphs.explanations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything looks an id up: PostgreSQL text cannot hold NUL (webapp/nul_bytes.py).
    "webapp.nul_bytes.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (webapp/csp.py).
    "webapp.csp.ContentSecurityPolicyMiddleware",
    # Innermost but one: it sees the view's exceptions first; a backing service down -> 503.
    "webapp.outages.BackingServiceOutageMiddleware",
    # Last: runs the chain above in one thread under ASGI (webapp/sync_middleware.py).
    "webapp.sync_middleware.SynchronousChain",
]
# GETs whose public answers the ASGI entry replays without entering Django once a view marked one
# (webapp/replayed_answers.py): the graph list (API and page), a graph's metadata and its body.
# "" replays nothing.
REPLAYED_ANSWER_PATHS = (
    r"/api/graphs/(?:[A-Za-z0-9_-]{16,32}/(?:data/)?)?|/graphs/public/"
    if env_bool("REPLAY_PUBLIC_ANSWERS", True)
    else ""
)

ROOT_URLCONF = "webapp.urls"
ASGI_APPLICATION = "webapp.asgi.application"
WSGI_APPLICATION = "webapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "webapp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webapp.accounts.context_processors.accounts",
            ],
        },
    },
]

# PostgreSQL goes through psycopg 3 (Django picks it when installed); SQLite is the embedded default.
_database_url = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
assert _database_url is not None
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
# A pooled connection the server dropped (restart, failover) is noticed before reuse, not by a
# failed query: long-lived processes (Celery workers) reconnect at their next job.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts but never answers (a stalled network) fails a request in seconds,
    # as a 503, instead of holding it forever. `?connect_timeout=N` in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)
# Under ASGI every request runs in a thread of its own, so a persistent connection (CONN_MAX_AGE)
# is left behind with each request's thread: with 50 users the server held 40+ idle connections
# towards PostgreSQL's max_connections. Set DATABASE_POOL_MAX_SIZE on the ASGI web server: a
# psycopg pool per process bounds them and reuses them across threads (it replaces persistent
# connections). Off (0) by default: Celery's prefork workers must not inherit an opened pool.
_pool_max = env_int("DATABASE_POOL_MAX_SIZE", 0, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _pool_max:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _pool_max,
        # A request waits this long for a free connection, then fails rather than queue forever.
        "timeout": env_int("DATABASE_POOL_TIMEOUT_S", 10, minimum=1),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and DATABASES["default"]["NAME"]:
    # A fresh clone has no var/ yet; SQLite creates the file but not its directory.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Self-service sign-up; a closed instance creates accounts with `createsuperuser` or the admin.
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "webapp" / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", ("local", "s3"))
STORAGES = storages_setting(
    STORAGE_BACKEND,
    s3=S3Options(
        bucket=env_str("S3_BUCKET"),
        endpoint_url=env_url("S3_ENDPOINT_URL", None, schemes=("http", "https")),
        access_key_id=env_str("S3_ACCESS_KEY_ID"),
        secret_access_key=env_str("S3_SECRET_ACCESS_KEY"),
        region=env_str("S3_REGION"),
        prefix=env_str("S3_PREFIX", "") or "",
        addressing_style=env_choice("S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")),
    ),
    # Hashed, compressed static files need `collectstatic` first: production images run it.
    manifest_static=env_bool("STATIC_MANIFEST", not DEBUG),
)

# --- security: strict by default when DEBUG is false, so `check --deploy` is clean ---
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, set TRUST_X_FORWARDED_PROTO=true.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Container health checks speak plain HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Hosts (https) the explorer may fetch a graph's external feature JSON from
# (metadata.feature_details.feature_json_base_url); the Content-Security-Policy allows no others.
FEATURE_JSON_HOSTS = env_list("FEATURE_JSON_HOSTS", ["www.neuronpedia.org", "neuronpedia.org"])
# Who may frame a graph's embed mode (?embed=true): CSP frame-ancestors sources, space-separated
# ("*" anyone; "'self' https://blog.example.org" to name them; "'none'" nobody). Cross-site frames
# get no session cookie (SameSite=Lax), so they show public and unlisted graphs only.
EMBED_FRAME_ANCESTORS = env_str("EMBED_FRAME_ANCESTORS", "*") or "'none'"

# Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; the client is the
# address the nearest trusted proxy appended (webapp/client_address.py). Empty: REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
parse_networks(tuple(TRUSTED_PROXIES))  # a malformed entry stops the process at start

# --- rate limits (webapp/ratelimit.py, docs/security.md): counted in the cache; 0 turns one off ---
# Failed logins per username + client IP, and per client IP, in a window of LOGIN_WINDOW_S.
RATELIMIT_LOGIN_FAILURES_PER_USER_IP = env_int(
    "RATELIMIT_LOGIN_FAILURES_PER_USER_IP", 10, minimum=0
)
RATELIMIT_LOGIN_FAILURES_PER_IP = env_int("RATELIMIT_LOGIN_FAILURES_PER_IP", 50, minimum=0)
RATELIMIT_LOGIN_WINDOW_S = env_int("RATELIMIT_LOGIN_WINDOW_S", 900, minimum=1)
# New accounts per client IP per hour (sign-up page).
RATELIMIT_SIGNUPS_PER_IP_PER_HOUR = env_int("RATELIMIT_SIGNUPS_PER_IP_PER_HOUR", 10, minimum=0)
# Graph and dashboard uploads per user per hour (API and upload page alike).
RATELIMIT_UPLOADS_PER_HOUR = env_int("RATELIMIT_UPLOADS_PER_HOUR", 60, minimum=0)
# Subgraphs per user per hour: new ones (saved or copied), and saves of any kind.
RATELIMIT_SUBGRAPHS_PER_HOUR = env_int("RATELIMIT_SUBGRAPHS_PER_HOUR", 30, minimum=0)
RATELIMIT_SUBGRAPH_SAVES_PER_HOUR = env_int("RATELIMIT_SUBGRAPH_SAVES_PER_HOUR", 300, minimum=0)
# Validations (POST /api/validate/) per user, or per client IP when anonymous, per hour.
RATELIMIT_VALIDATIONS_PER_HOUR = env_int("RATELIMIT_VALIDATIONS_PER_HOUR", 60, minimum=0)

REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss", "unix"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "webapp.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON through orjson (webapp/json_renderer.py); the browsable API stays for browsers.
    "DEFAULT_RENDERER_CLASSES": [
        "webapp.json_renderer.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's own three, with a JSON parser that answers 400 to bodies nested too deeply.
    "DEFAULT_PARSER_CLASSES": [
        "graphs.api.parsers.JSONBodyParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Services' refusals (graphs/errors.py) become responses here, for every app's views.
    "EXCEPTION_HANDLER": "graphs.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50, minimum=1),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Circuitscope API",
    "DESCRIPTION": "Attribution graphs: upload, browse, subgraphs, generation and steering.",
    "VERSION": "0.1.0",
    # Swagger UI's files come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Graphs and generation requests share the visibility values: one enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "VisibilityEnum": "graphs.models.graph.Visibility",
    },
}

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(REDIS_URL)]},
        }
    }
    # One cache shared by every process (quotas, rate limits), in the same Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cs",
            "OPTIONS": CACHE_OPTIONS,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Embedded mode's in-process runner (graphs/generation/runner.py): the worker package provides it,
# named here so the graph domain never imports the worker.
GENERATION_EMBEDDED_RUNNER = "inference_worker.worker.embedded"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# Domain settings live beside their app (graphs/conf.py, graphs/generation/conf.py, ...), read
# through webapp.env too. Import them now so a malformed value there also stops the process at
# start, not at the first request.
for _module in ("graphs.conf", "graphs.generation.conf", "graphs.features.conf"):
    importlib.import_module(_module)
