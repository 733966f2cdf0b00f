"""Processing of uploaded movie previews, run by the Celery task `process_preview_file`.

`run_preview_job` turns the stored source of a movie preview into the files the
review player reads: the normalized H.264 movie, its low-resolution version, a
tile of frames and the three PNG sizes of its first frame. The job row records
each step, and a failure marks the preview `broken` with the reason instead of
raising, so one bad upload never stops a worker.
"""

import logging
import re
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from kitsu_project.storage import delete_file, download_to, save_file, stored_size
from playlists.media import keys
from playlists.media.movies import (
    MovieError,
    extract_frame,
    make_low_movie,
    make_tile,
    normalize_movie,
    probe_movie,
    remux_movie,
)
from playlists.media.pictures import MediaError, open_picture, picture_sizes
from playlists.models import MediaJob, PreviewFile

logger = logging.getLogger("playlists")

RESOLUTION_PATTERN = re.compile(r"^(\d{2,5})x(\d{2,5})$")
HEIGHT_ONLY_PATTERN = re.compile(r"^x(\d{2,5})$")
# The job log line that marks an upload sent with `normalize=false`: its streams are copied without encoding.
KEEP_ENCODING_LINE = "normalize=false: the uploaded streams are copied without encoding"


# ---- settings of the output movie ---------------------------------------------


def resolution_size(text):
    """Return (width or None, height) of a "1920x1080" or "x1080" resolution, or None when it is not one."""
    text = (text or "").strip().lower()
    match = RESOLUTION_PATTERN.match(text)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = HEIGHT_ONLY_PATTERN.match(text)
    if match:
        return None, int(match.group(1))
    return None


def fps_value(text):
    """Frames per second from a project or entity setting ("25", "23,976"), or None when it is not a number."""
    try:
        fps = float(str(text).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return fps if 0 < fps <= 1000 else None


def output_settings(preview):
    """Return (width, height, fps) of the normalized movie of a preview: the entity's settings, else the project's.

    None values keep the source's size or rate.
    """
    task = preview.task
    project = task.project if task is not None else None
    entity = task.entity if task is not None else None
    entity_data = (entity.data if entity is not None else None) or {}
    size = resolution_size(entity_data.get("resolution")) or resolution_size(getattr(project, "resolution", None))
    fps = fps_value(entity_data.get("fps")) or fps_value(getattr(project, "fps", None))
    width, height = size if size is not None else (None, None)
    return width, height, fps


# ---- job records ----------------------------------------------------------------


def job_update(job, **fields):
    """Write `fields` of a job at once, outside any longer transaction, so readers see progress."""
    for name, value in fields.items():
        setattr(job, name, value)
    MediaJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)


def job_step(job, progress, line):
    job_update(job, progress=progress, log=f"{job.log}{line}\n")


def load_preview_job(job_id):
    return (
        MediaJob.objects.select_related("preview_file__task__project", "preview_file__task__entity")
        .filter(pk=job_id, kind=MediaJob.KIND_PREVIEW)
        .first()
    )


# ---- the job --------------------------------------------------------------------


