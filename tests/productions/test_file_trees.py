"""File trees: slugs, the paths each shipped tree gives, reading rows back from a path, and the
`set-file-tree` and `guess_from_path` routes."""

import pytest

from productions.models import ApiEvent
from productions.services import file_trees
from productions.services.file_trees import FileTreeError, PathContext
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


class Production:
    """A project named "Big Film" with an asset, a shot in an episode and sequence, and their tasks."""

    def __init__(self, tree="default"):
        self.project = factories.ProjectFactory(name="Big Film", file_tree=file_trees.tree_load(tree))
        self.asset_type = factories.EntityTypeFactory(name="Prop Kind")
        self.asset = factories.EntityFactory(project=self.project, entity_type=self.asset_type, name="Hero Lamp")
        self.episode = factories.EntityFactory(
            project=self.project, entity_type=factories.EntityTypeFactory(name="Episode"), name="E01"
        )
        self.sequence = factories.EntityFactory(
            project=self.project,
            entity_type=factories.EntityTypeFactory(name="Sequence"),
            name="SQ01",
            parent=self.episode,
        )
        self.shot = factories.EntityFactory(
            project=self.project,
            entity_type=factories.EntityTypeFactory(name="Shot"),
            name="SH010",
            parent=self.sequence,
        )
        self.modeling = factories.TaskTypeFactory(name="Modeling", for_entity="Asset")
        self.animation = factories.TaskTypeFactory(name="Animation", for_entity="Shot")
        self.asset_task = factories.TaskFactory(project=self.project, entity=self.asset, task_type=self.modeling)
        self.shot_task = factories.TaskFactory(project=self.project, entity=self.shot, task_type=self.animation)
        self.software = factories.SoftwareFactory(name="Blender", short_name="bl", file_extension=".blend")
        self.output_type = factories.OutputTypeFactory(name="Cache", short_name="abc")

    def context(self, task, **fields):
        return PathContext(project=self.project, entity=task.entity, task=task, **fields)


@pytest.fixture
def prod():
    return Production()


@pytest.fixture
def simple_prod():
    return Production("simple")


# ---- slugs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Big Film", "big_film"),
        ("Hero Élan's", "hero_elan_s"),
        ("  many --  spaces__ ", "many_spaces"),
        ("1,000 frames", "1000_frames"),
        ("Crème brûlée!", "creme_brulee"),
        ("", ""),
    ],
)
def test_slugify_cases(text, slug):
    assert file_trees.slugify(text) == slug


def test_apply_style_cases():
    assert file_trees.apply_style("Ab", "uppercase") == "AB"
    assert file_trees.apply_style("Ab", "lowercase") == "ab"
    assert file_trees.apply_style("Ab", "") == "Ab"


# ---- shipped trees ---------------------------------------------------------------------------


def test_tree_names_shipped():
    assert {"default", "simple"} <= set(file_trees.tree_names())


@pytest.mark.parametrize("name", ["default", "simple"])
def test_tree_load_sections(name):
    tree = file_trees.tree_load(name)
    assert tree["working"]["root"] == "productions"
    assert tree["output"]["root"] == "productions/export"
    for mode in ("working", "output", "preview"):
        for part in ("folder_path", "file_name"):
            assert {"asset", "shot", "sequence", "scene", "episode"} <= set(tree[mode][part])


@pytest.mark.parametrize("name", ["nope", "../default", "default.json", "", None, 3])
def test_tree_load_unknown(name):
    with pytest.raises(FileTreeError) as error:
        file_trees.tree_load(name)
    assert error.value.field == "tree_name"
    assert "default" in str(error.value)


# ---- paths from the default tree ---------------------------------------------------------------


def test_asset_working_path_default(prod):
    context = prod.context(prod.asset_task, name="main", revision=3)
    assert file_trees.folder_path(context, mode="working") == (
        "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling"
    )
    assert file_trees.file_name(context, mode="working") == "big_film_prop_kind_hero_lamp_modeling"


def test_shot_working_path_default(prod):
    context = prod.context(prod.shot_task, name="main")
    assert file_trees.folder_path(context, mode="working") == "/simple/productions/big_film/shots/sq01/sh010/animation"
    assert file_trees.file_name(context, mode="working") == "big_film_sh010_animation"


def test_sequence_output_path_default(prod):
    context = PathContext(project=prod.project, entity=prod.sequence, output_type=prod.output_type, name="main")
    assert file_trees.folder_path(context, mode="output") == "/simple/productions/export/big_film/sequences/sq01/cache"
    assert file_trees.file_name(context, mode="output") == "big_film_sq01_cache_main"


