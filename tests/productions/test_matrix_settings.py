"""Route matrix of the workflow settings: success, bad input, unknown ids and roles.

It covers status automations, metadata descriptors (custom fields), custom actions,
saved search filters and their groups, through the generic /data collections and the
project settings routes, and the task type and task status settings of a project.
test_workflow_routes.py and test_project_routes.py contain the behaviour tests, and
this file adds the cases they leave out.
"""

import pytest

from productions.models import (
    CustomAction,
    MetadataDescriptor,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
)
from tests import factories
from tests.conftest import ROLES

# The shared cases of the generic collections run here with this module's `collection` fixture.
from tests.productions.collection_matrix import (  # noqa: F401
    UNKNOWN,
    Collection,
    join_team,
    message_of,
    test_create_admin,
    test_create_anonymous,
    test_create_bad_value,
    test_create_malformed_json,
    test_create_refused,
    test_create_unknown_field,
    test_delete_admin,
    test_delete_anonymous,
    test_delete_malformed,
    test_delete_refused,
    test_delete_unknown,
    test_get_admin,
    test_get_anonymous,
    test_get_malformed,
    test_get_refused,
    test_list_admin,
    test_list_anonymous,
    test_list_queries_constant,
    test_update_admin,
    test_update_anonymous,
    test_update_bad_value,
    test_update_malformed,
    test_update_refused,
    test_update_unknown,
)

pytestmark = pytest.mark.django_db

NON_MANAGER_ROLES = ["supervisor", "user", "client", "vendor"]
ALL_BUT_VENDORS = frozenset(ROLES) - {"vendor"}


@pytest.fixture
def project():
    return factories.ProjectFactory()


