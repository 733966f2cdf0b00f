"""Routes about one person beyond the generic CRUD: password, departments, avatar, 2FA, invitations,
desktop logins and presence, task dates, related tasks. Also the /data/salary-scales collection.

Time spents and day-offs of persons live in productions/api/time.py; a person's
tasks and their assignment in productions/api/tasks.py.
"""

import csv
import datetime
import io
import logging
import uuid

from django.db.models import Exists, Max, Min, OuterRef
from django.http import HttpResponse
from django.urls import re_path
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, Person, SalaryScale
from accounts.services import passwords as password_services
from accounts.services import persons as person_services
from accounts.services import two_factor
from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, MANAGER, STAFF_ROLES
from kitsu_project.api.serialization import format_datetime, serialize_queryset, serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, path_row, text_argument
from kitsu_project.public_url import public_base_url
from productions.models import Task, TaskPersonLink, TaskType
from productions.services.projects import OPEN_STATUS

from .auth import client_ip
from .passwords import rejected

logger = logging.getLogger("accounts.persons")

PERSON = r"^persons/(?P<person_id>[^/]+)"
ADMIN_REQUIRED = "Only studio managers (admins) may do this."


def load_person(person_id):
    return path_row(Person.objects.all(), person_id, "person")


def check_admin(user):
    if user.role != ADMIN:
        raise PermissionDenied(ADMIN_REQUIRED)


def check_not_bot(person):
    if person.is_bot:
        raise PermissionDenied("This person is a bot: bots have no password, two-factor method or invitation.")


def full_person_row(person):
    return serialize_row(person, relations=True)


# ---- /actions/persons/... ------------------------------------------------


