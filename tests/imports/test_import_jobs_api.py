"""Read-only import job routes: which jobs each role lists, one job by id, and no writes."""

import pytest

from tests.factories import ImportJobFactory, ProjectFactory, ProjectPersonLinkFactory

UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"
# Queries of the job list, the same for one job or many (the job rows come in one query).
QUERY_COUNT = 5


@pytest.fixture
def jobs(db):
    team_project = ProjectFactory()
    other_project = ProjectFactory()
    return {"team": ImportJobFactory(project=team_project), "other": ImportJobFactory(project=other_project)}


def listed_ids(client):
    response = client.get("/api/data/import-jobs")
    assert response.status_code == 200
    return {row["id"] for row in response.json()}


def test_admin_lists_every_job(admin_client, jobs):
    assert listed_ids(admin_client) == {str(jobs["team"].pk), str(jobs["other"].pk)}


def test_manager_lists_team_and_own_jobs(make_client, jobs):
    client = make_client("manager")
    ProjectPersonLinkFactory(project=jobs["team"].project, person=client.person)
    own = ImportJobFactory(person=client.person)
    assert listed_ids(client) == {str(jobs["team"].pk), str(own.pk)}


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_person_lists_own_jobs(make_client, jobs, role):
    client = make_client(role)
    ProjectPersonLinkFactory(project=jobs["team"].project, person=client.person)
    own = ImportJobFactory(person=client.person, project=jobs["team"].project)
    assert listed_ids(client) == {str(own.pk)}


def test_job_read_by_id(admin_client, jobs):
    job = jobs["team"]
    job.errors = [{"line": 3, "column": "Type", "message": "The asset type is missing."}]
    job.save()
    response = admin_client.get(f"/api/data/import-jobs/{job.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(job.pk)
    assert body["status"] == "queued"
    assert body["errors"] == job.errors


def test_own_job_readable(make_client, jobs):
    client = make_client("user")
    job = ImportJobFactory(person=client.person)
    assert client.get(f"/api/data/import-jobs/{job.pk}").status_code == 200


def test_other_job_refused(make_client, jobs):
    client = make_client("user")
    assert client.get(f"/api/data/import-jobs/{jobs['team'].pk}").status_code == 403


def test_unknown_and_malformed_id(admin_client, jobs):
    assert admin_client.get(f"/api/data/import-jobs/{UNKNOWN_ID}").status_code == 404
    assert admin_client.get("/api/data/import-jobs/nope").status_code == 400


def test_writes_not_allowed(admin_client, jobs):
    job = jobs["team"]
    assert admin_client.post("/api/data/import-jobs", {"kind": "csv-shots"}, format="json").status_code == 405
    assert admin_client.put(f"/api/data/import-jobs/{job.pk}", {"status": "failed"}, format="json").status_code == 405
    assert admin_client.delete(f"/api/data/import-jobs/{job.pk}").status_code == 405


def test_anonymous_refused(api_client, jobs):
    assert api_client.get("/api/data/import-jobs").status_code == 401


@pytest.mark.parametrize("count", [1, 5])
def test_import_jobs_query_count(make_client, django_assert_num_queries, count):
    client = make_client("manager")
    project = ProjectFactory()
    ProjectPersonLinkFactory(project=project, person=client.person)
    for _ in range(count):
        ImportJobFactory(project=project)
    with django_assert_num_queries(QUERY_COUNT):
        response = client.get("/api/data/import-jobs")
    assert len(response.json()) == count
