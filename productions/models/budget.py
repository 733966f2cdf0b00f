"""Production budgets: named revisions of a project's budget and their salary entries."""

from django.core.validators import MinValueValidator
from django.db import models

from kitsu_project.db import KitsuModel


class Budget(KitsuModel):
    """One revision of a project's budget, in one currency."""

    project = models.ForeignKey("productions.Project", null=True, on_delete=models.CASCADE, related_name="budgets")
    revision = models.IntegerField(default=1)
    name = models.CharField(max_length=255)
    currency = models.CharField(max_length=3, null=True, blank=True)

    class Meta:
        db_table = "budget"
        ordering = ["-revision"]

    def __str__(self):
        return f"{self.name} (revision {self.revision})"


class BudgetEntry(KitsuModel):
    """A planned salary line of a budget: a position in a department for some months."""

    POSITIONS = [("supervisor", "supervisor"), ("lead", "lead"), ("artist", "artist")]
    SENIORITIES = [("senior", "senior"), ("mid", "mid"), ("junior", "junior")]

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="entries")
    department = models.ForeignKey("accounts.Department", on_delete=models.CASCADE, related_name="budget_entries")
    person = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_entries"
    )
    start_date = models.DateField()
    months_duration = models.IntegerField(validators=[MinValueValidator(1)])
    daily_salary = models.FloatField(validators=[MinValueValidator(0)])
    position = models.CharField(max_length=255, choices=POSITIONS, default="artist", null=True, blank=True)
    seniority = models.CharField(max_length=255, choices=SENIORITIES, default="mid", null=True, blank=True)
    exceptions = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "budget_entry"
        ordering = ["start_date"]
        verbose_name_plural = "budget entries"

    def __str__(self):
        return f"{self.position} {self.seniority} from {self.start_date}"
