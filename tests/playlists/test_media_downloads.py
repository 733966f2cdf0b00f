"""The picture and movie routes of preview files, frame and tile extraction, and the media jobs collection."""

import io

import pytest
from PIL import Image

from kitsu_project.storage import save_file
from playlists.media import keys
from playlists.models import MediaJob, PreviewFile
from tests import factories
from tests.conftest import ROLES
from tests.media_files import png_bytes
from tests.playlists.conftest import empty_preview

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-4000-8000-000000000000"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def picture_size(data):
    return Image.open(io.BytesIO(data)).size


@pytest.fixture
def picture(admin_client, preview, upload):
    """A ready picture preview, 640x360, uploaded as red.png."""
    upload(admin_client, preview, "red.png", png_bytes(640, 360))
    preview.refresh_from_db()
    return preview


@pytest.fixture
def movie(task, clip_bytes):
    """A ready movie preview whose files are stored directly: the test clip as its movie."""
    preview = factories.PreviewFileFactory(
        task=task, extension="mp4", is_movie=True, original_name="clip", width=320, height=180, duration=1.0
    )
    save_file(keys.original_key(preview), clip_bytes)
    save_file(keys.low_movie_key(preview), clip_bytes[:-1])
    save_file(keys.tile_key(preview), png_bytes(320, 100))
    save_file(keys.movie_cover_key(preview), png_bytes(320, 180))
    for size in keys.PICTURE_SIZES:
        save_file(keys.picture_key(preview, size), png_bytes(150, 100))
    return preview


@pytest.fixture
def pdf(admin_client, preview, upload):
    upload(admin_client, preview, "board.pdf", b"%PDF-1.4 board")
    preview.refresh_from_db()
    return preview


