"""Runners of the CSV imports (assets, shots, edits, casting, estimations, persons), registered with `register_import`.

Asset, shot and edit sheets are written in batches by `csv_entities`. The row
readers here turn one row into the entity's key, columns, metadata and task
cells, and raise RowError on a bad cell before anything is written. The other
sheets write each row in its own savepoint, so a bad row is reported with its
file line and never leaves half a row behind.
"""

import datetime
import logging

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Department, Organisation, Person, Studio
from imports.services.csv_entities import (
    ENTITY_TYPE_NAME_MAX_LENGTH,
    FALSE_CELLS,
    TRUE_CELLS,
    entities_import,
    metadata_from_row,
    name_cell,
    task_cells,
)
from imports.services.csv_reader import MAIN_PACK, CsvReadError, RowError, read_csv
from imports.services.jobs import register_import
from kitsu_project.api.serialization import serialize_row
from productions.models import Entity, EntityLink, Task
from productions.services.casting import links_recount, shot_casting_stats_refresh

logger = logging.getLogger("imports.csv")

# The largest value of the `nb_frames` integer column.
MAX_FRAME_COUNT = 2**31 - 1


def asset_row(context, row):
    name = name_cell(row, "Name", "asset name")
    type_name = name_cell(row, "Type", "asset type", ENTITY_TYPE_NAME_MAX_LENGTH)
    cells = task_cells(context, row)
    data = metadata_from_row(context, row)
    entity_type = context.entity_type(type_name)
    fields = {"name": name, "entity_type": entity_type}
    if "Description" in row:
        fields["description"] = row["Description"]
    episode_name = row.get("Episode", "")
    if context.project.production_type == "tvshow" and episode_name and episode_name != MAIN_PACK:
        name_cell(row, "Episode", "episode name")
        fields["source"] = context.parent("Episode", episode_name)
    return (type_name, None, name), fields, data, cells


def frame_count_cell(value):
    """Return the whole number of frames in `value`, which the database's integer column must hold."""
    try:
        count = int(value)
    except ValueError:
        raise RowError(f"Invalid frame count {value!r}: expected a whole number.", column="Nb Frames") from None
    if not 0 <= count <= MAX_FRAME_COUNT:
        raise RowError(f"Invalid frame count {value}: expected 0 to {MAX_FRAME_COUNT}.", column="Nb Frames")
    return count


def shot_row(context, row):
    name = name_cell(row, "Name", "shot name")
    sequence_name = name_cell(row, "Sequence", "sequence name")
    cells = task_cells(context, row)
    data = metadata_from_row(context, row)

    episode = None
    if context.project.production_type == "tvshow":
        if not row.get("Episode"):
            raise RowError("The episode name is missing: a TV show's shots need one.", column="Episode")
        episode = context.parent("Episode", name_cell(row, "Episode", "episode name"))
    sequence = context.parent("Sequence", sequence_name, episode)

    fields = {"name": name, "entity_type": context.entity_type("Shot"), "parent": sequence}
    if "Description" in row:
        fields["description"] = row["Description"]
    nb_frames = row.get("Nb Frames") or row.get("Frames")
    if nb_frames:
        fields["nb_frames"] = frame_count_cell(nb_frames)

    # Frame data stays text, as Zou 0.20.73 stores it from CSV (Zou 1.x stores integers).
    for key, columns in (("frame_in", ("Frame In", "In")), ("frame_out", ("Frame Out", "Out")), ("fps", ("FPS",))):
        value = next((row[column] for column in columns if row.get(column)), "")
        if value:
            data[key] = value
    return ("Shot", sequence.pk, name), fields, data, cells


@register_import("csv-assets")
def assets_import(job, content, report):
    entities_import(job, content, report, kind="Asset", read_row=asset_row, required=("Name", "Type"))


@register_import("csv-shots")
def shots_import(job, content, report):
    entities_import(job, content, report, kind="Shot", read_row=shot_row, required=("Name", "Sequence"))


# ---- casting -------------------------------------------------------------------


def slug(text):
    return slugify(text or "")


class CastingContext:
    """The project's assets, shots and episodes keyed by slugified names, loaded once per job."""

    def __init__(self, project):
        self.assets = {}
        self.shots = {}
        self.episodes = {}
        entities = list(Entity.objects.filter(project=project).select_related("entity_type", "parent__parent"))
        for entity in entities:
            kind = entity.entity_type.name
            if kind == "Shot" and entity.parent is not None:
                sequence = entity.parent
                episode_name = sequence.parent.name if sequence.parent is not None else ""
                self.shots[(slug(episode_name), slug(sequence.name), slug(entity.name))] = entity
            elif kind == "Episode":
                self.episodes[slug(entity.name)] = entity
            elif entity.entity_type.is_asset_type:
                self.assets[(slug(kind), slug(entity.name))] = entity
        self.links = {
            (link.entity_in_id, link.entity_out_id): link
            for link in EntityLink.objects.filter(entity_in__project=project)
        }

    def target(self, row):
        """Return the shot, asset or episode a casting row names, looked up in that order, or None."""
        episode = row.get("Episode", "")
        if episode == MAIN_PACK:
            episode = ""
        parent, name = slug(row.get("Parent", "")), slug(row.get("Name", ""))
        return (
            self.shots.get((slug(episode), parent, name))
            or self.assets.get((parent, name))
            or (self.episodes.get(name) if parent == "episode" else None)
        )

    def link_save(self, entity, asset, nb_occurences, label):
        """Create or update the link, and return True when it is new."""
        link = self.links.get((entity.pk, asset.pk))
        if link is None:
            link = EntityLink.objects.create(
                entity_in=entity, entity_out=asset, nb_occurences=nb_occurences, label=label
            )
            self.links[(entity.pk, asset.pk)] = link
            return True
        if (link.nb_occurences, link.label) != (nb_occurences, label):
            link.nb_occurences, link.label = nb_occurences, label
            link.save(update_fields=["nb_occurences", "label", "updated_at"])
        return False


