from django.db import models

from kitsu_project.db import KitsuModel


class StatusAutomation(KitsuModel):
    """A rule: when a task of one type reaches a status, change another task's status or the entity's readiness."""

    OUT_FIELDS = [("status", "status"), ("ready_for", "ready_for")]

    entity_type = models.CharField(max_length=40, default="asset")
    in_task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    in_task_status = models.ForeignKey(
        "productions.TaskStatus", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    out_field_type = models.CharField(max_length=255, choices=OUT_FIELDS, default="status")
    out_task_type = models.ForeignKey(
        "productions.TaskType", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    out_task_status = models.ForeignKey(
        "productions.TaskStatus", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    archived = models.BooleanField(default=False)
    import_last_revision = models.BooleanField(default=False)
    projects = models.ManyToManyField(
        "productions.Project", blank=True, related_name="status_automations", db_table="project_status_automation_link"
    )

    class Meta:
        db_table = "status_automation"

    def __str__(self):
        return f"Status automation {self.id}"


class MetadataDescriptor(KitsuModel):
    """A custom field of a project's entities, stored in each entity's `data` under `field_name`."""

    DATA_TYPES = [(value, value) for value in ("string", "number", "list", "taglist", "boolean", "checklist")]

    project = models.ForeignKey("productions.Project", on_delete=models.CASCADE, related_name="descriptors")
    entity_type = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    field_name = models.CharField(max_length=120)
    choices = models.JSONField(null=True, blank=True)
    for_client = models.BooleanField(default=False)
    data_type = models.CharField(max_length=255, choices=DATA_TYPES, null=True, blank=True)
    departments = models.ManyToManyField(
        "accounts.Department",
        blank=True,
        related_name="metadata_descriptors",
        db_table="department_metadata_descriptor_link",
    )

    class Meta:
        db_table = "metadata_descriptor"
        constraints = [
            models.UniqueConstraint(fields=["project", "entity_type", "field_name"], name="descriptor_field_unique"),
            models.UniqueConstraint(fields=["project", "entity_type", "name"], name="descriptor_name_unique"),
        ]

    def __str__(self):
        return self.name


class CustomAction(KitsuModel):
    """A link the web UI offers on selected entities, posting them to a studio tool's URL."""

    name = models.CharField(max_length=80)
    url = models.CharField(max_length=400, null=True, blank=True)
    entity_type = models.CharField(max_length=40, default="all")
    is_ajax = models.BooleanField(default=False)

    class Meta:
        db_table = "custom_action"

    def __str__(self):
        return self.name


class Plugin(KitsuModel):
    """A server plugin installed on the studio's instance, registered by an admin."""

    plugin_id = models.CharField(max_length=80, unique=True)
    name = models.CharField(max_length=80, db_index=True)
    description = models.TextField(null=True, blank=True)
    version = models.CharField(max_length=50)
    maintainer_name = models.CharField(max_length=200)
    maintainer_email = models.EmailField(max_length=255, null=True, blank=True)
    website = models.URLField(null=True, blank=True)
    license = models.CharField(max_length=80)
    revision = models.CharField(max_length=12, null=True, blank=True)

    class Meta:
        db_table = "plugin"

    def __str__(self):
        return f"{self.name} {self.version}"


class SearchFilterGroup(KitsuModel):
    """A named, coloured group of saved searches of one list page."""

    list_type = models.CharField(max_length=80)
    entity_type = models.CharField(max_length=80, null=True, blank=True)
    name = models.CharField(max_length=200)
    color = models.CharField(max_length=8)
    is_shared = models.BooleanField(default=False)
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("productions.Project", null=True, blank=True, on_delete=models.CASCADE)
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        db_table = "search_filter_group"

    def __str__(self):
        return self.name


class SearchFilter(KitsuModel):
    """A saved search of a list page (assets, shots, my tasks...)."""

    list_type = models.CharField(max_length=80)
    entity_type = models.CharField(max_length=80, null=True, blank=True)
    name = models.CharField(max_length=200)
    search_query = models.CharField(max_length=500)
    is_shared = models.BooleanField(default=False)
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("productions.Project", null=True, blank=True, on_delete=models.CASCADE)
    search_filter_group = models.ForeignKey(
        SearchFilterGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="filters"
    )
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        db_table = "search_filter"

    def __str__(self):
        return self.name
