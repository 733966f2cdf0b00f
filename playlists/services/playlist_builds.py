"""Playlist movie builds, run by the Celery task `build_playlist`.

`run_build_job` joins the chosen preview of every playlist entry into one H.264
mp4 at the project's resolution and frame rate: movies from their normalized mp4,
pictures as stills of `STILL_SECONDS`. The movie is stored under
`playlists.services.playlists.build_key(build_job_id)`.

Some entries cannot be part of the movie: no preview, a preview still processing
or broken, a file that is not a movie or picture, a missing or unreadable file.
Each is skipped with a line in the job log, as the reference skips non-movie previews.
The build fails only when no entry is left or when encoding fails.
The BuildJob ends `succeeded` or `failed` with `ended_at`, and the MediaJob keeps
the progress, the log and the reason of a failure: no error leaves it `running`.
"""

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kitsu_project.storage import download_to, file_exists, save_file, stored_size
from playlists.media import keys
from playlists.media.builds import STILL_SECONDS, build_format, join_parts, movie_part, still_part
from playlists.media.movies import probe_movie
from playlists.media.pictures import MediaError
from playlists.models import BuildJob, MediaJob, PreviewFile
from productions.services.events import event_send
from productions.services.notifications import entity_full_name

from .playlists import build_key, chosen_previews
from .preview_processing import fps_value, resolution_size

logger = logging.getLogger("playlists")

PICTURE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp"})
# Share of the progress bar taken by encoding the parts; joining and storing take the rest.
ENCODE_PROGRESS = 90


@dataclass
class BuildPart:
    """One entry of the playlist movie: its label for the log, its stored file and whether it is a movie."""

    label: str
    key: str
    is_movie: bool
    path: Path | None = None
    seconds: float = 0.0
    has_audio: bool = False
    size: tuple[int, int] | None = None


# ---- job records ----------------------------------------------------------------


def media_job_update(job, **fields):
    """Write `fields` of the media job at once, outside any longer transaction, so readers see progress."""
    for name, value in fields.items():
        setattr(job, name, value)
    MediaJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)


def log_line(job, line, progress=None):
    fields = {"log": f"{job.log}{line}\n"}
    if progress is not None:
        fields["progress"] = progress
    media_job_update(job, **fields)


def build_job_end(job, build_job, status, *, error=""):
    """Record the end of a build on both job rows and send `build-job:update`."""
    now = timezone.now()
    media_status = MediaJob.STATUS_SUCCEEDED if status == BuildJob.STATUS_SUCCEEDED else MediaJob.STATUS_FAILED
    fields = {"status": media_status, "ended_at": now, "error": error}
    if status == BuildJob.STATUS_SUCCEEDED:
        fields["progress"] = 100
    media_job_update(job, **fields)
    BuildJob.objects.filter(pk=build_job.pk).update(status=status, ended_at=now, updated_at=now)
    build_job.status, build_job.ended_at = status, now
    event_send(
        name="build-job:update",
        data={"build_job_id": build_job.pk, "playlist_id": build_job.playlist_id, "status": status},
        project_id=build_job.playlist.project_id,
    )


def build_fail(job, build_job, message, details=""):
    if details:
        log_line(job, details)
    log_line(job, f"failed: {message}")
    build_job_end(job, build_job, BuildJob.STATUS_FAILED, error=message)
    logger.warning("Build job %s of playlist %s failed: %s", build_job.pk, build_job.playlist_id, message)


def load_build_media_job(job_id):
    return (
        MediaJob.objects.select_related("build_job__playlist__project")
        .filter(pk=job_id, kind=MediaJob.KIND_PLAYLIST_BUILD)
        .first()
    )


# ---- the parts ------------------------------------------------------------------


def preview_label(preview):
    full_name, _ = entity_full_name(preview.task.entity)
    return f"{full_name} ({preview.task.task_type.name} v{preview.revision}, preview {preview.pk})"


