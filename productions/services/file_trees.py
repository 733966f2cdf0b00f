"""File trees: the templates that name the folders and files of a project's working and output files.

A tree is a JSON object with one section per mode ("working", "output",
"preview"). Each section has a `mountpoint`, a `root`, and `folder_path` and
`file_name` templates per kind of entity ("asset", "shot", "sequence", "scene",
"episode", and "instance" or "instance_asset" for asset instances), plus an
optional `style` ("lowercase" or "uppercase"). A template contains tokens such
as `<Project>`, `<Asset>`, `<TaskType>` or `<Version>`; `<Token.field>` picks
another column (`short_name`, `number` or `id`). Token values are turned into
slugs: ASCII letters and digits joined by underscores.

The trees shipped with the server live in `productions/file_trees/<name>.json`;
`project_file_tree_set` copies one into a project, which may then be edited
through `PUT /data/projects/<id>`.
"""

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.db import transaction

from accounts.models import Department, Software
from productions.models import AssetInstance, Entity, EntityType, OutputType, Project, Task, TaskType
from productions.models.entity import TEMPORAL_ENTITY_TYPES

from .events import event_send

logger = logging.getLogger("productions.file_trees")

TREES_FOLDER = Path(__file__).resolve().parent.parent / "file_trees"
TREE_NAME_PATTERN = re.compile(r"^[a-z0-9_-]{1,60}$")
TOKEN_PATTERN = re.compile(r"<([\w.]*)>")
# A path element holding one token, with optional fixed text before and after it (`v<Version>`).
ELEMENT_PATTERN = re.compile(r"^(?P<prefix>[^<>]*)<(?P<token>[\w.]+)>(?P<suffix>[^<>]*)$")
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FIELDS = frozenset({"name", "short_name", "number", "id"})
STYLE_KEY = "style"
TEMPLATE_PARTS = ("folder_path", "file_name")
NO_TREE = "the project has no file tree: set one with POST /actions/projects/<project_id>/set-file-tree."

# The kind of template each structural entity type uses; every other type is an asset.
KIND_BY_ENTITY_TYPE = {"Shot": "shot", "Sequence": "sequence", "Scene": "scene", "Episode": "episode"}

# Stand-ins for a `<Software>` or `<OutputType>` token when the request names none, as the reference
# names them. They are not stored.
DEFAULT_SOFTWARE = SimpleNamespace(pk="", name="3ds Max", short_name="max")
DEFAULT_OUTPUT_TYPE = SimpleNamespace(pk="", name="Geometry", short_name="geo")


class FileTreeError(ValueError):
    """A file tree that is missing, malformed or lacks what a path needs; `field` names the input at fault."""

    def __init__(self, message, field="file_tree"):
        super().__init__(message)
        self.field = field


# ---- shipped trees ---------------------------------------------------------------


def tree_names():
    return sorted(path.stem for path in TREES_FOLDER.glob("*.json"))


def tree_load(name):
    """Return the shipped tree `name`, or raise FileTreeError naming `tree_name` and the available trees."""
    available = tree_names()
    if not isinstance(name, str) or not TREE_NAME_PATTERN.match(name) or name not in available:
        raise FileTreeError(
            f"unknown file tree {name!r}: use one of {', '.join(available)}.",
            field="tree_name",
        )
    with open(TREES_FOLDER / f"{name}.json", encoding="utf-8") as tree_file:
        return json.load(tree_file)


@transaction.atomic
def project_file_tree_set(*, project, tree_name, user=None):
    """Copy the shipped tree `tree_name` into the project's `file_tree`."""
    tree = tree_load(tree_name)
    project.file_tree = tree
    project.save(update_fields=["file_tree", "updated_at"])
    event_send(name="project:update", data={"project_id": project.pk}, project_id=project.pk, user=user)
    logger.info("File tree %s set on project %s by %s", tree_name, project.pk, getattr(user, "pk", None))
    return project


# ---- text --------------------------------------------------------------------------


