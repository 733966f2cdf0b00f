"""factory_boy factories for every model the tests build."""

import datetime
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import (
    Department,
    DesktopLoginLog,
    HardwareItem,
    HardwareItemDepartmentLink,
    LoginLog,
    Organisation,
    Person,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
)
from imports.models import DataImportError, ImportJob
from playlists.models import (
    AttachmentFile,
    BuildJob,
    CommentPreviewLink,
    MediaJob,
    Playlist,
    PreviewBackgroundFile,
    PreviewFile,
    ProjectPreviewBackgroundFileLink,
)
from productions.models import (
    ApiEvent,
    AssetInstance,
    Budget,
    BudgetEntry,
    Chat,
    ChatMessage,
    Comment,
    CustomAction,
    DayOff,
    Entity,
    EntityConceptLink,
    EntityLink,
    EntityType,
    EntityVersion,
    FileStatus,
    MetadataDescriptor,
    Milestone,
    News,
    Notification,
    OutputFile,
    OutputType,
    Plugin,
    ProductionScheduleVersion,
    ProductionScheduleVersionTaskLink,
    Project,
    ProjectAssetTypeLink,
    ProjectPersonLink,
    ProjectStatus,
    ProjectTaskStatusLink,
    ProjectTaskTypeLink,
    ScheduleItem,
    SearchFilter,
    SearchFilterGroup,
    StatusAutomation,
    Subscription,
    Task,
    TaskPersonLink,
    TaskStatus,
    TaskType,
    TaskTypeAssetTypeLink,
    TimeSpent,
    WorkingFile,
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


class SoftwareFactory(DjangoModelFactory):
    class Meta:
        model = Software

    name = factory.Sequence(lambda n: f"Software {n}")
    short_name = factory.Sequence(lambda n: f"sw{n}")
    file_extension = ".blend"


class HardwareItemFactory(DjangoModelFactory):
    class Meta:
        model = HardwareItem

    name = factory.Sequence(lambda n: f"Workstation {n}")
    short_name = factory.Sequence(lambda n: f"ws{n}")


class SoftwareDepartmentLinkFactory(DjangoModelFactory):
    class Meta:
        model = SoftwareDepartmentLink

    department = factory.SubFactory(DepartmentFactory)
    software = factory.SubFactory(SoftwareFactory)


class HardwareItemDepartmentLinkFactory(DjangoModelFactory):
    class Meta:
        model = HardwareItemDepartmentLink

    department = factory.SubFactory(DepartmentFactory)
    hardware_item = factory.SubFactory(HardwareItemFactory)


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


# ---- daily workflow and project settings -----------------------------------------


class TimeSpentFactory(DjangoModelFactory):
    class Meta:
        model = TimeSpent

    task = factory.SubFactory(TaskFactory)
    person = factory.SubFactory(PersonFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    duration = 2.5


class DayOffFactory(DjangoModelFactory):
    class Meta:
        model = DayOff

    person = factory.SubFactory(PersonFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=2 * n))
    end_date = factory.LazyAttribute(lambda obj: obj.date)


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    type = "comment"
    person = factory.SubFactory(PersonFactory)
    author = factory.SubFactory(PersonFactory)
    task = factory.SubFactory(TaskFactory)


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    person = factory.SubFactory(PersonFactory)
    task = factory.SubFactory(TaskFactory)


class NewsFactory(DjangoModelFactory):
    class Meta:
        model = News

    author = factory.SubFactory(PersonFactory)
    task = factory.SubFactory(TaskFactory)


class ApiEventFactory(DjangoModelFactory):
    class Meta:
        model = ApiEvent

    name = "task:new"
    data = factory.Dict({})


class StatusAutomationFactory(DjangoModelFactory):
    class Meta:
        model = StatusAutomation

    in_task_type = factory.SubFactory(TaskTypeFactory)
    in_task_status = factory.SubFactory(TaskStatusFactory)
    out_task_type = factory.SubFactory(TaskTypeFactory)
    out_task_status = factory.SubFactory(TaskStatusFactory)


class MetadataDescriptorFactory(DjangoModelFactory):
    class Meta:
        model = MetadataDescriptor

    project = factory.SubFactory(ProjectFactory)
    entity_type = "Asset"
    name = factory.Sequence(lambda n: f"Field {n}")
    field_name = factory.Sequence(lambda n: f"field_{n}")
    data_type = "string"


class CustomActionFactory(DjangoModelFactory):
    class Meta:
        model = CustomAction

    name = factory.Sequence(lambda n: f"Action {n}")
    url = "http://127.0.0.1:9/hook"


class SearchFilterGroupFactory(DjangoModelFactory):
    class Meta:
        model = SearchFilterGroup

    list_type = "asset"
    name = factory.Sequence(lambda n: f"Group {n}")
    color = "#123456"
    person = factory.SubFactory(PersonFactory)


class SearchFilterFactory(DjangoModelFactory):
    class Meta:
        model = SearchFilter

    list_type = "asset"
    name = factory.Sequence(lambda n: f"Filter {n}")
    search_query = "props"
    person = factory.SubFactory(PersonFactory)


class SalaryScaleFactory(DjangoModelFactory):
    class Meta:
        model = SalaryScale

    department = factory.SubFactory(DepartmentFactory)
    salary = 300


class PluginFactory(DjangoModelFactory):
    class Meta:
        model = Plugin

    plugin_id = factory.Sequence(lambda n: f"plugin-{n}")
    name = factory.Sequence(lambda n: f"Plugin {n}")
    version = "1.0.0"
    maintainer_name = "Pipeline team"
    license = "MIT"


# ---- breakdown, planning, chats and budgets ------------------------------------


class EntityLinkFactory(DjangoModelFactory):
    class Meta:
        model = EntityLink

    entity_in = factory.SubFactory(EntityFactory)
    entity_out = factory.SubFactory(EntityFactory, project=factory.SelfAttribute("..entity_in.project"))


class EntityConceptLinkFactory(DjangoModelFactory):
    class Meta:
        model = EntityConceptLink

    entity_in = factory.SubFactory(EntityFactory)
    entity_out = factory.SubFactory(EntityFactory, project=factory.SelfAttribute("..entity_in.project"))


class AssetInstanceFactory(DjangoModelFactory):
    class Meta:
        model = AssetInstance

    asset = factory.SubFactory(EntityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"instance_{n:04d}")


class EntityVersionFactory(DjangoModelFactory):
    class Meta:
        model = EntityVersion

    entity = factory.SubFactory(EntityFactory)
    name = factory.SelfAttribute("entity.name")
    data = factory.Dict({"frame_in": 1, "frame_out": 48})


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    name = factory.Sequence(lambda n: f"Delivery {n}")
    date = datetime.date(2026, 6, 1)
    project = factory.SubFactory(ProjectFactory)


class ScheduleItemFactory(DjangoModelFactory):
    class Meta:
        model = ScheduleItem

    project = factory.SubFactory(ProjectFactory)
    task_type = factory.SubFactory(TaskTypeFactory)
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 3, 27)