def test_episode_working_path_default(prod):
    task = factories.TaskFactory(project=prod.project, entity=prod.episode, task_type=prod.animation)
    context = prod.context(task)
    assert file_trees.folder_path(context, mode="working") == "/simple/productions/big_film/episodes/e01/animation"
    assert file_trees.file_name(context, mode="working") == "big_film_e01_animation"


def test_asset_output_path_default(prod):
    context = PathContext(project=prod.project, entity=prod.asset, output_type=prod.output_type, name="Final Take")
    assert file_trees.file_name(context, mode="output") == "big_film_prop_kind_hero_lamp_cache_final_take"


def test_output_type_default_name(prod):
    context = PathContext(project=prod.project, entity=prod.asset, name="main")
    assert file_trees.folder_path(context, mode="output").endswith("/hero_lamp/geometry")


def test_file_path_joins_extension(prod):
    context = PathContext(project=prod.project, entity=prod.asset, output_type=prod.output_type, name="main")
    path = file_trees.file_path(context, mode="output", extension="abc")
    assert path == (
        "/simple/productions/export/big_film/assets/prop_kind/hero_lamp/cache/big_film_prop_kind_hero_lamp_cache_main.abc"
    )
    assert file_trees.file_path(context, mode="output", extension=".abc") == path


def test_windows_separator(prod):
    context = prod.context(prod.asset_task)
    assert file_trees.folder_path(context, mode="working", sep="\\") == (
        "/simple\\productions\\big_film\\assets\\prop_kind\\hero_lamp\\modeling"
    )


# ---- paths from the simple tree -------------------------------------------------------------------


def test_asset_working_path_simple(simple_prod):
    context = simple_prod.context(simple_prod.asset_task, software=simple_prod.software, name="Main", revision=12)
    assert file_trees.folder_path(context, mode="working") == (
        "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling/blender"
    )
    assert file_trees.file_name(context, mode="working") == "big_film_prop_kind_hero_lamp_modeling_main_v012"


def test_default_software_name(simple_prod):
    context = simple_prod.context(simple_prod.asset_task)
    assert file_trees.folder_path(context, mode="working").endswith("/modeling/3ds_max")


def test_shot_output_path_simple(simple_prod):
    context = PathContext(
        project=simple_prod.project,
        entity=simple_prod.shot,
        task_type=simple_prod.animation,
        output_type=simple_prod.output_type,
        name="main",
        revision=2,
    )
    assert file_trees.folder_path(context, mode="output") == (
        "/simple/productions/export/big_film/shots/sq01/sh010/animation/cache"
    )
    assert file_trees.file_name(context, mode="output", nb_elements=24) == (
        "big_film_sq01_sh010_animation_cache_main_v002_[1-24]"
    )


def test_instance_asset_path_simple(simple_prod):
    set_asset = factories.EntityFactory(project=simple_prod.project, entity_type=simple_prod.asset_type, name="Room")
    instance = factories.AssetInstanceFactory(asset=simple_prod.asset, target_asset=set_asset, number=7, name=None)
    context = PathContext(
        project=simple_prod.project,
        entity=set_asset,
        task_type=simple_prod.modeling,
        output_type=simple_prod.output_type,
        name="main",
        revision=1,
        asset_instance=instance,
        asset=simple_prod.asset,
    )
    assert file_trees.folder_path(context, mode="output") == (
        "/simple/productions/export/big_film/assets/prop_kind/room/modeling/cache/prop_kind/hero_lamp/instance_0007"
    )
    assert file_trees.file_name(context, mode="output") == ("big_film_prop_kind_room_modeling_cache_main_0007_v001")


def test_instance_shot_path_simple(simple_prod):
    instance = factories.AssetInstanceFactory(asset=simple_prod.asset, number=2, name="Lamp A")
    context = PathContext(
        project=simple_prod.project,
        entity=simple_prod.shot,
        task_type=simple_prod.animation,
        output_type=simple_prod.output_type,
        name="main",
        representation="ABC",
        asset_instance=instance,
        asset=simple_prod.asset,
    )
    assert file_trees.folder_path(context, mode="output") == (
        "/simple/productions/export/big_film/shot/sq01/sh010/animation/cache/prop_kind/hero_lamp/instance_0002/abc"
    )
    assert file_trees.file_name(context, mode="output") == "big_film_sq01_sh010_animation_cache_main_lamp_a_v001"


