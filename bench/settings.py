"""The portal's settings, plus the benchmark's management command (`manage.py bench --settings=bench.settings`)."""

from config.settings import *  # noqa: F403 (the portal's settings, unchanged)
from config.settings import CACHES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# The floor's URL beside the portal's, for the in-process pages and the HTTP server alike.
ROOT_URLCONF = "bench.urls"
# The bench's cache entries apart from a portal's sharing the same Redis database.
CACHES = {**CACHES, "default": {**CACHES["default"], "KEY_PREFIX": "bench"}}
