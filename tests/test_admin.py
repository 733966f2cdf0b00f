"""Django admin pages of every model: access by role, search, filters, forms and query counts."""

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.admin import PERSON_SECRET_FIELDS
from accounts.models import (
    Department,
    DesktopLoginLog,
    HardwareItem,
    HardwareItemDepartmentLink,
    LoginLog,
    LoginSession,
    LoginThrottle,
    Organisation,
    Person,
    SalaryScale,
    SamlAssertion,
    Software,
    SoftwareDepartmentLink,
    Studio,
    WebAuthnChallenge,
)
from imports.models import DataImportError, ImportJob
from playlists.models import (
    AttachmentFile,
    BuildJob,
    MediaJob,
    Playlist,
    PreviewBackgroundFile,
    PreviewFile,
)
from productions.models import (
    ApiEvent,
    AssetInstance,
    Budget,
    BudgetEntry,
    Chat,
    ChatMessage,
    Comment,
    CustomAction,
    DayOff,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    EntityVersion,
    FileStatus,
    MetadataDescriptor,
    Milestone,
    News,
    Notification,
    OutputFile,
    OutputType,
    Plugin,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    Project,
    ProjectPersonLink,
    ProjectStatus,
    ScheduleItem,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    Subscription,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TimeSpent,
    WorkingFile,
)
from tests import factories
from tests.factories import (
    PASSWORD,
    ClosedProjectFactory,
    CommentFactory,
    DepartmentFactory,
    DesktopLoginLogFactory,
    EntityFactory,
    EntityTypeFactory,
    LoginLogFactory,
    NamedProjectStatusFactory,
    OrganisationFactory,
    PersonFactory,
    ProjectAssetTypeLinkFactory,
    ProjectFactory,
    ProjectPersonLinkFactory,
    ProjectStatusFactory,
    ProjectTaskStatusLinkFactory,
    ProjectTaskTypeLinkFactory,
    StudioFactory,
    TaskFactory,
    TaskPersonLinkFactory,
    TaskStatusFactory,
    TaskTypeAssetTypeLinkFactory,
    TaskTypeFactory,
)

ADMIN_APPS = ("accounts", "productions", "playlists", "imports")


# ---- one row of each model, with its relations filled in ---------------------


def make_person():
    person = PersonFactory(studio=StudioFactory(), phone="555-0100", last_presence=timezone.localdate())
    person.departments.add(DepartmentFactory(), DepartmentFactory())
    return person


def make_project():
    project = ProjectFactory(project_status=NamedProjectStatusFactory(), start_date=timezone.localdate())
    ProjectPersonLinkFactory(project=project)
    ProjectAssetTypeLinkFactory(project=project)
    ProjectTaskTypeLinkFactory(project=project)
    ProjectTaskStatusLinkFactory(project=project)
    return project


def make_entity_type():
    entity_type = EntityTypeFactory()
    TaskTypeAssetTypeLinkFactory(asset_type=entity_type)
    return entity_type


def make_entity():
    parent = EntityFactory()
    return EntityFactory(
        project=parent.project, parent=parent, ready_for=TaskTypeFactory(), created_by=PersonFactory(), nb_frames=48
    )


def make_task_type():
    return TaskTypeFactory(department=DepartmentFactory())


def make_task():
    task = TaskFactory(due_date=timezone.now(), data={"note": "from a test"})
    TaskPersonLinkFactory(task=task)
    TaskPersonLinkFactory(task=task)
    return task


def make_comment():
    comment = CommentFactory(task_status=TaskStatusFactory(), editor=PersonFactory(), pinned=True)
    comment.mentions.add(PersonFactory())
    comment.department_mentions.add(DepartmentFactory())
    return comment


