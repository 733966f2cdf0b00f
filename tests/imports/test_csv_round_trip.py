"""Round trip through the CSV sheets: export a seeded project, import every sheet into an empty project
configured the same way, then compare the two exports and the two projects' rows."""

import csv
import io

import pytest

from accounts.models import Person
from productions.models import Entity, EntityLink, Task
from tests import factories

pytestmark = pytest.mark.django_db

# Cells with the CSV delimiter, quotes and non-ASCII letters.
AWKWARD_NAME = 'Élise, "the" cat; 2'

# The sheets of a project, in import order: entities first, so the casting rows find their shots and assets.
# Each entry: the export file, its query parameters, and the import route that reads it back.
SHEETS = (
    ("assets.csv", {}, "assets"),
    ("shots.csv", {}, "shots"),
    ("edits.csv", {}, "edits"),
    ("casting.csv", {}, "casting"),
    ("casting.csv", {"is_shot_casting": "true"}, "casting"),
)
# A TV show also has its episodes' casting, read back after the shot casting so its counts and labels win.
EPISODE_CASTING_SHEET = ("casting.csv", {"episode_id": "all"}, "casting")

# Exported columns that no import reads back, with the reason. The comparisons blank these cells.
NOT_RESTORED = {
    "Project": "the project's name: the rows are imported into another project, the one of the import route.",
    "Time Spent": (
        "the sum of the tasks' durations, in days. A task's duration is the sum of its time-spent rows, "
        "which no CSV import creates."
    ),
}

ASSIGNATIONS = "Assignations"


# ---- seeding ----------------------------------------------------------------------------------------


def entity_type(name):
    return factories.EntityTypeFactory(name=name)


def studio_setup():
    """Create the studio-wide rows both projects share: statuses, task types, asset types and persons."""
    statuses = {
        "todo": factories.TaskStatusFactory(name="Todo", short_name="todo", is_default=True),
        "wip": factories.TaskStatusFactory(name="Work In Progress", short_name="wip"),
        "retake": factories.TaskStatusFactory(name="Retake", short_name="retake"),
        "done": factories.TaskStatusFactory(name="Done", short_name="done"),
    }
    task_types = {
        "Modeling": factories.TaskTypeFactory(name="Modeling", priority=1),
        "Rigging": factories.TaskTypeFactory(name="Rigging", priority=2),
        "Layout": factories.TaskTypeFactory(name="Layout", priority=1, for_entity="Shot"),
        "Animation": factories.TaskTypeFactory(name="Animation", priority=2, for_entity="Shot"),
        "Editing": factories.TaskTypeFactory(name="Editing", priority=1, for_entity="Edit"),
    }
    asset_types = {name: entity_type(name) for name in ("Character", "Prop", "Set")}
    # Sets have no rigging: their task types are restricted to modeling.
    factories.TaskTypeAssetTypeLinkFactory(asset_type=asset_types["Set"], task_type=task_types["Modeling"])
    persons = [
        factories.PersonFactory(first_name="Zoë", last_name="Ångström", email="zoe@example.com"),
        factories.PersonFactory(first_name="Bob", last_name="O'Brien", email="bob@example.com"),
        factories.PersonFactory(first_name="Chloé", last_name="Dupont-Lefèvre", email="chloe@example.com"),
    ]
    return {"statuses": statuses, "task_types": task_types, "asset_types": asset_types, "persons": persons}


def project_setup(studio, name, production_type):
    """Create a project with the studio's task types, statuses, asset types, team and metadata descriptors."""
    project = factories.ProjectFactory(name=name, production_type=production_type)
    project.task_types.add(*studio["task_types"].values())
    project.task_statuses.add(*studio["statuses"].values())
    project.asset_types.add(*studio["asset_types"].values())
    project.team.add(*studio["persons"])
    for kind in ("Asset", "Shot", "Edit"):
        descriptor = factories.MetadataDescriptorFactory
        descriptor(project=project, entity_type=kind, name="Notes", field_name="notes")
        descriptor(project=project, entity_type=kind, name="Budget days", field_name="budget", data_type="number")
        descriptor(project=project, entity_type=kind, name="Outsourced", field_name="outsourced", data_type="boolean")
        descriptor(
            project=project,
            entity_type=kind,
            name="Priorité",
            field_name="priority",
            data_type="list",
            choices=["low", "high", "très haute"],
        )
    return project


