"""gunicorn configuration for Gongyou: `gunicorn -c deploy/gunicorn.conf.py gongyou.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), so the systemd unit and a
container use this one file. The numbers:

- workers: 2 × CPU cores + 1 (gunicorn's rule of thumb for sync workers: one runs Python while
  another waits on PostgreSQL). Each sync worker serves one request at a time, so the database
  pool needs workers × machines connections (see deploy/README.md "PostgreSQL").
- timeout 30 s: longer than any page is allowed to take; a worker stuck longer is killed and
  replaced. Long work (roster imports, exports) belongs to task workers, not to requests.
- max_requests 10,000 ± 1,000: each worker is recycled now and then, which bounds any slow
  growth of its memory; the jitter keeps workers from restarting all at once.
- The access log carries no personal data: method, path without the query string, status,
  size, duration and user agent — no client address (nginx logs it, and the rate limits see it
  through GONGYOU_TRUSTED_PROXIES) and no query string (searches are POSTed; a stray phone
  number in a query would otherwise land in the log). Every line, access and error, also goes
  through gongyou.core.logmask.MaskPersonalData, which masks ID-number-like and phone-like runs
  that a path might still contain (e.g. a member number typed into a URL).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:  # a typo must not start the server with a surprise worker count
        raise SystemExit(f"{name} must be an integer, got {value!r}") from exc


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the upstream open; a short keep-alive frees sync workers quickly.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1_000)
# Request line and headers: nginx already limits them; these are gunicorn's own ceilings.
limit_request_line = 8190
limit_request_fields = 100
# Not preloaded: each worker opens its own database connections after the fork, and
# gongyou/wsgi.py checks the data key in every worker before it serves.
preload_app = False
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "gongyou"

# method, path (no query string), status, bytes, milliseconds, user agent.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Setting logconfig_dict turns the access log on and routes both gunicorn loggers through the
# masking filter (gunicorn's own default handlers have none).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "gongyou.core.logmask.MaskPersonalData"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["mask_personal_data"],
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["mask_personal_data"],
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