def slugify(text):
    """Return `text` as lowercase ASCII letters and digits joined by single underscores.

    Accented letters lose their accents. NOTE: letters with no ASCII form (Cyrillic, CJK...)
    are dropped, where the reference transliterates them.
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    return re.sub(r"[^a-zA-Z0-9]+", "_", text).strip("_").lower()


def apply_style(text, style):
    if style == "uppercase":
        return text.upper()
    if style == "lowercase":
        return text.lower()
    return text


# ---- the values tokens stand for -----------------------------------------------------


@dataclass
class PathContext:
    """The rows and values a path is built from.

    `entity` is the task's entity, or the temporal entity of an asset instance's output.
    """

    project: Project
    entity: Entity
    task: Task | None = None
    task_type: TaskType | None = None
    software: object = None
    output_type: object = None
    name: str = ""
    representation: str = ""
    revision: int = 1
    asset_instance: AssetInstance | None = None
    asset: Entity | None = None

    def template_kind(self):
        if self.asset_instance is not None:
            return "instance_asset" if self.asset_instance.target_asset_id else "instance"
        return KIND_BY_ENTITY_TYPE.get(self.entity.entity_type.name, "asset")

    def sequence(self):
        kind = self.entity.entity_type.name
        if kind in ("Shot", "Scene"):
            return self.entity.parent
        if kind == "Sequence":
            return self.entity
        return None

    def episode(self):
        if self.entity.entity_type.name == "Episode":
            return self.entity
        sequence = self.sequence()
        return sequence.parent if sequence is not None else None

    def current_task_type(self):
        if self.task_type is not None:
            return self.task_type
        return self.task.task_type if self.task is not None else None


def field_text(row, field):
    """Return the text of `field` on a row; a missing or empty column falls back to the name."""
    if row is None:
        return ""
    if field == "id":
        return str(row.pk)
    value = getattr(row, field, None)
    if value in (None, "") and field != "name":
        value = getattr(row, "name", None)
    return "" if value is None else str(value)


def instance_text(asset_instance, field):
    if asset_instance is None:
        return ""
    if field == "id":
        return str(asset_instance.pk)
    number = str(asset_instance.number or 0).zfill(4)
    if field == "name":
        return asset_instance.name or number
    return number


def token_text(context, data_type, field):
    """Return the raw text a token stands for, or raise FileTreeError for an unknown token."""
    asset = context.asset if context.asset is not None else context.entity
    task_type = context.current_task_type()

    # Rows of the production structure.
    if data_type == "Project":
        return field_text(context.project, field)
    if data_type == "Task":
        return field_text(context.task, field)
    if data_type == "TaskType":
        return field_text(task_type, field)
    if data_type == "Department":
        return field_text(task_type.department if task_type is not None else None, field)
    if data_type in ("Shot", "Scene", "TemporalEntity"):
        return field_text(context.entity, field)
    if data_type == "TemporalEntityType":
        return field_text(context.entity.entity_type, field).lower()
    if data_type == "Sequence":
        return field_text(context.sequence(), field)
    if data_type == "Episode":
        return field_text(context.episode(), field)
    if data_type == "AssetType":
        return field_text(asset.entity_type, field)
    if data_type == "Asset":
        return field_text(asset, field)

    # Values of the file itself.
    if data_type == "Software":
        return field_text(context.software or DEFAULT_SOFTWARE, field)
    if data_type == "OutputType":
        return field_text(context.output_type or DEFAULT_OUTPUT_TYPE, field).lower()
    if data_type == "Instance":
        return instance_text(context.asset_instance, field)
    if data_type == "Representation":
        return context.representation or ""
    if data_type in ("Name", "OutputFile", "WorkingFile"):
        return context.name or ""
    if data_type in ("Version", "Revision"):
        return str(context.revision).zfill(3)
    raise FileTreeError(f"the file tree uses the unknown token <{data_type}>.")


def render(template, context, style):
    """Replace each token of `template` with its slug in `style`; `<Token.id>` values stay as they are."""

    def replace(match):
        data_type, _, field = match.group(1).partition(".")
        if field not in FIELDS:
            field = "name"
        text = token_text(context, data_type, field)
        return text if field == "id" else apply_style(slugify(text), style)

    return TOKEN_PATTERN.sub(replace, template)


# ---- templates -------------------------------------------------------------------------


def tree_section(tree, mode):
    if not tree:
        raise FileTreeError(NO_TREE)
    if not isinstance(tree, dict):
        raise FileTreeError("the project's file tree is not a JSON object: set it again with set-file-tree.")
    section = tree.get(mode)
    if not isinstance(section, dict):
        modes = ", ".join(key for key, value in tree.items() if isinstance(value, dict))
        raise FileTreeError(f"the project's file tree has no mode {mode!r}: use one of {modes}.", field="mode")
    for part in TEMPLATE_PARTS:
        if not isinstance(section.get(part), dict):
            raise FileTreeError(f"the {mode!r} mode of the project's file tree has no {part} templates.")
    return section


def template_of(section, mode, part, kind):
    template = section[part].get(kind)
    if not isinstance(template, str):
        raise FileTreeError(f"the {mode!r} mode of the project's file tree has no {part} template for {kind!r}.")
    return template


def root_path(section, sep):
    """Return the mount point and root joined by `sep`, ending with `sep`."""
    mountpoint = str(section.get("mountpoint") or "")
    root = str(section.get("root") or "")
    if root:
        return f"{mountpoint}{sep}{root}{sep}"
    return f"{mountpoint}{sep}"


def folder_path(context, *, mode, sep="/"):
    """Return the folder of a file: the root, then the rendered template with `sep` between folders.

    Folders whose tokens are empty (an instance without representation) are left out.
    """
    section = tree_section(context.project.file_tree, mode)
    template = template_of(section, mode, "folder_path", context.template_kind())
    rendered = render(template, context, section["folder_path"].get(STYLE_KEY, ""))
    folders = [folder for folder in rendered.split("/") if folder]
    return root_path(section, sep) + sep.join(folders)


def file_name(context, *, mode, nb_elements=1):
    """Return a file name without extension; `nb_elements` above 1 adds the frame range `_[1-N]`."""
    section = tree_section(context.project.file_tree, mode)
    template = template_of(section, mode, "file_name", context.template_kind())
    style = section["file_name"].get(STYLE_KEY, "")
    rendered = render(template, context, "lowercase")

    # The whole name becomes one slug, except the ids that `<Token.id>` put in it.
    ids = UUID_PATTERN.findall(rendered)
    name = apply_style(slugify(rendered), style)
    for value in ids:
        name = name.replace(apply_style(slugify(value), style), value)
    if nb_elements and nb_elements > 1:
        name += f"_[1-{nb_elements}]"
    return name


def file_path(context, *, mode, sep="/", extension="", nb_elements=1):
    """Return the full path of a file: folder, `sep`, name and extension (with its dot)."""
    if extension and not extension.startswith("."):
        extension = f".{extension}"
    folder = folder_path(context, mode=mode, sep=sep)
    return f"{folder}{sep}{file_name(context, mode=mode, nb_elements=nb_elements)}{extension}"


# ---- from a path back to rows ---------------------------------------------------------------


def path_tokens(elements, template_elements):
    """Return {token: value} read from path elements laid over template elements, or None when they differ.

    Elements past the end of the shorter list are ignored, so a path to a file inside
    the folder, or to a parent folder, still matches.
    """
    tokens = {}
    for element, template_element in zip(elements, template_elements, strict=False):
        match = ELEMENT_PATTERN.match(template_element)
        if match is None:
            if element != template_element:
                return None
            continue
        prefix, suffix = match.group("prefix"), match.group("suffix")
        if not element.startswith(prefix) or not element.endswith(suffix) or len(element) < len(prefix + suffix):
            return None
        value = element[len(prefix) : len(element) - len(suffix)]
        data_type = match.group("token").split(".")[0]
        tokens.setdefault(data_type, (value, match.group("token")))
    return tokens


def first_slug_match(rows, value, *, attribute="name"):
    """Return the first row whose `attribute` has the slug of `value`."""
    expected_slug = slugify(value)
    if not expected_slug:
        return None
    for row in rows:
        if slugify(getattr(row, attribute, "") or "") == expected_slug:
            return row
    return None


class PathResolver:
    """Find the rows named by the tokens of one path, in template order, each narrowing the next."""

    ENTITY_TOKENS = ("Episode", "Sequence", "Shot", "Scene", "Asset", "TemporalEntity")

    def __init__(self, project, kind):
        self.project = project
        self.kind = kind
        self.rows = {}

    def entities(self, type_names=None, **filters):
        queryset = Entity.objects.filter(project=self.project, **filters).select_related("entity_type")
        if type_names is not None:
            queryset = queryset.filter(entity_type__name__in=type_names)
        return queryset.only("pk", "name", "entity_type__name", "parent_id").order_by("name")

    def parent_filter(self, token):
        parent = self.rows.get(token)
        return {"parent": parent} if parent is not None else {}

    def resolve(self, data_type, value, token):
        """Return the row or text for one token, or None when nothing matches."""
        if data_type == "Project":
            # A path names the project by its name or code, and only the request's project may match.
            found = slugify(self.project.name) == slugify(value) or (
                self.project.code and slugify(self.project.code) == slugify(value)
            )
            return self.project if found else None
        if data_type == "Episode":
            return first_slug_match(self.entities(["Episode"]), value)
        if data_type == "Sequence":
            return first_slug_match(self.entities(["Sequence"], **self.parent_filter("Episode")), value)
        if data_type in ("Shot", "Scene"):
            return first_slug_match(self.entities([data_type], **self.parent_filter("Sequence")), value)

        if data_type == "AssetType":
            return first_slug_match(EntityType.objects.exclude(name__in=TEMPORAL_ENTITY_TYPES).order_by("name"), value)
        if data_type == "Asset":
            return self.resolve_asset(value)
        if data_type == "TemporalEntityType":
            return first_slug_match(EntityType.objects.order_by("name"), value)
        if data_type == "TemporalEntity":
            entity_type = self.rows.get("TemporalEntityType")
            filters = {"entity_type": entity_type} if entity_type is not None else {}
            return first_slug_match(self.entities(**filters), value)

        if data_type == "TaskType":
            return self.resolve_task_type(value)
        if data_type == "Department":
            return first_slug_match(Department.objects.order_by("name"), value)
        if data_type == "Task":
            return self.resolve_task(value)
        if data_type == "OutputType":
            return first_slug_match(OutputType.objects.order_by("name"), value)
        if data_type == "Software":
            return first_slug_match(Software.objects.order_by("name"), value)
        if data_type == "Instance":
            return self.resolve_instance(value, token)

        # Tokens that name no row keep the text of the path.
        if data_type in ("Name", "OutputFile", "WorkingFile", "Representation"):
            return value or None
        if data_type in ("Version", "Revision"):
            return str(int(value)) if value.isdigit() else None
        return None

    def resolve_asset(self, value):
        asset_type = self.rows.get("AssetType")
        if asset_type is not None:
            return first_slug_match(self.entities(entity_type=asset_type), value)
        assets = self.entities().exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
        return first_slug_match(assets, value)

    def resolve_task_type(self, value):
        task_types = TaskType.objects.order_by("name")
        department = self.rows.get("Department")
        if department is not None:
            task_types = task_types.filter(department=department)
        candidates = [row for row in task_types if slugify(row.name) == slugify(value)]
        # Several task types may share a name across entity kinds: prefer the one made for this kind.
        for_entity = "Asset" if self.kind in ("asset", "instance", "instance_asset") else self.kind.capitalize()
        preferred = [row for row in candidates if row.for_entity == for_entity]
        return (preferred or candidates or [None])[0]

    def resolve_task(self, value):
        task_type = self.rows.get("TaskType")
        entity = next((self.rows[token] for token in self.ENTITY_TOKENS[::-1] if token in self.rows), None)
        if task_type is None or entity is None:
            return None
        return first_slug_match(Task.objects.filter(entity=entity, task_type=task_type).order_by("name"), value)

    def resolve_instance(self, value, token):
        asset = self.rows.get("Asset")
        if asset is None:
            return None
        instances = AssetInstance.objects.filter(asset=asset).order_by("number")
        if token.endswith(".number"):
            return next((row for row in instances if value.isdigit() and row.number == int(value)), None)
        return first_slug_match(instances, value) or next(
            (row for row in instances if value.isdigit() and row.number == int(value)), None
        )


def guess_from_path(*, project, file_path, sep="/"):
    """Return the templates of the project's tree that `file_path` matches, with the ids of the rows it names.

    Each match is {"Template": kind, "<Token>": id or text, ...}, such as
    {"Template": "asset", "Project": ..., "AssetType": ..., "Asset": ..., "TaskType": ...}.
    Rows are looked up from left to right, and the lookup of a match stops at
    the first token that names no row.
    """
    tree = project.file_tree
    if not tree:
        raise FileTreeError(NO_TREE)
    if not isinstance(tree, dict):
        raise FileTreeError("the project's file tree is not a JSON object: set it again with set-file-tree.")
    matches = []
    for section in tree.values():
        if not isinstance(section, dict) or not isinstance(section.get("folder_path"), dict):
            continue
        style = section["folder_path"].get(STYLE_KEY, "")
        root = apply_style(root_path(section, sep), style)
        styled_path = apply_style(file_path, style)
        if not styled_path.startswith(root):
            continue
        elements = styled_path[len(root) :].split(sep)
        while elements and not elements[-1]:
            elements.pop()
        for kind, template in section["folder_path"].items():
            if kind == STYLE_KEY or not isinstance(template, str):
                continue
            tokens = path_tokens(elements, template.split("/"))
            if not tokens:
                continue
            match = resolve_tokens(project, kind, tokens)
            if match is not None and match not in matches:
                matches.append(match)
    return matches


def resolve_tokens(project, kind, tokens):
    """Return the match of one template, or None when not even its first token names a row."""
    resolver = PathResolver(project, kind)
    match = {"Template": kind}
    for data_type, (value, token) in tokens.items():
        found = resolver.resolve(data_type, value, token)
        if found is None:
            break
        resolver.rows[data_type] = found
        match[data_type] = found if isinstance(found, str) else str(found.pk)
    return match if len(match) > 1 else None