ROW_BUILDERS = {
    Person: make_person,
    Department: DepartmentFactory,
    Studio: StudioFactory,
    Organisation: OrganisationFactory,
    LoginLog: LoginLogFactory,
    DesktopLoginLog: DesktopLoginLogFactory,
    ProjectStatus: NamedProjectStatusFactory,
    Project: make_project,
    EntityType: make_entity_type,
    Entity: make_entity,
    TaskType: make_task_type,
    TaskStatus: TaskStatusFactory,
    Task: make_task,
    Comment: make_comment,
    TimeSpent: factories.TimeSpentFactory,
    DayOff: factories.DayOffFactory,
    Notification: factories.NotificationFactory,
    Subscription: factories.SubscriptionFactory,
    News: factories.NewsFactory,
    ApiEvent: factories.ApiEventFactory,
    StatusAutomation: factories.StatusAutomationFactory,
    MetadataDescriptor: factories.MetadataDescriptorFactory,
    CustomAction: factories.CustomActionFactory,
    SearchFilterGroup: factories.SearchFilterGroupFactory,
    SearchFilter: factories.SearchFilterFactory,
    SalaryScale: factories.SalaryScaleFactory,
    Software: factories.SoftwareFactory,
    HardwareItem: factories.HardwareItemFactory,
    SoftwareDepartmentLink: factories.SoftwareDepartmentLinkFactory,
    HardwareItemDepartmentLink: factories.HardwareItemDepartmentLinkFactory,
    Plugin: factories.PluginFactory,
    EntityLink: factories.EntityLinkFactory,
    EntityConceptLink: factories.EntityConceptLinkFactory,
    AssetInstance: factories.AssetInstanceFactory,
    EntityVersion: factories.EntityVersionFactory,
    Milestone: factories.MilestoneFactory,
    ScheduleItem: factories.ScheduleItemFactory,
    ProductionScheduleVersion: factories.ProductionScheduleVersionFactory,
    ProductionScheduleVersionTaskLink: factories.ProductionScheduleVersionTaskLinkFactory,
    Chat: factories.ChatFactory,
    ChatMessage: factories.ChatMessageFactory,
    Budget: factories.BudgetFactory,
    BudgetEntry: factories.BudgetEntryFactory,
    OutputType: factories.OutputTypeFactory,
    FileStatus: factories.FileStatusFactory,
    WorkingFile: factories.WorkingFileFactory,
    OutputFile: factories.OutputFileFactory,
    PreviewFile: factories.PreviewFileFactory,
    AttachmentFile: factories.AttachmentFileFactory,
    PreviewBackgroundFile: factories.PreviewBackgroundFileFactory,
    Playlist: factories.PlaylistFactory,
    BuildJob: factories.BuildJobFactory,
    MediaJob: factories.MediaJobFactory,
    ImportJob: factories.ImportJobFactory,
    DataImportError: factories.DataImportErrorFactory,
    LoginThrottle: factories.LoginThrottleFactory,
    LoginSession: factories.LoginSessionFactory,
    WebAuthnChallenge: factories.WebAuthnChallengeFactory,
    SamlAssertion: factories.SamlAssertionFactory,
}
READ_ONLY_MODELS = {
    LoginLog,
    DesktopLoginLog,
    Notification,
    News,
    ApiEvent,
    MediaJob,
    ImportJob,
    DataImportError,
    WebAuthnChallenge,
    SamlAssertion,
    LoginSession,
}
ALL_MODELS = list(ROW_BUILDERS)
WRITABLE_MODELS = [model for model in ALL_MODELS if model not in READ_ONLY_MODELS]


def model_id(model):
    return model._meta.label


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def client_for(person):
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def admin_person(db):
    return PersonFactory(role="admin")


@pytest.fixture
def staff_client(admin_person):
    """A Django test client logged in to the admin site as a studio admin."""
    return client_for(admin_person)


@pytest.fixture
def manager(db):
    return PersonFactory(role="manager")


@pytest.fixture
def manager_client(manager):
    """A Django test client logged in to the admin site as a production manager."""
    return client_for(manager)


