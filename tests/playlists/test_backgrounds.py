"""Preview background files: the Radiance HDR reader, the /data/preview-background-files collection,
the upload and download of HDR pictures and thumbnails, and the backgrounds offered in a project."""

import io
import re
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from playlists.media.hdr import hdr_sample
from playlists.media.pictures import MediaError
from playlists.models import PreviewBackgroundFile, ProjectPreviewBackgroundFileLink
from playlists.services.backgrounds import background_key, background_thumbnail_key
from productions.models import ApiEvent, ProjectPersonLink
from tests import factories
from tests.conftest import ROLES
from tests.media_files import png_bytes

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"
COLLECTION = "/api/data/preview-background-files"
# A pixel whose red is clamped to 1, green about 0.5 and blue about 0.25, once tone-mapped.
WARM_PIXEL = (128, 64, 32, 129)
BLUE_PIXEL = (16, 16, 128, 129)


# ---- HDR files for the tests -------------------------------------------------------------


def hdr_header(width, height, *, resolution=None, pixel_format=b"32-bit_rle_rgbe"):
    resolution = resolution or b"-Y %d +X %d" % (height, width)
    return b"#?RADIANCE\nFORMAT=" + pixel_format + b"\nEXPOSURE=1.0\n\n" + resolution + b"\n"


def flat_hdr(pixels, *, resolution=None, pixel_format=b"32-bit_rle_rgbe"):
    """An HDR picture of rows of (r, g, b, e) pixels, without run-length encoding."""
    height, width = len(pixels), len(pixels[0])
    body = b"".join(bytes(pixel) for row in pixels for pixel in row)
    return hdr_header(width, height, resolution=resolution, pixel_format=pixel_format) + body


def rle_component(values):
    """Encode one component of a scanline as runs (repeats of 4 or more) and literals."""
    out, index = bytearray(), 0
    while index < len(values):
        end = index
        while end < len(values) and values[end] == values[index] and end - index < 127:
            end += 1
        if end - index >= 4:
            out += bytes([128 + end - index, values[index]])
            index = end
            continue
        stop = min(len(values), index + 128)
        out += bytes([stop - index]) + bytes(values[index:stop])
        index = stop
    return bytes(out)


def rle_hdr(pixels):
    """An HDR picture with run-length encoded scanlines (the width must be 8 or more)."""
    height, width = len(pixels), len(pixels[0])
    body = bytearray()
    for row in pixels:
        body += bytes([2, 2]) + struct.pack(">H", width)
        for component in range(4):
            body += rle_component([pixel[component] for pixel in row])
    return hdr_header(width, height) + bytes(body)