class ProductionScheduleVersionFactory(DjangoModelFactory):
    class Meta:
        model = ProductionScheduleVersion

    name = factory.Sequence(lambda n: f"Plan {n}")
    project = factory.SubFactory(ProjectFactory)


class ProductionScheduleVersionTaskLinkFactory(DjangoModelFactory):
    class Meta:
        model = ProductionScheduleVersionTaskLink

    production_schedule_version = factory.SubFactory(ProductionScheduleVersionFactory)
    task = factory.SubFactory(TaskFactory, project=factory.SelfAttribute("..production_schedule_version.project"))


class ChatFactory(DjangoModelFactory):
    class Meta:
        model = Chat

    object_id = factory.LazyFunction(uuid.uuid4)


class ChatMessageFactory(DjangoModelFactory):
    class Meta:
        model = ChatMessage

    chat = factory.SubFactory(ChatFactory)
    person = factory.SubFactory(PersonFactory)
    text = "Looks good"


class BudgetFactory(DjangoModelFactory):
    class Meta:
        model = Budget

    name = factory.Sequence(lambda n: f"Budget {n}")
    project = factory.SubFactory(ProjectFactory)
    currency = "EUR"


class BudgetEntryFactory(DjangoModelFactory):
    class Meta:
        model = BudgetEntry

    budget = factory.SubFactory(BudgetFactory)
    department = factory.SubFactory(DepartmentFactory)
    start_date = datetime.date(2026, 1, 1)
    months_duration = 3
    daily_salary = 300


# ---- files -------------------------------------------------------------------


class OutputTypeFactory(DjangoModelFactory):
    class Meta:
        model = OutputType

    name = factory.Sequence(lambda n: f"Output type {n}")
    short_name = factory.Sequence(lambda n: f"ot{n}")


