from django.core.validators import MinValueValidator
from django.db import models

from kitsu_project.db import KitsuModel


class Department(KitsuModel):
    name = models.CharField(max_length=80, unique=True)
    color = models.CharField(max_length=7, blank=True, default="")
    archived = models.BooleanField(default=False)

    class Meta:
        db_table = "department"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Software(KitsuModel):
    """A software package the studio licenses, such as a DCC. Working files name the one that made them."""

    name = models.CharField(max_length=40, unique=True)
    short_name = models.CharField(max_length=20)
    file_extension = models.CharField(max_length=20)
    secondary_extensions = models.JSONField(null=True, blank=True)
    monthly_cost = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    inventory_amount = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    archived = models.BooleanField(default=False)
    version = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        db_table = "software"
        ordering = ["name"]

    def __str__(self):
        return self.name


class HardwareItem(KitsuModel):
    """A kind of equipment the studio owns (workstations, tablets...), counted for budgets."""

    name = models.CharField(max_length=40, unique=True)
    short_name = models.CharField(max_length=20)
    monthly_cost = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    inventory_amount = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    archived = models.BooleanField(default=False)

    class Meta:
        db_table = "hardware_item"
        ordering = ["name"]

    def __str__(self):
        return self.name


class SoftwareDepartmentLink(KitsuModel):
    """A software licence used by a department."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="software_links")
    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="department_links")

    class Meta:
        db_table = "software_department_link"
        constraints = [models.UniqueConstraint(fields=["department", "software"], name="software_department_once")]

    def __str__(self):
        return f"{self.software} in {self.department}"


class HardwareItemDepartmentLink(KitsuModel):
    """A hardware item used by a department."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="hardware_item_links")
    hardware_item = models.ForeignKey(HardwareItem, on_delete=models.CASCADE, related_name="department_links")

    class Meta:
        db_table = "hardware_item_department_link"
        constraints = [
            models.UniqueConstraint(fields=["department", "hardware_item"], name="hardware_item_department_once")
        ]

    def __str__(self):
        return f"{self.hardware_item} in {self.department}"


class Studio(KitsuModel):
    name = models.CharField(max_length=80, unique=True)
    color = models.CharField(max_length=7, blank=True, default="")
    archived = models.BooleanField(default=False)

    class Meta:
        db_table = "studio"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(KitsuModel):
    """Studio-wide settings; a server has one row."""

    name = models.CharField(max_length=80, unique=True)
    hours_by_day = models.FloatField(default=8)
    has_avatar = models.BooleanField(default=False)
    use_original_file_name = models.BooleanField(default=False)
    timesheets_locked = models.BooleanField(default=False)
    format_duration_in_hours = models.BooleanField(default=False)
    hd_by_default = models.BooleanField(default=False)
    chat_token_slack = models.CharField(max_length=80, blank=True, default="")
    chat_webhook_mattermost = models.CharField(max_length=80, blank=True, default="")
    chat_token_discord = models.CharField(max_length=80, blank=True, default="")
    dark_theme_by_default = models.BooleanField(default=False)
    # Not a column of the reference: persons without a second factor then log in only to set one up.
    two_factor_authentication_required = models.BooleanField(default=False)

    class Meta:
        db_table = "organisation"

    def __str__(self):
        return self.name

    @classmethod
    def get_default(cls):
        """Return the organisation row, creating the default one on first use."""
        organisation = cls.objects.order_by("created_at").first()
        if organisation is None:
            organisation, _ = cls.objects.get_or_create(name="Kitsu")
        return organisation


class SalaryScale(KitsuModel):
    """The daily salary of a position and seniority in a department, for budgets."""

    POSITIONS = [("supervisor", "supervisor"), ("lead", "lead"), ("artist", "artist")]
    SENIORITIES = [("senior", "senior"), ("mid", "mid"), ("junior", "junior")]

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="salary_scales")
    position = models.CharField(max_length=255, choices=POSITIONS, default="artist", null=True, blank=True)
    seniority = models.CharField(max_length=255, choices=SENIORITIES, default="mid", null=True, blank=True)
    salary = models.IntegerField(default=0)

    class Meta:
        db_table = "salary_scale"

    def __str__(self):
        return f"{self.department} {self.position} {self.seniority}"
