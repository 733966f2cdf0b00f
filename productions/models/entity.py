from django.db import models

from kitsu_project.db import KitsuModel

# Entity types whose entities are not assets; every other entity type is an asset type.
TEMPORAL_ENTITY_TYPES = ("Episode", "Sequence", "Shot", "Scene", "Edit", "Concept")


def base_entity_type(entity_type_name):
    """Return the API type of an entity of this entity type: its name for Shot, Sequence..., else "Asset"."""
    return entity_type_name if entity_type_name in TEMPORAL_ENTITY_TYPES else "Asset"


class EntityType(KitsuModel):
    """An asset type (Character, Prop...) or one of the structural kinds (Shot, Sequence...)."""

    name = models.CharField(max_length=30, unique=True)
    short_name = models.CharField(max_length=20, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    task_types = models.ManyToManyField(
        "productions.TaskType", through="TaskTypeAssetTypeLink", related_name="asset_types", blank=True
    )

    kitsu_relations = ("task_types",)
    kitsu_writable_relations = ("task_types",)
    # The reference returns an entity type's task types on every read and write.
    kitsu_always_relations = True

    class Meta:
        db_table = "entity_type"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_asset_type(self):
        return self.name not in TEMPORAL_ENTITY_TYPES


class TaskTypeAssetTypeLink(models.Model):
    asset_type = models.ForeignKey(EntityType, on_delete=models.CASCADE)
    task_type = models.ForeignKey("productions.TaskType", on_delete=models.CASCADE)

    class Meta:
        db_table = "task_type_asset_type_link"
        constraints = [models.UniqueConstraint(fields=["asset_type", "task_type"], name="task_type_asset_type_unique")]


class Entity(KitsuModel):
    """An asset, episode, sequence, shot, scene, edit or concept, distinguished by its entity type."""

    STATUSES = [(value, value) for value in ("standby", "running", "complete", "canceled")]

    name = models.CharField(max_length=160)
    code = models.CharField(max_length=160, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    shotgun_id = models.IntegerField(null=True, blank=True, db_index=True)
    canceled = models.BooleanField(default=False)
    project = models.ForeignKey("productions.Project", on_delete=models.CASCADE, related_name="entities")
    entity_type = models.ForeignKey(EntityType, on_delete=models.PROTECT, related_name="entities")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived_entities"
    )
    data = models.JSONField(null=True, blank=True)
    # TODO: turn into a foreign key once preview files have their table.
    preview_file_id = models.UUIDField(null=True, blank=True)
    nb_frames = models.IntegerField(null=True, blank=True)
    ready_for = models.ForeignKey(
        "productions.TaskType",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_column="ready_for",
        related_name="+",
    )
    nb_entities_out = models.IntegerField(default=0)
    is_casting_standby = models.BooleanField(default=False)
    is_shared = models.BooleanField(default=False)
    status = models.CharField(max_length=255, choices=STATUSES, default="running")
    created_by = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_column="created_by",
        related_name="+",
    )
    # Casting: the assets that appear in this entity (through entity_link); `entities_in` is the reverse.
    entities_out = models.ManyToManyField(
        "self", through="productions.EntityLink", symmetrical=False, related_name="entities_in", blank=True
    )
    entity_concept_links = models.ManyToManyField(
        "self", through="productions.EntityConceptLink", symmetrical=False, related_name="+", blank=True
    )

    class Meta:
        db_table = "entity"
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "project", "entity_type", "parent"], name="entity_name_unique_in_parent"
            )
        ]
        indexes = [models.Index(fields=["project", "entity_type"])]

    def __str__(self):
        return self.name

    def get_instance_kitsu_type(self):
        return base_entity_type(self.entity_type.name)