class PersonChangePasswordView(APIView):
    """POST a new password (`password`, `password_2`) for a person.

    Admins change anyone's password; a person changes their own by also sending
    `old_password`, as on /auth/change-password. Every token of the person is
    revoked, except the caller's login session when the person is the caller.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request, person_id):
        user = request.user
        person = load_person(person_id)
        check_not_bot(person)
        own = person.pk == user.pk
        if not own and user.role != ADMIN:
            raise PermissionDenied("Only admins may change the password of another person.")

        data = request.data
        password = text_argument(data, "password", "New password is missing.")
        password_2 = text_argument(data, "password_2", "New password confirmation is missing.")
        ip_address = client_ip(request)
        try:
            if own:
                old_password = text_argument(data, "old_password", "Old password is missing.")
                password_services.person_own_password_change(
                    person=person,
                    old_password=old_password,
                    password=password,
                    confirmation=password_2,
                    keep_token=request.auth,
                    ip_address=ip_address,
                )
            else:
                if password_services.is_protected(person):
                    raise password_services.PasswordRejected(password_services.PROTECTED)
                password_services.password_check(password=password, confirmation=password_2, person=person)
                person_services.person_password_change(
                    person=person, password=password, actor=user, ip_address=ip_address
                )
        except password_services.PasswordRejected as error:
            return rejected(request, error)
        return Response({"success": True})


class PersonDepartmentAddView(APIView):
    """POST `department_id`: add the person to that department (admins)."""

    permission_classes = [IsAuthenticated]

    def post(self, request, person_id):
        person = load_person(person_id)
        check_admin(request.user)
        raw = request.data.get("department_id") if isinstance(request.data, dict) else None
        if raw in (None, ""):
            raise MissingArgument("department_id", "The department id is missing.")
        try:
            department_id = uuid.UUID(str(raw))
        except ValueError:
            raise ValidationError({"department_id": [f"{raw!r} is not a valid UUID."]}) from None
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise ValidationError({"department_id": [f"department not found: no department has the id {raw}."]})

        person_services.person_department_add(person=person, department=department)
        return Response(full_person_row(person), status=status.HTTP_201_CREATED)


class PersonDepartmentRemoveView(APIView):
    """DELETE the person from a department (admins)."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, person_id, department_id):
        person = load_person(person_id)
        department = path_row(Department.objects.all(), department_id, "department")
        check_admin(request.user)
        person_services.person_department_remove(person=person, department=department)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonTwoFactorDisableView(APIView):
    """DELETE every two-factor method of a person (admins), or 400 when none is on."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, person_id):
        person = load_person(person_id)
        check_not_bot(person)
        check_admin(request.user)
        if not two_factor.has_two_factor(person):
            raise ValidationError(
                {"two_factor_authentication": ["Two factor authentication not enabled for this user."]}
            )
        two_factor.admin_disable(person=person, actor=request.user, ip_address=client_ip(request))
        return Response({"success": True})


class PersonAvatarClearView(APIView):
    """DELETE a person's avatar (admins)."""

    permission_classes = [IsAuthenticated]

    def delete(self, request, person_id):
        person = load_person(person_id)
        check_admin(request.user)
        person_services.person_avatar_clear(person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserAvatarClearView(APIView):
    """DELETE the caller's own avatar."""

    permission_classes = [IsAuthenticated]

    def delete(self, request):
        person_services.person_avatar_clear(person=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonInviteView(APIView):
    """GET: mail the person an invitation with a link to choose a password (admins)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, person_id):
        person = load_person(person_id)
        check_not_bot(person)
        check_admin(request.user)
        if not person.email:
            raise ValidationError({"email": ["this person has no email address to send the invitation to."]})
        person_services.person_invite(person=person, site_url=public_base_url(request))
        return Response({"success": True, "message": "Email sent"})


# ---- /data/persons/... ---------------------------------------------------


def parse_log_date(value):
    """Return an aware datetime from "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC when no offset)."""
    moment = None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value)
            if moment is None:
                day = parse_date(value)
                moment = datetime.datetime.combine(day, datetime.time()) if day else None
        except ValueError:
            moment = None
    if moment is None:
        raise ValidationError({"date": [f"{value!r} is not a date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS."]})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class PersonDesktopLoginLogsView(APIView):
    """GET a person's desktop logins (the person, admins, managers); POST one (the person, admins)."""

    permission_classes = [IsAuthenticated]

    def target(self, request, person_id):
        return load_person(person_id)

    def get(self, request, person_id=None):
        person = self.target(request, person_id)
        if person.pk != request.user.pk and request.user.role not in STAFF_ROLES:
            raise PermissionDenied("Only the person, admins and production managers read these logs.")
        logs = person.desktop_login_logs.order_by("-date", "pk")
        return Response(serialize_queryset(logs))

    def post(self, request, person_id=None):
        person = self.target(request, person_id)
        if person.pk != request.user.pk and request.user.role != ADMIN:
            raise PermissionDenied("Only the person and admins log desktop logins.")
        data = request.data if isinstance(request.data, dict) else {}
        raw = data.get("date")
        date = parse_log_date(raw) if raw not in (None, "") else datetime.datetime.now(datetime.UTC)
        log = person_services.desktop_login_log_create(person=person, date=date)
        return Response(serialize_row(log), status=status.HTTP_201_CREATED)


class UserDesktopLoginLogsView(PersonDesktopLoginLogsView):
    """The same routes for the caller's own desktop logins (/data/user/desktop-login-logs)."""

    def target(self, request, person_id):
        return request.user


class PresenceLogsView(APIView):
    """GET the presence table of a month (`YYYY-MM`) as CSV: who logged in from a desktop app which day (admins)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, month_date):
        check_admin(request.user)
        try:
            month = datetime.datetime.strptime(month_date, "%Y-%m")
        except ValueError:
            raise ValidationError({"month_date": [f"{month_date!r} is not a month: expected YYYY-MM."]}) from None
        rows = person_services.presence_log_rows(year=month.year, month=month.month)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = "attachment; filename=kitsu_export.csv"
        return response


class PersonsTaskDatesView(APIView):
    """GET, per active person, the first start and last due date of their tasks in open projects (admins).

    `project_id` restricts it to one project.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request):
        check_admin(request.user)
        tasks = Task.objects.filter(project__project_status__name=OPEN_STATUS)
        project_id = request.query_params.get("project_id")
        if project_id:
            try:
                tasks = tasks.filter(project_id=uuid.UUID(project_id))
            except ValueError:
                raise ValidationError({"project_id": [f"{project_id!r} is not a valid UUID."]}) from None
        links = (
            TaskPersonLink.objects.filter(person__active=True, task__in=tasks.values("pk"))
            .values("person_id")
            .annotate(min_date=Min("task__start_date"), max_date=Max("task__due_date"))
            .order_by("person_id")
        )
        return Response(
            [
                {
                    "person_id": str(link["person_id"]),
                    "min_date": format_datetime(link["min_date"]),
                    "max_date": format_datetime(link["max_date"]),
                }
                for link in links
            ]
        )


