"""Gunicorn settings, read from the environment: `gunicorn -c gunicorn.conf.py mutuals_site.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Django writes one JSON line per request (mutuals_site.ops.middleware.RequestLogMiddleware), so no access log here.
accesslog = None
errorlog = "-"
# Addresses of proxies whose X-Forwarded-* headers gunicorn believes; "*" only when only the proxy can reach us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Workers' heartbeat files in memory, not on a container's overlay filesystem (gunicorn's FAQ).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# Gunicorn 27's control socket lives in $HOME, which the container's user does not have; nothing here uses it.
control_socket_disable = True