def run_preview_job(*, job_id):
    """Process the movie preview of job `job_id` and record the outcome on the job and the preview.

    Running a job that already succeeded does nothing, and running a failed or
    interrupted one again starts from the stored source, so the job is idempotent.
    A bad movie does not raise: the preview becomes `broken` and the job `failed`.
    """
    job = load_preview_job(job_id)
    if job is None:
        logger.warning("Preview job %s not found: nothing to process", job_id)
        return None
    preview = job.preview_file
    if preview is None:
        job_update(job, status=MediaJob.STATUS_FAILED, error="The preview file of this job was deleted.")
        return job
    if job.status == MediaJob.STATUS_SUCCEEDED and preview.status == PreviewFile.STATUS_READY:
        logger.info("Preview job %s already succeeded for preview %s: nothing to do", job.pk, preview.pk)
        return job

    keep_encoding = KEEP_ENCODING_LINE in job.log
    job_update(
        job,
        status=MediaJob.STATUS_RUNNING,
        started_at=timezone.now(),
        ended_at=None,
        progress=0,
        error="",
        log=f"{KEEP_ENCODING_LINE}\n" if keep_encoding else "",
    )
    logger.info("Preview job %s started for preview %s", job.pk, preview.pk)
    try:
        with tempfile.TemporaryDirectory(prefix="kitsu-preview-") as folder:
            metadata = process_movie(job, preview, Path(folder), keep_encoding=keep_encoding)
    except MediaError as error:
        preview_job_fail(job, preview, str(error), getattr(error, "details", ""))
        return job
    except Exception as error:
        # Anything unexpected (storage down, database error) fails this job instead of the worker.
        logger.exception("Preview job %s failed unexpectedly for preview %s", job.pk, preview.pk)
        preview_job_fail(job, preview, f"Unexpected error while processing the movie: {error}", "")
        return job

    preview_job_succeed(job, preview, metadata)
    return job


def process_movie(job, preview, folder, *, keep_encoding=False):
    """Make and store every file of a movie preview; return the width, height, duration and size to record."""
    # Fetch and probe the upload.
    source = folder / "source"
    download_to(keys.movie_source_key(preview, preview.extension or "mp4"), source)
    info = probe_movie(source, label="the uploaded movie")
    job_step(
        job,
        10,
        f"probed the upload: {info.width}x{info.height}, {info.duration:.3f} s, "
        f"{info.fps:.3f} fps, {info.frame_count} frames, codec {info.codec}",
    )

    # Encode the movie the player streams.
    movie = folder / "movie.mp4"
    if keep_encoding:
        try:
            remux_movie(source, movie)
            job_step(job, 40, "copied the upload into an mp4 file without encoding")
        except MovieError as error:
            # Some codecs (such as WMV) do not fit in mp4: encode those as if normalize were true.
            job_step(job, 20, f"could not copy the upload without encoding ({error}): encoding it instead")
            keep_encoding = False
    if not keep_encoding:
        width, height, fps = output_settings(preview)
        normalize_movie(source, movie, info=info, width=width, height=height, fps=fps)
        job_step(
            job,
            40,
            f"normalized the movie to H.264 at {width or 'source'}x{height or 'source'} pixels, {fps or 'source'} fps",
        )
    movie_info = probe_movie(movie, label="the normalized movie")

    # The low-resolution movie, the tile and the first frame.
    low_movie = folder / "low.mp4"
    if keep_encoding:
        low_movie = movie
    else:
        make_low_movie(movie, low_movie, info=movie_info)
    job_step(job, 60, "made the low-resolution movie")
    tile = make_tile(movie, folder / "tile.png", info=movie_info)
    job_step(job, 70, "made the tile of frames")
    frame = extract_frame(movie, folder / "frame.png", frame_index=0, fps=movie_info.fps)
    with open(frame, "rb") as frame_file:
        sizes = picture_sizes(open_picture(frame_file, label="the first frame of the movie"))
    job_step(job, 80, "made the thumbnails from the first frame")

    # Store the results under the preview's keys.
    with open(movie, "rb") as content:
        save_file(keys.original_key(preview), content)
    with open(low_movie, "rb") as content:
        save_file(keys.low_movie_key(preview), content)
    with open(tile, "rb") as content:
        save_file(keys.tile_key(preview), content)
    with open(frame, "rb") as content:
        save_file(keys.movie_cover_key(preview), content)
    for size, data in sizes.items():
        save_file(keys.picture_key(preview, size), data)
    job_step(job, 95, "stored the movie, the low-resolution movie, the tile, the first frame and the thumbnails")
    return {
        "width": movie_info.width,
        "height": movie_info.height,
        "duration": round(movie_info.duration, 3),
        "file_size": stored_size(keys.original_key(preview)),
    }