# ---- custom trees ----------------------------------------------------------------------------------


def custom_tree(folder, name, style="lowercase"):
    section = {
        "mountpoint": "/mnt",
        "root": "",
        "folder_path": {"asset": folder, "style": style},
        "file_name": {"asset": name, "style": style},
    }
    return {"working": section}


def test_id_token_kept(prod):
    prod.project.file_tree = custom_tree("<Project>/<Asset.id>", "<Asset>_<Asset.id>")
    context = prod.context(prod.asset_task)
    assert file_trees.folder_path(context, mode="working") == f"/mnt/big_film/{prod.asset.pk}"
    assert file_trees.file_name(context, mode="working") == f"hero_lamp_{prod.asset.pk}"


def test_uppercase_style(prod):
    prod.project.file_tree = custom_tree("<Project>/<TaskType>", "<Asset>_v<Version>", style="uppercase")
    context = prod.context(prod.asset_task, revision=4)
    assert file_trees.folder_path(context, mode="working") == "/mnt/BIG_FILM/MODELING"
    assert file_trees.file_name(context, mode="working") == "HERO_LAMP_V004"


def test_short_name_falls_back_to_name(prod):
    prod.project.file_tree = custom_tree("<TaskType.short_name>/<Project.code>", "<Task>_<Department>")
    context = prod.context(prod.asset_task)
    assert file_trees.folder_path(context, mode="working") == "/mnt/modeling/big_film"
    assert file_trees.file_name(context, mode="working") == "main"


def test_department_token(prod):
    prod.modeling.department = factories.DepartmentFactory(name="Modeling Dept")
    prod.project.file_tree = custom_tree("<Department>", "<Department.name>")
    context = prod.context(prod.asset_task)
    assert file_trees.folder_path(context, mode="working") == "/mnt/modeling_dept"


def test_empty_folder_left_out(prod):
    prod.project.file_tree = custom_tree("<Project>/<Representation>/<Asset>", "<Asset>")
    context = prod.context(prod.asset_task)
    assert file_trees.folder_path(context, mode="working") == "/mnt/big_film/hero_lamp"


def test_no_tree_error(prod):
    prod.project.file_tree = None
    with pytest.raises(FileTreeError) as error:
        file_trees.folder_path(prod.context(prod.asset_task), mode="working")
    assert error.value.field == "file_tree"
    assert "set-file-tree" in str(error.value)


def test_tree_not_object(prod):
    prod.project.file_tree = ["working"]
    with pytest.raises(FileTreeError) as error:
        file_trees.file_name(prod.context(prod.asset_task), mode="working")
    assert error.value.field == "file_tree"


def test_unknown_mode_error(prod):
    with pytest.raises(FileTreeError) as error:
        file_trees.folder_path(prod.context(prod.asset_task), mode="render")
    assert error.value.field == "mode"
    assert "working" in str(error.value)


def test_missing_template_kind(prod):
    prod.project.file_tree = custom_tree("<Asset>", "<Asset>")
    with pytest.raises(FileTreeError) as error:
        file_trees.folder_path(prod.context(prod.shot_task), mode="working")
    assert "'shot'" in str(error.value)


def test_missing_template_part(prod):
    prod.project.file_tree = {"working": {"mountpoint": "/mnt", "root": "", "folder_path": {"asset": "<Asset>"}}}
    with pytest.raises(FileTreeError) as error:
        file_trees.folder_path(prod.context(prod.asset_task), mode="working")
    assert "file_name" in str(error.value)


def test_unknown_token_error(prod):
    prod.project.file_tree = custom_tree("<Planet>", "<Asset>")
    with pytest.raises(FileTreeError) as error:
        file_trees.folder_path(prod.context(prod.asset_task), mode="working")
    assert "<Planet>" in str(error.value)


# ---- guessing rows from a path -------------------------------------------------------------------


def guess(prod, path):
    return file_trees.guess_from_path(project=prod.project, file_path=path)


def test_guess_asset_working_folder(prod):
    matches = guess(prod, "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling")
    assert matches == [
        {
            "Template": "asset",
            "Project": str(prod.project.pk),
            "AssetType": str(prod.asset_type.pk),
            "Asset": str(prod.asset.pk),
            "TaskType": str(prod.modeling.pk),
        }
    ]