def part_of(preview):
    """Return the BuildPart of a preview, or the reason (a sentence) why it cannot be part of the movie."""
    label = preview_label(preview)
    if preview.status == PreviewFile.STATUS_PROCESSING:
        return f"skipped {label}: its file is not uploaded or still processing."
    if preview.status == PreviewFile.STATUS_BROKEN:
        return f"skipped {label}: its file is broken."
    if preview.is_movie:
        key = keys.original_key(preview)
        if not file_exists(key):
            return f"skipped {label}: its normalized movie is missing from the file storage."
        return BuildPart(label=label, key=key, is_movie=True)

    extension = (preview.extension or "").lower()
    if extension not in PICTURE_EXTENSIONS:
        return f"skipped {label}: a {extension or 'extensionless'} file is neither a movie nor a picture."
    for key in (keys.picture_key(preview, "previews"), keys.original_key(preview)):
        if file_exists(key):
            return BuildPart(label=label, key=key, is_movie=False)
    return f"skipped {label}: its picture is missing from the file storage."


def collect_parts(job, playlist):
    """Return the BuildParts of the playlist's entries in order. Each skipped entry adds a line to the job log."""
    shots = [shot for shot in (playlist.shots or []) if isinstance(shot, dict)]
    previews = chosen_previews(playlist)
    found = {str(preview.pk) for preview in previews}
    for index, shot in enumerate(shots):
        preview_id = shot.get("preview_file_id")
        if not preview_id:
            log_line(job, f"skipped entry {index + 1} (entity {shot.get('entity_id')}): no preview is chosen.")
        elif preview_id not in found:
            log_line(job, f"skipped entry {index + 1}: its preview {preview_id} no longer exists.")

    parts = []
    for preview in previews:
        part = part_of(preview)
        if isinstance(part, str):
            log_line(job, part)
        else:
            parts.append(part)
    return parts


def fetch_part(job, part, folder, index):
    """Copy a part's file from the storage and read its length and size; False (with a log line) when unreadable."""
    suffix = Path(part.key).suffix or ".bin"
    part.path = download_to(part.key, folder / f"source_{index:04d}{suffix}")
    try:
        info = probe_movie(part.path, label=f"the file of {part.label}")
    except MediaError as error:
        log_line(job, f"skipped {part.label}: {error}")
        return False
    part.size = (info.width, info.height)
    part.has_audio = info.has_audio
    part.seconds = info.duration if part.is_movie else STILL_SECONDS
    if part.is_movie and part.seconds <= 0:
        log_line(job, f"skipped {part.label}: the movie has no duration.")
        return False
    return True


def check_programs():
    for program in (settings.KITSU_FFMPEG, settings.KITSU_FFPROBE):
        if shutil.which(program) is None:
            raise MediaError(
                f"The program {program!r} is not installed or not on the PATH (see KITSU_FFMPEG and KITSU_FFPROBE)."
            )


def project_format(project, parts):
    """Return the BuildFormat of the movie: the project's resolution and fps, else the first part's size and 25 fps."""
    size = resolution_size(project.resolution)
    width, height = size if size is not None else (None, None)
    if height is None and parts:
        width, height = parts[0].size
    return build_format(width, height, fps_value(project.fps), first_size=parts[0].size if parts else None)


