"""Movie preview processing: the normalized movie, its files, broken uploads, and frames on request."""

import subprocess

import pytest

from kitsu_project.storage import download_to, file_exists, save_file
from playlists.media import keys
from playlists.media.movies import fitted_size, low_movie_size, probe_movie, tile_layout
from playlists.media.pictures import MediaError
from playlists.models import MediaJob, PreviewFile
from playlists.services.preview_processing import (
    KEEP_ENCODING_LINE,
    extract_frame_picture,
    fps_value,
    output_settings,
    resolution_size,
    run_preview_job,
)
from productions.models import ApiEvent, Task
from tests import factories
from tests.media_files import ffprobe_report, make_movie
from tests.playlists.conftest import empty_preview

pytestmark = pytest.mark.django_db

DERIVED_KEYS = ("original", "low", "tile", "cover", "thumbnails", "thumbnails-square", "previews")


def derived_key(preview, name):
    return {
        "original": keys.original_key(preview),
        "low": keys.low_movie_key(preview),
        "tile": keys.tile_key(preview),
        "cover": keys.movie_cover_key(preview),
    }.get(name) or keys.picture_key(preview, name)


@pytest.fixture
def queued_job(task):
    """Factory: queued_job(content) -> a queued job for a movie preview whose uploaded source is `content`."""

    def factory(content, *, preview_task=None, log=""):
        preview = empty_preview(preview_task or task, extension="mp4", is_movie=True, original_name="clip")
        save_file(keys.movie_source_key(preview, "mp4"), content)
        return factories.MediaJobFactory(preview_file=preview, log=log)

    return factory


def ffprobe(path):
    report = ffprobe_report(path)
    video = next(stream for stream in report["streams"] if stream["codec_type"] == "video")
    audio = [stream for stream in report["streams"] if stream["codec_type"] == "audio"]
    return video, audio, report["format"]


def stored_movie(preview, tmp_path, name="original"):
    path = tmp_path / f"{name}.mp4"
    download_to(derived_key(preview, name), path)
    return path


def run(job):
    run_preview_job(job_id=job.pk)
    job.refresh_from_db()
    job.preview_file.refresh_from_db()
    return job


# ---- the normalized movie ------------------------------------------------------------------------------


def test_normalized_movie_h264(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes))
    video, audio, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert video["codec_name"] == "h264"
    assert video["pix_fmt"] == "yuv420p"
    assert len(audio) == 1


def test_normalized_movie_duration(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes))
    _, _, container = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert float(container["duration"]) == pytest.approx(1.0, abs=0.1)
    assert job.preview_file.duration == pytest.approx(1.0, abs=0.1)


def test_normalized_movie_frame_count(queued_job, tmp_path):
    # The project's 25 fps gives 37.5 frames for 1.5 s, which ffmpeg rounds to 37 or 38.
    source = make_movie(tmp_path / "source.mp4", seconds=1.5, fps=30)
    job = run(queued_job(source.read_bytes()))
    video, _, container = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert float(container["duration"]) == pytest.approx(1.5, abs=0.05)
    assert int(video["nb_frames"]) in (37, 38)


def test_normalized_movie_project_settings(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes))
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert (video["width"], video["height"]) == (640, 360)
    assert video["avg_frame_rate"] == "25/1"
    assert (job.preview_file.width, job.preview_file.height) == (640, 360)


def test_normalized_movie_faststart(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes))
    data = stored_movie(job.preview_file, tmp_path).read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")


def test_odd_source_made_even(task, queued_job, tmp_path):
    task.project.resolution = None
    task.project.fps = None
    task.project.save()
    source = make_movie(tmp_path / "odd.mp4", width=321, height=181, codec="mpeg4")
    job = run(queued_job(source.read_bytes()))
    assert job.status == MediaJob.STATUS_SUCCEEDED
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert video["width"] % 2 == 0
    assert video["height"] % 2 == 0
    assert (video["width"], video["height"]) == (322, 182)
    assert video["avg_frame_rate"] == "24/1"


def test_height_only_resolution(task, queued_job, clip_bytes, tmp_path):
    task.project.resolution = "x240"
    task.project.save()
    job = run(queued_job(clip_bytes))
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert (video["width"], video["height"]) == (426, 240)


def test_entity_settings_win(task, queued_job, clip_bytes, tmp_path):
    task.entity.data = {"resolution": "320x240", "fps": "12"}
    task.entity.save()
    job = run(queued_job(clip_bytes))
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert (video["width"], video["height"]) == (320, 240)
    assert video["avg_frame_rate"] == "12/1"