@register_import("csv-casting")
def casting_import(job, content, report):
    """Cast the asset of each row in the shot, asset or episode it names. Rows naming an unknown one are skipped."""
    try:
        sheet = read_csv(content)
        sheet.require("Parent", "Name", "Asset Type", "Asset")
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    context = CastingContext(job.project)
    changed = set()
    for line, row in sheet.rows:
        occurences = row.get("Occurences", "")
        if occurences and not (occurences.isdigit() and int(occurences) > 0):
            report.error(line=line, column="Occurences", message=f"Invalid occurence count {occurences!r}.")
            continue
        nb_occurences = int(occurences) if occurences else 1
        asset = context.assets.get((slug(row["Asset Type"]), slug(row["Asset"])))
        target = context.target(row)
        report.rows.append(None)
        if asset is None or target is None:
            report.skipped += 1
            report.log.append(f"line {line}: no such asset or target, row skipped")
            continue
        label = slug(row.get("Label", ""))
        with transaction.atomic():
            if context.link_save(target, asset, nb_occurences, label):
                report.created += 1
                changed.add(target.pk)
            else:
                report.updated += 1
            episode = target.parent.parent if target.entity_type.name == "Shot" else None
            if episode is not None and context.link_save(episode, asset, 1, label):
                changed.add(episode.pk)
    links_recount(changed)
    shot_ids = {shot.pk for shot in context.shots.values()}
    shot_casting_stats_refresh([pk for pk in changed if pk in shot_ids])


# ---- estimations ---------------------------------------------------------------


def cell_date(row, column):
    value = row.get(column, "")
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value).date()
    except ValueError:
        raise RowError(f"Invalid date {value!r}: expected YYYY-MM-DD.", column=column) from None


def cell_number(row, column, kind):
    value = row.get(column, "")
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise RowError(f"Invalid number {value!r}.", column=column) from None


