"""Frame counts of shots taken from the movies of one task type, as editors set them after a new cut."""

import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import OuterRef, Subquery
from rest_framework.exceptions import ValidationError

from playlists.models import PreviewFile
from productions.models import Entity
from productions.services import entity_kinds as kind_services

logger = logging.getLogger("playlists.shot_frames")


def project_fps(project):
    """Return the project's frame rate as a number; 400 naming `fps` when the project has none that parses."""
    try:
        fps = Decimal(str(project.fps))
    except (InvalidOperation, TypeError, ValueError):
        fps = Decimal(0)
    if not fps.is_finite() or fps <= 0:
        raise ValidationError({"fps": [f"the project's frame rate {project.fps!r} is invalid: set it to a number."]})
    return fps


@transaction.atomic
def shot_frames_set_from_previews(*, project, task_type, episode=None, user=None):
    """Set each shot's `nb_frames` from the latest movie preview of its task of `task_type`.

    The latest movie is the newest ready movie preview of the task. Shots whose
    task has none keep their frame count: the reference also takes pictures,
    whose duration of 0 would wipe the count. Returns `[{"id", "nb_frames"}]`
    for the shots it set, and writes a shot version when the count changes.
    """
    fps = project_fps(project)
    latest_movie = PreviewFile.objects.filter(
        task__entity=OuterRef("pk"),
        task__task_type=task_type,
        is_movie=True,
        status=PreviewFile.STATUS_READY,
        duration__gt=0,
    ).order_by("-created_at")
    shots = (
        Entity.objects.filter(project=project, entity_type__name="Shot")
        .annotate(movie_duration=Subquery(latest_movie.values("duration")[:1]))
        .filter(movie_duration__isnull=False)
        .select_for_update(of=("self",))
        .order_by("name")
    )
    if episode is not None:
        shots = shots.filter(parent__parent=episode)

    updates = []
    for shot in shots:
        nb_frames = int((Decimal(str(shot.movie_duration)) * fps).to_integral_value())
        updates.append({"id": str(shot.pk), "nb_frames": nb_frames})
        if shot.nb_frames == nb_frames:
            continue
        previous = kind_services.shot_state(shot)
        shot.nb_frames = nb_frames
        shot.save(update_fields=["nb_frames", "updated_at"])
        kind_services.shot_version_save(shot=shot, previous=previous, person=user)
    logger.info(
        "Frame counts of %d shot(s) of project %s set from task type %s by %s",
        len(updates),
        project.pk,
        task_type.pk,
        getattr(user, "pk", None),
    )
    return updates