def test_movie_with_sound_keeps_it(queued_job, tmp_path):
    source = tmp_path / "sound.mov"
    subprocess.run(
        [
            "ffmpeg", "-y", "-loglevel", "error",
            "-f", "lavfi", "-i", "testsrc=duration=1:size=320x180:rate=24",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
            "-c:v", "mpeg4", "-c:a", "pcm_s16le", "-shortest", str(source),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    job = run(queued_job(source.read_bytes()))
    _, audio, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert audio[0]["codec_name"] == "aac"


def test_low_movie_made(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes))
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path, "low"))
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == (640, 360)


def test_every_file_stored(queued_job, clip_bytes):
    job = run(queued_job(clip_bytes))
    for name in DERIVED_KEYS:
        assert file_exists(derived_key(job.preview_file, name)), name


def test_keep_encoding_copies_streams(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes, log=f"{KEEP_ENCODING_LINE}\n"))
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert (video["width"], video["height"]) == (320, 180)
    assert video["avg_frame_rate"] == "24/1"
    assert job.status == MediaJob.STATUS_SUCCEEDED


def test_keep_encoding_falls_back(queued_job, tmp_path):
    source = make_movie(tmp_path / "clip.wmv", codec="wmv2")
    job = run(queued_job(source.read_bytes(), log=f"{KEEP_ENCODING_LINE}\n"))
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert "could not copy the upload without encoding" in job.log
    video, _, _ = ffprobe(stored_movie(job.preview_file, tmp_path))
    assert video["codec_name"] == "h264"
    assert (video["width"], video["height"]) == (640, 360)


# ---- the job record ------------------------------------------------------------------------------


def test_job_succeeded_record(queued_job, clip_bytes):
    job = run(queued_job(clip_bytes))
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert job.progress == 100
    assert job.error == ""
    assert job.started_at is not None
    assert job.ended_at >= job.started_at
    assert "probed the upload: 320x180, 1.000 s, 24.000 fps, 24 frames, codec h264" in job.log
    assert "done: the preview is ready" in job.log


def test_job_marks_preview_ready(queued_job, clip_bytes):
    job = run(queued_job(clip_bytes))
    preview = job.preview_file
    assert preview.status == PreviewFile.STATUS_READY
    assert preview.file_size > 0
    assert Task.objects.get(pk=preview.task_id).last_preview_file_id == preview.pk


