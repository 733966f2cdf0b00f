"""Importing an edit (an OpenTimelineIO `.otio` file or a CMX 3600 `.edl`) into a project's sequences and shots.

Each clip of the timeline's video tracks names a shot through a naming convention
such as `${project_name}_${sequence_name}-${shot_name}`. The import creates the
missing sequences and shots and writes each shot's frame range: `frame_in` and
`frame_out` in the shot's `data`, `nb_frames` on the shot. Frames count from the
start of the track, at the project's frame rate, gaps included, and an optional
`frame_offset` is added to both ends.
"""

import logging
import os
import re

import opentimelineio as otio
from django.db import transaction
from rest_framework.exceptions import ValidationError

from imports.services.jobs import register_import
from kitsu_project.api.serialization import serialize_row
from productions.models import Entity, ProjectTaskTypeLink
from productions.services import structure
from productions.services.events import event_send
from productions.services.tasks import tasks_create_for_entities

logger = logging.getLogger("imports.edits")

EDIT_EXTENSIONS = ("edl", "otio")
DEFAULT_FPS = 25.0
PROJECT_CONVENTION = "${project_name}_${sequence_name}-${shot_name}"
EPISODE_CONVENTION = "${project_name}_${episode_name}-${sequence_name}-${shot_name}"
CONVENTION_FIELDS = ("project_name", "episode_name", "sequence_name", "shot_name")
PLACEHOLDER = re.compile(r"\$\{(\w+)\}|\$(\w+)")


class EditParseError(ValueError):
    """The uploaded file is not a timeline that OpenTimelineIO can read."""


def project_fps(project):
    """Return the project's frame rate as a number, or 25 when it is empty or not a number."""
    try:
        fps = float(str(project.fps).replace(",", "."))
    except (TypeError, ValueError):
        fps = 0.0
    if fps <= 0:
        logger.warning("Project %s has no usable fps %r: the edit import uses %s", project.pk, project.fps, DEFAULT_FPS)
        return DEFAULT_FPS
    return fps


