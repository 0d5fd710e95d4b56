"""The portal's settings, plus the benchmark's management command (`manage.py bench --settings=bench.settings`)."""

from config.settings import *  # noqa: F403 (the portal's settings, unchanged)
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
