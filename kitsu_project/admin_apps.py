"""The app config that installs Django's admin with the site of `kitsu_project.admin_site`."""

from django.contrib.admin.apps import AdminConfig


class KitsuAdminConfig(AdminConfig):
    default_site = "kitsu_project.admin_site.KitsuAdminSite"