def project_of(row):
    """Return the project that a project, entity, task or task comment belongs to."""
    if isinstance(row, Project):
        return row
    if isinstance(row, Comment):
        return Task.objects.get(pk=row.object_id).project
    return row.project


# ---- building form submissions ---------------------------------------------


def add_form_values(data, form):
    """Add the current value of every field of `form` to `data`, encoded as a browser would post it."""
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if isinstance(field, forms.SplitDateTimeField):
            local = timezone.localtime(value) if value else None
            data[f"{key}_0"] = local.date().isoformat() if local else ""
            data[f"{key}_1"] = local.time().isoformat() if local else ""
        elif isinstance(field, forms.NullBooleanField):
            data[key] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            data[key] = [str(item) for item in value or []]
        else:
            data[key] = "" if value is None else str(value)


def form_data(response):
    """Return the POST data that submits the admin form of `response` with the values it shows."""
    data = {"_save": "Save"}
    add_form_values(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add_form_values(data, inline.formset.management_form)
        for form in inline.formset.forms:
            add_form_values(data, form)
    return data


def form_errors(response):
    """Return the errors of the admin form and its inlines in `response`, for assertion messages."""
    if response.context is None or "adminform" not in response.context:
        return f"status {response.status_code}, no admin form"
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors.append(inline.formset.errors)
        errors.append(inline.formset.non_form_errors())
    return repr(errors)


def add_inline_row(data, prefix, **values):
    """Append one new row with `values` to the inline formset `prefix` in POST `data`."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = str(value)


# ---- registration ------------------------------------------------------------


def test_every_model_is_registered_or_inline(db):
    registered = [model for model in ALL_MODELS if admin.site.is_registered(model)]
    inline_models = {inline.model for model in registered for inline in admin.site.get_model_admin(model).inlines}
    for app_label in ADMIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            assert admin.site.is_registered(model) or model in inline_models, model_id(model)


def test_row_builders_cover_registered_models(db):
    for app_label in ADMIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if admin.site.is_registered(model):
                assert model in ROW_BUILDERS, model_id(model)


def form_field_names(model):
    """Return the names of the fields that a ModelForm of `model` may edit."""
    names = set()
    for field in model._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created or not (field.concrete or field.many_to_many):
            continue
        # A many-to-many field with its own through-model is edited through an inline.
        if field.many_to_many and not field.remote_field.through._meta.auto_created:
            continue
        names.add(field.name)
    return names


@pytest.mark.parametrize("model", WRITABLE_MODELS, ids=model_id)
def test_fieldsets_cover_editable_fields(rf, admin_person, model):
    request = rf.get("/")
    request.user = admin_person
    model_admin = admin.site.get_model_admin(model)

    shown = set(flatten_fieldsets(model_admin.get_fieldsets(request)))

    hidden = set(PERSON_SECRET_FIELDS) if model is Person else set()
    assert form_field_names(model) - hidden - shown == set()
    assert hidden & shown == set()


# ---- pages of every model ----------------------------------------------------


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_changelist_lists_row(staff_client, model):
    row = ROW_BUILDERS[model]()

    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert row.pk in {item.pk for item in response.context["cl"].result_list}


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_changelist_search_by_text(staff_client, model):
    ROW_BUILDERS[model]()

    response = staff_client.get(admin_url(model, "changelist"), {"q": "no such row"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_changelist_search_by_id(staff_client, model):
    row = ROW_BUILDERS[model]()
    ROW_BUILDERS[model]()

    response = staff_client.get(admin_url(model, "changelist"), {"q": str(row.pk)})

    assert response.status_code == 200
    assert [item.pk for item in response.context["cl"].result_list] == [row.pk]


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_changelist_sorts_by_every_column(staff_client, model):
    ROW_BUILDERS[model]()
    ROW_BUILDERS[model]()
    list_display = admin.site.get_model_admin(model).list_display

    for position in range(1, len(list_display) + 1):
        for order in (str(position), f"-{position}"):
            response = staff_client.get(admin_url(model, "changelist"), {"o": order})
            assert response.status_code == 200, f"o={order}"


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_changelist_applies_every_filter_choice(staff_client, model):
    ROW_BUILDERS[model]()
    url = admin_url(model, "changelist")
    changelist = staff_client.get(url).context["cl"]

    query_strings = [choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)]
    for query_string in query_strings:
        response = staff_client.get(url + query_string)
        assert response.status_code == 200, query_string
        # The admin redirects to "?e=1" when a filter parameter is invalid.
        assert "e" not in response.wsgi_request.GET, query_string


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_changelist_query_count_constant(staff_client, model):
    url = admin_url(model, "changelist")
    for _ in range(2):
        ROW_BUILDERS[model]()
    staff_client.get(url)

    with CaptureQueriesContext(connection) as few_rows:
        response = staff_client.get(url)
    assert response.status_code == 200

    for _ in range(8):
        ROW_BUILDERS[model]()
    with CaptureQueriesContext(connection) as many_rows:
        response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 10

    assert len(many_rows) == len(few_rows), [query["sql"] for query in many_rows.captured_queries]


@pytest.mark.parametrize("model", WRITABLE_MODELS, ids=model_id)
def test_add_page_loads(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", sorted(READ_ONLY_MODELS, key=model_id), ids=model_id)
def test_add_page_forbidden_for_history(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 403


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_change_page_loads(staff_client, model):
    row = ROW_BUILDERS[model]()

    response = staff_client.get(admin_url(model, "change", row.pk))

    assert response.status_code == 200
    assert response.context["original"].pk == row.pk


@pytest.mark.parametrize("model", WRITABLE_MODELS, ids=model_id)
def test_change_page_saves_unchanged(staff_client, model):
    row = ROW_BUILDERS[model]()
    url = admin_url(model, "change", row.pk)
    data = form_data(staff_client.get(url))

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert response.url == admin_url(model, "changelist")
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", sorted(READ_ONLY_MODELS, key=model_id), ids=model_id)
def test_history_change_page_is_read_only(staff_client, model):
    row = ROW_BUILDERS[model]()
    url = admin_url(model, "change", row.pk)

    response = staff_client.get(url)

    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert staff_client.post(url, {"_save": "Save"}).status_code == 403


@pytest.mark.parametrize("model", ALL_MODELS, ids=model_id)
def test_artist_redirected_to_login(db, model):
    row = ROW_BUILDERS[model]()
    client = client_for(PersonFactory(role="user"))

    for url in (admin_url(model, "changelist"), admin_url(model, "add"), admin_url(model, "change", row.pk)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_inactive_admin_redirected_to_login(db):
    client = client_for(PersonFactory(role="admin"))
    Person.objects.update(active=False)

    response = client.get(admin_url(Person, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# ---- persons -----------------------------------------------------------------


def test_person_change_page_hides_secrets(staff_client):
    person = make_person()
    person.totp_secret = "TOTPSECRET1234"
    person.email_otp_secret = "EMAILSECRET1234"
    person.otp_recovery_codes = ["RECOVERYCODE1"]
    person.fido_credentials = [{"device_name": "Desk key", "public_key": "FIDOPUBLICKEY"}]
    person.jti = "JTIVALUE1234"
    person.save()

    response = staff_client.get(admin_url(Person, "change", person.pk))

    assert response.status_code == 200
    content = response.content.decode()
    for secret in (person.password, "TOTPSECRET1234", "EMAILSECRET1234", "RECOVERYCODE1", "FIDOPUBLICKEY"):
        assert secret not in content
    assert "JTIVALUE1234" not in content
    assert "Desk key" in content
    form_fields = set(response.context["adminform"].form.fields)
    for name in ("password", "totp_secret", "email_otp_secret", "otp_recovery_codes", "fido_credentials", "jti"):
        assert name not in form_fields


def test_person_password_set_from_change_form(staff_client):
    person = make_person()
    url = admin_url(Person, "change", person.pk)
    data = form_data(staff_client.get(url))
    data.update(new_password1="Another-Secret-77", new_password2="Another-Secret-77")

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    person.refresh_from_db()
    assert person.check_password("Another-Secret-77")
    assert not person.check_password(PASSWORD)


def test_person_password_kept_when_fields_empty(staff_client):
    person = make_person()
    url = admin_url(Person, "change", person.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)))

    assert response.status_code == 302, form_errors(response)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_person_password_mismatch_rejected(staff_client):
    person = make_person()
    url = admin_url(Person, "change", person.pk)
    data = form_data(staff_client.get(url))
    data.update(new_password1="Another-Secret-77", new_password2="Another-Secret-78")

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "new_password2" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_person_password_validators_apply(staff_client):
    person = make_person()
    url = admin_url(Person, "change", person.pk)
    data = form_data(staff_client.get(url))
    data.update(new_password1="abc", new_password2="abc")

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "new_password1" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_person_own_password_change_keeps_session(staff_client, admin_person):
    url = admin_url(Person, "change", admin_person.pk)
    data = form_data(staff_client.get(url))
    data.update(new_password1="Another-Secret-77", new_password2="Another-Secret-77")

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert staff_client.get(admin_url(Person, "changelist")).status_code == 200


def person_add_data(client, **values):
    data = form_data(client.get(admin_url(Person, "add")))
    data.update(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    data.update(values)
    return data


def test_person_added_without_password_cannot_log_in(staff_client):
    response = staff_client.post(admin_url(Person, "add"), person_add_data(staff_client))

    assert response.status_code == 302, form_errors(response)
    person = Person.objects.get(email="ada@example.com")
    assert not person.has_usable_password()


def test_person_added_with_password_can_log_in(staff_client):
    data = person_add_data(staff_client, new_password1="Another-Secret-77", new_password2="Another-Secret-77")

    response = staff_client.post(admin_url(Person, "add"), data)

    assert response.status_code == 302, form_errors(response)
    person = Person.objects.get(email="ada@example.com")
    assert person.check_password("Another-Secret-77")


def test_person_email_taken_in_other_case_rejected(staff_client):
    PersonFactory(email="ada@example.com")

    response = staff_client.post(admin_url(Person, "add"), person_add_data(staff_client, email="ADA@example.com"))

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert Person.objects.filter(email__iexact="ada@example.com").count() == 1


def test_person_search_by_full_name(staff_client):
    person = PersonFactory(first_name="Grace", last_name="Hopper")
    PersonFactory(first_name="Grace", last_name="Kelly")

    response = staff_client.get(admin_url(Person, "changelist"), {"q": "grace hopper"})

    assert [item.pk for item in response.context["cl"].result_list] == [person.pk]


def test_admin_cannot_delete_own_account(staff_client, admin_person):
    response = staff_client.get(admin_url(Person, "delete", admin_person.pk))

    assert response.status_code == 403


def test_admin_deletes_other_person(staff_client):
    person = make_person()

    response = staff_client.post(admin_url(Person, "delete", person.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


# ---- what managers may do ----------------------------------------------------


def test_manager_views_persons_read_only(manager_client):
    person = make_person()
    url = admin_url(Person, "change", person.pk)

    assert manager_client.get(admin_url(Person, "changelist")).status_code == 200
    assert manager_client.get(admin_url(Person, "add")).status_code == 403
    response = manager_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert manager_client.post(url, {"_save": "Save", "role": "admin"}).status_code == 403


def test_manager_does_not_see_private_person_fields(manager_client):
    person = make_person()
    person.daily_salary = 98765
    person.ldap_uid = "ldap-uid-4321"
    person.save()

    response = manager_client.get(admin_url(Person, "change", person.pk))

    content = response.content.decode()
    assert "98765" not in content
    assert "ldap-uid-4321" not in content
    assert "New password" not in content


def test_manager_does_not_see_chat_tokens(manager_client):
    organisation = OrganisationFactory(chat_token_slack="xoxb-private-token")

    response = manager_client.get(admin_url(Organisation, "change", organisation.pk))

    assert response.status_code == 200
    assert "xoxb-private-token" not in response.content.decode()


def test_admin_sees_chat_tokens(staff_client):
    organisation = OrganisationFactory(chat_token_slack="xoxb-private-token")

    response = staff_client.get(admin_url(Organisation, "change", organisation.pk))

    assert "xoxb-private-token" in response.content.decode()


@pytest.mark.parametrize("model", [Project, Entity, Task], ids=model_id)
def test_manager_edits_team_rows(manager_client, manager, model):
    row = ROW_BUILDERS[model]()
    ProjectPersonLinkFactory(project=project_of(row), person=manager)
    url = admin_url(model, "change", row.pk)

    response = manager_client.post(url, form_data(manager_client.get(url)))

    assert response.status_code == 302, form_errors(response)
    assert response.url == admin_url(model, "changelist")


@pytest.mark.parametrize("model", [Project, Entity, Task, Comment], ids=model_id)
def test_manager_lists_only_team_rows(manager_client, manager, model):
    team_row = ROW_BUILDERS[model]()
    ROW_BUILDERS[model]()
    ProjectPersonLinkFactory(project=project_of(team_row), person=manager)

    team_pks = {row.pk for row in model.objects.all() if project_of(row) == project_of(team_row)}

    response = manager_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert {item.pk for item in response.context["cl"].result_list} == team_pks


@pytest.mark.parametrize("model", [Project, Entity, Task, Comment], ids=model_id)
def test_manager_cannot_open_other_team_row(manager_client, model):
    row = ROW_BUILDERS[model]()

    response = manager_client.get(admin_url(model, "change", row.pk))

    # The admin redirects to its index page for a row outside its queryset.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_manager_adds_entity_only_in_team_project(manager_client, manager):
    team_project = ProjectFactory()
    ProjectPersonLinkFactory(project=team_project, person=manager)
    other_project = ProjectFactory()
    data = form_data(manager_client.get(admin_url(Entity, "add")))
    data.update(name="Hero", entity_type=str(EntityTypeFactory().pk), project=str(other_project.pk))

    response = manager_client.post(admin_url(Entity, "add"), data)

    assert response.status_code == 200
    assert "project" in response.context["adminform"].form.errors

    data["project"] = str(team_project.pk)
    response = manager_client.post(admin_url(Entity, "add"), data)

    assert response.status_code == 302, form_errors(response)
    entity = Entity.objects.get(name="Hero")
    assert entity.project == team_project
    assert entity.created_by == manager


def test_manager_autocomplete_offers_team_projects(manager_client, manager):
    team_project = ProjectFactory()
    ProjectPersonLinkFactory(project=team_project, person=manager)
    ProjectFactory()
    query = {"app_label": "productions", "model_name": "task", "field_name": "project", "term": ""}

    response = manager_client.get(reverse("admin:autocomplete"), query)

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(team_project.pk)]


def test_manager_cannot_add_or_delete_projects(manager_client, manager):
    project = ClosedProjectFactory()
    ProjectPersonLinkFactory(project=project, person=manager)

    assert manager_client.get(admin_url(Project, "add")).status_code == 403
    assert manager_client.get(admin_url(Project, "delete", project.pk)).status_code == 403


@pytest.mark.parametrize("model", [ProjectStatus, EntityType, TaskType, TaskStatus, Comment], ids=model_id)
def test_manager_cannot_edit_reference_tables(manager_client, model):
    row = ROW_BUILDERS[model]()

    assert manager_client.get(admin_url(model, "changelist")).status_code == 200
    assert manager_client.get(admin_url(model, "add")).status_code == 403
    assert manager_client.post(admin_url(model, "change", row.pk), {"_save": "Save"}).status_code == 403


@pytest.mark.parametrize("model", sorted(READ_ONLY_MODELS, key=model_id), ids=model_id)
def test_manager_cannot_view_login_history(manager_client, model):
    assert manager_client.get(admin_url(model, "changelist")).status_code == 403


# ---- organisation ------------------------------------------------------------


def test_organisation_add_forbidden_when_one_exists(staff_client):
    OrganisationFactory()

    response = staff_client.get(admin_url(Organisation, "add"))

    assert response.status_code == 403


# ---- projects, entities, tasks, comments -----------------------------------


def test_project_added_as_tv_show_gets_first_episode(staff_client):
    data = form_data(staff_client.get(admin_url(Project, "add")))
    data.update(name="Space Show", production_type="tvshow", project_status="")

    response = staff_client.post(admin_url(Project, "add"), data)

    assert response.status_code == 302, form_errors(response)
    project = Project.objects.get(name="Space Show")
    assert project.project_status.name == "Open"
    assert list(Entity.objects.filter(project=project).values_list("name", "entity_type__name")) == [("E01", "Episode")]


def test_project_team_inline_adds_member(staff_client):
    project = make_project()
    newcomer = PersonFactory()
    url = admin_url(Project, "change", project.pk)
    data = form_data(staff_client.get(url))
    add_inline_row(data, "projectpersonlink_set", person=newcomer.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert ProjectPersonLink.objects.filter(project=project, person=newcomer).exists()
    assert ProjectPersonLink.objects.filter(project=project).count() == 2


def test_task_assignee_inline_adds_person(staff_client):
    task = make_task()
    artist = PersonFactory()
    url = admin_url(Task, "change", task.pk)
    data = form_data(staff_client.get(url))
    add_inline_row(data, "taskpersonlink_set", person=artist.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert TaskPersonLink.objects.filter(task=task, person=artist).exists()


def test_task_entity_from_other_project_rejected(staff_client):
    task = make_task()
    other_entity = EntityFactory()
    url = admin_url(Task, "change", task.pk)
    data = form_data(staff_client.get(url))
    data["entity"] = str(other_entity.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "entity" in response.context["adminform"].form.errors
    task.refresh_from_db()
    assert task.entity_id != other_entity.pk


def test_entity_parent_from_other_project_rejected(staff_client):
    entity = make_entity()
    other_parent = EntityFactory()
    url = admin_url(Entity, "change", entity.pk)
    data = form_data(staff_client.get(url))
    data["parent"] = str(other_parent.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors


def test_task_search_by_assignee_lists_task_once(staff_client):
    task = TaskFactory()
    TaskPersonLinkFactory(task=task, person=PersonFactory(first_name="Zelda"))
    TaskPersonLinkFactory(task=task, person=PersonFactory(first_name="Zelda"))
    TaskFactory()

    response = staff_client.get(admin_url(Task, "changelist"), {"q": "zelda"})

    assert [item.pk for item in response.context["cl"].result_list] == [task.pk]


def test_task_changelist_shows_assignees(staff_client):
    task = TaskFactory()
    TaskPersonLinkFactory(task=task, person=PersonFactory(first_name="Zelda", last_name="Fitz"))

    response = staff_client.get(admin_url(Task, "changelist"))

    assert "Zelda Fitz" in response.content.decode()


def test_comment_search_by_task_id(staff_client):
    comment = make_comment()
    CommentFactory(object_id=comment.object_id)
    make_comment()

    response = staff_client.get(admin_url(Comment, "changelist"), {"q": str(comment.object_id)})

    assert {item.object_id for item in response.context["cl"].result_list} == {comment.object_id}
    assert response.context["cl"].result_count == 2


def test_comment_changelist_names_task(staff_client):
    comment = make_comment()
    task = Task.objects.select_related("project", "entity", "task_type").get(pk=comment.object_id)

    response = staff_client.get(admin_url(Comment, "changelist"))

    assert f"{task.project.name} / {task.entity.name} / {task.task_type.name}" in response.content.decode()


def test_comment_unknown_task_rejected(staff_client):
    comment = make_comment()
    url = admin_url(Comment, "change", comment.pk)
    data = form_data(staff_client.get(url))
    data["object_id"] = "00000000-0000-4000-8000-000000000000"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "object_id" in response.context["adminform"].form.errors


# ---- deletes -------------------------------------------------------------------


def delete_selected(client, model, rows):
    """Run the admin's "delete selected" action on `rows`, confirming it."""
    data = {"action": "delete_selected", "_selected_action": [str(row.pk) for row in rows], "post": "yes"}
    return client.post(admin_url(model, "changelist"), data)


def test_open_project_delete_page_forbidden(staff_client):
    project = ProjectFactory()

    assert staff_client.get(admin_url(Project, "delete", project.pk)).status_code == 403


def test_open_project_kept_by_delete_action(staff_client):
    project = ProjectFactory()

    response = delete_selected(staff_client, Project, [project])

    assert response.status_code == 200
    assert f"Project {project.name} is open: close it first." in response.content.decode()
    assert "permission" not in response.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()


def test_closed_project_delete_removes_task_comments(staff_client):
    comment = make_comment()
    other_comment = make_comment()
    project = project_of(comment)
    project.project_status = ProjectStatusFactory(name="Closed")
    project.save()
    url = admin_url(Project, "delete", project.pk)

    confirmation = staff_client.get(url)
    response = staff_client.post(url, {"post": "yes"})

    assert "Comments: 1" in confirmation.content.decode()
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert Comment.objects.filter(pk=other_comment.pk).exists()


def test_entity_delete_removes_comments_of_child_tasks(staff_client):
    sequence = EntityFactory()
    shot = EntityFactory(project=sequence.project, parent=sequence)
    task = TaskFactory(project=sequence.project, entity=shot)
    comment = CommentFactory(object_id=task.pk)
    other_comment = make_comment()

    response = staff_client.post(admin_url(Entity, "delete", sequence.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert Comment.objects.filter(pk=other_comment.pk).exists()


def test_task_delete_action_removes_comments(staff_client):
    comments = [make_comment(), make_comment()]
    kept_comment = make_comment()
    task_ids = [comment.object_id for comment in comments]

    response = delete_selected(staff_client, Task, Task.objects.filter(pk__in=task_ids))

    assert response.status_code == 302
    assert not Task.objects.filter(pk__in=task_ids).exists()
    assert not Comment.objects.filter(pk__in=[comment.pk for comment in comments]).exists()
    assert Comment.objects.filter(pk=kept_comment.pk).exists()


# ---- task statuses and task types ----------------------------------------------


def test_default_task_status_replaces_old_default(staff_client):
    old_default = TaskStatusFactory(is_default=True)
    concept_default = TaskStatusFactory(is_default=True, for_concept=True)
    status = TaskStatusFactory()
    url = admin_url(TaskStatus, "change", status.pk)
    data = form_data(staff_client.get(url))
    data["is_default"] = "on"

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    old_default.refresh_from_db()
    concept_default.refresh_from_db()
    assert not old_default.is_default
    assert concept_default.is_default
    assert TaskStatus.objects.get(pk=status.pk).is_default


def test_task_type_for_other_entity_kind_rejected(staff_client):
    task = make_task()
    shot_task_type = TaskTypeFactory(for_entity="Shot")
    url = admin_url(Task, "change", task.pk)
    data = form_data(staff_client.get(url))
    data["task_type"] = str(shot_task_type.pk)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "task_type" in response.context["adminform"].form.errors
