import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from accounts.models import Person, Role


class Command(BaseCommand):
    help = (
        "Create the first admin when the server has none, from KITSU_ADMIN_EMAIL "
        "(default admin@example.com) and KITSU_ADMIN_PASSWORD. Without a password, one is "
        "generated and printed once. Does nothing when an admin already exists."
    )

    def handle(self, *args, **options):
        if Person.objects.filter(role=Role.ADMIN, is_bot=False).exists():
            self.stdout.write("An admin already exists: no account created.")
            return
        email = os.environ.get("KITSU_ADMIN_EMAIL") or "admin@example.com"
        password = os.environ.get("KITSU_ADMIN_PASSWORD") or get_random_string(16)
        call_command("create_admin", email, password=password, stdout=self.stdout)
        if not os.environ.get("KITSU_ADMIN_PASSWORD"):
            self.stdout.write(self.style.WARNING(f"First admin: {email} / {password} (shown only once)"))