class FileStatusFactory(DjangoModelFactory):
    class Meta:
        model = FileStatus

    name = factory.Sequence(lambda n: f"File status {n}")
    color = "#00ff00"


class WorkingFileFactory(DjangoModelFactory):
    class Meta:
        model = WorkingFile

    name = "main"
    task = factory.SubFactory(TaskFactory)
    entity = factory.SelfAttribute("task.entity")
    revision = factory.Sequence(lambda n: n + 1)
    person = factory.SubFactory(PersonFactory)
    software = factory.SubFactory(SoftwareFactory)
    comment = "work in progress"


class OutputFileFactory(DjangoModelFactory):
    class Meta:
        model = OutputFile

    name = "main"
    entity = factory.SubFactory(EntityFactory)
    output_type = factory.SubFactory(OutputTypeFactory)
    task_type = factory.SubFactory(TaskTypeFactory)
    file_status = factory.SubFactory(FileStatusFactory)
    revision = factory.Sequence(lambda n: n + 1)
    representation = "abc"


# ---- review media ------------------------------------------------------------


class PreviewFileFactory(DjangoModelFactory):
    class Meta:
        model = PreviewFile

    name = factory.Sequence(lambda n: f"preview_{n}")
    task = factory.SubFactory(TaskFactory)
    person = factory.SubFactory(PersonFactory)
    revision = 1
    extension = "png"
    original_name = "frame"
    status = PreviewFile.STATUS_READY
    width = 160
    height = 90


class CommentPreviewLinkFactory(DjangoModelFactory):
    class Meta:
        model = CommentPreviewLink

    preview_file = factory.SubFactory(PreviewFileFactory)
    comment = factory.SubFactory(CommentFactory, object_id=factory.SelfAttribute("..preview_file.task_id"))


class AttachmentFileFactory(DjangoModelFactory):
    class Meta:
        model = AttachmentFile

    name = factory.Sequence(lambda n: f"notes_{n}.txt")
    extension = "txt"
    mimetype = "text/plain"
    size = 12
    comment = factory.SubFactory(CommentFactory)


class PreviewBackgroundFileFactory(DjangoModelFactory):
    class Meta:
        model = PreviewBackgroundFile

    name = factory.Sequence(lambda n: f"Background {n}")
    extension = "hdr"
    original_name = "studio"


class ProjectPreviewBackgroundFileLinkFactory(DjangoModelFactory):
    class Meta:
        model = ProjectPreviewBackgroundFileLink

    project = factory.SubFactory(ProjectFactory)
    preview_background_file = factory.SubFactory(PreviewBackgroundFileFactory)


class PlaylistFactory(DjangoModelFactory):
    class Meta:
        model = Playlist

    name = factory.Sequence(lambda n: f"Dailies {n}")
    project = factory.SubFactory(ProjectFactory)
    shots = factory.LazyFunction(list)


class BuildJobFactory(DjangoModelFactory):
    class Meta:
        model = BuildJob

    playlist = factory.SubFactory(PlaylistFactory)


class MediaJobFactory(DjangoModelFactory):
    class Meta:
        model = MediaJob

    kind = MediaJob.KIND_PREVIEW
    preview_file = factory.SubFactory(PreviewFileFactory)


# ---- imports -----------------------------------------------------------------


class ImportJobFactory(DjangoModelFactory):
    class Meta:
        model = ImportJob

    kind = "csv-assets"
    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)
    file_name = "assets.csv"


class DataImportErrorFactory(DjangoModelFactory):
    class Meta:
        model = DataImportError

    source = "shotgun"
    event_data = factory.LazyFunction(lambda: {"type": "Shot", "id": 42})


class LoginThrottleFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.LoginThrottle"

    address = factory.Sequence(lambda n: f"10.0.{n // 250}.{n % 250 + 1}")
    failures = 3
    last_failure_at = factory.LazyFunction(timezone.now)


class WebAuthnChallengeFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.WebAuthnChallenge"

    person = factory.SubFactory(PersonFactory)
    purpose = "registration"
    state = factory.LazyFunction(lambda: {"challenge": "test"})
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=5))


class SamlAssertionFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.SamlAssertion"

    assertion_id = factory.Sequence(lambda n: f"_assertion{n}")
    person = factory.SubFactory(PersonFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=5))


class LoginSessionFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.LoginSession"

    person = factory.SubFactory(PersonFactory)
