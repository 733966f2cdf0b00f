from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Department, Organisation
from productions import defaults
from productions.models import EntityType, ProjectStatus, TaskStatus, TaskType


class Command(BaseCommand):
    help = (
        "Create the default project statuses, departments, asset and entity types, task types and "
        "task statuses of a fresh Kitsu. Rows that already exist (same name or short name) are left "
        "as they are, so running it again creates nothing twice."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        Organisation.get_default()
        for values in defaults.PROJECT_STATUSES:
            created += ProjectStatus.objects.get_or_create(name=values["name"], defaults=values)[1]
        departments = {}
        for values in defaults.DEPARTMENTS:
            department, was_created = Department.objects.get_or_create(name=values["name"], defaults=values)
            departments[department.name] = department
            created += was_created
        for name in defaults.ENTITY_TYPES:
            created += EntityType.objects.get_or_create(name=name)[1]
        for name, color, priority, for_entity, department_name in defaults.TASK_TYPES:
            department = departments.get(department_name)
            created += TaskType.objects.get_or_create(
                name=name,
                for_entity=for_entity,
                department=department,
                defaults={"color": color, "priority": priority, "short_name": ""},
            )[1]
        for values in defaults.TASK_STATUSES:
            created += TaskStatus.objects.get_or_create(short_name=values["short_name"], defaults=values)[1]
        self.stdout.write(f"Default data ready: {created} row(s) created.")
