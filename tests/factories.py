"""factory_boy factories for every model the tests build."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Department, Organisation, Person, Studio
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectStatus,
    Task,
    TaskStatus,
    TaskType,
)

PASSWORD = "Test-Password-42"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    role = "user"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    color = "#123456"


class StudioFactory(DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"Studio {n}")
    color = "#654321"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class ProjectStatusFactory(DjangoModelFactory):
    class Meta:
        model = ProjectStatus
        django_get_or_create = ("name",)

    name = "Open"
    color = "#000000"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    project_status = factory.SubFactory(ProjectStatusFactory)


class EntityTypeFactory(DjangoModelFactory):
    class Meta:
        model = EntityType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Asset Type {n}")


class EntityFactory(DjangoModelFactory):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"Entity {n}")
    project = factory.SubFactory(ProjectFactory)
    entity_type = factory.SubFactory(EntityTypeFactory)


class TaskTypeFactory(DjangoModelFactory):
    class Meta:
        model = TaskType

    name = factory.Sequence(lambda n: f"Task Type {n}")
    for_entity = "Asset"


class TaskStatusFactory(DjangoModelFactory):
    class Meta:
        model = TaskStatus

    name = factory.Sequence(lambda n: f"Status {n}")
    short_name = factory.Sequence(lambda n: f"st{n}")
    color = "#ffffff"


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = Task

    name = "main"
    project = factory.SubFactory(ProjectFactory)
    entity = factory.SubFactory(EntityFactory, project=factory.SelfAttribute("..project"))
    task_type = factory.SubFactory(TaskTypeFactory)
    task_status = factory.SubFactory(TaskStatusFactory)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    object_id = factory.LazyAttribute(lambda obj: TaskFactory().pk)
    object_type = "Task"
    text = factory.Sequence(lambda n: f"Comment {n}")
    person = factory.SubFactory(PersonFactory)
