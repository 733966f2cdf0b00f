from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.crypto import get_random_string

from accounts.models import Person, Role


class Command(BaseCommand):
    help = (
        "Create a studio admin with this email, or give the admin role to the person who has it. "
        "Without --password, a new account gets a generated password, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="Email address the admin logs in with.")
        parser.add_argument("--password", help="Password to set (at least 7 characters).")
        parser.add_argument("--first-name", default="Super")
        parser.add_argument("--last-name", default="Admin")

    def handle(self, *args, email, password, first_name, last_name, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Invalid email address: {email!r}.") from None

        person = Person.objects.filter(email__iexact=email, is_bot=False).first()
        generated = None
        if password is None and person is None:
            generated = password = get_random_string(16)
        if password is not None:
            try:
                password_validation.validate_password(password, person)
            except ValidationError as error:
                raise CommandError("Invalid --password: " + " ".join(error.messages)) from None

        if person is None:
            # Zou's create-admin command also leaves the phone and desktop login as empty strings.
            person = Person(email=email, first_name=first_name, last_name=last_name, phone="", desktop_login="")
            action = "Created"
        else:
            action = "Updated"
        person.role = Role.ADMIN
        person.active = True
        person.archived = False
        if password is not None:
            person.set_password(password)
        person.save()

        self.stdout.write(f"{action} admin {email}.")
        if generated:
            self.stdout.write(f"Generated password (shown only once): {generated}")