def split_rows(width, height, left, right):
    """Rows whose left half is `left` and right half is `right`."""
    return [[left if x < width // 2 else right for x in range(width)] for _ in range(height)]


def runner_hdr():
    """The 8x4 flat HDR picture the conformance runner uploads."""
    return flat_hdr([[WARM_PIXEL] * 8 for _ in range(4)])


def hdr_upload(content=None, name="studio.hdr"):
    return SimpleUploadedFile(name, runner_hdr() if content is None else content, "application/octet-stream")


# ---- the Radiance reader -----------------------------------------------------------------------


def test_hdr_flat_tone_mapping():
    image = hdr_sample(io.BytesIO(runner_hdr()))
    assert image.size == (8, 4)
    assert image.getpixel((0, 0)) == (255, 187, 137)


def test_hdr_rle_matches_flat():
    rows = split_rows(64, 16, WARM_PIXEL, BLUE_PIXEL)
    from_rle = hdr_sample(io.BytesIO(rle_hdr(rows)))
    from_flat = hdr_sample(io.BytesIO(flat_hdr(rows)))
    assert from_rle.tobytes() == from_flat.tobytes()


def test_hdr_rle_columns():
    image = hdr_sample(io.BytesIO(rle_hdr(split_rows(64, 16, WARM_PIXEL, BLUE_PIXEL))))
    assert image.getpixel((0, 0)) == (255, 187, 137)
    assert image.getpixel((63, 15))[2] == 255


def test_hdr_old_run_length_repeats():
    # The pixel 1,1,1,3 repeats the previous pixel three times.
    content = hdr_header(4, 1) + bytes(WARM_PIXEL) + bytes((1, 1, 1, 3))
    image = hdr_sample(io.BytesIO(content))
    assert image.tobytes() == bytes((255, 187, 137)) * 4


def test_hdr_zero_exponent_is_black():
    assert hdr_sample(io.BytesIO(flat_hdr([[(200, 200, 200, 0)]]))).getpixel((0, 0)) == (0, 0, 0)


def test_hdr_bottom_up_is_flipped():
    rows = [[WARM_PIXEL] * 2, [BLUE_PIXEL] * 2]
    image = hdr_sample(io.BytesIO(flat_hdr(rows, resolution=b"+Y 2 +X 2")))
    assert image.getpixel((0, 0))[2] == 255
    assert image.getpixel((0, 1)) == (255, 187, 137)


def test_hdr_right_to_left_is_flipped():
    rows = [[WARM_PIXEL, BLUE_PIXEL]]
    image = hdr_sample(io.BytesIO(flat_hdr(rows, resolution=b"-Y 1 -X 2")))
    assert image.getpixel((1, 0)) == (255, 187, 137)


def test_hdr_large_is_sampled():
    rows = split_rows(1600, 40, WARM_PIXEL, BLUE_PIXEL)
    image = hdr_sample(io.BytesIO(rle_hdr(rows)))
    assert image.size == (600, 15)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"P6\n1 1\n255\n\x00\x00\x00", "does not start with #?RADIANCE"),
        (b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n", "header ends early"),
        (flat_hdr([[WARM_PIXEL]], pixel_format=b"32-bit_rle_xyze"), "only 32-bit_rle_rgbe"),
        (hdr_header(2, 2, resolution=b"+X 2 -Y 2") + bytes(16), "unsupported resolution line"),
        (hdr_header(0, 2, resolution=b"-Y 2 +X 0"), "no pixels"),
        (runner_hdr()[:-10], "truncated"),
        (rle_hdr(split_rows(16, 2, WARM_PIXEL, BLUE_PIXEL))[:-5], "truncated"),
        (hdr_header(2, 1) + bytes((1, 1, 1, 2)) + bytes(WARM_PIXEL), "repeats pixels"),
        (hdr_header(8, 1) + bytes([2, 2, 0, 8, 0]), "run of length 0"),
        (hdr_header(8, 1) + bytes([2, 2, 0, 8, 128 + 9, 1]), "more pixels than"),
    ],
)
def test_hdr_bad_files(content, reason):
    with pytest.raises(MediaError, match=re.escape(reason)):
        hdr_sample(io.BytesIO(content))


def test_hdr_pixel_limit(settings):
    settings.KITSU_MAX_PICTURE_PIXELS = 10
    with pytest.raises(MediaError, match="more than the limit of 10 pixels"):
        hdr_sample(io.BytesIO(runner_hdr()))


# ---- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def background():
    return factories.PreviewBackgroundFileFactory(extension=None, original_name=None)


@pytest.fixture
def uploaded_background(admin_client, background, django_capture_on_commit_callbacks):
    """A background whose HDR picture was uploaded through the route."""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/api/pictures/preview-background-files/{background.pk}", {"file": hdr_upload()})
    assert response.status_code == 201, response.json()
    background.refresh_from_db()
    return background


@pytest.fixture
def stored_keys(file_storage_root):
    """Return the sorted storage keys of every stored file."""

    def listing():
        return sorted(
            str(path.relative_to(file_storage_root)) for path in file_storage_root.rglob("*") if path.is_file()
        )

    return listing


@pytest.fixture
def team_project():
    return factories.ProjectFactory()


@pytest.fixture
def teammate(make_client, team_project):
    """Factory: teammate("user") -> a client of that role in the project's team."""

    def factory(role):
        client = make_client(role)
        ProjectPersonLink.objects.create(project=team_project, person=client.person)
        return client

    return factory


def upload_url(background_id):
    return f"/api/pictures/preview-background-files/{background_id}"


def thumbnail_url(background_id):
    return f"/api/pictures/thumbnails/preview-background-files/{background_id}.png"


def settings_url(project_id, background_id=None):
    url = f"/api/data/projects/{project_id}/settings/preview-background-files"
    return url + (f"/{background_id}" if background_id else "")


