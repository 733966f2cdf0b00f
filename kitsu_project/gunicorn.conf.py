"""gunicorn configuration: KITSU_BIND and WEB_CONCURRENCY come from the environment."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kitsu_project.env import env_int, env_str, parse_bind  # noqa: E402

_host, _port = parse_bind(env_str("KITSU_BIND", "127.0.0.1:8000"))
bind = f"{_host}:{_port}"
workers = env_int("WEB_CONCURRENCY", 2, minimum=1)
timeout = env_int("KITSU_REQUEST_TIMEOUT", 120, minimum=1)
accesslog = "-"
# One control socket per checkout, so two servers on one machine never share it.
_var_dir = env_str("KITSU_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var"))
os.makedirs(_var_dir, exist_ok=True)
control_socket = os.path.join(_var_dir, "gunicorn.ctl")
wsgi_app = "kitsu_project.wsgi:application"