def metadata(index):
    """Return a full set of metadata values, varied with `index`: every descriptor has a value."""
    return {
        "notes": [AWKWARD_NAME, "plain", 'ligne; avec "guillemets"'][index % 3],
        "budget": ["2.5", "10", "0", "-1"][index % 4],
        "outsourced": ["true", "false"][index % 2],
        "priority": ["low", "high", "très haute"][index % 3],
    }


class Seeder:
    """Add entities, tasks and casting links to the source project, varying statuses and assignees.

    The seed contains only what the sheets can carry: each entity has a task of each of its task types and a
    value for each metadata descriptor, as text. An import creates the missing tasks with the default status,
    and reads an empty cell back as "" (or "false" for a boolean).
    """

    def __init__(self, studio, project):
        self.studio = studio
        self.project = project
        self.count = 0

    def tasks(self, entity, task_type_names):
        statuses = list(self.studio["statuses"].values())
        persons = self.studio["persons"]
        for offset, task_type_name in enumerate(task_type_names):
            index = self.count + offset
            task = factories.TaskFactory(
                project=self.project,
                entity=entity,
                task_type=self.studio["task_types"][task_type_name],
                task_status=statuses[index % len(statuses)],
                duration=60 * (index % 3),
            )
            task.assignees.set(persons[: index % (len(persons) + 1)])

    def entity(self, type_name, name, task_type_names, **fields):
        fields.setdefault("description", f"{name}: description {self.count}")
        data = {**metadata(self.count), **fields.pop("data", {})}
        entity = factories.EntityFactory(
            project=self.project, entity_type=entity_type(type_name), name=name, data=data, **fields
        )
        self.tasks(entity, task_type_names)
        self.count += 1
        return entity

    def asset(self, type_name, name, **fields):
        task_type_names = ["Modeling"] if type_name == "Set" else ["Modeling", "Rigging"]
        return self.entity(type_name, name, task_type_names, **fields)

    def sequence(self, name, episode=None):
        return factories.EntityFactory(
            project=self.project, entity_type=entity_type("Sequence"), name=name, parent=episode
        )

    def shot(self, sequence, name, frame_in):
        # Frames are text, as the CSV shot import stores them.
        frames = {"frame_in": str(frame_in), "frame_out": str(frame_in + 47), "fps": "24"}
        return self.entity("Shot", name, ["Layout", "Animation"], parent=sequence, nb_frames=48, data=frames)

    def edit(self, name, episode=None):
        return self.entity("Edit", name, ["Editing"], parent=episode)


def cast(entity_in, entity_out, nb_occurences=1, label=""):
    factories.EntityLinkFactory(entity_in=entity_in, entity_out=entity_out, nb_occurences=nb_occurences, label=label)


def seed_feature_film(studio):
    project = project_setup(studio, "Source film", "featurefilm")
    seeder = Seeder(studio, project)
    elise = seeder.asset("Character", AWKWARD_NAME)
    number = seeder.asset("Character", "001")
    sword = seeder.asset("Prop", "Sword")
    castle = seeder.asset("Set", "Château")

    first = seeder.sequence("SQ01")
    second = seeder.sequence('SQ 02, "night"')
    shots = [
        seeder.shot(first, "001", 1001),
        seeder.shot(first, "002", 1049),
        seeder.shot(second, "SH010; Élise", 1),
    ]
    seeder.edit("Cut, v1")
    seeder.edit("Trailer")

    cast(shots[0], elise, 3, "animate")
    cast(shots[0], sword)
    cast(shots[1], number, 2, "fixed")
    cast(shots[2], castle, 1, "fixed")
    cast(shots[2], elise)
    cast(castle, sword, 4, "fixed")
    cast(elise, sword, 1, "animate")
    return project


