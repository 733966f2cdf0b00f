"""Breakdown tables: casting links between entities, asset instances, concept links and the version
history of an entity."""

from django.core.validators import MinValueValidator
from django.db import models

from kitsu_project.db import KitsuModel


class EntityLink(KitsuModel):
    """A casting link: the asset `entity_out` appears in the shot, scene, sequence or asset `entity_in`."""

    entity_in = models.ForeignKey("productions.Entity", on_delete=models.CASCADE, related_name="casting_links")
    entity_out = models.ForeignKey("productions.Entity", on_delete=models.CASCADE, related_name="cast_in_links")
    nb_occurences = models.IntegerField(default=1, validators=[MinValueValidator(1)])
    label = models.CharField(max_length=80, blank=True, default="")
    data = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "entity_link"
        constraints = [models.UniqueConstraint(fields=["entity_in", "entity_out"], name="entity_link_once")]

    def __str__(self):
        return f"{self.entity_out_id} in {self.entity_in_id}"


class EntityConceptLink(KitsuModel):
    """A link between a concept and the entity it illustrates, listed in the `entity_concept_links` of
    `entity_in` and pointing to `entity_out`."""

    entity_in = models.ForeignKey("productions.Entity", on_delete=models.CASCADE, related_name="concept_links")
    entity_out = models.ForeignKey("productions.Entity", on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "entity_concept_link"
        constraints = [models.UniqueConstraint(fields=["entity_in", "entity_out"], name="entity_concept_link_once")]

    def __str__(self):
        return f"concept {self.entity_out_id} of {self.entity_in_id}"


class AssetInstance(KitsuModel):
    """One numbered occurrence of an asset placed in a scene or inside another asset (a set, a crowd)."""

    asset = models.ForeignKey("productions.Entity", on_delete=models.CASCADE, related_name="instances")
    entity = models.ForeignKey("productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    entity_type = models.ForeignKey(
        "productions.EntityType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=80, null=True, blank=True)
    number = models.IntegerField(null=True, blank=True)
    description = models.CharField(max_length=200, null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    active = models.BooleanField(default=True)
    scene = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="scene_instances"
    )
    target_asset = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="asset_instances"
    )
    shots = models.ManyToManyField(
        "productions.Entity", through="AssetInstanceLink", related_name="instance_casting", blank=True
    )

    class Meta:
        db_table = "asset_instance"
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "target_asset", "scene", "number"], name="asset_instance_number_once"
            )
        ]

    def __str__(self):
        return self.name or f"instance {self.number} of {self.asset_id}"


class AssetInstanceLink(models.Model):
    """An asset instance cast in a shot."""

    entity = models.ForeignKey("productions.Entity", on_delete=models.CASCADE)
    asset_instance = models.ForeignKey(AssetInstance, on_delete=models.CASCADE)

    class Meta:
        db_table = "asset_instance_link"
        constraints = [models.UniqueConstraint(fields=["entity", "asset_instance"], name="asset_instance_link_once")]


class EntityVersion(KitsuModel):
    """A saved state of an entity's name and data, kept each time a shot's frame range or data changes."""

    name = models.CharField(max_length=160)
    data = models.JSONField(null=True, blank=True)
    entity = models.ForeignKey(
        "productions.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="versions"
    )
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "entity_version"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.created_at:%Y-%m-%d %H:%M})"
