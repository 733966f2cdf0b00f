"""Avatars and thumbnails of persons, of the organisation and of projects (`/pictures/thumbnails/...`),
and the deletion of a stored avatar when it is cleared."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Organisation
from kitsu_project.storage import file_exists
from playlists.services.thumbnails import avatar_key
from productions.models import ApiEvent, ProjectPersonLink
from tests import factories
from tests.conftest import ROLES
from tests.media_files import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def picture_upload(content=None, name="avatar.png"):
    return {"file": SimpleUploadedFile(name, png_bytes(640, 320) if content is None else content, "image/png")}


def url(kind, instance_id, suffix=".png"):
    return f"/api/pictures/thumbnails/{kind}/{instance_id}{suffix}"


def picture_of(response):
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def organisation():
    return Organisation.get_default()


@pytest.fixture
def project():
    return factories.ProjectFactory()


# ---- persons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".png"])
def test_person_sets_own_avatar(make_client, suffix):
    artist = make_client("user")
    response = artist.post(url("persons", artist.person.pk, suffix), picture_upload())
    assert response.status_code == 201
    assert response.json() == {"thumbnail_path": f"pictures/thumbnails/persons/{artist.person.pk}.png"}
    artist.person.refresh_from_db()
    assert artist.person.has_avatar is True


def test_person_avatar_is_cropped_square(make_client):
    artist = make_client("user")
    artist.post(url("persons", artist.person.pk), picture_upload())
    picture = picture_of(artist.get(url("persons", artist.person.pk)))
    assert picture.format == "PNG"
    assert picture.size == (400, 400)


def test_person_avatar_from_jpeg(make_client):
    artist = make_client("user")
    response = artist.post(url("persons", artist.person.pk), picture_upload(jpeg_bytes(), "me.jpg"))
    assert response.status_code == 201


def test_person_avatar_stored_under_id(make_client):
    artist = make_client("user")
    artist.post(url("persons", artist.person.pk), picture_upload(name="../../../etc/passwd.png"))
    assert file_exists(avatar_key("persons", artist.person.pk))


def test_person_avatar_records_event(make_client, django_capture_on_commit_callbacks):
    artist = make_client("user")
    with django_capture_on_commit_callbacks(execute=True):
        artist.post(url("persons", artist.person.pk), picture_upload())
    event = ApiEvent.objects.get(name="person:set-thumbnail")
    assert event.data == {"person_id": str(artist.person.pk)}


def test_admin_sets_someone_avatar(admin_client):
    person = factories.PersonFactory()
    assert admin_client.post(url("persons", person.pk), picture_upload()).status_code == 201


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_person_avatar_of_someone_refused(make_client, role):
    person = factories.PersonFactory()
    assert make_client(role).post(url("persons", person.pk), picture_upload()).status_code == 403
    person.refresh_from_db()
    assert person.has_avatar is False


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"this is text", "avatar.png", "not a picture that can be read"),
        (png_bytes()[:60], "avatar.png", "file"),
        (b"", "avatar.png", "is empty"),
    ],
)
def test_person_avatar_bad_picture(make_client, content, name, reason):
    artist = make_client("user")
    response = artist.post(url("persons", artist.person.pk), picture_upload(content, name))
    assert response.status_code == 400
    assert reason in response.json()["message"]
    artist.person.refresh_from_db()
    assert artist.person.has_avatar is False


def test_person_avatar_without_file(make_client):
    artist = make_client("user")
    response = artist.post(url("persons", artist.person.pk), {})
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_person_avatar_pixel_limit(make_client, settings):
    settings.KITSU_MAX_PICTURE_PIXELS = 100
    artist = make_client("user")
    response = artist.post(url("persons", artist.person.pk), picture_upload())
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


def test_person_avatar_too_large(make_client, settings):
    settings.KITSU_MAX_UPLOAD_BYTES = 100
    artist = make_client("user")
    assert artist.post(url("persons", artist.person.pk), picture_upload()).status_code == 413


def test_person_avatar_unknown(admin_client):
    assert admin_client.post(url("persons", UNKNOWN), picture_upload()).status_code == 404
    assert admin_client.get(url("persons", UNKNOWN)).status_code == 404


def test_person_avatar_malformed(admin_client):
    assert admin_client.post(url("persons", "nope"), picture_upload()).status_code == 404
    assert admin_client.get(url("persons", "nope")).status_code == 404


def test_person_avatar_missing(admin_client):
    person = factories.PersonFactory()
    response = admin_client.get(url("persons", person.pk))
    assert response.status_code == 404
    assert "no thumbnail" in response.json()["message"]


def test_person_avatar_flag_without_file(admin_client):
    person = factories.PersonFactory(has_avatar=True)
    assert admin_client.get(url("persons", person.pk)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_person_avatar_read_roles(make_client, admin_client, role):
    person = factories.PersonFactory()
    admin_client.post(url("persons", person.pk), picture_upload())
    response = make_client(role).get(url("persons", person.pk, ""))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_person_avatar_anonymous(api_client, admin_client):
    assert api_client.get(url("persons", admin_client.person.pk)).status_code == 401
    assert api_client.post(url("persons", admin_client.person.pk), picture_upload()).status_code == 401


def test_clear_own_avatar_deletes_file(make_client, django_capture_on_commit_callbacks):
    artist = make_client("user")
    artist.post(url("persons", artist.person.pk), picture_upload())
    with django_capture_on_commit_callbacks(execute=True):
        assert artist.delete("/api/actions/user/clear-avatar").status_code == 204
    assert not file_exists(avatar_key("persons", artist.person.pk))
    assert artist.get(url("persons", artist.person.pk)).status_code == 404


def test_admin_clear_avatar_deletes_file(admin_client, django_capture_on_commit_callbacks):
    person = factories.PersonFactory()
    admin_client.post(url("persons", person.pk), picture_upload())
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/actions/persons/{person.pk}/clear-avatar").status_code == 204
    assert not file_exists(avatar_key("persons", person.pk))


# ---- organisation ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".png"])
def test_organisation_logo(admin_client, organisation, suffix):
    response = admin_client.post(url("organisations", organisation.pk, suffix), picture_upload())
    assert response.status_code == 201
    assert response.json()["thumbnail_path"] == f"pictures/thumbnails/organisations/{organisation.pk}.png"
    organisation.refresh_from_db()
    assert organisation.has_avatar is True


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_organisation_logo_refused(make_client, organisation, role):
    assert make_client(role).post(url("organisations", organisation.pk), picture_upload()).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_organisation_logo_read_roles(make_client, admin_client, organisation, role):
    admin_client.post(url("organisations", organisation.pk), picture_upload())
    assert make_client(role).get(url("organisations", organisation.pk)).status_code == 200


def test_organisation_logo_missing(admin_client, organisation):
    assert admin_client.get(url("organisations", organisation.pk)).status_code == 404


def test_organisation_logo_unknown(admin_client):
    assert admin_client.post(url("organisations", UNKNOWN), picture_upload()).status_code == 404
    assert admin_client.get(url("organisations", UNKNOWN)).status_code == 404


def test_organisation_logo_bad_picture(admin_client, organisation):
    response = admin_client.post(url("organisations", organisation.pk), picture_upload(b"GIF89a broken"))
    assert response.status_code == 400


def test_organisation_logo_records_event(admin_client, organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("organisations", organisation.pk), picture_upload())
    assert ApiEvent.objects.filter(name="organisation:set-thumbnail").count() == 1


# ---- projects ------------------------------------------------------------------------------------


def test_project_thumbnail(admin_client, project):
    response = admin_client.post(url("projects", project.pk), picture_upload())
    assert response.status_code == 201
    assert response.json()["thumbnail_path"] == f"pictures/thumbnails/projects/{project.pk}.png"
    project.refresh_from_db()
    assert project.has_avatar is True
    assert picture_of(admin_client.get(url("projects", project.pk))).size == (400, 400)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_thumbnail_refused(make_client, project, role):
    client = make_client(role)
    ProjectPersonLink.objects.create(project=project, person=client.person)
    assert client.post(url("projects", project.pk), picture_upload()).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_project_thumbnail_team_reads(make_client, admin_client, project, role):
    admin_client.post(url("projects", project.pk), picture_upload())
    client = make_client(role)
    ProjectPersonLink.objects.create(project=project, person=client.person)
    assert client.get(url("projects", project.pk)).status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_project_thumbnail_outsider(make_client, admin_client, project, role):
    admin_client.post(url("projects", project.pk), picture_upload())
    assert make_client(role).get(url("projects", project.pk)).status_code == 403


def test_project_thumbnail_manager_outside_team(make_client, admin_client, project):
    admin_client.post(url("projects", project.pk), picture_upload())
    assert make_client("manager").get(url("projects", project.pk)).status_code == 200


def test_project_thumbnail_missing(admin_client, project):
    assert admin_client.get(url("projects", project.pk)).status_code == 404


def test_project_thumbnail_unknown(admin_client):
    assert admin_client.post(url("projects", UNKNOWN), picture_upload()).status_code == 404
    assert admin_client.get(url("projects", UNKNOWN)).status_code == 404


def test_project_thumbnail_bad_picture(admin_client, project):
    response = admin_client.post(url("projects", project.pk), picture_upload(b"%PDF-1.4", "cover.png"))
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.has_avatar is False