# ---- pictures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "dimensions"), [("thumbnails", (150, 100)), ("thumbnails-square", (100, 100)), ("previews", (640, 360))]
)
def test_picture_size_route(admin_client, picture, size, dimensions):
    response = admin_client.get(f"/api/pictures/{size}/preview-files/{picture.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    data = body_of(response)
    assert data.startswith(PNG_SIGNATURE)
    assert picture_size(data) == dimensions
    assert response["Content-Length"] == str(len(data))


def test_picture_route_streams(admin_client, picture):
    response = admin_client.get(f"/api/pictures/thumbnails/preview-files/{picture.pk}.png")
    assert response.streaming


def test_original_png(admin_client, picture):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{picture.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body_of(response) == png_bytes(640, 360)


def test_original_other_extension_404(admin_client, picture):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{picture.pk}.jpg")
    assert response.status_code == 404
    assert ".jpg" in response.json()["message"]


def test_original_pdf(admin_client, pdf):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{pdf.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == b"%PDF-1.4 board"


def test_original_download_name(admin_client, picture):
    task = picture.task
    task.project.name = "Big Buck"
    task.project.save()
    task.entity.name = "Bunny"
    task.entity.save()
    task.task_type.name = "Modeling"
    task.task_type.save()
    response = admin_client.get(f"/api/pictures/originals/preview-files/{picture.pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    entity_type = task.entity.entity_type.name.lower().replace(" ", "_")
    expected = f"big_buck_{entity_type}_bunny_modeling_v1.png"
    assert response["Content-Disposition"] == f"attachment; filename=\"{expected}\"; filename*=UTF-8''{expected}"
    assert body_of(response).startswith(PNG_SIGNATURE)


def test_original_download_uses_original_name(admin_client, picture):
    factories.OrganisationFactory(use_original_file_name=True)
    response = admin_client.get(f"/api/pictures/originals/preview-files/{picture.pk}/download")
    assert 'filename="red.png"' in response["Content-Disposition"]


def test_original_download_position_suffix(admin_client, picture):
    PreviewFile.objects.filter(pk=picture.pk).update(position=2)
    factories.OrganisationFactory(use_original_file_name=True)
    response = admin_client.get(f"/api/pictures/originals/preview-files/{picture.pk}/download")
    assert 'filename="red-2.png"' in response["Content-Disposition"]


def test_original_download_pdf(admin_client, pdf):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{pdf.pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_original_download_without_file(admin_client, preview):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{preview.pk}/download")
    assert response.status_code == 404


def test_picture_missing_file_404(admin_client, task):
    preview = factories.PreviewFileFactory(task=task)
    response = admin_client.get(f"/api/pictures/thumbnails/preview-files/{preview.pk}.png")
    assert response.status_code == 404
    assert "has no thumbnails picture" in response.json()["message"]


def test_picture_unknown_preview(admin_client):
    response = admin_client.get(f"/api/pictures/thumbnails/preview-files/{UNKNOWN}.png")
    assert response.status_code == 404
    assert UNKNOWN in response.json()["message"]


def test_picture_malformed_id(admin_client):
    response = admin_client.get("/api/pictures/thumbnails/preview-files/nope.png")
    assert response.status_code == 400


def test_picture_anonymous(api_client, picture):
    response = api_client.get(f"/api/pictures/thumbnails/preview-files/{picture.pk}.png")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/movies/originals/preview-files/{id}.mp4",
        "/api/movies/low/preview-files/{id}.mp4",
        "/api/movies/originals/preview-files/{id}/download",
        "/api/movies/tiles/preview-files/{id}.png",
    ],
)
def test_movie_routes_on_picture_404(admin_client, picture, path):
    response = admin_client.get(path.format(id=picture.pk))
    assert response.status_code == 404
    assert "is not a movie" in response.json()["message"]


# ---- movies ------------------------------------------------------------------------------


def test_movie_original(admin_client, movie, clip_bytes):
    response = admin_client.get(f"/api/movies/originals/preview-files/{movie.pk}.mp4")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(clip_bytes))
    assert body_of(response) == clip_bytes


def test_movie_low(admin_client, movie, clip_bytes):
    response = admin_client.get(f"/api/movies/low/preview-files/{movie.pk}.mp4")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert body_of(response) == clip_bytes[:-1]


def test_movie_low_falls_back_to_original(admin_client, movie, clip_bytes):
    from kitsu_project.storage import delete_file

    delete_file(keys.low_movie_key(movie))
    response = admin_client.get(f"/api/movies/low/preview-files/{movie.pk}.mp4")
    assert response.status_code == 200
    assert body_of(response) == clip_bytes


def test_movie_download(admin_client, movie, clip_bytes):
    response = admin_client.get(f"/api/movies/originals/preview-files/{movie.pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith("_v1.mp4")
    assert body_of(response) == clip_bytes


def test_movie_picture_original_download(admin_client, movie, clip_bytes):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{movie.pk}/download")
    assert response["Content-Type"] == "video/mp4"
    assert body_of(response) == clip_bytes


def test_movie_cover_png(admin_client, movie):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{movie.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert picture_size(body_of(response)) == (320, 180)


def test_movie_tile(admin_client, movie):
    response = admin_client.get(f"/api/movies/tiles/preview-files/{movie.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body_of(response).startswith(PNG_SIGNATURE)


def test_movie_missing_file_404(admin_client, task):
    preview = factories.PreviewFileFactory(task=task, extension="mp4", is_movie=True)
    response = admin_client.get(f"/api/movies/originals/preview-files/{preview.pk}.mp4")
    assert response.status_code == 404
    assert "has no movie" in response.json()["message"]


def test_movie_unknown_preview(admin_client):
    response = admin_client.get(f"/api/movies/originals/preview-files/{UNKNOWN}.mp4")
    assert response.status_code == 404


def test_movie_anonymous(api_client, movie):
    response = api_client.get(f"/api/movies/originals/preview-files/{movie.pk}.mp4")
    assert response.status_code == 401


# ---- byte ranges ------------------------------------------------------------------------------


def movie_range(client, movie, header):
    return client.get(f"/api/movies/originals/preview-files/{movie.pk}.mp4", HTTP_RANGE=header)


def test_range_first_bytes(admin_client, movie, clip_bytes):
    response = movie_range(admin_client, movie, "bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{len(clip_bytes)}"
    assert response["Content-Length"] == "100"
    assert body_of(response) == clip_bytes[:100]


def test_range_open_end(admin_client, movie, clip_bytes):
    response = movie_range(admin_client, movie, "bytes=1000-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-{len(clip_bytes) - 1}/{len(clip_bytes)}"
    assert body_of(response) == clip_bytes[1000:]


def test_range_suffix(admin_client, movie, clip_bytes):
    response = movie_range(admin_client, movie, "bytes=-50")
    assert response.status_code == 206
    assert body_of(response) == clip_bytes[-50:]


def test_range_end_past_size(admin_client, movie, clip_bytes):
    response = movie_range(admin_client, movie, f"bytes=10-{len(clip_bytes) * 2}")
    assert response.status_code == 206
    assert body_of(response) == clip_bytes[10:]


def test_range_unsatisfiable(admin_client, movie, clip_bytes):
    response = movie_range(admin_client, movie, f"bytes={len(clip_bytes)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(clip_bytes)}"
    assert f"{len(clip_bytes)} bytes" in response.json()["message"]


def test_range_reversed_unsatisfiable(admin_client, movie):
    assert movie_range(admin_client, movie, "bytes=500-100").status_code == 416


def test_range_several_sends_whole(admin_client, movie, clip_bytes):
    response = movie_range(admin_client, movie, "bytes=0-10,20-30")
    assert response.status_code == 200
    assert body_of(response) == clip_bytes


def test_range_on_picture(admin_client, picture):
    response = admin_client.get(f"/api/pictures/originals/preview-files/{picture.pk}.png", HTTP_RANGE="bytes=0-7")
    assert response.status_code == 206
    assert body_of(response) == PNG_SIGNATURE


# ---- who may read ------------------------------------------------------------------------------

READ_CASES = [
    ("admin", {"team": False}, 200),
    ("manager", {}, 200),
    ("manager", {"team": False}, 403),
    ("supervisor", {}, 200),
    ("supervisor", {"team": False}, 403),
    ("user", {}, 200),
    ("user", {"team": False}, 403),
    ("client", {}, 200),
    ("client", {"team": False}, 403),
    ("vendor", {"assigned": True}, 200),
    ("vendor", {}, 403),
]

READ_PATHS = [
    "/api/pictures/thumbnails/preview-files/{id}.png",
    "/api/pictures/originals/preview-files/{id}.png",
    "/api/movies/originals/preview-files/{id}.mp4",
    "/api/movies/low/preview-files/{id}.mp4",
    "/api/movies/originals/preview-files/{id}/download",
    "/api/movies/tiles/preview-files/{id}.png",
    "/api/actions/preview-files/{id}/extract-tile",
]


def test_read_cases_cover_roles():
    assert {role for role, _, _ in READ_CASES} == set(ROLES)


@pytest.mark.parametrize(("role", "options", "expected"), READ_CASES)
@pytest.mark.parametrize("path", READ_PATHS)
def test_read_roles(member, movie, role, options, expected, path):
    response = member(role, **options).get(path.format(id=movie.pk))
    assert response.status_code == expected


# ---- extract frame ------------------------------------------------------------------------------


def extract_frame(client, preview, frame_number=None):
    query = "" if frame_number is None else f"?frame_number={frame_number}"
    return client.get(f"/api/actions/preview-files/{preview.pk}/extract-frame{query}")


def test_extract_frame_png(admin_client, movie):
    response = extract_frame(admin_client, movie, 12)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert picture_size(response.content) == (320, 180)


def test_extract_frame_differs_by_number(admin_client, movie):
    first = extract_frame(admin_client, movie, 1).content
    last = extract_frame(admin_client, movie, 24).content
    assert Image.open(io.BytesIO(first)).tobytes() != Image.open(io.BytesIO(last)).tobytes()


def test_extract_frame_zero_is_first(admin_client, movie):
    zero = extract_frame(admin_client, movie).content
    first = extract_frame(admin_client, movie, 1).content
    assert Image.open(io.BytesIO(zero)).tobytes() == Image.open(io.BytesIO(first)).tobytes()


def test_extract_frame_past_end(admin_client, movie):
    response = extract_frame(admin_client, movie, 25)
    assert response.status_code == 400
    assert "frame_number" in response.json()["message"]
    assert "24 frames" in response.json()["message"]


@pytest.mark.parametrize("value", ["abc", "-3", "1.5"])
def test_extract_frame_bad_number(admin_client, movie, value):
    response = extract_frame(admin_client, movie, value)
    assert response.status_code == 400
    assert "frame_number" in response.json()["message"]


def test_extract_frame_picture_404(admin_client, picture):
    response = extract_frame(admin_client, picture)
    assert response.status_code == 404
    assert "not a movie" in response.json()["message"]


def test_extract_frame_processing_404(admin_client, task):
    preview = empty_preview(task, extension="mp4", is_movie=True)
    assert extract_frame(admin_client, preview).status_code == 404


def test_extract_frame_unknown(admin_client):
    response = admin_client.get(f"/api/actions/preview-files/{UNKNOWN}/extract-frame")
    assert response.status_code == 404


def test_extract_frame_anonymous(api_client, movie):
    assert extract_frame(api_client, movie).status_code == 401


FRAME_CASES = [
    ("admin", {"team": False}, 200),
    ("manager", {}, 200),
    ("manager", {"team": False}, 403),
    ("supervisor", {}, 403),
    ("user", {"assigned": True}, 403),
    ("client", {}, 403),
    ("vendor", {"assigned": True}, 403),
]


@pytest.mark.parametrize(("role", "options", "expected"), FRAME_CASES)
def test_extract_frame_roles(member, movie, role, options, expected):
    assert extract_frame(member(role, **options), movie, 1).status_code == expected


# ---- extract tile ------------------------------------------------------------------------------


def test_extract_tile_png(admin_client, movie):
    response = admin_client.get(f"/api/actions/preview-files/{movie.pk}/extract-tile")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # 24 frames in rows of 8 frames, each 178x100 (the 16:9 clip scaled to 100 pixels high, made even).
    assert picture_size(response.content) == (8 * 178, 3 * 100)


def test_extract_tile_stores_tile(admin_client, movie):
    response = admin_client.get(f"/api/actions/preview-files/{movie.pk}/extract-tile")
    stored = admin_client.get(f"/api/movies/tiles/preview-files/{movie.pk}.png")
    assert body_of(stored) == response.content


def test_extract_tile_picture_400(admin_client, picture):
    response = admin_client.get(f"/api/actions/preview-files/{picture.pk}/extract-tile")
    assert response.status_code == 400
    assert "is not a movie" in response.json()["message"]


def test_extract_tile_unknown(admin_client):
    assert admin_client.get(f"/api/actions/preview-files/{UNKNOWN}/extract-tile").status_code == 404


# ---- media jobs ------------------------------------------------------------------------------


@pytest.fixture
def jobs(task):
    outside = factories.TaskFactory()
    return {
        "team": factories.MediaJobFactory(preview_file=empty_preview(task)),
        "outside": factories.MediaJobFactory(preview_file=empty_preview(outside), status=MediaJob.STATUS_FAILED),
    }


def listed_ids(response):
    return {row["id"] for row in response.json()}


def test_media_jobs_admin_lists_all(admin_client, jobs):
    response = admin_client.get("/api/data/media-jobs")
    assert response.status_code == 200
    assert listed_ids(response) == {str(job.pk) for job in jobs.values()}
    assert response.json()[0]["type"] == "MediaJob"


def test_media_jobs_team_member_lists_team(member, jobs):
    response = member("user").get("/api/data/media-jobs")
    assert listed_ids(response) == {str(jobs["team"].pk)}


def test_media_jobs_own_listed(make_client, jobs):
    client = make_client("user")
    own = factories.MediaJobFactory(person=client.person, preview_file=jobs["outside"].preview_file)
    assert listed_ids(client.get("/api/data/media-jobs")) == {str(own.pk)}


def test_media_jobs_vendor_needs_assignment(member, jobs):
    assert listed_ids(member("vendor").get("/api/data/media-jobs")) == set()
    assert listed_ids(member("vendor", assigned=True).get("/api/data/media-jobs")) == {str(jobs["team"].pk)}


def test_media_jobs_filter_preview(admin_client, jobs):
    preview_id = jobs["team"].preview_file_id
    response = admin_client.get(f"/api/data/media-jobs?preview_file_id={preview_id}")
    assert listed_ids(response) == {str(jobs["team"].pk)}


def test_media_jobs_filter_status(admin_client, jobs):
    response = admin_client.get("/api/data/media-jobs?status=failed")
    assert listed_ids(response) == {str(jobs["outside"].pk)}


def test_media_job_retrieve(member, jobs):
    response = member("user").get(f"/api/data/media-jobs/{jobs['team'].pk}")
    assert response.status_code == 200
    assert response.json()["preview_file_id"] == str(jobs["team"].preview_file_id)


def test_media_job_retrieve_outside_403(member, jobs):
    assert member("user").get(f"/api/data/media-jobs/{jobs['outside'].pk}").status_code == 403


def test_media_job_unknown(admin_client):
    assert admin_client.get(f"/api/data/media-jobs/{UNKNOWN}").status_code == 404


def test_media_jobs_read_only(admin_client, jobs):
    assert admin_client.post("/api/data/media-jobs", {"kind": "preview"}, format="json").status_code == 405
    assert admin_client.put(f"/api/data/media-jobs/{jobs['team'].pk}", {}, format="json").status_code == 405
    assert admin_client.delete(f"/api/data/media-jobs/{jobs['team'].pk}").status_code == 405


def test_media_jobs_anonymous(api_client):
    assert api_client.get("/api/data/media-jobs").status_code == 401


@pytest.mark.parametrize("count", [1, 5])
def test_media_jobs_query_count(member, task, django_assert_num_queries, count):
    for _ in range(count):
        factories.MediaJobFactory(preview_file=empty_preview(task))
    client = member("user")
    with django_assert_num_queries(5):
        response = client.get("/api/data/media-jobs")
    assert len(response.json()) == count