def seed_tv_show(studio):
    project = project_setup(studio, "Source show", "tvshow")
    seeder = Seeder(studio, project)
    episodes = [
        factories.EntityFactory(project=project, entity_type=entity_type("Episode"), name=name)
        for name in ("E01", "E02 Épilogue")
    ]
    # The main pack (assets of no episode) and assets created in each episode.
    elise = seeder.asset("Character", AWKWARD_NAME)
    number = seeder.asset("Character", "001", source=episodes[0])
    sword = seeder.asset("Prop", "Sword", source=episodes[1])
    castle = seeder.asset("Set", "Château", source=episodes[0])

    shots = []
    for episode in episodes:
        # Both episodes have a sequence named SQ01: sequences are unique only within their episode.
        first = seeder.sequence("SQ01", episode)
        second = seeder.sequence('SQ 02, "night"', episode)
        shots += [seeder.shot(first, "001", 1001), seeder.shot(second, "SH010; Élise", 1)]
    seeder.edit("Cut, v1", episode=episodes[0])
    seeder.edit("Trailer")

    cast(shots[0], elise, 3, "animate")
    cast(shots[0], number)
    cast(shots[1], castle, 2, "fixed")
    cast(shots[2], sword, 1, "animate")
    cast(shots[3], elise, 5)
    cast(castle, sword, 4, "fixed")
    cast(elise, number, 1, "animate")
    # An episode's casting lists the assets of its shots (a shot casting import adds them) and may add more.
    cast(episodes[0], elise, 2, "animate")
    cast(episodes[0], number)
    cast(episodes[0], castle, 1, "fixed")
    cast(episodes[1], sword, 1, "animate")
    cast(episodes[1], elise)
    cast(episodes[1], number, 3, "fixed")
    return project


def empty_copy(studio, source):
    """Create a project configured like `source` (same type, settings, team and descriptors) with no entities."""
    return project_setup(studio, f"{source.name} copy", source.production_type)


# ---- export, import and comparison -------------------------------------------------------------------


def export_text(client, project, name, params):
    response = client.get(f"/api/export/csv/projects/{project.pk}/{name}", params)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content).decode()


