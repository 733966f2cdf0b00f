"""Global search: POST /data/search over assets, shots and persons."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

URL = "/api/data/search"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


def search(client, **body):
    return client.post(URL, body, format="json")


@pytest.fixture
def project():
    return factories.ProjectFactory(name="Hero Film")


@pytest.fixture
def asset(project):
    return factories.EntityFactory(
        project=project, name="hero_lamp", entity_type=factories.EntityTypeFactory(name="Props")
    )


@pytest.fixture
def shot(project):
    sequence = factories.EntityFactory(
        project=project, name="SQ01", entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    return factories.EntityFactory(
        project=project, parent=sequence, name="SH_HERO_010", entity_type=factories.EntityTypeFactory(name="Shot")
    )


def ids(rows):
    return [row["id"] for row in rows]


# ---- results -------------------------------------------------------------------------


def test_search_finds_asset_and_shot(admin_client, asset, shot):
    body = search(admin_client, query="hero").json()
    assert ids(body["assets"]) == [str(asset.pk)]
    assert ids(body["shots"]) == [str(shot.pk)]


def test_search_ignores_case(admin_client, asset):
    assert ids(search(admin_client, query="HERO_L").json()["assets"]) == [str(asset.pk)]


def test_search_asset_shape(admin_client, asset):
    row = search(admin_client, query="lamp").json()["assets"][0]
    assert row["project_name"] == "Hero Film"
    assert row["asset_type_name"] == "Props"
    assert row["preview_file_extension"] is None
    assert row["matched_terms"] == ["name"]
    assert row["type"] == "Asset"


def test_search_shot_shape(admin_client, shot):
    row = search(admin_client, query="sh_hero").json()["shots"][0]
    assert row["sequence_name"] == "SQ01"
    assert row["project_name"] == "Hero Film"
    assert "episode_id" not in row


def test_search_shot_episode(admin_client):
    project = factories.ProjectFactory(production_type="tvshow")
    episode = factories.EntityFactory(
        project=project, name="E01", entity_type=factories.EntityTypeFactory(name="Episode")
    )
    sequence = factories.EntityFactory(
        project=project, parent=episode, name="SQ01", entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    factories.EntityFactory(
        project=project, parent=sequence, name="SH777", entity_type=factories.EntityTypeFactory(name="Shot")
    )
    row = search(admin_client, query="SH777").json()["shots"][0]
    assert row["episode"] == "E01"
    assert row["episode_id"] == str(episode.pk)


def test_search_underscore_is_literal(admin_client, asset):
    factories.EntityFactory(project=asset.project, name="heroXlamp", entity_type=asset.entity_type)
    assert ids(search(admin_client, query="hero_").json()["assets"]) == [str(asset.pk)]


def test_search_persons_by_full_name(admin_client):
    person = factories.PersonFactory(first_name="Ada", last_name="Lovelace")
    factories.PersonFactory(first_name="Ada", last_name="Other", active=False)
    rows = search(admin_client, query="ada love").json()["persons"]
    assert ids(rows) == [str(person.pk)]
    assert rows[0]["email"] == person.email


def test_search_persons_public_keys(make_client):
    factories.PersonFactory(first_name="Ada", last_name="Lovelace")
    row = search(make_client("user"), query="lovelace").json()["persons"][0]
    assert row["full_name"] == "Ada Lovelace"
    assert "email" not in row


def test_search_index_names(admin_client, asset):
    body = search(admin_client, query="hero", index_names=["assets"]).json()
    assert list(body) == ["assets"]


def test_search_index_name_string(admin_client, asset):
    assert list(search(admin_client, query="hero", index_names="shots").json()) == ["shots"]


def test_search_limit_and_offset(admin_client, project):
    entity_type = factories.EntityTypeFactory(name="Props")
    names = [f"hero_{index}" for index in range(5)]
    for name in names:
        factories.EntityFactory(project=project, name=name, entity_type=entity_type)
    rows = search(admin_client, query="hero_", limit=2, offset=1, index_names=["assets"]).json()["assets"]
    assert [row["name"] for row in rows] == names[1:3]


def test_search_default_limit(admin_client, project):
    entity_type = factories.EntityTypeFactory(name="Props")
    for index in range(5):
        factories.EntityFactory(project=project, name=f"hero_{index}", entity_type=entity_type)
    assert len(search(admin_client, query="hero").json()["assets"]) == 3


def test_search_project_filter(admin_client, asset):
    other = factories.EntityFactory(name="hero_other", entity_type=asset.entity_type)
    rows = search(admin_client, query="hero", project_id=str(other.project_id)).json()["assets"]
    assert ids(rows) == [str(other.pk)]


def test_search_unknown_project(admin_client, asset):
    assert search(admin_client, query="hero", project_id=UNKNOWN).json()["assets"] == []


def test_search_skips_closed_projects(admin_client):
    factories.EntityFactory(project=factories.ClosedProjectFactory(), name="hero_closed")
    assert search(admin_client, query="hero").json()["assets"] == []


def test_search_short_query(admin_client, asset):
    response = search(admin_client, query="he")
    assert response.status_code == 200
    assert response.json() == {}


def test_search_queries(admin_client, project):
    entity_type = factories.EntityTypeFactory(name="Props")
    factories.EntityFactory(project=project, name="hero_0", entity_type=entity_type)
    factories.PersonFactory(first_name="Hero", last_name="Zero")
    with CaptureQueriesContext(connection) as few:
        search(admin_client, query="hero", limit=20)
    for index in range(1, 5):
        factories.EntityFactory(project=project, name=f"hero_{index}", entity_type=entity_type)
        factories.PersonFactory(first_name="Hero", last_name=f"N{index}")
    with CaptureQueriesContext(connection) as many:
        body = search(admin_client, query="hero", limit=20).json()
    assert len(body["assets"]) == 5
    assert len(many) == len(few)


# ---- roles ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_search_team_roles(make_client, asset, role):
    client = make_client(role)
    join_team(asset.project, client.person)
    if role == "vendor":
        task = factories.TaskFactory(project=asset.project, entity=asset)
        TaskPersonLink.objects.create(task=task, person=client.person)
    assert ids(search(client, query="hero").json()["assets"]) == [str(asset.pk)]


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_search_outside_team(make_client, asset, role):
    body = search(make_client(role), query="hero").json()
    assert body["assets"] == []
    assert body["shots"] == []


def test_search_vendor_needs_task(make_client, asset):
    vendor = make_client("vendor")
    join_team(asset.project, vendor.person)
    assert search(vendor, query="hero").json()["assets"] == []


def test_search_without_token(api_client):
    assert search(api_client, query="hero").status_code == 401


# ---- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "query"),
        ({"query": 12}, "query"),
        ({"query": "hero", "limit": -1}, "limit"),
        ({"query": "hero", "limit": 1000}, "limit"),
        ({"query": "hero", "limit": "many"}, "limit"),
        ({"query": "hero", "offset": -1}, "offset"),
        ({"query": "hero", "project_id": "nope"}, "project_id"),
        ({"query": "hero", "index_names": ["tasks"]}, "index_names"),
        ({"query": "hero", "index_names": {"a": 1}}, "index_names"),
    ],
)
def test_search_bad_input(admin_client, body, field):
    response = admin_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in str(response.json()["message"])


def test_search_body_not_object(admin_client):
    assert admin_client.post(URL, ["hero"], format="json").status_code == 400
