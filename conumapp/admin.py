from . import admin_territories  # noqa: F401