def test_job_ready_event(queued_job, clip_bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = run(queued_job(clip_bytes))
    event = ApiEvent.objects.get(name="preview-file:update")
    assert event.data["preview_file_id"] == str(job.preview_file_id)


def test_job_twice_same_result(queued_job, clip_bytes, tmp_path):
    job = run(queued_job(clip_bytes))
    first = stored_movie(job.preview_file, tmp_path).read_bytes()
    job = run(job)
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert job.preview_file.status == PreviewFile.STATUS_READY
    assert stored_movie(job.preview_file, tmp_path, "original").read_bytes() == first


def test_interrupted_job_runs_again(queued_job, clip_bytes):
    job = queued_job(clip_bytes)
    MediaJob.objects.filter(pk=job.pk).update(status=MediaJob.STATUS_RUNNING, progress=40, log="stale\n")
    job = run(job)
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert "stale" not in job.log


def test_unknown_job_ignored():
    assert run_preview_job(job_id="00000000-0000-4000-8000-000000000000") is None


def test_job_without_preview_failed():
    job = factories.MediaJobFactory(preview_file=None)
    run_preview_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == MediaJob.STATUS_FAILED
    assert "deleted" in job.error


# ---- broken movies ------------------------------------------------------------------------------


def assert_broken(job, reason):
    assert job.preview_file.status == PreviewFile.STATUS_BROKEN
    assert job.status == MediaJob.STATUS_FAILED
    assert reason in job.error
    assert job.ended_at is not None
    for name in DERIVED_KEYS:
        assert not file_exists(derived_key(job.preview_file, name)), name


def test_truncated_movie_broken(queued_job, tmp_path):
    # ffmpeg writes the index (moov) at the end by default: cutting the file loses it.
    content = make_movie(tmp_path / "whole.mp4", seconds=2).read_bytes()
    job = run(queued_job(content[: len(content) * 6 // 10]))
    assert_broken(job, "Could not read the uploaded movie: ")
    assert "moov atom not found" in job.log


def test_zero_frame_movie_broken(queued_job, tmp_path):
    source = tmp_path / "empty.avi"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x180",
            "-frames:v",
            "0",
            str(source),
        ],
        check=True,
        timeout=60,
    )
    job = run(queued_job(source.read_bytes()))
    assert_broken(job, "The uploaded movie has no video frame.")


def test_audio_only_movie_broken(queued_job, tmp_path):
    source = tmp_path / "sound.mp4"
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", str(source)],
        check=True,
        timeout=60,
    )
    job = run(queued_job(source.read_bytes()))
    assert_broken(job, "The uploaded movie has no video stream.")


def test_text_named_mp4_broken(queued_job):
    job = run(queued_job(b"This is a text file, not a movie.\n" * 20))
    assert_broken(job, "Could not read the uploaded movie: ")
    assert "Invalid data found when processing input" in job.log


def test_broken_reason_hides_server_paths(queued_job):
    job = run(queued_job(b"This is a text file, not a movie.\n" * 20))
    assert job.error == "Could not read the uploaded movie: Invalid data found when processing input"


def test_broken_logs_ids(queued_job, caplog):
    job = run(queued_job(b"not a movie"))
    messages = [record.getMessage() for record in caplog.records if record.name == "playlists"]
    assert any(str(job.pk) in message and str(job.preview_file_id) in message for message in messages)


def test_timeout_broken(queued_job, clip_bytes, settings, tmp_path):
    slow = tmp_path / "slow-ffprobe"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    settings.KITSU_FFPROBE = str(slow)
    settings.KITSU_MEDIA_TIMEOUT_SECONDS = 1
    job = run(queued_job(clip_bytes))
    assert_broken(job, "timed out after 1 seconds")


def test_missing_program_broken(queued_job, clip_bytes, settings, tmp_path):
    settings.KITSU_FFMPEG = str(tmp_path / "no-ffmpeg")
    job = run(queued_job(clip_bytes))
    assert_broken(job, "is not installed")


def test_missing_source_broken(task):
    preview = empty_preview(task, extension="mp4", is_movie=True, original_name="clip")
    job = run(factories.MediaJobFactory(preview_file=preview))
    assert job.preview_file.status == PreviewFile.STATUS_BROKEN
    assert job.status == MediaJob.STATUS_FAILED
    assert job.error.startswith("Unexpected error while processing the movie")


def test_failed_job_runs_again(queued_job, clip_bytes):
    job = run(queued_job(b"not a movie"))
    save_file(keys.movie_source_key(job.preview_file, "mp4"), clip_bytes)
    job = run(job)
    assert job.status == MediaJob.STATUS_SUCCEEDED
    assert job.error == ""
    assert job.preview_file.status == PreviewFile.STATUS_READY


# ---- frames on request ------------------------------------------------------------------------------


@pytest.fixture
def ready_movie(queued_job, clip_bytes):
    return run(queued_job(clip_bytes)).preview_file


def test_extract_frame_picture_png(ready_movie):
    data = extract_frame_picture(preview=ready_movie, frame_number=10)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")


def test_extract_frame_picture_past_end(ready_movie):
    with pytest.raises(MediaError, match="past the end of the movie, which has 25 frames"):
        extract_frame_picture(preview=ready_movie, frame_number=26)


def test_extract_frame_picture_not_ready(task):
    preview = empty_preview(task, extension="mp4", is_movie=True)
    with pytest.raises(MediaError, match="is not a ready movie"):
        extract_frame_picture(preview=preview, frame_number=1)


def test_extract_frame_picture_of_picture(task):
    preview = factories.PreviewFileFactory(task=task)
    with pytest.raises(MediaError, match="is not a ready movie"):
        extract_frame_picture(preview=preview, frame_number=1)


def test_extract_frame_picture_missing_movie(task):
    preview = factories.PreviewFileFactory(task=task, extension="mp4", is_movie=True)
    with pytest.raises(MediaError, match="missing from the file storage"):
        extract_frame_picture(preview=preview, frame_number=1)


# ---- settings and sizes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1920x1080", (1920, 1080)), ("x720", (None, 720)), ("", None), (None, None), ("big", None), ("1920*1080", None)],
)
def test_resolution_size(text, expected):
    assert resolution_size(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("25", 25.0), ("23,976", 23.976), ("0", None), ("abc", None)])
def test_fps_value(text, expected):
    assert fps_value(text) == expected


def test_output_settings_project(task):
    preview = factories.PreviewFileFactory(task=task)
    assert output_settings(preview) == (640, 360, 25.0)


def test_fitted_size_keeps_source_when_unset(queued_job):
    info = type("Info", (), {"width": 1001, "height": 501})()
    assert fitted_size(info, None, None) == (1002, 502)


def test_low_movie_size():
    assert low_movie_size(1920, 1080) == (1280, 720)
    assert low_movie_size(640, 360) == (640, 360)


def test_tile_layout_long_movie():
    info = type("Info", (), {"frame_count": 100_000, "width": 1920, "height": 1080})()
    rows, step, frame_width = tile_layout(info)
    assert rows <= 480
    assert step == 27
    assert frame_width == 178


def test_probe_reports_frames(clip_bytes, tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(clip_bytes)
    info = probe_movie(path)
    assert (info.width, info.height, info.frame_count, info.codec) == (320, 180, 24, "h264")
    assert info.fps == pytest.approx(24.0)