# ---- /data/preview-background-files ------------------------------------------------------------------


def test_create_background(admin_client):
    response = admin_client.post(COLLECTION, {"name": "Studio", "archived": False, "is_default": False}, format="json")
    assert response.status_code == 201
    assert response.json()["type"] == "PreviewBackgroundFile"
    assert response.json()["extension"] is None


def test_create_background_records_event(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(COLLECTION, {"name": "Studio"}, format="json")
    assert ApiEvent.objects.filter(name="preview-background-file:new").count() == 1


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_create_background_refused(make_client, role):
    response = make_client(role).post(COLLECTION, {"name": "Nope"}, format="json")
    assert response.status_code == 403
    assert not PreviewBackgroundFile.objects.exists()


def test_create_background_anonymous(api_client):
    assert api_client.post(COLLECTION, {"name": "Nope"}, format="json").status_code == 401


def test_create_background_duplicate_name(admin_client, background):
    response = admin_client.post(COLLECTION, {"name": background.name.upper()}, format="json")
    assert response.status_code == 400
    assert "similar name" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "name"), ({"name": "x" * 41}, "name"), ({"name": "A", "extension": "png"}, "extension")],
)
def test_create_background_bad_input(admin_client, body, field):
    response = admin_client.post(COLLECTION, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_create_default_unsets_others(admin_client):
    first = factories.PreviewBackgroundFileFactory(is_default=True)
    admin_client.post(COLLECTION, {"name": "New default", "is_default": True}, format="json")
    first.refresh_from_db()
    assert first.is_default is False
    assert PreviewBackgroundFile.objects.filter(is_default=True).count() == 1


def test_update_default_unsets_others(admin_client, background):
    first = factories.PreviewBackgroundFileFactory(is_default=True)
    response = admin_client.put(f"{COLLECTION}/{background.pk}", {"is_default": True}, format="json")
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.is_default is False


def test_update_background_name(admin_client, background):
    response = admin_client.put(f"{COLLECTION}/{background.pk}", {"name": "Renamed"}, format="json")
    assert response.json()["name"] == "Renamed"


def test_update_background_same_name(admin_client, background):
    response = admin_client.put(f"{COLLECTION}/{background.pk}", {"name": background.name}, format="json")
    assert response.status_code == 200


def test_update_stored_extension_refused(admin_client, uploaded_background):
    response = admin_client.put(f"{COLLECTION}/{uploaded_background.pk}", {"extension": "exr"}, format="json")
    assert response.status_code == 400
    assert "extension" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_update_background_refused(make_client, background, role):
    response = make_client(role).put(f"{COLLECTION}/{background.pk}", {"archived": True}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_read_background_roles(make_client, background, role):
    client = make_client(role)
    assert client.get(f"{COLLECTION}/{background.pk}").status_code == 200
    assert client.get(COLLECTION).status_code == 200


def test_read_background_unknown(admin_client):
    assert admin_client.get(f"{COLLECTION}/{UNKNOWN}").status_code == 404


def test_read_background_malformed(admin_client):
    assert admin_client.get(f"{COLLECTION}/nope").status_code == 400


def test_list_backgrounds_queries(admin_client, django_assert_num_queries):
    factories.PreviewBackgroundFileFactory()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(COLLECTION)
    expected = len(few)
    for _ in range(4):
        factories.PreviewBackgroundFileFactory()
    with django_assert_num_queries(expected):
        rows = admin_client.get(COLLECTION).json()
    assert len(rows) == 5


def test_delete_background_files(admin_client, uploaded_background, django_capture_on_commit_callbacks):
    from kitsu_project.storage import file_exists

    keys = [background_key(uploaded_background.pk, "hdr"), background_thumbnail_key(uploaded_background.pk)]
    assert all(file_exists(key) for key in keys)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(f"{COLLECTION}/{uploaded_background.pk}")
    assert response.status_code == 204
    assert not any(file_exists(key) for key in keys)


def test_delete_background_clears_projects(admin_client, background):
    project = factories.ProjectFactory(default_preview_background_file_id=background.pk)
    factories.ProjectPreviewBackgroundFileLinkFactory(project=project, preview_background_file=background)
    admin_client.delete(f"{COLLECTION}/{background.pk}")
    project.refresh_from_db()
    assert project.default_preview_background_file_id is None
    assert not ProjectPreviewBackgroundFileLink.objects.exists()


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_delete_background_refused(make_client, background, role):
    assert make_client(role).delete(f"{COLLECTION}/{background.pk}").status_code == 403
    assert PreviewBackgroundFile.objects.filter(pk=background.pk).exists()


def test_delete_background_unknown(admin_client):
    assert admin_client.delete(f"{COLLECTION}/{UNKNOWN}").status_code == 404


# ---- POST /pictures/preview-background-files/{id} -------------------------------------------------------


def test_upload_hdr(admin_client, background):
    response = admin_client.post(upload_url(background.pk), {"file": hdr_upload()})
    assert response.status_code == 201
    row = response.json()
    assert row["id"] == str(background.pk)
    assert row["extension"] == "hdr"
    assert row["original_name"] == "studio"
    assert row["file_size"] == len(runner_hdr())


def test_upload_hdr_stores_files(admin_client, background, stored_keys):
    admin_client.post(upload_url(background.pk), {"file": hdr_upload()})
    assert stored_keys() == sorted([background_key(background.pk, "hdr"), background_thumbnail_key(background.pk)])


def test_upload_hdr_records_events(admin_client, background, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(upload_url(background.pk), {"file": hdr_upload()})
    event = ApiEvent.objects.get(name="preview-background-file:add-file")
    assert event.data == {"preview_background_file_id": str(background.pk), "extension": "hdr"}


def test_upload_hdr_on_disk(admin_client, background, settings):
    """An upload above FILE_UPLOAD_MAX_MEMORY_SIZE arrives as a temporary file, read in chunks then stored whole."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    content = rle_hdr(split_rows(256, 64, WARM_PIXEL, BLUE_PIXEL))
    assert admin_client.post(upload_url(background.pk), {"file": hdr_upload(content)}).status_code == 201
    response = admin_client.get(f"/api/pictures/preview-background-files/{background.pk}.hdr")
    assert b"".join(response.streaming_content) == content


def test_upload_rle_hdr(admin_client, background):
    content = rle_hdr(split_rows(64, 32, WARM_PIXEL, BLUE_PIXEL))
    response = admin_client.post(upload_url(background.pk), {"file": hdr_upload(content)})
    assert response.status_code == 201


def test_upload_client_name_is_cosmetic(admin_client, background, stored_keys):
    response = admin_client.post(upload_url(background.pk), {"file": hdr_upload(name="../../etc/studio.hdr")})
    assert response.json()["original_name"] == "studio"
    assert stored_keys() == sorted([background_key(background.pk, "hdr"), background_thumbnail_key(background.pk)])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("studio.png", png_bytes(), "extension 'png' is not allowed"),
        ("studio", runner_hdr(), "extension 'none' is not allowed"),
        ("notes.hdr", b"just some text\n", "not a Radiance HDR picture"),
        ("empty.hdr", b"", "is empty"),
    ],
)
def test_upload_bad_file(admin_client, background, stored_keys, name, content, reason):
    response = admin_client.post(upload_url(background.pk), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert reason in response.json()["message"]
    assert stored_keys() == []
    background.refresh_from_db()
    assert background.extension is None


def test_upload_bad_file_keeps_row(admin_client, background):
    admin_client.post(upload_url(background.pk), {"file": SimpleUploadedFile("studio.png", png_bytes())})
    assert PreviewBackgroundFile.objects.filter(pk=background.pk).exists()


def test_upload_without_file(admin_client, background):
    response = admin_client.post(upload_url(background.pk), {})
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_upload_too_large(admin_client, background, settings):
    settings.KITSU_MAX_UPLOAD_BYTES = 50
    assert admin_client.post(upload_url(background.pk), {"file": hdr_upload()}).status_code == 413


def test_upload_unknown_background(admin_client):
    response = admin_client.post(upload_url(UNKNOWN), {"file": SimpleUploadedFile("studio.png", png_bytes())})
    assert response.status_code == 404


def test_upload_malformed_background(admin_client):
    assert admin_client.post(upload_url("nope"), {"file": hdr_upload()}).status_code == 404


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_upload_refused(make_client, background, role):
    assert make_client(role).post(upload_url(background.pk), {"file": hdr_upload()}).status_code == 403


def test_upload_anonymous(api_client, background):
    assert api_client.post(upload_url(background.pk), {"file": hdr_upload()}).status_code == 401


def test_upload_replaces_picture(admin_client, uploaded_background):
    content = rle_hdr(split_rows(16, 4, BLUE_PIXEL, BLUE_PIXEL))
    admin_client.post(upload_url(uploaded_background.pk), {"file": hdr_upload(content, name="night.hdr")})
    response = admin_client.get(f"/api/pictures/preview-background-files/{uploaded_background.pk}.hdr")
    assert b"".join(response.streaming_content) == content


# ---- GET /pictures/preview-background-files/{id}.{extension} -------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_download_hdr_roles(make_client, uploaded_background, role):
    response = make_client(role).get(f"/api/pictures/preview-background-files/{uploaded_background.pk}.hdr")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.radiance"
    assert b"".join(response.streaming_content) == runner_hdr()


def test_download_hdr_name(admin_client, uploaded_background):
    response = admin_client.get(f"/api/pictures/preview-background-files/{uploaded_background.pk}.hdr")
    assert response["Content-Disposition"].startswith('inline; filename="studio.hdr"')


def test_download_other_extension(admin_client, uploaded_background):
    assert admin_client.get(f"/api/pictures/preview-background-files/{uploaded_background.pk}.exr").status_code == 404


def test_download_before_upload(admin_client, background):
    assert admin_client.get(f"/api/pictures/preview-background-files/{background.pk}.hdr").status_code == 404


def test_download_unknown(admin_client):
    assert admin_client.get(f"/api/pictures/preview-background-files/{UNKNOWN}.hdr").status_code == 404


def test_download_anonymous(api_client, uploaded_background):
    assert api_client.get(f"/api/pictures/preview-background-files/{uploaded_background.pk}.hdr").status_code == 401


# ---- /pictures/thumbnails/preview-background-files/{id}.png ------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_thumbnail_roles(make_client, uploaded_background, role):
    response = make_client(role).get(thumbnail_url(uploaded_background.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_thumbnail_is_tone_mapped(admin_client, uploaded_background):
    picture = Image.open(
        io.BytesIO(b"".join(admin_client.get(thumbnail_url(uploaded_background.pk)).streaming_content))
    )
    assert picture.format == "PNG"
    assert picture.getpixel((0, 0)) == (255, 187, 137)


def test_thumbnail_fits_box(admin_client, background):
    content = rle_hdr(split_rows(1024, 256, WARM_PIXEL, BLUE_PIXEL))
    admin_client.post(upload_url(background.pk), {"file": hdr_upload(content)})
    picture = Image.open(io.BytesIO(b"".join(admin_client.get(thumbnail_url(background.pk)).streaming_content)))
    assert picture.size == (300, 75)


def test_thumbnail_before_upload(admin_client, background):
    assert admin_client.get(thumbnail_url(background.pk)).status_code == 404


def test_thumbnail_unknown(admin_client):
    assert admin_client.get(thumbnail_url(UNKNOWN)).status_code == 404


def test_post_thumbnail_png(admin_client, background):
    response = admin_client.post(
        thumbnail_url(background.pk), {"file": SimpleUploadedFile("thumb.png", png_bytes(64, 32))}
    )
    assert response.status_code == 201
    assert response.json() == {"thumbnail_path": f"pictures/thumbnails/preview-background-files/{background.pk}.png"}
    picture = Image.open(io.BytesIO(b"".join(admin_client.get(thumbnail_url(background.pk)).streaming_content)))
    assert picture.size == (64, 32)


def test_post_thumbnail_hdr(admin_client, background):
    response = admin_client.post(thumbnail_url(background.pk), {"file": hdr_upload()})
    assert response.status_code == 201
    assert admin_client.get(thumbnail_url(background.pk)).status_code == 200


@pytest.mark.parametrize(
    ("name", "content"), [("thumb.png", b"not a picture"), ("thumb.hdr", b"not hdr"), ("thumb.png", b"")]
)
def test_post_thumbnail_bad_file(admin_client, background, name, content):
    response = admin_client.post(thumbnail_url(background.pk), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert "file" in response.json()["message"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_post_thumbnail_refused(make_client, background, role):
    response = make_client(role).post(thumbnail_url(background.pk), {"file": SimpleUploadedFile("t.png", png_bytes())})
    assert response.status_code == 403


def test_post_thumbnail_unknown(admin_client):
    response = admin_client.post(thumbnail_url(UNKNOWN), {"file": SimpleUploadedFile("t.png", png_bytes())})
    assert response.status_code == 404


# ---- /data/projects/{id}/settings/preview-background-files -----------------------------------------------------


def test_project_add_background(admin_client, team_project, background):
    response = admin_client.post(
        settings_url(team_project.pk), {"preview_background_file_id": str(background.pk)}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["id"] == str(team_project.pk)
    assert ProjectPreviewBackgroundFileLink.objects.filter(
        project=team_project, preview_background_file=background
    ).exists()


def test_project_add_background_twice(admin_client, team_project, background):
    body = {"preview_background_file_id": str(background.pk)}
    admin_client.post(settings_url(team_project.pk), body, format="json")
    assert admin_client.post(settings_url(team_project.pk), body, format="json").status_code == 201
    assert ProjectPreviewBackgroundFileLink.objects.count() == 1


def test_project_add_background_form(admin_client, team_project, background):
    response = admin_client.post(settings_url(team_project.pk), {"preview_background_file_id": str(background.pk)})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 400), ({"preview_background_file_id": "nope"}, 400), ({"preview_background_file_id": UNKNOWN}, 404)],
)
def test_project_add_background_bad_input(admin_client, team_project, body, status):
    response = admin_client.post(settings_url(team_project.pk), body, format="json")
    assert response.status_code == status
    assert "preview_background_file_id" in str(response.json()["message"])


def test_project_add_background_unknown_project(admin_client, background):
    body = {"preview_background_file_id": str(background.pk)}
    assert admin_client.post(settings_url(UNKNOWN), body, format="json").status_code == 404


def test_project_add_background_manager(teammate, team_project, background):
    body = {"preview_background_file_id": str(background.pk)}
    assert teammate("manager").post(settings_url(team_project.pk), body, format="json").status_code == 201


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_project_add_background_refused(teammate, team_project, background, role):
    body = {"preview_background_file_id": str(background.pk)}
    assert teammate(role).post(settings_url(team_project.pk), body, format="json").status_code == 403


def test_project_add_background_manager_outside_team(make_client, team_project, background):
    body = {"preview_background_file_id": str(background.pk)}
    assert make_client("manager").post(settings_url(team_project.pk), body, format="json").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_project_backgrounds_team_reads(teammate, team_project, background, role):
    factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project, preview_background_file=background)
    response = teammate(role).get(settings_url(team_project.pk))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(background.pk)]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_project_backgrounds_outsider(make_client, team_project, role):
    assert make_client(role).get(settings_url(team_project.pk)).status_code == 403


def test_project_backgrounds_unknown(admin_client):
    assert admin_client.get(settings_url(UNKNOWN)).status_code == 404


def test_project_backgrounds_queries(admin_client, team_project, django_assert_num_queries):
    factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(settings_url(team_project.pk))
    expected = len(few)
    for _ in range(4):
        factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project)
    with django_assert_num_queries(expected):
        rows = admin_client.get(settings_url(team_project.pk)).json()
    assert len(rows) == 5


def test_project_remove_background(admin_client, team_project, background):
    factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project, preview_background_file=background)
    assert admin_client.delete(settings_url(team_project.pk, background.pk)).status_code == 204
    assert not ProjectPreviewBackgroundFileLink.objects.exists()


def test_project_remove_default_background(admin_client, background):
    project = factories.ProjectFactory(default_preview_background_file_id=background.pk)
    factories.ProjectPreviewBackgroundFileLinkFactory(project=project, preview_background_file=background)
    admin_client.delete(settings_url(project.pk, background.pk))
    project.refresh_from_db()
    assert project.default_preview_background_file_id is None


def test_project_remove_background_not_offered(admin_client, team_project):
    assert admin_client.delete(settings_url(team_project.pk, UNKNOWN)).status_code == 204


def test_project_remove_background_malformed(admin_client, team_project):
    assert admin_client.delete(settings_url(team_project.pk, "nope")).status_code == 400


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_project_remove_background_refused(teammate, team_project, background, role):
    factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project, preview_background_file=background)
    assert teammate(role).delete(settings_url(team_project.pk, background.pk)).status_code == 403
    assert ProjectPreviewBackgroundFileLink.objects.exists()


# ---- the project's own keys ------------------------------------------------------------------------------------


def test_project_detail_lists_backgrounds(admin_client, team_project, background):
    factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project, preview_background_file=background)
    row = admin_client.get(f"/api/data/projects/{team_project.pk}").json()
    assert row["preview_background_files"] == [str(background.pk)]


def test_open_projects_list_backgrounds(admin_client, team_project, background):
    factories.ProjectPreviewBackgroundFileLinkFactory(project=team_project, preview_background_file=background)
    rows = admin_client.get("/api/data/projects/open").json()
    row = next(row for row in rows if row["id"] == str(team_project.pk))
    assert row["preview_background_files"] == [str(background.pk)]


def test_projects_relations_queries(admin_client, django_assert_num_queries):
    factories.ProjectPreviewBackgroundFileLinkFactory()
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/api/data/projects", {"relations": "true"})
    expected = len(few)
    for _ in range(4):
        factories.ProjectPreviewBackgroundFileLinkFactory()
    with django_assert_num_queries(expected):
        rows = admin_client.get("/api/data/projects", {"relations": "true"}).json()
    assert len(rows) == 5
    assert all(len(row["preview_background_files"]) == 1 for row in rows)


def test_project_default_background(admin_client, team_project, background):
    body = {"default_preview_background_file_id": str(background.pk)}
    response = admin_client.put(f"/api/data/projects/{team_project.pk}", body, format="json")
    assert response.status_code == 200
    assert response.json()["default_preview_background_file_id"] == str(background.pk)


def test_project_default_background_unknown(admin_client, team_project):
    body = {"default_preview_background_file_id": UNKNOWN}
    response = admin_client.put(f"/api/data/projects/{team_project.pk}", body, format="json")
    assert response.status_code == 400
    assert "default_preview_background_file_id" in response.json()["message"]


# ---- the conformance case, step by step -------------------------------------------------------------------------


def test_conformance_case(admin_client, make_client, team_project):
    created = admin_client.post(
        COLLECTION, {"name": "Studio HDR", "archived": False, "is_default": False}, format="json"
    )
    assert created.status_code == 201
    background_id = created.json()["id"]
    png = SimpleUploadedFile("studio.png", png_bytes(64, 32), "image/png")
    assert admin_client.post(upload_url(UNKNOWN), {"file": png}).status_code == 404
    assert admin_client.post(upload_url(background_id), {"file": hdr_upload()}).status_code == 201
    assert admin_client.get(f"{COLLECTION}/{background_id}").json()["extension"] == "hdr"
    assert [row["id"] for row in admin_client.get(COLLECTION).json()] == [background_id]
    assert admin_client.get(f"/api/pictures/preview-background-files/{background_id}.hdr").status_code == 200
    assert admin_client.get(thumbnail_url(background_id))["Content-Type"] == "image/png"
    thumbnail = SimpleUploadedFile("thumb.png", png_bytes(64, 32), "image/png")
    assert admin_client.post(thumbnail_url(background_id), {"file": thumbnail}).status_code == 201
    renamed = admin_client.put(f"{COLLECTION}/{background_id}", {"name": "Studio HDR v2"}, format="json")
    assert renamed.json()["name"] == "Studio HDR v2"
    body = {"preview_background_file_id": background_id}
    assert admin_client.post(settings_url(team_project.pk), body, format="json").status_code == 201
    assert [row["id"] for row in admin_client.get(settings_url(team_project.pk)).json()] == [background_id]
    assert admin_client.delete(settings_url(team_project.pk, background_id)).status_code == 204
    assert make_client("user").post(COLLECTION, {"name": "Nope"}, format="json").status_code == 403
    assert admin_client.delete(f"{COLLECTION}/{background_id}").status_code == 204
    assert admin_client.get(f"{COLLECTION}/{background_id}").status_code == 404
