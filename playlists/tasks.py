"""Celery tasks of review media. Each one loads its job row by id and hands over to a service."""

from celery import shared_task


@shared_task(name="playlists.process_preview_file", acks_late=True)
def process_preview_file(job_id):
    """Make the web-playable movie (or the picture sizes) of one uploaded preview file."""
    from playlists.services.preview_processing import run_preview_job

    run_preview_job(job_id=job_id)


@shared_task(name="playlists.build_playlist", acks_late=True)
def build_playlist(job_id):
    """Concatenate the previews of a playlist into one movie."""
    from playlists.services.playlist_builds import run_build_job

    run_build_job(job_id=job_id)
