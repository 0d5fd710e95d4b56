from .celery import app as celery_app
from .tablib_formats import register as _register_lazy_xlsx

_register_lazy_xlsx()

__all__ = ("celery_app",)