def preview_job_succeed(job, preview, metadata):
    from playlists.services.preview_uploads import preview_ready_announce

    with transaction.atomic():
        PreviewFile.objects.filter(pk=preview.pk).update(
            status=PreviewFile.STATUS_READY, updated_at=timezone.now(), **metadata
        )
        preview.refresh_from_db()
        job_update(job, status=MediaJob.STATUS_SUCCEEDED, progress=100, ended_at=timezone.now())
        job_step(job, 100, "done: the preview is ready")
        preview_ready_announce(preview=preview, user=job.person)
    logger.info("Preview job %s succeeded: preview %s is ready", job.pk, preview.pk)


def preview_job_fail(job, preview, reason, details):
    """Mark the preview broken and the job failed, and remove any half-made files."""
    logger.error("Preview job %s failed for preview %s: %s", job.pk, preview.pk, reason)
    for key in (
        keys.original_key(preview),
        keys.low_movie_key(preview),
        keys.tile_key(preview),
        keys.movie_cover_key(preview),
    ):
        delete_file(key)
    for size in keys.PICTURE_SIZES:
        delete_file(keys.picture_key(preview, size))
    log = job.log + (f"stderr of the failed command:\n{details}\n" if details else "")
    with transaction.atomic():
        PreviewFile.objects.filter(pk=preview.pk).update(status=PreviewFile.STATUS_BROKEN, updated_at=timezone.now())
        preview.status = PreviewFile.STATUS_BROKEN
        job_update(job, status=MediaJob.STATUS_FAILED, error=reason, log=log, ended_at=timezone.now())


# ---- frames and tiles on request ------------------------------------------------


def ready_movie_path(preview, folder):
    """Copy the normalized movie of a ready movie preview into `folder` and return its path."""
    if not preview.is_movie or preview.status != PreviewFile.STATUS_READY:
        raise MediaError(f"The preview file {preview.pk} is not a ready movie.")
    path = Path(folder) / "movie.mp4"
    try:
        download_to(keys.original_key(preview), path)
    except FileNotFoundError:
        raise MediaError(f"The movie of the preview file {preview.pk} is missing from the file storage.") from None
    return path


def extract_frame_picture(*, preview, frame_number):
    """Return the PNG bytes of frame `frame_number` (1 is the first) of a ready movie preview.

    Frame 0 is read as the first frame. Raises MediaError when the preview is not
    a ready movie, the movie is missing, or the frame is past its end.
    """
    if frame_number < 0:
        raise MediaError(f"The frame number {frame_number} is invalid: frames start at 1.")
    with tempfile.TemporaryDirectory(prefix="kitsu-frame-") as folder:
        movie = ready_movie_path(preview, folder)
        info = probe_movie(movie, label="the movie")
        index = max(frame_number, 1) - 1
        if index >= info.frame_count:
            raise MediaError(
                f"The frame number {frame_number} is past the end of the movie, which has {info.frame_count} frames."
            )
        frame = extract_frame(movie, Path(folder) / "frame.png", frame_index=index, fps=info.fps)
        data = frame.read_bytes()
    if not data:
        raise MediaError(f"Frame {frame_number} of the preview file {preview.pk} could not be decoded.")
    return data


def extract_tile_picture(*, preview):
    """Make the tile of a ready movie preview again, store it, and return its PNG bytes."""
    with tempfile.TemporaryDirectory(prefix="kitsu-tile-") as folder:
        movie = ready_movie_path(preview, folder)
        info = probe_movie(movie, label="the movie")
        tile = make_tile(movie, Path(folder) / "tile.png", info=info)
        data = tile.read_bytes()
    save_file(keys.tile_key(preview), data)
    logger.info("Tile of preview %s made again", preview.pk)
    return data


__all__ = ["MovieError", "extract_frame_picture", "extract_tile_picture", "run_preview_job"]
