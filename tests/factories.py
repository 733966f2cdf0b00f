"""factory_boy factories for every model the tests build."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Department, DesktopLoginLog, LoginLog, Organisation, Person, Studio
from productions.models import (
    Comment,
    Entity,
    EntityType,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TaskTypeAssetTypeLink,
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


class NamedProjectStatusFactory(DjangoModelFactory):
    """A project status with its own name, for tests of the status rows themselves."""

    class Meta:
        model = ProjectStatus

    name = factory.Sequence(lambda n: f"Status {n}")
    color = "#000000"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    project_status = factory.SubFactory(ProjectStatusFactory)


class ClosedProjectFactory(ProjectFactory):
    """A closed project: only closed projects may be deleted."""

    project_status = factory.SubFactory(ProjectStatusFactory, name="Closed")


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


class LoginLogFactory(DjangoModelFactory):
    class Meta:
        model = LoginLog

    person = factory.SubFactory(PersonFactory)
    ip_address = "127.0.0.1"
    origin = "web"


class DesktopLoginLogFactory(DjangoModelFactory):
    class Meta:
        model = DesktopLoginLog

    person = factory.SubFactory(PersonFactory)
    date = factory.LazyFunction(timezone.now)


class ProjectPersonLinkFactory(DjangoModelFactory):
    class Meta:
        model = ProjectPersonLink

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)


class ProjectAssetTypeLinkFactory(DjangoModelFactory):
    class Meta:
        model = ProjectAssetTypeLink

    project = factory.SubFactory(ProjectFactory)
    asset_type = factory.SubFactory(EntityTypeFactory)


class ProjectTaskTypeLinkFactory(DjangoModelFactory):
    class Meta:
        model = ProjectTaskTypeLink

    project = factory.SubFactory(ProjectFactory)
    task_type = factory.SubFactory(TaskTypeFactory)
    priority = factory.Sequence(lambda n: n)


class ProjectTaskStatusLinkFactory(DjangoModelFactory):
    class Meta:
        model = ProjectTaskStatusLink

    project = factory.SubFactory(ProjectFactory)
    task_status = factory.SubFactory(TaskStatusFactory)
    priority = factory.Sequence(lambda n: n)


class TaskTypeAssetTypeLinkFactory(DjangoModelFactory):
    class Meta:
        model = TaskTypeAssetTypeLink

    asset_type = factory.SubFactory(EntityTypeFactory)
    task_type = factory.SubFactory(TaskTypeFactory)


class TaskPersonLinkFactory(DjangoModelFactory):
    class Meta:
        model = TaskPersonLink

    task = factory.SubFactory(TaskFactory)
    person = factory.SubFactory(PersonFactory)
