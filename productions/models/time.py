from django.db import models
from django.db.models import F, Q

from kitsu_project.db import KitsuModel


class TimeSpent(KitsuModel):
    """Hours a person logged on a task on one day."""

    duration = models.FloatField()
    date = models.DateField(db_index=True)
    task = models.ForeignKey("productions.Task", on_delete=models.CASCADE, related_name="time_spents")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="time_spents")

    class Meta:
        db_table = "time_spent"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "task", "date"], name="time_spent_once_per_day"),
            models.CheckConstraint(condition=Q(duration__gt=0), name="time_spent_duration_positive"),
        ]

    def __str__(self):
        return f"{self.duration} on {self.date}"


class DayOff(KitsuModel):
    """A person's absence from `date` to `end_date`, both included."""

    date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(null=True, blank=True)
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="day_offs")

    class Meta:
        db_table = "day_off"
        ordering = ["-date"]
        verbose_name = "day off"
        verbose_name_plural = "days off"
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="day_off_once_per_start"),
            models.CheckConstraint(condition=Q(date__lte=F("end_date")), name="day_off_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.person_id} off {self.date} to {self.end_date}"
