from django.contrib.auth.backends import ModelBackend

from accounts.models import Person


def find_person_by_login(login):
    """Return the non-bot person whose email (any case) or desktop login is `login`, or None."""
    if not login:
        return None
    humans = Person.objects.filter(is_bot=False)
    # An email match wins over another person's desktop login that happens to equal it.
    return humans.filter(email__iexact=login).first() or humans.filter(desktop_login=login).first()


class EmailOrDesktopLoginBackend(ModelBackend):
    """Log in with an email or a desktop login; used by the Django admin too."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        person = find_person_by_login(username or kwargs.get("email"))
        if person is None or not password:
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None

    def get_user(self, user_id):
        person = Person.objects.filter(pk=user_id).first()
        return person if person is not None and self.user_can_authenticate(person) else None