def import_text(client, project, kind, text):
    upload = io.BytesIO(text.encode())
    upload.name = f"{kind}.csv"
    response = client.post(f"/api/import/csv/projects/{project.pk}/{kind}", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    return response


def sheets_of(project):
    if project.production_type == "tvshow":
        return (*SHEETS, EPISODE_CASTING_SHEET)
    return SHEETS


def copy_through_csv(client, source, target):
    """Export every sheet of `source`, import each into `target` and return the source's exports."""
    exported = {}
    for name, params, kind in sheets_of(source):
        text = export_text(client, source, name, params)
        import_text(client, target, kind, text)
        exported[(name, tuple(params.items()))] = text
    return exported


def comparable_rows(text, *, blank=()):
    """Parse an export and blank the cells of the columns in `blank`."""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    headers = rows[0]
    blanked = [index for index, header in enumerate(headers) if header in blank]
    for row in rows[1:]:
        for index in blanked:
            row[index] = ""
    return rows


def entity_key(entity):
    """Name an entity by its type and the names of its parents, as the sheets do."""
    names = []
    parent = entity.parent
    while parent is not None:
        names.insert(0, parent.name)
        parent = parent.parent
    return (entity.entity_type.name, *names, entity.name)


def describe(project, *, with_assignees=True):
    """Return the project's entities, tasks and casting without ids or timestamps, sorted, with counts."""
    entities = Entity.objects.filter(project=project).select_related("entity_type", "parent__parent", "source")
    tasks = Task.objects.filter(project=project).select_related(
        "task_type", "task_status", "entity__entity_type", "entity__parent__parent"
    )
    links = EntityLink.objects.filter(entity_in__project=project).select_related(
        "entity_in__entity_type", "entity_in__parent__parent", "entity_out__entity_type", "entity_out__parent"
    )
    entity_rows = sorted(
        (
            entity_key(entity),
            entity.source.name if entity.source is not None else None,
            # A CSV cell has no null: an empty description is read back as "".
            entity.description or "",
            sorted((entity.data or {}).items()),
            entity.nb_frames,
            entity.canceled,
        )
        for entity in entities
    )
    task_rows = sorted(
        (
            entity_key(task.entity),
            task.task_type.name,
            task.task_status.short_name,
            sorted(person.email for person in task.assignees.all()) if with_assignees else None,
        )
        for task in tasks.prefetch_related("assignees")
    )
    link_rows = sorted(
        (entity_key(link.entity_in), entity_key(link.entity_out), link.nb_occurences, link.label) for link in links
    )
    return {
        "entities": entity_rows,
        "tasks": task_rows,
        "links": link_rows,
        "counts": (len(entity_rows), len(task_rows), len(link_rows)),
    }


@pytest.fixture
def studio():
    return studio_setup()


@pytest.fixture(params=["featurefilm", "tvshow"])
def copied(request, admin_client, studio):
    """A seeded source project, its empty copy filled from the source's sheets, and the source's exports."""
    seed = seed_feature_film if request.param == "featurefilm" else seed_tv_show
    source = seed(studio)
    target = empty_copy(studio, source)
    exported = copy_through_csv(admin_client, source, target)
    return {"source": source, "target": target, "exported": exported}


# ---- tests ---------------------------------------------------------------------------------------------


def test_round_trip_seed_is_complete(copied):
    """Check that the seed fills every exported column, so the comparisons below cover each of them."""
    # A feature film has no episodes, so its Episode cells stay empty.
    expected_empty = [] if copied["source"].production_type == "tvshow" else ["Episode"]
    for (name, params), text in copied["exported"].items():
        rows = comparable_rows(text)
        empty_columns = [header for index, header in enumerate(rows[0]) if all(row[index] == "" for row in rows[1:])]

        assert len(rows) > 2, (name, params)
        assert [column for column in empty_columns if column not in expected_empty] == [], (name, params)


def test_round_trip_exports_equal(admin_client, copied):
    blank = (*NOT_RESTORED, ASSIGNATIONS)
    for (name, params), text in copied["exported"].items():
        again = export_text(admin_client, copied["target"], name, dict(params))

        assert comparable_rows(again, blank=blank) == comparable_rows(text, blank=blank), (name, params)


def test_round_trip_database_equal(copied):
    source = describe(copied["source"], with_assignees=False)
    target = describe(copied["target"], with_assignees=False)

    assert target["counts"] == source["counts"]
    assert target["entities"] == source["entities"]
    assert target["tasks"] == source["tasks"]
    assert target["links"] == source["links"]


def test_round_trip_assignees(copied):
    source = describe(copied["source"])
    target = describe(copied["target"])

    assert target["tasks"] == source["tasks"]


def test_round_trip_assignations_exported(admin_client, copied):
    for (name, params), text in copied["exported"].items():
        again = export_text(admin_client, copied["target"], name, dict(params))

        assert comparable_rows(again, blank=NOT_RESTORED) == comparable_rows(text, blank=NOT_RESTORED), (name, params)


# ---- persons -------------------------------------------------------------------------------------------


def export_persons(client):
    response = client.get("/api/export/csv/persons.csv")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_persons_round_trip(admin_client):
    factories.PersonFactory(
        first_name=AWKWARD_NAME, last_name="Ångström", email="elise@example.com", phone="+33 1 23; 45", role="manager"
    )
    factories.PersonFactory(
        first_name="Bob", last_name="O'Brien", email="bob@example.com", role="supervisor", contract_type="freelance"
    )
    factories.PersonFactory(first_name="Cléo", last_name="Zed", email="cleo@example.com", role="client", active=False)
    factories.PersonFactory(first_name="Dan", last_name="Vendor", email="dan@example.com", role="vendor")
    exported = export_persons(admin_client)
    emails = ["elise@example.com", "bob@example.com", "cleo@example.com", "dan@example.com"]
    persons = Person.objects.filter(email__in=emails).order_by("email")
    fields = ("email", "first_name", "last_name", "phone", "role", "contract_type", "active", "is_bot")
    before = list(persons.values_list(*fields))
    persons.delete()

    upload = io.BytesIO(exported.encode())
    upload.name = "persons.csv"
    response = admin_client.post("/api/import/csv/persons", {"file": upload}, format="multipart")

    assert response.status_code == 201, response.content
    assert list(persons.values_list(*fields)) == before
    assert export_persons(admin_client) == exported