class PersonRelatedTasksView(APIView):
    """GET the tasks of a task type on the entities (of open projects) where the person has a task.

    The person themself or an admin.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, person_id, task_type_id):
        person = load_person(person_id)
        task_type = path_row(TaskType.objects.all(), task_type_id, "task type")
        if person.is_bot:
            raise PermissionDenied("This person is a bot: bots have no tasks.")
        if person.pk != request.user.pk and request.user.role != ADMIN:
            raise PermissionDenied("Only the person and admins read these tasks.")

        assigned = Task.objects.filter(
            Exists(TaskPersonLink.objects.filter(task=OuterRef("pk"), person=person)),
            project__project_status__name=OPEN_STATUS,
        )
        tasks = Task.objects.filter(task_type=task_type, entity_id__in=assigned.values("entity_id")).order_by(
            "entity__name", "pk"
        )
        return Response(serialize_queryset(tasks))


# ---- /data/salary-scales -------------------------------------------------

SalaryScaleSerializer = serializer_for(
    SalaryScale,
    read_only=("department", "position", "seniority"),
    extra_kwargs={"salary": {"min_value": 0}},
)


class SalaryScaleViewSet(KitsuModelViewSet):
    """The daily salaries per department, position and seniority: admins edit them, managers read them.

    The grid is complete: listing it creates the missing scales (at 0), so a
    client never creates one.
    """

    queryset = SalaryScale.objects.all()
    serializer_class = SalaryScaleSerializer
    read_roles = frozenset({ADMIN, MANAGER})
    create_roles = ADMIN_ONLY

    def list(self, request, *args, **kwargs):
        person_services.salary_scales_complete()
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        raise ValidationError(
            {"department_id": ["salary scales cannot be created: each department has its scales, update one."]}
        )


urlpatterns = [
    re_path(r"^persons/presence-logs/(?P<month_date>[^/]+)/?$", PresenceLogsView.as_view()),
    re_path(r"^persons/task-dates/?$", PersonsTaskDatesView.as_view()),
    re_path(rf"{PERSON}/desktop-login-logs/?$", PersonDesktopLoginLogsView.as_view()),
    re_path(r"^user/desktop-login-logs/?$", UserDesktopLoginLogsView.as_view()),
    re_path(rf"{PERSON}/related-tasks/(?P<task_type_id>[^/]+)/?$", PersonRelatedTasksView.as_view()),
]

action_urlpatterns = [
    re_path(rf"{PERSON}/change-password/?$", PersonChangePasswordView.as_view()),
    re_path(rf"{PERSON}/departments/add/?$", PersonDepartmentAddView.as_view()),
    re_path(rf"{PERSON}/departments/(?P<department_id>[^/]+)/?$", PersonDepartmentRemoveView.as_view()),
    re_path(rf"{PERSON}/disable-two-factor-authentication/?$", PersonTwoFactorDisableView.as_view()),
    re_path(rf"{PERSON}/clear-avatar/?$", PersonAvatarClearView.as_view()),
    re_path(r"^user/clear-avatar/?$", UserAvatarClearView.as_view()),
    re_path(rf"{PERSON}/invite/?$", PersonInviteView.as_view()),
]
