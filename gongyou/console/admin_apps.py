"""django.contrib.admin with the console's gate (see gongyou/console/admin_site.py). A module of
its own: next to ConsoleConfig, Django would see two app configs in gongyou.console.apps."""

from django.contrib.admin.apps import AdminConfig


class GatedAdminConfig(AdminConfig):
    default_site = "gongyou.console.admin_site.GatedAdminSite"