def test_guess_path_with_file_name(prod):
    matches = guess(prod, "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling/scene_v001.blend")
    assert matches[0]["Asset"] == str(prod.asset.pk)
    assert matches[0]["TaskType"] == str(prod.modeling.pk)


def test_guess_names_as_typed(prod):
    matches = guess(prod, "/simple/productions/Big Film/assets/Prop Kind/Hero Lamp/Modeling")
    assert matches[0]["Asset"] == str(prod.asset.pk)


def test_guess_shot_folder(prod):
    matches = guess(prod, "/simple/productions/big_film/shots/sq01/sh010/animation")
    assert matches == [
        {
            "Template": "shot",
            "Project": str(prod.project.pk),
            "Sequence": str(prod.sequence.pk),
            "Shot": str(prod.shot.pk),
            "TaskType": str(prod.animation.pk),
        }
    ]


def test_guess_output_folder(prod):
    matches = guess(prod, "/simple/productions/export/big_film/assets/prop_kind/hero_lamp/cache")
    assert matches == [
        {
            "Template": "asset",
            "Project": str(prod.project.pk),
            "AssetType": str(prod.asset_type.pk),
            "Asset": str(prod.asset.pk),
            "OutputType": str(prod.output_type.pk),
        }
    ]


def test_guess_stops_at_unknown_row(prod):
    matches = guess(prod, "/simple/productions/big_film/assets/prop_kind/nobody/modeling")
    assert matches == [{"Template": "asset", "Project": str(prod.project.pk), "AssetType": str(prod.asset_type.pk)}]


def test_guess_other_project_name(prod):
    assert guess(prod, "/simple/productions/other_film/assets/prop_kind/hero_lamp/modeling") == []


def test_guess_outside_root(prod):
    assert guess(prod, "/elsewhere/big_film/assets") == []


def test_guess_version_and_software(simple_prod):
    simple_prod.project.file_tree = custom_tree("<Project>/<Asset>/<Software>/v<Version>", "<Asset>")
    matches = guess(simple_prod, "/mnt/big_film/hero_lamp/blender/v012")
    assert matches == [
        {
            "Template": "asset",
            "Project": str(simple_prod.project.pk),
            "Asset": str(simple_prod.asset.pk),
            "Software": str(simple_prod.software.pk),
            "Version": "12",
        }
    ]


def test_guess_task_token(prod):
    prod.project.file_tree = custom_tree("<Project>/<Asset>/<TaskType>/<Task>", "<Asset>")
    matches = guess(prod, "/mnt/big_film/hero_lamp/modeling/main")
    assert matches[0]["Task"] == str(prod.asset_task.pk)


def test_guess_without_tree(prod):
    prod.project.file_tree = None
    with pytest.raises(FileTreeError):
        guess(prod, "/simple/productions/big_film")


# ---- POST /actions/projects/{project_id}/set-file-tree ----------------------------------------------


def tree_url(project_id):
    return f"/api/actions/projects/{project_id}/set-file-tree"


@pytest.fixture
def bare_project():
    return factories.ProjectFactory(name="Tree Test")


def test_set_tree_admin(admin_client, bare_project):
    response = admin_client.post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json")
    assert response.status_code == 200
    tree = response.json()["file_tree"]
    assert tree["working"]["root"] == "productions"
    assert tree["output"]["root"] == "productions/export"
    assert "asset" in tree["working"]["folder_path"]
    bare_project.refresh_from_db()
    assert bare_project.file_tree == file_trees.tree_load("default")


def test_set_tree_row_shape(admin_client, bare_project):
    row = admin_client.post(tree_url(bare_project.pk), {"tree_name": "simple"}, format="json").json()
    assert row["id"] == str(bare_project.pk)
    assert row["type"] == "Project"
    assert "project_status_name" not in row


def test_set_tree_replaces_tree(admin_client, bare_project):
    admin_client.post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json")
    admin_client.post(tree_url(bare_project.pk), {"tree_name": "simple"}, format="json")
    bare_project.refresh_from_db()
    assert bare_project.file_tree == file_trees.tree_load("simple")


def test_set_tree_records_event(django_capture_on_commit_callbacks, admin_client, bare_project):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json")
    event = ApiEvent.objects.get(name="project:update")
    assert event.data["project_id"] == str(bare_project.pk)


def test_set_tree_team_manager(make_client, bare_project):
    manager = make_client("manager")
    factories.ProjectPersonLinkFactory(project=bare_project, person=manager.person)
    assert manager.post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json").status_code == 200


