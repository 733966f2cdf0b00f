import logging

from rest_framework.exceptions import ValidationError

from accounts.models import Department, Organisation, Person, Studio
from accounts.services import persons as person_services
from accounts.services import two_factor
from accounts.services.passwords import PROTECTED, is_protected
from accounts.tokens import bot_token_issue
from kitsu_project.api.permissions import ADMIN, ALL_ROLES, MANAGER
from kitsu_project.api.serialization import column_keys
from kitsu_project.api.viewsets import KitsuModelViewSet

from .serializers import DepartmentSerializer, OrganisationSerializer, PersonSerializer, StudioSerializer

logger = logging.getLogger("accounts.persons")

# Columns non-admins see of other people, as the reference shows them.
PERSON_PUBLIC_KEYS = frozenset(
    {
        "id",
        "type",
        "first_name",
        "last_name",
        "full_name",
        "has_avatar",
        "active",
        "departments",
        "studio_id",
        "role",
        "desktop_login",
        "is_bot",
    }
)
# Keys a person may not change on their own row unless they are an admin.
PERSON_ADMIN_ONLY_KEYS = frozenset(
    {
        "role",
        "active",
        "is_bot",
        "archived",
        "login_failed_attemps",
        "last_login_failed",
        "is_generated_from_ldap",
        "ldap_uid",
        "last_presence",
        "studio_id",
        "password",
        "jti",
    }
)
# Columns only admins read on other people's rows (the Django admin hides them too).
PERSON_PRIVATE_FIELDS = frozenset(
    {
        "login_failed_attemps",
        "last_login_failed",
        "totp_enabled",
        "email_otp_enabled",
        "fido_enabled",
        "preferred_two_factor_authentication",
        "jti",
        "daily_salary",
        "ldap_uid",
        "is_generated_from_ldap",
        "contract_type",
        "seniority",
    }
)
ORGANISATION_SECRET_KEYS = frozenset({"chat_token_slack", "chat_webhook_mattermost", "chat_token_discord"})


class PersonViewSet(KitsuModelViewSet):
    """Everyone may list people; only admins see every column, and people edit their own row."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    update_roles = ALL_ROLES

    def shows_full_rows(self, user):
        if user.role == ADMIN:
            return True
        # Non-admins only ever update their own row, and see all of it in the response.
        if self.action in ("update", "partial_update"):
            return True
        return self.action != "list" and user.role == MANAGER

    def wants_relations(self):
        return self.action in ("create", "update", "partial_update") or super().wants_relations()

    def get_hidden_fields(self, user):
        if self.shows_full_rows(user):
            return frozenset()
        visible = PERSON_PUBLIC_KEYS
        return frozenset(key for key in column_keys(Person) if key not in visible) | {"email", "phone"}

    def has_row_access(self, user, row):
        if self.action in ("update", "partial_update"):
            return user.role == ADMIN or row.pk == user.pk
        if self.action == "destroy":
            return row.pk != user.pk
        return True

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and not self.shows_full_rows(user):
            context["public_keys"] = PERSON_PUBLIC_KEYS
        return context

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        person = self.write_serializer.instance
        if person.is_bot:
            response.data["access_token"] = str(bot_token_issue(person))
            logger.info("Bot %s created by %s with a new token", person.pk, request.user.pk)
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        person = self.write_serializer.instance
        # As in the reference, sending `expiration_date` (even unchanged) gives a bot a new token
        # and revokes the old one. Only admins may do it.
        data = request.data if isinstance(request.data, dict) else {}
        if person.is_bot and "expiration_date" in data and request.user.role == ADMIN:
            response.data["access_token"] = str(bot_token_issue(person))
            logger.info("Bot %s got a new token from %s; the previous one is revoked", person.pk, request.user.pk)
        return response

    def perform_update(self, serializer):
        caller, person, data = self.request.user, serializer.instance, serializer.validated_data
        if caller.role != ADMIN:
            # The reference drops these keys silently for non-admins editing their own row.
            for key in PERSON_ADMIN_ONLY_KEYS:
                data.pop(key.removesuffix("_id"), None)
            serializer.relation_ids.pop("departments", None)
        if person.pk != caller.pk and is_protected(person) and ("password" in data or "email" in data):
            raise ValidationError({"password" if "password" in data else "email": [PROTECTED]})
        password_changed = bool(data.get("password"))
        deactivated = person.active and data.get("active") is False
        super().perform_update(serializer)
        if deactivated and not person.is_bot:
            # Reactivating the person later does not bring the old sessions back.
            revoked = person_services.person_tokens_revoke(person=person)
            logger.info("Person %s deactivated by %s (%d token(s) revoked)", person.pk, caller.pk, revoked)
        if password_changed:
            # As on the password routes, a new password ends every other session of the person.
            keep = self.request.auth if person.pk == caller.pk else None
            revoked = person_services.person_tokens_revoke(person=person, keep_token=keep)
            logger.warning(
                "Person %s set the password of person %s (%d token(s) revoked)", caller.pk, person.pk, revoked
            )
        if deactivated and person.is_bot:
            # A deactivated bot's token stays revoked: reactivating the bot does not bring it back.
            Person.objects.filter(pk=person.pk).update(jti=None)
            logger.info("Bot %s deactivated by %s: its token is revoked", person.pk, caller.pk)

    def delete_row(self, row, *, force):
        linked = [] if force else person_services.person_linked_data(row)
        if linked:
            raise ValidationError(
                {
                    "force": [
                        f"some data are still linked to this person ({', '.join(linked)}): "
                        "use force=true to delete them too."
                    ]
                }
            )
        row.delete()
        logger.info("Person %s deleted (force=%s)", row.pk, force)


class DepartmentViewSet(KitsuModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer


class StudioViewSet(KitsuModelViewSet):
    queryset = Studio.objects.all()
    serializer_class = StudioSerializer


class OrganisationViewSet(KitsuModelViewSet):
    """Studio settings; the chat tokens are secrets that only admins see."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer

    def get_hidden_fields(self, user):
        return frozenset() if user.role == ADMIN else ORGANISATION_SECRET_KEYS

    def perform_update(self, serializer):
        was_required = serializer.instance.two_factor_authentication_required
        super().perform_update(serializer)
        if serializer.instance.two_factor_authentication_required and not was_required:
            two_factor.requirement_turned_on(actor=self.request.user)