def edit_timeline_read(*, content, extension, fps):
    """Parse the bytes of an `.otio` or `.edl` file into a timeline, or raise EditParseError saying why."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    try:
        if extension == "edl":
            # The EDL's record timecodes (often from 10:00:00:00) are rebased to the first event by the adapter.
            timeline = otio.adapters.read_from_string(
                text, adapter_name="cmx_3600", rate=fps, ignore_timecode_mismatch=True
            )
        elif extension == "otio":
            timeline = otio.adapters.read_from_string(text, adapter_name="otio_json")
        else:
            raise EditParseError(f"the extension {extension!r} is not supported: use one of .edl, .otio.")
    except EditParseError:
        raise
    except Exception as error:  # noqa: BLE001 (the adapters raise many exception types on bad input)
        raise EditParseError(f"the file could not be read as {extension.upper()}: {error}") from error
    if not isinstance(timeline, otio.schema.Timeline):
        kind = type(timeline).__name__
        raise EditParseError(f"the file contains an OpenTimelineIO {kind}, not a Timeline.")
    return timeline


def convention_pattern(naming_convention):
    """Compile a naming convention into a regex with one named group per placeholder.

    Raises ValidationError on `naming_convention` for an unknown placeholder or when
    the sequence or shot name is missing from it.
    """
    parts = []
    seen = set()
    position = 0
    for match in PLACEHOLDER.finditer(naming_convention):
        name = match.group(1) or match.group(2)
        if name not in CONVENTION_FIELDS:
            raise ValidationError(
                {"naming_convention": [f"unknown placeholder ${{{name}}}: use {', '.join(CONVENTION_FIELDS)}."]}
            )
        parts.append(re.escape(naming_convention[position : match.start()]))
        parts.append(f"(?P={name})" if name in seen else rf"(?P<{name}>\w+)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(naming_convention[position:]))
    for required in ("sequence_name", "shot_name"):
        if required not in seen:
            raise ValidationError({"naming_convention": [f"must contain ${{{required}}}."]})
    return re.compile("".join(parts))


def convention_key(naming_convention, values, match_case):
    """Expand a naming convention with the names of an existing shot."""

    def replace(match):
        return values.get(match.group(1) or match.group(2), "")

    key = PLACEHOLDER.sub(replace, naming_convention)
    return key if match_case else key.lower()


def clip_names(clip):
    """Return the names a clip may be matched by: its name, then without extension.

    A clip without a name falls back to its media's name or file name, without extension.
    """
    name = clip.name or ""
    if name:
        stem = os.path.splitext(name)[0]
        return [name, stem] if stem and stem != name else [name]
    reference = clip.media_reference
    for attribute in ("name_prefix", "name"):
        value = getattr(reference, attribute, None)
        if value:
            return [os.path.splitext(value)[0]]
    target_url = getattr(reference, "target_url", None)
    if target_url:
        return [os.path.splitext(os.path.basename(target_url))[0]]
    return []


def clip_frames(clip, fps, frame_offset):
    """Return (frame_in, frame_out, nb_frames) of a clip placed in its track, at `fps`."""
    placed = clip.range_in_parent()
    start = round(placed.start_time.value_rescaled_to(fps))
    duration = round(placed.duration.value_rescaled_to(fps))
    return start + frame_offset, start + duration - 1 + frame_offset, duration


class EditImport:
    """One edit import into a project (and an episode for TV shows)."""

    def __init__(self, job, report):
        self.job = job
        self.report = report
        self.project = job.project
        self.episode = job.episode
        options = job.options or {}
        self.naming_convention = options.get("naming_convention") or PROJECT_CONVENTION
        self.match_case = options.get("match_case", True)
        self.frame_offset = int(options.get("frame_offset") or 0)
        self.extension = options.get("extension", "otio")
        self.fps = project_fps(self.project)
        self.pattern = convention_pattern(self.naming_convention)
        if not self.match_case:
            self.pattern = re.compile(self.pattern.pattern, re.IGNORECASE)
        self.created = []
        self.updated = []
        self.sequences = {}
        self.shots_by_key = {}
        self.shots_by_name = {}

    def normalized(self, name):
        return name if self.match_case else name.lower()

    def load_existing(self):
        sequences = Entity.objects.filter(
            project=self.project, entity_type__name=structure.SEQUENCE, parent=self.episode
        )
        for sequence in sequences.order_by("created_at"):
            self.sequences.setdefault(self.normalized(sequence.name), sequence)
        shots = Entity.objects.filter(
            project=self.project, entity_type__name=structure.SHOT, parent__in=sequences
        ).select_related("parent")
        values = {"project_name": self.project.name, "episode_name": getattr(self.episode, "name", "")}
        for shot in shots.order_by("created_at"):
            values.update(sequence_name=shot.parent.name, shot_name=shot.name)
            self.shots_by_key.setdefault(convention_key(self.naming_convention, values, self.match_case), shot)
            self.shots_by_name.setdefault((shot.parent_id, self.normalized(shot.name)), shot)

    def run(self, timeline):
        self.load_existing()
        line = 0
        for track in timeline.video_tracks():
            for item in track:
                if not isinstance(item, otio.schema.Clip):
                    continue
                line += 1
                self.import_clip(item, line)
        self.tasks_create()
        self.report.rows = {
            "created_shots": [serialize_row(shot) for shot in self.created],
            "updated_shots": [serialize_row(shot) for shot in self.updated],
        }

    def import_clip(self, clip, line):
        candidates = clip_names(clip)
        name = candidates[0] if candidates else ""
        try:
            frame_in, frame_out, nb_frames = clip_frames(clip, self.fps, self.frame_offset)
        except (ValueError, otio.exceptions.OTIOError) as error:
            self.report.error(line=line, column="source_range", message=f"clip {name!r}: no usable range ({error}).")
            return
        shot = self.existing_shot(candidates)
        if shot is None:
            match = self.convention_match(candidates)
            if match is None:
                self.report.error(
                    line=line,
                    column="name",
                    message=f"clip {name!r} does not follow the naming convention {self.naming_convention!r}.",
                )
                return
            sequence_name = match.group("sequence_name")
            shot_name = match.group("shot_name")
        with transaction.atomic():
            if shot is None:
                sequence = self.sequence_get_or_create(sequence_name)
                shot = self.shots_by_name.get((sequence.pk, self.normalized(shot_name)))
                if shot is None:
                    shot = self.shot_create(sequence, shot_name, frame_in, frame_out, nb_frames)
                    self.created.append(shot)
                    self.report.created += 1
                    return
            self.shot_update(shot, frame_in, frame_out, nb_frames)

    def existing_shot(self, candidates):
        for candidate in candidates:
            shot = self.shots_by_key.get(self.normalized(candidate))
            if shot is not None:
                return shot
        return None

    def convention_match(self, candidates):
        for candidate in candidates:
            match = self.pattern.fullmatch(candidate)
            if match is not None:
                return match
        return None

    def sequence_get_or_create(self, sequence_name):
        sequence = self.sequences.get(self.normalized(sequence_name))
        if sequence is None:
            sequence, _ = structure.sequence_create(
                project=self.project, name=sequence_name, episode=self.episode, created_by=self.job.person
            )
            self.sequences[self.normalized(sequence_name)] = sequence
        return sequence

    def shot_create(self, sequence, shot_name, frame_in, frame_out, nb_frames):
        shot, _ = structure.shot_create(
            project=self.project,
            sequence=sequence,
            name=shot_name,
            nb_frames=nb_frames,
            data={"frame_in": frame_in, "frame_out": frame_out},
            created_by=self.job.person,
        )
        self.shots_by_name[(sequence.pk, self.normalized(shot_name))] = shot
        return shot

    def shot_update(self, shot, frame_in, frame_out, nb_frames):
        data = dict(shot.data or {})
        data.update(frame_in=frame_in, frame_out=frame_out)
        shot.data = data
        shot.nb_frames = nb_frames
        shot.save(update_fields=["data", "nb_frames", "updated_at"])
        event_send(name="shot:update", data={"shot_id": shot.pk}, project_id=self.project.pk, user=self.job.person)
        if shot not in self.updated:
            self.updated.append(shot)
            self.report.updated += 1

    def tasks_create(self):
        """Give each new shot a task of every shot task type of the project, as shot creation in Kitsu does."""
        if not self.created:
            return
        links = ProjectTaskTypeLink.objects.filter(project=self.project, task_type__for_entity="Shot")
        for link in links.select_related("task_type").order_by("priority"):
            try:
                with transaction.atomic():
                    tasks_create_for_entities(
                        task_type=link.task_type, entities=self.created, created_by=self.job.person
                    )
            except ValidationError as error:
                self.report.log.append(f"no {link.task_type.name} tasks were created: {error.detail}")
                logger.warning("Edit import job %s created no %s tasks: %s", self.job.pk, link.task_type.name, error)
                return


@register_import("otio")
def edit_import_run(job, content, report):
    """Run an edit import job: read the timeline and import its clips as shots."""
    edit = EditImport(job, report)
    try:
        timeline = edit_timeline_read(content=content, extension=edit.extension, fps=edit.fps)
    except EditParseError as error:
        report.error(line=0, column="file", message=str(error))
        report.rows = {"created_shots": [], "updated_shots": []}
        return
    edit.run(timeline)
    report.log.append(f"{report.created} shots created, {report.updated} updated, {report.skipped} clips skipped")