def business_days_after(start, days):
    """Return the day `days` business days after `start` (weekends skipped)."""
    day = start
    remaining = max(0, int(round(days)))
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def as_datetime(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def estimation_fields(row, hours_by_day):
    """Return the task fields a row of the estimations sheet sets."""
    fields = {}
    days = cell_number(row, "Estimation", float)
    if days is not None:
        fields["estimation"] = round(days * hours_by_day * 60)
    drawings = cell_number(row, "Drawings", int)
    if drawings is not None:
        fields["nb_drawings"] = drawings
    difficulty = cell_number(row, "Difficulty", int)
    if difficulty is not None:
        fields["difficulty"] = difficulty
    start = cell_date(row, "Start date")
    due = cell_date(row, "Due date")
    if due is None and start is not None and days:
        due = business_days_after(start, days - 1)
    if start is not None:
        fields["start_date"] = as_datetime(start)
    if due is not None:
        fields["due_date"] = as_datetime(due)
    return fields


@register_import("csv-estimations")
def estimations_import(job, content, report):
    """Set the estimation, dates, difficulty and drawings of the task of `job.task_type` on each row's entity."""
    try:
        sheet = read_csv(content)
        sheet.require("Parent", "Entity")
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    task_type = job.task_type
    organisation = Organisation.objects.first()
    hours_by_day = organisation.hours_by_day if organisation else 8
    tasks = Task.objects.filter(project=job.project, task_type=task_type).select_related(
        "entity__entity_type", "entity__parent"
    )
    if task_type.for_entity == "Shot" and job.episode is not None:
        tasks = tasks.filter(entity__parent__parent=job.episode)
    elif job.episode is not None:
        tasks = tasks.filter(entity__source=job.episode)
    by_key = {}
    for task in tasks:
        entity = task.entity
        parent = entity.parent.name if task_type.for_entity == "Shot" and entity.parent else entity.entity_type.name
        by_key[(slug(parent), slug(entity.name))] = task
    for line, row in sheet.rows:
        task = by_key.get((slug(row["Parent"]), slug(row["Entity"])))
        try:
            if task is None:
                raise RowError(
                    f"No {task_type.name} task found for {row['Parent']} / {row['Entity']}.", column="Entity"
                )
            fields = estimation_fields(row, hours_by_day)
        except RowError as error:
            report.error(line=line, column=error.column, message=error.message)
            continue
        for name, value in fields.items():
            setattr(task, name, value)
        if fields:
            task.save(update_fields=[*fields, "updated_at"])
            report.updated += 1
        report.rows.append(None)


# ---- edits ---------------------------------------------------------------------


def edit_row(context, row):
    name = name_cell(row, "Name", "edit name")
    cells = task_cells(context, row)
    data = metadata_from_row(context, row)
    episode = None
    episode_name = row.get("Episode", "")
    if context.project.production_type == "tvshow":
        if episode_name:
            episode = context.parent("Episode", name_cell(row, "Episode", "episode name"))
    elif episode_name:
        raise RowError("The project is not a TV show: leave the Episode column empty.", column="Episode")
    fields = {"name": name, "entity_type": context.entity_type("Edit"), "parent": episode}
    if "Description" in row:
        fields["description"] = row["Description"]
    return ("Edit", episode.pk if episode else None, name), fields, data, cells


@register_import("csv-edits")
def edits_import(job, content, report):
    entities_import(job, content, report, kind="Edit", read_row=edit_row, required=("Name",))


# ---- persons -------------------------------------------------------------------

ROLE_LABELS = {
    "studio manager": "admin",
    "admin": "admin",
    "production manager": "manager",
    "manager": "manager",
    "supervisor": "supervisor",
    "artist": "user",
    "user": "user",
    "client": "client",
    "vendor": "vendor",
}
CONTRACT_TYPES = {value for value, _ in Person.CONTRACT_TYPES}
POSITIONS = {value for value, _ in Person.POSITIONS}
SENIORITIES = {value for value, _ in Person.SENIORITIES}


def choice_cell(row, column, choices, labels=None):
    value = row.get(column, "")
    if not value:
        return None
    key = value.lower()
    if labels is not None:
        key = labels.get(key, key)
    if key not in choices:
        raise RowError(f"A value is invalid: {column}: {value}.", column=column)
    return key


def person_fields(row, studios):
    """Return the person columns a row of the persons sheet sets, checked."""
    fields = {"first_name": row.get("First Name", ""), "last_name": row.get("Last Name", "")}
    role = choice_cell(row, "Role", set(ROLE_LABELS.values()), ROLE_LABELS)
    if role:
        fields["role"] = role
    for column, key, choices in (
        ("Contract Type", "contract_type", CONTRACT_TYPES),
        ("Position", "position", POSITIONS),
        ("Seniority", "seniority", SENIORITIES),
    ):
        value = choice_cell(row, column, choices)
        if value:
            fields[key] = value
    if row.get("Phone"):
        fields["phone"] = row["Phone"]
    if row.get("Daily Salary"):
        fields["daily_salary"] = cell_number(row, "Daily Salary", int)
    active = row.get("Active", "").lower()
    if active:
        if active not in TRUE_CELLS | FALSE_CELLS:
            raise RowError(f"A value is invalid: Active: {row['Active']}.", column="Active")
        fields["active"] = active in TRUE_CELLS
    if row.get("Studio"):
        studio = studios.get(row["Studio"].lower())
        if studio is None:
            raise RowError(f"Studio not found: {row['Studio']}.", column="Studio")
        fields["studio"] = studio
    return fields


@register_import("csv-persons")
def persons_import(job, content, report):
    """Create a person per row, matched by e-mail. With `update_existing`, rows overwrite the persons that exist."""
    try:
        sheet = read_csv(content)
        sheet.require("First Name", "Last Name", "Email")
    except CsvReadError as error:
        report.error(line=error.line, message=error.message)
        return
    studios = {studio.name.lower(): studio for studio in Studio.objects.all()}
    departments = {department.name.lower(): department for department in Department.objects.all()}
    persons = {person.email.lower(): person for person in Person.objects.exclude(email=None).exclude(email="")}
    for line, row in sheet.rows:
        email = row["Email"].lower()
        try:
            if not email:
                raise RowError("The e-mail is missing: fill in the Email column.", column="Email")
            fields = person_fields(row, studios)
            names = [name.strip() for name in row.get("Departments", "").split(",") if name.strip()]
            unknown = [name for name in names if name.lower() not in departments]
            if unknown:
                raise RowError(f"Department not found: {', '.join(unknown)}. Create it first.", column="Departments")
        except RowError as error:
            report.error(line=line, column=error.column, message=error.message)
            continue
        person = persons.get(email)
        with transaction.atomic():
            if person is None:
                person = Person(email=row["Email"], **fields)
                person.set_unusable_password()
                person.save()
                persons[email] = person
                report.created += 1
                write = True
            else:
                write = job.update_existing
                if write:
                    for name, value in fields.items():
                        setattr(person, name, value)
                    person.save()
                    report.updated += 1
            if write and "Departments" in row:
                person.departments.set([departments[name.lower()] for name in names])
        report.rows.append(serialize_row(person))
