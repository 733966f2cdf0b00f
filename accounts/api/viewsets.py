from accounts.models import Department, Organisation, Person, Studio
from kitsu_project.api.permissions import ADMIN, CLIENT, VENDOR
from kitsu_project.api.viewsets import KitsuModelViewSet

from .serializers import DepartmentSerializer, OrganisationSerializer, PersonSerializer, StudioSerializer

# Columns that only admins may read (or filter on) in other people's rows.
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


class PersonViewSet(KitsuModelViewSet):
    queryset = Person.objects.all()
    serializer_class = PersonSerializer

    def get_hidden_fields(self, user):
        if user.role == ADMIN:
            return frozenset()
        return PERSON_PRIVATE_FIELDS

    def scope_queryset(self, queryset):
        user = self.request.user
        if user.role in (CLIENT, VENDOR):
            # Clients and vendors only see the people of their own productions.
            return queryset.filter(projects__in=user.projects.all()).distinct() | queryset.filter(pk=user.pk)
        return queryset


class DepartmentViewSet(KitsuModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer


class StudioViewSet(KitsuModelViewSet):
    queryset = Studio.objects.all()
    serializer_class = StudioSerializer


class OrganisationViewSet(KitsuModelViewSet):
    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