def build_movie(job, build_job, folder):
    """Encode and join the parts of the playlist in `folder`, then store the movie; returns its size in bytes."""
    playlist = build_job.playlist
    check_programs()
    parts = [part for index, part in enumerate(collect_parts(job, playlist)) if fetch_part(job, part, folder, index)]
    if not parts:
        raise MediaError("No entry of the playlist has a ready movie or picture to build from: see the job log.")

    output_format = project_format(playlist.project, parts)
    log_line(
        job, f"encoding {len(parts)} part(s) at {output_format.width}x{output_format.height}, {output_format.fps:g} fps"
    )
    encoded = []
    for index, part in enumerate(parts):
        target = folder / f"part_{index:04d}.mp4"
        if part.is_movie:
            movie_part(
                part.path,
                target,
                output_format=output_format,
                seconds=part.seconds,
                has_audio=part.has_audio,
                label=f"the movie of {part.label}",
            )
        else:
            still_part(
                part.path,
                target,
                output_format=output_format,
                seconds=part.seconds,
                label=f"the picture of {part.label}",
            )
        seconds = output_format.exact_seconds(part.seconds)
        encoded.append((target, seconds))
        progress = ENCODE_PROGRESS * (index + 1) // len(parts)
        log_line(job, f"encoded {part.label}: {seconds:.3f} s", progress=progress)

    output = join_parts(encoded, folder / "parts.ffconcat", folder / "playlist.mp4")
    total = sum(seconds for _, seconds in encoded)
    log_line(job, f"joined {len(encoded)} part(s) into {total:.3f} s", progress=ENCODE_PROGRESS + 5)

    if not BuildJob.objects.filter(pk=build_job.pk).exists():
        raise BuildDeleted()
    key = build_key(build_job.pk)
    with open(output, "rb") as movie:
        save_file(key, movie)
    return stored_size(key)


class BuildDeleted(Exception):
    """The build job was deleted while its movie was being made."""


# ---- the job ----------------------------------------------------------------------


def run_build_job(*, job_id):
    """Build the playlist movie of media job `job_id` and record the outcome on the job rows.

    Running a job that already succeeded does nothing. Running a failed or
    interrupted one again builds the movie again and replaces any stored one, so the
    job is idempotent. Failures are recorded on the jobs instead of raised, unless
    the database itself fails while recording them.

    NOTE: a worker killed mid-build (out of memory, SIGKILL) leaves both jobs
    `running` until the broker delivers the task again (the task acks late).
    """
    job = load_build_media_job(job_id)
    if job is None:
        logger.warning("Playlist build job %s not found: nothing to build", job_id)
        return None
    build_job = job.build_job
    if build_job is None:
        media_job_update(
            job, status=MediaJob.STATUS_FAILED, ended_at=timezone.now(), error="The build job was deleted."
        )
        return job
    if job.status == MediaJob.STATUS_SUCCEEDED and build_job.status == BuildJob.STATUS_SUCCEEDED:
        logger.info("Build job %s already succeeded: nothing to do", build_job.pk)
        return job

    first_line = job.log.splitlines()[0] if job.log.startswith("build requested") else ""
    media_job_update(
        job,
        status=MediaJob.STATUS_RUNNING,
        started_at=timezone.now(),
        ended_at=None,
        progress=0,
        error="",
        log=f"{first_line}\n" if first_line else "",
    )
    BuildJob.objects.filter(pk=build_job.pk).update(status=BuildJob.STATUS_RUNNING, ended_at=None)
    logger.info("Build job %s of playlist %s started", build_job.pk, build_job.playlist_id)

    try:
        with tempfile.TemporaryDirectory(prefix="kitsu-playlist-") as folder:
            size = build_movie(job, build_job, Path(folder))
    except BuildDeleted:
        logger.info("Build job %s was deleted while it ran: its movie is not stored", build_job.pk)
        return job
    except MediaError as error:
        build_fail(job, build_job, str(error), getattr(error, "details", ""))
        return job
    except Exception as error:
        # Anything unexpected (storage down, database error) fails this build instead of the worker.
        logger.exception("Build job %s of playlist %s failed unexpectedly", build_job.pk, build_job.playlist_id)
        build_fail(job, build_job, f"Unexpected error while building the playlist movie: {error}")
        return job

    log_line(job, f"stored the movie ({size} bytes)")
    build_job_end(job, build_job, BuildJob.STATUS_SUCCEEDED)
    logger.info("Build job %s of playlist %s succeeded (%d bytes)", build_job.pk, build_job.playlist_id, size)
    return job