@pytest.mark.parametrize("role", ["supervisor", "user", "client", "vendor"])
def test_set_tree_team_role_rejected(make_client, bare_project, role):
    client = make_client(role)
    factories.ProjectPersonLinkFactory(project=bare_project, person=client.person)
    response = client.post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json")
    assert response.status_code == 403
    bare_project.refresh_from_db()
    assert bare_project.file_tree is None


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_set_tree_outsider(make_client, bare_project, role):
    response = make_client(role).post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json")
    assert response.status_code == 403


def test_set_tree_anonymous(api_client, bare_project):
    assert api_client.post(tree_url(bare_project.pk), {"tree_name": "default"}, format="json").status_code == 401


def test_set_tree_missing_name(admin_client, bare_project):
    response = admin_client.post(tree_url(bare_project.pk), {}, format="json")
    assert response.status_code == 400
    assert "tree_name" in response.json()["message"]


@pytest.mark.parametrize("name", ["nope", "../default", 7, ["default"]])
def test_set_tree_unknown_name(admin_client, bare_project, name):
    response = admin_client.post(tree_url(bare_project.pk), {"tree_name": name}, format="json")
    assert response.status_code == 400
    assert "tree_name" in response.json()["message"]
    bare_project.refresh_from_db()
    assert bare_project.file_tree is None


def test_set_tree_unknown_project(admin_client):
    assert admin_client.post(tree_url(UNKNOWN), {"tree_name": "default"}, format="json").status_code == 404


def test_set_tree_malformed_project(admin_client):
    assert admin_client.post(tree_url("not-a-uuid"), {"tree_name": "default"}, format="json").status_code == 400


# ---- POST /data/entities/guess_from_path --------------------------------------------------------------

GUESS_URL = "/api/data/entities/guess_from_path"
ASSET_PATH = "/simple/productions/big_film/assets/prop_kind/hero_lamp/modeling"


def test_guess_route_admin(admin_client, prod):
    response = admin_client.post(
        GUESS_URL, {"project_id": str(prod.project.pk), "file_path": ASSET_PATH}, format="json"
    )
    assert response.status_code == 200
    assert response.json()[0]["Asset"] == str(prod.asset.pk)


def test_guess_route_separator(admin_client, prod):
    file_path = "/simple\\productions\\big_film\\assets\\prop_kind\\hero_lamp\\modeling"
    body = {"project_id": str(prod.project.pk), "file_path": file_path, "sep": "\\"}
    response = admin_client.post(GUESS_URL, body, format="json")
    assert response.status_code == 200
    assert response.json()[0]["TaskType"] == str(prod.modeling.pk)


@pytest.mark.parametrize("role", ROLES)
def test_guess_route_team_roles(make_client, prod, role):
    client = make_client(role)
    factories.ProjectPersonLinkFactory(project=prod.project, person=client.person)
    response = client.post(GUESS_URL, {"project_id": str(prod.project.pk), "file_path": ASSET_PATH}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_guess_route_outsider(make_client, prod, role):
    body = {"project_id": str(prod.project.pk), "file_path": ASSET_PATH}
    assert make_client(role).post(GUESS_URL, body, format="json").status_code == 403


def test_guess_route_anonymous(api_client, prod):
    body = {"project_id": str(prod.project.pk), "file_path": ASSET_PATH}
    assert api_client.post(GUESS_URL, body, format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"file_path": ASSET_PATH}, "project_id"),
        ({"project_id": "not-a-uuid", "file_path": ASSET_PATH}, "project_id"),
        ({"project_id": UNKNOWN, "file_path": ASSET_PATH}, "project_id"),
        ({"project_id": None}, "file_path"),
        ({"project_id": None, "file_path": ""}, "file_path"),
        ({"project_id": None, "file_path": ["a"]}, "file_path"),
        ({"project_id": None, "file_path": ASSET_PATH, "sep": ""}, "sep"),
    ],
)
def test_guess_route_bad_input(admin_client, prod, body, key):
    if "project_id" in body and body["project_id"] is None:
        body = {**body, "project_id": str(prod.project.pk)}
    response = admin_client.post(GUESS_URL, body, format="json")
    assert response.status_code == 400
    assert key in str(response.json()["message"])


def test_guess_route_without_tree(admin_client):
    project = factories.ProjectFactory()
    response = admin_client.post(GUESS_URL, {"project_id": str(project.pk), "file_path": "/a/b"}, format="json")
    assert response.status_code == 400
    assert "file_tree" in response.json()["message"]