@pytest.fixture
def member(make_client, project):
    """Factory: member("user") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        join_team(project, client.person)
        return client

    return factory


# ---- the generic /data collections ------------------------------------------------------


def automation_body():
    return {
        "entity_type": "asset",
        "in_task_type_id": str(factories.TaskTypeFactory().pk),
        "in_task_status_id": str(factories.TaskStatusFactory().pk),
        "out_field_type": "status",
        "out_task_type_id": str(factories.TaskTypeFactory().pk),
        "out_task_status_id": str(factories.TaskStatusFactory().pk),
    }


def descriptor_body():
    return {
        "project_id": str(factories.ProjectFactory().pk),
        "name": "Frames",
        "field_name": "frames",
        "entity_type": "Shot",
        "data_type": "number",
    }


def custom_action_body():
    return {"name": "Send to farm", "url": "http://127.0.0.1:9/farm", "entity_type": "shot"}


def search_filter_body():
    return {
        "name": "Heroes",
        "search_query": "hero",
        "list_type": "asset",
        "person_id": str(factories.PersonFactory().pk),
    }


def search_filter_group_body():
    return {"name": "Mine", "color": "#00AAFF", "list_type": "asset", "person_id": str(factories.PersonFactory().pk)}


COLLECTIONS = [
    Collection(
        "status-automations",
        StatusAutomation,
        factories.StatusAutomationFactory,
        automation_body,
        None,
        "in_task_type_id",
        UNKNOWN,
        {"archived": True},
        ALL_BUT_VENDORS,
    ),
    Collection(
        "metadata-descriptors",
        MetadataDescriptor,
        factories.MetadataDescriptorFactory,
        descriptor_body,
        "field_name",
        "for_client",
        "maybe",
        {"for_client": True},
        ALL_BUT_VENDORS,
    ),
    Collection(
        "custom-actions",
        CustomAction,
        factories.CustomActionFactory,
        custom_action_body,
        "name",
        "is_ajax",
        "maybe",
        {"name": "Renamed"},
        ALL_BUT_VENDORS,
    ),
    Collection(
        "search-filters",
        SearchFilter,
        factories.SearchFilterFactory,
        search_filter_body,
        "list_type",
        "is_shared",
        "maybe",
        {"name": "Renamed"},
        frozenset({"admin"}),
    ),
    Collection(
        "search-filter-groups",
        SearchFilterGroup,
        factories.SearchFilterGroupFactory,
        search_filter_group_body,
        "list_type",
        "color",
        "#0011223344",
        {"name": "Renamed"},
        frozenset({"admin"}),
    ),
]


@pytest.fixture(params=COLLECTIONS, ids=[collection.path for collection in COLLECTIONS])
def collection(request, db):
    return request.param


@pytest.mark.parametrize("role", ROLES)
def test_list_roles(make_client, collection, role):
    expected = 200 if role in collection.list_roles else 403
    assert make_client(role).get(collection.url()).status_code == expected


# Status automations are left out: every column is optional, as in the reference.
REQUIRED_FIELD_COLLECTIONS = [collection for collection in COLLECTIONS if collection.missing_field]


@pytest.mark.parametrize(
    "collection", REQUIRED_FIELD_COLLECTIONS, ids=[collection.path for collection in REQUIRED_FIELD_COLLECTIONS]
)
def test_create_missing_field(admin_client, collection):
    body = collection.create_body()
    del body[collection.missing_field]
    before = collection.model.objects.count()
    response = admin_client.post(collection.url(), body, format="json")
    assert response.status_code == 400
    assert collection.missing_field in message_of(response)
    assert collection.model.objects.count() == before


def test_get_unknown(admin_client, collection):
    assert admin_client.get(collection.url(UNKNOWN)).status_code == 404


BAD_CHOICES = (
    "the generic descriptor routes store any JSON value as choices (5 returns 201 or 200), "
    "and a later PUT /data/entities/<id> with a value for that field fails with 500 (TypeError)"
)


def test_generic_descriptor_bad_choices(admin_client):
    body = {**descriptor_body(), "data_type": "list", "choices": 5}
    response = admin_client.post("/api/data/metadata-descriptors", body, format="json")
    assert response.status_code == 400
    assert "choices" in message_of(response)


def test_generic_descriptor_update_bad_choices(admin_client):
    descriptor = factories.MetadataDescriptorFactory(data_type="list", choices=["easy"])
    response = admin_client.put(f"/api/data/metadata-descriptors/{descriptor.pk}", {"choices": 5}, format="json")
    assert response.status_code == 400
    descriptor.refresh_from_db()
    assert descriptor.choices == ["easy"]


def test_generic_descriptor_duplicate_name(admin_client):
    descriptor = factories.MetadataDescriptorFactory(entity_type="Shot")
    body = {**descriptor_body(), "project_id": str(descriptor.project_id), "name": descriptor.name}
    response = admin_client.post("/api/data/metadata-descriptors", body, format="json")
    assert response.status_code == 400
    assert MetadataDescriptor.objects.count() == 1


# ---- project custom fields (metadata descriptors) ------------------------------------------


def descriptors_url(project_id):
    return f"/api/data/projects/{project_id}/metadata-descriptors"


def descriptor_url(descriptor, project_id=None):
    return f"{descriptors_url(project_id or descriptor.project_id)}/{descriptor.pk}"


def test_descriptors_list_unknown_project(admin_client):
    assert admin_client.get(descriptors_url(UNKNOWN)).status_code == 404


def test_descriptors_list_malformed_project(admin_client):
    assert admin_client.get(descriptors_url("not-a-uuid")).status_code == 400


def test_descriptor_create_missing_data_type(admin_client, project):
    response = admin_client.post(descriptors_url(project.pk), {"name": "Budget"}, format="json")
    assert response.status_code == 400
    assert "data_type" in message_of(response)
    assert not MetadataDescriptor.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", 5),
        ("name", "x" * 121),
        ("name", "!!!"),
        ("for_client", "maybe"),
        ("choices", 5),
        ("choices", ["a", "a"]),
        ("departments", ["not-a-uuid"]),
        ("departments", 5),
    ],
)
def test_descriptor_create_bad_value(admin_client, project, field, value):
    body = {"name": "Budget", "data_type": "list", "choices": ["a", "b"], field: value}
    response = admin_client.post(descriptors_url(project.pk), body, format="json")
    assert response.status_code == 400
    assert field in message_of(response)
    assert not MetadataDescriptor.objects.exists()


EMPTY_DATA_TYPE = (
    "an empty or null data_type is read as 'string', so POST returns 201 and PUT turns a list field "
    "into a string field, where the reference returns 400 'Invalid data_type'"
)


def test_descriptor_create_empty_data_type(admin_client, project):
    response = admin_client.post(descriptors_url(project.pk), {"name": "Budget", "data_type": ""}, format="json")
    assert response.status_code == 400
    assert "data_type" in message_of(response)
    assert not MetadataDescriptor.objects.exists()


@pytest.mark.parametrize("value", [None, ""])
def test_descriptor_update_empty_data_type(admin_client, project, value):
    descriptor = factories.MetadataDescriptorFactory(project=project, data_type="list", choices=["a"])
    response = admin_client.put(descriptor_url(descriptor), {"data_type": value}, format="json")
    assert response.status_code == 400
    descriptor.refresh_from_db()
    assert descriptor.data_type == "list"


def test_descriptor_create_malformed_project(admin_client):
    body = {"name": "Budget", "data_type": "string"}
    assert admin_client.post(descriptors_url("not-a-uuid"), body, format="json").status_code == 400


def test_descriptor_create_outsider(make_client, project):
    body = {"name": "Budget", "data_type": "string"}
    assert make_client("manager").post(descriptors_url(project.pk), body, format="json").status_code == 403


def test_descriptor_create_anonymous(api_client, project):
    body = {"name": "Budget", "data_type": "string"}
    assert api_client.post(descriptors_url(project.pk), body, format="json").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_descriptor_get_team_roles(member, project, role):
    descriptor = factories.MetadataDescriptorFactory(project=project, for_client=True)
    response = member(role).get(descriptor_url(descriptor))
    assert response.status_code == 200
    assert response.json()["id"] == str(descriptor.pk)


def test_descriptor_get_hidden_from_client(member, project):
    descriptor = factories.MetadataDescriptorFactory(project=project, for_client=False)
    assert member("client").get(descriptor_url(descriptor)).status_code == 403


def test_descriptor_get_outsider(make_client, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    assert make_client("user").get(descriptor_url(descriptor)).status_code == 403


def test_descriptor_get_unknown(admin_client, project):
    assert admin_client.get(f"{descriptors_url(project.pk)}/{UNKNOWN}").status_code == 404


def test_descriptor_get_unknown_project(admin_client, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    assert admin_client.get(descriptor_url(descriptor, UNKNOWN)).status_code == 404


def test_descriptor_get_anonymous(api_client, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    assert api_client.get(descriptor_url(descriptor)).status_code == 401


def test_descriptor_update_by_manager(member, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    response = member("manager").put(descriptor_url(descriptor), {"name": "Budget"}, format="json")
    assert response.status_code == 200
    assert response.json()["field_name"] == "budget"


def test_descriptor_update_outsider_manager(make_client, project):
    descriptor = factories.MetadataDescriptorFactory(project=project, name="Kept")
    response = make_client("manager").put(descriptor_url(descriptor), {"name": "Budget"}, format="json")
    assert response.status_code == 403
    descriptor.refresh_from_db()
    assert descriptor.name == "Kept"


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", 5),
        ("data_type", "colour"),
        ("for_client", "maybe"),
        ("choices", 5),
        ("departments", [UNKNOWN]),
    ],
)
def test_descriptor_update_bad_value(admin_client, project, field, value):
    descriptor = factories.MetadataDescriptorFactory(project=project, name="Kept", data_type="list", choices=["a"])
    response = admin_client.put(descriptor_url(descriptor), {field: value}, format="json")
    assert response.status_code == 400
    assert field in message_of(response)
    descriptor.refresh_from_db()
    assert (descriptor.name, descriptor.data_type, descriptor.choices) == ("Kept", "list", ["a"])


def test_descriptor_update_name_taken(admin_client, project):
    factories.MetadataDescriptorFactory(project=project, name="Budget", field_name="budget")
    descriptor = factories.MetadataDescriptorFactory(project=project, name="Kept")
    response = admin_client.put(descriptor_url(descriptor), {"name": "Budget"}, format="json")
    assert response.status_code == 400
    assert "name" in message_of(response)


def test_descriptor_update_unknown(admin_client, project):
    response = admin_client.put(f"{descriptors_url(project.pk)}/{UNKNOWN}", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_descriptor_update_malformed(admin_client, project):
    response = admin_client.put(f"{descriptors_url(project.pk)}/not-a-uuid", {"name": "x"}, format="json")
    assert response.status_code == 400


def test_descriptor_update_anonymous(api_client, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    assert api_client.put(descriptor_url(descriptor), {"name": "x"}, format="json").status_code == 401


def test_descriptor_delete_by_manager(member, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    assert member("manager").delete(descriptor_url(descriptor)).status_code == 204
    assert not MetadataDescriptor.objects.filter(pk=descriptor.pk).exists()


def test_descriptor_delete_unknown(admin_client, project):
    assert admin_client.delete(f"{descriptors_url(project.pk)}/{UNKNOWN}").status_code == 404


def test_descriptor_delete_other_project(admin_client, project):
    descriptor = factories.MetadataDescriptorFactory()
    assert admin_client.delete(descriptor_url(descriptor, project.pk)).status_code == 404
    assert MetadataDescriptor.objects.filter(pk=descriptor.pk).exists()


def test_descriptor_delete_malformed(admin_client, project):
    assert admin_client.delete(f"{descriptors_url(project.pk)}/not-a-uuid").status_code == 400


def test_descriptor_delete_anonymous(api_client, project):
    descriptor = factories.MetadataDescriptorFactory(project=project)
    assert api_client.delete(descriptor_url(descriptor)).status_code == 401
    assert MetadataDescriptor.objects.filter(pk=descriptor.pk).exists()


# ---- project status automations ----------------------------------------------------------


def automations_url(project_id):
    return f"/api/data/projects/{project_id}/settings/status-automations"


def test_project_automations_malformed_project(admin_client):
    assert admin_client.get(automations_url("not-a-uuid")).status_code == 400


def test_project_automations_outsider_manager(make_client, project):
    assert make_client("manager").get(automations_url(project.pk)).status_code == 403


def test_project_automation_add_malformed_id(admin_client, project):
    response = admin_client.post(automations_url(project.pk), {"status_automation_id": "nope"}, format="json")
    assert response.status_code == 400
    assert "status_automation_id" in message_of(response)


def test_project_automation_add_twice(admin_client, project):
    automation = factories.StatusAutomationFactory()
    for _ in range(2):
        admin_client.post(automations_url(project.pk), {"status_automation_id": str(automation.pk)}, format="json")
    assert project.status_automations.count() == 1


def test_project_automation_add_unknown_project(admin_client):
    automation = factories.StatusAutomationFactory()
    body = {"status_automation_id": str(automation.pk)}
    assert admin_client.post(automations_url(UNKNOWN), body, format="json").status_code == 404


def test_project_automation_add_anonymous(api_client, project):
    automation = factories.StatusAutomationFactory()
    body = {"status_automation_id": str(automation.pk)}
    assert api_client.post(automations_url(project.pk), body, format="json").status_code == 401
    assert not project.status_automations.exists()


@pytest.fixture
def enabled_automation(project):
    automation = factories.StatusAutomationFactory()
    project.status_automations.add(automation)
    return automation


@pytest.mark.parametrize("role,expected", [("admin", 204), ("manager", 204)] + [(r, 403) for r in NON_MANAGER_ROLES])
def test_project_automation_remove_roles(member, project, enabled_automation, role, expected):
    response = member(role).delete(f"{automations_url(project.pk)}/{enabled_automation.pk}")
    assert response.status_code == expected
    assert project.status_automations.exists() is (expected == 403)


def test_project_automation_remove_unknown(admin_client, project, enabled_automation):
    assert admin_client.delete(f"{automations_url(project.pk)}/{UNKNOWN}").status_code == 404
    assert project.status_automations.exists()


def test_project_automation_remove_malformed(admin_client, project):
    assert admin_client.delete(f"{automations_url(project.pk)}/not-a-uuid").status_code == 400


def test_project_automation_remove_unknown_project(admin_client, enabled_automation):
    assert admin_client.delete(f"{automations_url(UNKNOWN)}/{enabled_automation.pk}").status_code == 404


def test_project_automation_remove_keeps_row(admin_client, project, enabled_automation):
    admin_client.delete(f"{automations_url(project.pk)}/{enabled_automation.pk}")
    assert StatusAutomation.objects.filter(pk=enabled_automation.pk).exists()


def test_project_automation_remove_anonymous(api_client, project, enabled_automation):
    assert api_client.delete(f"{automations_url(project.pk)}/{enabled_automation.pk}").status_code == 401
    assert project.status_automations.exists()


# ---- project task type and task status settings ---------------------------------------------


def task_types_url(project_id):
    return f"/api/data/projects/{project_id}/settings/task-types"


def task_statuses_url(project_id):
    return f"/api/data/projects/{project_id}/settings/task-status"


def test_task_type_setting_missing_id(admin_client, project):
    response = admin_client.post(task_types_url(project.pk), {"priority": 1}, format="json")
    assert response.status_code == 400
    assert "task_type_id" in message_of(response)


def test_task_type_setting_malformed_id(admin_client, project):
    response = admin_client.post(task_types_url(project.pk), {"task_type_id": "nope"}, format="json")
    assert response.status_code == 400
    assert "task_type_id" in message_of(response)


def test_task_type_setting_malformed_project(admin_client):
    task_type = factories.TaskTypeFactory()
    body = {"task_type_id": str(task_type.pk)}
    assert admin_client.post(task_types_url("not-a-uuid"), body, format="json").status_code == 400


def test_task_type_setting_outsider_manager(make_client, project):
    task_type = factories.TaskTypeFactory()
    body = {"task_type_id": str(task_type.pk)}
    assert make_client("manager").post(task_types_url(project.pk), body, format="json").status_code == 403
    assert not ProjectTaskTypeLink.objects.exists()


def test_task_type_setting_remove_by_manager(member, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project)
    assert member("manager").delete(f"{task_types_url(project.pk)}/{link.task_type_id}").status_code == 204
    assert not ProjectTaskTypeLink.objects.exists()


def test_task_type_setting_remove_malformed(admin_client, project):
    assert admin_client.delete(f"{task_types_url(project.pk)}/not-a-uuid").status_code == 400


def test_task_type_setting_remove_unknown_project(admin_client):
    link = factories.ProjectTaskTypeLinkFactory()
    assert admin_client.delete(f"{task_types_url(UNKNOWN)}/{link.task_type_id}").status_code == 404
    assert ProjectTaskTypeLink.objects.exists()


def test_task_type_setting_remove_anonymous(api_client, project):
    link = factories.ProjectTaskTypeLinkFactory(project=project)
    assert api_client.delete(f"{task_types_url(project.pk)}/{link.task_type_id}").status_code == 401
    assert ProjectTaskTypeLink.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_task_status_settings_team_roles(member, project, role):
    link = factories.ProjectTaskStatusLinkFactory(project=project)
    response = member(role).get(task_statuses_url(project.pk))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(link.task_status_id)]


def test_task_status_settings_outsider(make_client, project):
    assert make_client("user").get(task_statuses_url(project.pk)).status_code == 403


def test_task_status_settings_malformed_project(admin_client):
    assert admin_client.get(task_statuses_url("not-a-uuid")).status_code == 400


def test_task_status_setting_add_malformed_id(admin_client, project):
    response = admin_client.post(task_statuses_url(project.pk), {"task_status_id": "nope"}, format="json")
    assert response.status_code == 400
    assert "task_status_id" in message_of(response)


def test_task_status_setting_add_unknown_project(admin_client):
    task_status = factories.TaskStatusFactory()
    body = {"task_status_id": str(task_status.pk)}
    assert admin_client.post(task_statuses_url(UNKNOWN), body, format="json").status_code == 404


def test_task_status_setting_add_anonymous(api_client, project):
    task_status = factories.TaskStatusFactory()
    body = {"task_status_id": str(task_status.pk)}
    assert api_client.post(task_statuses_url(project.pk), body, format="json").status_code == 401
    assert not ProjectTaskStatusLink.objects.exists()


def test_task_status_setting_remove_by_manager(member, project):
    link = factories.ProjectTaskStatusLinkFactory(project=project)
    assert member("manager").delete(f"{task_statuses_url(project.pk)}/{link.task_status_id}").status_code == 204
    assert not ProjectTaskStatusLink.objects.exists()


def test_task_status_setting_remove_malformed(admin_client, project):
    assert admin_client.delete(f"{task_statuses_url(project.pk)}/not-a-uuid").status_code == 400


def test_task_status_setting_remove_unknown_project(admin_client):
    link = factories.ProjectTaskStatusLinkFactory()
    assert admin_client.delete(f"{task_statuses_url(UNKNOWN)}/{link.task_status_id}").status_code == 404
    assert ProjectTaskStatusLink.objects.exists()


def test_task_status_setting_remove_anonymous(api_client, project):
    link = factories.ProjectTaskStatusLinkFactory(project=project)
    assert api_client.delete(f"{task_statuses_url(project.pk)}/{link.task_status_id}").status_code == 401
    assert ProjectTaskStatusLink.objects.exists()


def test_project_task_types_unknown_project(admin_client):
    assert admin_client.get(f"/api/data/projects/{UNKNOWN}/task-types").status_code == 404


def test_project_task_types_malformed_project(admin_client):
    assert admin_client.get("/api/data/projects/not-a-uuid/task-types").status_code == 400
