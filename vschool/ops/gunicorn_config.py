"""Gunicorn's settings in production, each from the environment (docs/deploy.md).

gunicorn --config python:vschool.ops.gunicorn_config vschool.wsgi
"""

import os

from vschool.env import env_int, env_list, env_str

bind = env_list("GUNICORN_BIND", [f"127.0.0.1:{env_str('PORT', '8000')}"])
# Pages are database- and CPU-bound work in sync workers: two per CPU and one more.
workers = env_int("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0)) + 1)
# A PEP's PDF or a report at national scale can take seconds; a stuck request not a minute.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Restart each worker after about this many requests, so no slow leak can build up.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# The proxies whose X-Forwarded-* headers are believed ("*" behind a load balancer only).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file in memory: a container's disk can stall workers into timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# The path without its query: a roll search puts a child's name in the query string.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
