"""Casting (breakdown) routes: the assets cast in shots, sequences, episodes and assets, entity links,
shared assets and asset instances.

Team members of a project read its casting, and a vendor reads an asset's or a
shot's casting only with a task assigned on it. The project's managers and
admins change the casting, the links and the shared flags. Asset instances are
created by the studio roles of the team (not clients or vendors).

`urlpatterns` go under /api/data/, `action_urlpatterns` under /api/actions/, and
`GENERIC_COLLECTIONS` are registered on the generic /data router.
"""

import datetime
import logging
import math
import uuid

from django.db.models import Prefetch
from django.urls import re_path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, positive_int
from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY, ALL_ROLES, STUDIO_ROLES
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, path_row, request_body
from productions.access import can_read_entity_row, is_project_manager, is_team_member
from productions.models import AssetInstance, Entity, EntityLink, EntityType, Project
from productions.models.entity import TEMPORAL_ENTITY_TYPES
from productions.services import casting as casting_services
from productions.services import entity_views

from .entities import check_entity_read, check_project_read
from .projects import body_bool

logger = logging.getLogger("productions.casting")

NOT_MANAGER = "You are not allowed to do this: only the project's managers may change its casting."
NOT_ALLOWED = "You are not allowed to do this: your role lacks the permission."
LABEL_MAX_LENGTH = EntityLink._meta.get_field("label").max_length
NB_OCCURENCES_MAX = 2**31 - 1


# ---- loading and access ------------------------------------------------------


def load_entity(entity_id, kind=None, label=None):
    """Return the entity with this path id (of one kind when given), with its type, parent and project."""
    queryset = Entity.objects.select_related("entity_type", "parent", "project")
    if kind == "Asset":
        queryset = queryset.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)
    elif kind is not None:
        queryset = queryset.filter(entity_type__name=kind)
    return path_row(queryset, entity_id, label or (kind or "entity").lower())


def load_project(project_id):
    return path_row(Project.objects.all(), project_id, "project")


def check_in_project(row, project, label):
    """Raise a 404 when the row belongs to another project than the one in the path."""
    if row.project_id != project.pk:
        raise NotFound(f"No {label} has the id {row.pk} in project {project.pk}.")


def check_manager(user, project_id):
    if not is_project_manager(user, project_id):
        logger.warning("Casting change in project %s rejected for person %s", project_id, user.pk)
        raise PermissionDenied(NOT_MANAGER)


def check_instance_write(user, project_id):
    """Admins, and the team's managers, supervisors and artists, create and cast asset instances."""
    if user.role == ADMIN:
        return
    if user.role not in STUDIO_ROLES or not is_team_member(user, project_id):
        logger.warning("Asset instance change in project %s rejected for person %s", project_id, user.pk)
        raise PermissionDenied(NOT_ALLOWED)


# ---- casting input -------------------------------------------------------------


def casting_occurences(item, key):
    value = item.get("nb_occurences", 1)
    if value is None:
        return 1
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({key: [f"must be a whole number, got {value!r}."]})
    if not 1 <= value <= NB_OCCURENCES_MAX:
        raise ValidationError({key: [f"must be 1 or more, got {value}."]})
    return value


def casting_label(item, key):
    value = item.get("label")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({key: ["must be a string."]})
    if len(value) > LABEL_MAX_LENGTH:
        raise ValidationError({key: [f"at most {LABEL_MAX_LENGTH} characters."]})
    return value


def casting_asset_id(item, key):
    value = item.get("asset_id")
    if value in (None, ""):
        raise ValidationError({key: ["this field is required: send the id of the asset to cast."]})
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise ValidationError({key: [f"invalid id {value!r}: expected a UUID."]}) from None


def parse_casting(data, entity):
    """Return {asset id: (nb_occurences, label)} from a casting body, or raise a 400 naming the faulty field."""
    if not isinstance(data, list):
        raise ValidationError(
            {"casting": ["expected a JSON list of {asset_id, nb_occurences, label} objects, one per cast asset."]}
        )
    items = {}
    for index, item in enumerate(data):
        prefix = f"casting.{index}"
        if not isinstance(item, dict):
            raise ValidationError({prefix: ["expected an object with asset_id, nb_occurences and label."]})
        asset_id = casting_asset_id(item, f"{prefix}.asset_id")
        if asset_id in items:
            raise ValidationError({f"{prefix}.asset_id": [f"asset {asset_id} is listed twice: list it once."]})
        items[asset_id] = (
            casting_occurences(item, f"{prefix}.nb_occurences"),
            casting_label(item, f"{prefix}.label"),
        )
    check_castable(list(items), entity, key_of=lambda position: f"casting.{position}.asset_id")
    return items


def check_castable(asset_ids, entity, *, key_of):
    """Reject, with a 400 naming the field, ids that are not assets, the entity itself, or assets of
    another project that are not shared."""
    assets = {
        pk: (type_name, project_id, shared)
        for pk, type_name, project_id, shared in Entity.objects.filter(pk__in=asset_ids).values_list(
            "pk", "entity_type__name", "project_id", "is_shared"
        )
    }
    for position, asset_id in enumerate(asset_ids):
        key = key_of(position)
        if asset_id == entity.pk:
            raise ValidationError({key: ["an entity cannot be cast in itself."]})
        if asset_id not in assets:
            raise ValidationError({key: [f"no asset has the id {asset_id}."]})
        type_name, project_id, shared = assets[asset_id]
        if type_name in TEMPORAL_ENTITY_TYPES:
            raise ValidationError({key: [f"{asset_id} is a {type_name.lower()}: only assets can be cast."]})
        if project_id != entity.project_id and not shared:
            raise ValidationError(
                {key: [f"asset {asset_id} belongs to another project and is not shared: share it first."]}
            )


# ---- casting routes ----------------------------------------------------------


class CastingRouteView(APIView):
    permission_classes = [IsAuthenticated]


class EntityCastingView(CastingRouteView):
    """GET the assets cast in an entity of the project; PUT (managers) a new casting, a list of
    {asset_id, nb_occurences, label}, of which only the changed links are written."""

    def load(self, project_id, entity_id):
        project = load_project(project_id)
        entity = load_entity(entity_id)
        check_in_project(entity, project, "entity")
        return entity

    def get(self, request, project_id, entity_id):
        entity = self.load(project_id, entity_id)
        check_project_read(request.user, entity.project_id)
        return Response(casting_services.casting_of(entity))

    def put(self, request, project_id, entity_id):
        entity = self.load(project_id, entity_id)
        check_manager(request.user, entity.project_id)
        items = parse_casting(request.data, entity)
        return Response(casting_services.casting_update(entity=entity, items=items, user=request.user))


class AssetCastingView(CastingRouteView):
    """GET the assets cast in an asset (a set, a crowd...); PUT (managers) a new casting."""

    def get(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_entity_read(request.user, asset)
        return Response(casting_services.casting_of(asset))

    def put(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_manager(request.user, asset.project_id)
        items = parse_casting(request.data, asset)
        return Response(casting_services.casting_update(entity=asset, items=items, user=request.user))


class AssetCastInView(CastingRouteView):
    """GET the shots, then the assets, that an asset is cast in."""

    def get(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_entity_read(request.user, asset)
        return Response(casting_services.cast_in(asset))


class AssetAssetsView(CastingRouteView):
    """GET the assets cast in an asset, as full asset rows."""

    def get(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_entity_read(request.user, asset)
        return Response(casting_services.cast_assets(asset))


class ShotAssetsView(CastingRouteView):
    """GET the assets cast in a shot, as full asset rows."""

    def get(self, request, shot_id):
        shot = load_entity(shot_id, "Shot")
        check_entity_read(request.user, shot)
        return Response(casting_services.cast_assets(shot))


class ShotAssetTypesView(CastingRouteView):
    """GET the asset types of the assets cast in a shot."""

    def get(self, request, shot_id):
        shot = load_entity(shot_id, "Shot")
        check_project_read(request.user, shot.project_id)
        return Response(casting_services.cast_asset_types(shot))


class SequenceCastingView(CastingRouteView):
    """GET {shot id: casting} for the shots of one sequence of the project."""

    def get(self, request, project_id, sequence_id):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        sequence = load_entity(sequence_id, "Sequence")
        check_in_project(sequence, project, "sequence")
        return Response(casting_services.shots_casting(sequence_id=sequence.pk))


class ProjectShotsCastingView(CastingRouteView):
    """GET {shot id: casting} for every shot of the project."""

    def get(self, request, project_id):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        return Response(casting_services.shots_casting(project_id=project.pk))


class EpisodeShotsCastingView(CastingRouteView):
    """GET {shot id: casting} for the shots of one episode; `main` (shots without an episode) returns {}."""

    def get(self, request, project_id, episode_id):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        if episode_id == "main":
            return Response({})
        if episode_id == "all":
            return Response(casting_services.shots_casting(project_id=project.pk))
        episode = load_entity(episode_id, "Episode")
        check_in_project(episode, project, "episode")
        return Response(casting_services.shots_casting(project_id=project.pk, episode_id=episode.pk))


class EpisodesCastingView(CastingRouteView):
    """GET {episode id: casting} for the episodes of the project."""

    def get(self, request, project_id):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        return Response(casting_services.episodes_casting(project.pk))


class AssetTypeCastingView(CastingRouteView):
    """GET {asset id: casting} for the project's assets of one asset type."""

    def get(self, request, project_id, asset_type_id):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        asset_type = path_row(EntityType.objects.exclude(name__in=TEMPORAL_ENTITY_TYPES), asset_type_id, "asset type")
        return Response(casting_services.asset_type_casting(project.pk, asset_type.pk))


class EntitiesLinkedView(CastingRouteView):
    """GET the entities that use this entity as a concept, with their tasks."""

    def get(self, request, entity_id):
        entity = load_entity(entity_id)
        check_entity_read(request.user, entity)
        return Response(casting_services.linked_entities_with_tasks(entity))


# ---- entity links of a project ---------------------------------------------------


class ProjectEntityLinksView(CastingRouteView):
    """GET the casting links of a project (managers), for synchronisation.

    Without `page`, it returns a list that `limit` caps. With `page` (and `limit`), it returns
    the `{data, total, nb_pages, limit, offset, page}` page. With `cursor_created_at`, it returns
    the links created after that date as `{data, total, limit}`. Links come in creation order.
    """

    def get(self, request, project_id):
        project = load_project(project_id)
        check_manager(request.user, project.pk)
        links = casting_services.project_links(project.pk)
        limit = min(positive_int(request, "limit", DEFAULT_LIMIT), MAX_LIMIT)
        raw_page = request.query_params.get("page")
        cursor = request.query_params.get("cursor_created_at")
        if raw_page not in (None, "") and not raw_page.lstrip().startswith("-"):
            page = positive_int(request, "page", 1)
            total = links.count()
            offset = (page - 1) * limit
            rows = [serialize_row(link) for link in links[offset : offset + limit]]
            return Response(
                {
                    "data": rows,
                    "total": total,
                    "nb_pages": math.ceil(total / limit) if total else 0,
                    "limit": limit,
                    "offset": offset,
                    "page": page,
                }
            )
        if cursor not in (None, ""):
            created_after = parse_datetime(cursor)
            if created_after is None:
                raise ValidationError({"cursor_created_at": [f"invalid date {cursor!r}: expected ISO 8601."]})
            if timezone.is_naive(created_after):
                # The reference writes and reads these dates in UTC.
                created_after = timezone.make_aware(created_after, datetime.UTC)
            total = links.count()
            rows = casting_services.project_links_rows(links.filter(created_at__gt=created_after)[:limit])
            return Response({"data": rows, "total": total, "limit": limit})
        if "limit" in request.query_params:
            links = links[:limit]
        return Response(casting_services.project_links_rows(links))


class ProjectEntityLinkView(CastingRouteView):
    """DELETE one casting link of the project (managers); returns the deleted link."""

    def delete(self, request, project_id, entity_link_id):
        project = load_project(project_id)
        check_manager(request.user, project.pk)
        link = path_row(EntityLink.objects.filter(entity_in__project=project), entity_link_id, "entity link")
        row = serialize_row(link)
        casting_services.entity_link_delete(link=link, user=request.user, send_event=True)
        return Response(row)


# ---- shared assets --------------------------------------------------------------


class SharedAssetsUsedView(CastingRouteView):
    """GET the shared assets of other projects cast in this project's shots (or in one episode's)."""

    def get(self, request, project_id, episode_id=None):
        project = load_project(project_id)
        check_project_read(request.user, project.pk)
        if episode_id in ("main", "all"):
            episode_id = None
        elif episode_id is not None:
            episode = load_entity(episode_id, "Episode")
            check_in_project(episode, project, "episode")
            episode_id = episode.pk
        return Response(casting_services.shared_assets_used(project.pk, episode_id))


def body_asset_ids(data, *, required):
    """Return the asset ids of a share action (`asset_ids`, a list), or None when absent and optional."""
    value = data.get("asset_ids")
    if value is None:
        if required:
            raise MissingArgument("asset_ids", "this field is missing: send the list of asset ids.")
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValidationError({"asset_ids": ["expected a list of asset ids."]})
    ids = []
    for index, raw in enumerate(value):
        try:
            ids.append(uuid.UUID(str(raw)))
        except ValueError:
            raise ValidationError({f"asset_ids.{index}": [f"invalid id {raw!r}: expected a UUID."]}) from None
    return ids


def asset_rows():
    return Entity.objects.exclude(entity_type__name__in=TEMPORAL_ENTITY_TYPES)


class ShareAssetsView(CastingRouteView):
    """POST {asset_ids, is_shared}: share (or unshare) assets; the caller manages each of their projects."""

    def post(self, request):
        data = request_body(request)
        asset_ids = body_asset_ids(data, required=True)
        is_shared = body_bool(data, "is_shared", default=True)
        assets = asset_rows().filter(pk__in=asset_ids)
        found = set(assets.values_list("pk", flat=True))
        missing = [str(pk) for pk in asset_ids if pk not in found]
        if missing:
            raise NotFound(f"No asset has the id(s) {', '.join(missing)}.")
        for project_id in set(assets.values_list("project_id", flat=True)):
            check_manager(request.user, project_id)
        return Response(casting_services.shared_assets_set(assets=assets, is_shared=is_shared, user=request.user))


class ShareProjectAssetsView(CastingRouteView):
    """POST {asset_ids?, is_shared}: share the project's assets (all, of one type, or the listed ones)."""

    def post(self, request, project_id, asset_type_id=None):
        project = load_project(project_id)
        check_manager(request.user, project.pk)
        data = request_body(request)
        is_shared = body_bool(data, "is_shared", default=True)
        assets = asset_rows().filter(project=project)
        if asset_type_id is not None:
            asset_type = path_row(
                EntityType.objects.exclude(name__in=TEMPORAL_ENTITY_TYPES), asset_type_id, "asset type"
            )
            assets = assets.filter(entity_type=asset_type)
        else:
            asset_ids = body_asset_ids(data, required=False)
            if asset_ids is not None:
                assets = assets.filter(pk__in=asset_ids)
        return Response(casting_services.shared_assets_set(assets=assets, is_shared=is_shared, user=request.user))


# ---- asset instances ------------------------------------------------------------


def body_text_field(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValidationError({key: ["must be a string."]})
    max_length = AssetInstance._meta.get_field(key).max_length
    if value is not None and len(value) > max_length:
        raise ValidationError({key: [f"at most {max_length} characters."]})
    return value


def body_asset(data, key, project_id):
    """Return the asset named by `data[key]`; a missing, malformed or unknown id is a 400 on that key."""
    value = data.get(key)
    if value in (None, ""):
        raise MissingArgument(key, "this field is missing: send the id of the asset to instantiate.")
    try:
        asset_id = uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({key: [f"invalid id {value!r}: expected a UUID."]}) from None
    asset = asset_rows().filter(pk=asset_id).first()
    if asset is None:
        raise ValidationError({key: [f"no asset has the id {asset_id}."]})
    if asset.project_id != project_id and not asset.is_shared:
        raise ValidationError({key: [f"asset {asset_id} belongs to another project and is not shared."]})
    return asset


class AssetAssetInstancesView(CastingRouteView):
    """GET {asset id: instances} placed inside this asset; POST {asset_to_instantiate_id, description}
    places the next numbered instance of an asset inside it."""

    def get(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_project_read(request.user, asset.project_id)
        return Response(
            casting_services.instances_grouped(AssetInstance.objects.filter(target_asset=asset), "asset_id")
        )

    def post(self, request, asset_id):
        target = load_entity(asset_id, "Asset")
        check_instance_write(request.user, target.project_id)
        data = request_body(request)
        asset = body_asset(data, "asset_to_instantiate_id", target.project_id)
        if asset.pk == target.pk:
            raise ValidationError({"asset_to_instantiate_id": ["an asset cannot be instantiated inside itself."]})
        instance = casting_services.asset_instance_create(
            asset=asset, target_asset=target, description=body_text_field(data, "description"), user=request.user
        )
        return Response(serialize_row(instance), status=status.HTTP_201_CREATED)


class AssetSceneInstancesView(CastingRouteView):
    """GET {scene id: instances of this asset in that scene}."""

    def get(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_project_read(request.user, asset.project_id)
        # The instances placed in no scene come under the key "None", as the reference groups them.
        instances = AssetInstance.objects.filter(asset=asset)
        return Response(casting_services.instances_grouped(instances, "scene_id"))


class AssetShotInstancesView(CastingRouteView):
    """GET {shot id: instances of this asset cast in that shot}."""

    def get(self, request, asset_id):
        asset = load_entity(asset_id, "Asset")
        check_project_read(request.user, asset.project_id)
        return Response(casting_services.shot_instances_of_asset(asset))


class SceneAssetInstancesView(CastingRouteView):
    """GET {asset id: instances} of a scene; POST {asset_id, description} adds the next instance of an asset."""

    instance_type = None

    def get(self, request, scene_id):
        scene = load_entity(scene_id, "Scene")
        check_project_read(request.user, scene.project_id)
        instances = AssetInstance.objects.filter(scene=scene)
        if self.instance_type is not None:
            instances = instances.filter(asset__entity_type__name=self.instance_type)
        return Response(casting_services.instances_grouped(instances, "asset_id"))

    def post(self, request, scene_id):
        scene = load_entity(scene_id, "Scene")
        check_instance_write(request.user, scene.project_id)
        data = request_body(request)
        asset = body_asset(data, "asset_id", scene.project_id)
        instance = casting_services.asset_instance_create(
            asset=asset, scene=scene, description=body_text_field(data, "description"), user=request.user
        )
        return Response(serialize_row(instance), status=status.HTTP_201_CREATED)


class SceneCameraInstancesView(SceneAssetInstancesView):
    """GET {asset id: instances} of the cameras (assets of the "Camera" type) of a scene."""

    instance_type = "Camera"
    http_method_names = ["get", "head", "options"]


def shot_answer(shot):
    return entity_views.with_link_lists(serialize_row(shot))


class ShotAssetInstancesView(CastingRouteView):
    """GET {asset id: instances} cast in a shot; POST {asset_instance_id} casts an instance in the shot."""

    def get(self, request, shot_id):
        shot = load_entity(shot_id, "Shot")
        check_project_read(request.user, shot.project_id)
        instances = AssetInstance.objects.filter(shots=shot)
        return Response(casting_services.instances_grouped(instances, "asset_id"))

    def post(self, request, shot_id):
        shot = load_entity(shot_id, "Shot")
        check_instance_write(request.user, shot.project_id)
        data = request_body(request)
        value = data.get("asset_instance_id")
        if value in (None, ""):
            raise MissingArgument("asset_instance_id", "this field is missing: send the id of the asset instance.")
        try:
            instance_id = uuid.UUID(str(value))
        except ValueError:
            raise ValidationError({"asset_instance_id": [f"invalid id {value!r}: expected a UUID."]}) from None
        instance = AssetInstance.objects.select_related("asset").filter(pk=instance_id).first()
        if instance is None:
            raise ValidationError({"asset_instance_id": [f"no asset instance has the id {instance_id}."]})
        if instance.asset.project_id != shot.project_id and not instance.asset.is_shared:
            raise ValidationError(
                {"asset_instance_id": ["the instance's asset belongs to another project and is not shared."]}
            )
        casting_services.shot_instance_add(shot=shot, instance=instance, user=request.user)
        return Response(shot_answer(shot), status=status.HTTP_201_CREATED)


class ShotAssetInstanceView(CastingRouteView):
    """DELETE: take an asset instance out of a shot."""

    def delete(self, request, shot_id, asset_instance_id):
        shot = load_entity(shot_id, "Shot")
        instance = path_row(AssetInstance.objects.all(), asset_instance_id, "asset instance")
        check_instance_write(request.user, shot.project_id)
        casting_services.shot_instance_remove(shot=shot, instance=instance, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- generic /data collections ------------------------------------------------------


class EntityLinkSerializer(serializer_for(EntityLink)):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        entity_in = attrs.get("entity_in", getattr(self.instance, "entity_in", None))
        entity_out = attrs.get("entity_out", getattr(self.instance, "entity_out", None))
        if entity_in is not None and entity_out is not None:
            check_castable([entity_out.pk], entity_in, key_of=lambda position: "entity_out_id")
        return attrs


class EntityLinkViewSet(KitsuModelViewSet):
    """Casting links one by one: admins list them; admins and the project's managers read and write one."""

    queryset = EntityLink.objects.select_related("entity_in")
    serializer_class = EntityLinkSerializer
    list_roles = ADMIN_ONLY
    read_roles = ALL_ROLES
    create_roles = ALL_ROLES
    update_roles = ALL_ROLES
    delete_roles = ALL_ROLES

    def has_row_access(self, user, row):
        return is_project_manager(user, row.entity_in.project_id)

    def perform_create(self, serializer):
        entity_in = serializer.validated_data["entity_in"]
        if not is_project_manager(self.request.user, entity_in.project_id):
            raise PermissionDenied(NOT_MANAGER)
        casting_services.entity_link_save(serializer=serializer, user=self.request.user)

    def perform_update(self, serializer):
        entity_in = serializer.validated_data.get("entity_in")
        if entity_in is not None and not is_project_manager(self.request.user, entity_in.project_id):
            raise PermissionDenied(NOT_MANAGER)
        casting_services.entity_link_save(serializer=serializer, user=self.request.user)

    def delete_row(self, row, *, force):
        casting_services.entity_link_delete(link=row)


class AssetInstanceSerializer(serializer_for(AssetInstance, exclude=("shots",))):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        # The number of an instance is fixed once given, as in the reference.
        if self.instance is not None:
            attrs.pop("number", None)
        asset = attrs.get("asset")
        if asset is not None and asset.get_instance_kitsu_type() != "Asset":
            raise serializers.ValidationError({"asset_id": [f"{asset.pk} is not an asset."]})
        return attrs

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("relations"):
            # `.all()` reads the prefetch of the viewset's queryset.
            row["shots"] = sorted(str(shot.pk) for shot in instance.shots.all())
        return row


class AssetInstanceViewSet(KitsuModelViewSet):
    """Asset instances one by one: admins list them; the team reads and edits one; admins and
    the project's managers create and delete them."""

    queryset = AssetInstance.objects.select_related("asset")
    serializer_class = AssetInstanceSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.wants_relations():
            queryset = queryset.prefetch_related(Prefetch("shots", queryset=Entity.objects.only("pk").order_by()))
        return queryset

    list_roles = ADMIN_ONLY
    read_roles = ALL_ROLES
    create_roles = ALL_ROLES
    update_roles = ALL_ROLES
    delete_roles = ALL_ROLES

    def has_row_access(self, user, row):
        project_id = row.asset.project_id
        if self.action == "retrieve":
            return user.role == ADMIN or can_read_entity_row(user, project_id, row.asset_id)
        if self.action == "destroy":
            return is_project_manager(user, project_id)
        return user.role == ADMIN or (user.role in STUDIO_ROLES and is_team_member(user, project_id))

    def perform_create(self, serializer):
        asset = serializer.validated_data["asset"]
        if not is_project_manager(self.request.user, asset.project_id):
            raise PermissionDenied(NOT_ALLOWED)
        super().perform_create(serializer)


GENERIC_COLLECTIONS = [
    ("entity-links", EntityLinkViewSet, "entity-link"),
    ("asset-instances", AssetInstanceViewSet, "asset-instance"),
]


ID = r"(?P<{}>[^/]+)"


def route(pattern, view, **ids):
    return re_path(rf"^{pattern.format(**{name: ID.format(name) for name in ids})}/?$", view.as_view())


PROJECT = "projects/{project_id}"

urlpatterns = [
    route(f"{PROJECT}/entities/{{entity_id}}/casting", EntityCastingView, project_id=True, entity_id=True),
    route(f"{PROJECT}/sequences/all/casting", ProjectShotsCastingView, project_id=True),
    route(f"{PROJECT}/sequences/{{sequence_id}}/casting", SequenceCastingView, project_id=True, sequence_id=True),
    route(f"{PROJECT}/episodes/casting", EpisodesCastingView, project_id=True),
    route(
        f"{PROJECT}/episodes/{{episode_id}}/sequences/all/casting",
        EpisodeShotsCastingView,
        project_id=True,
        episode_id=True,
    ),
    route(
        f"{PROJECT}/asset-types/{{asset_type_id}}/casting", AssetTypeCastingView, project_id=True, asset_type_id=True
    ),
    route(f"{PROJECT}/entity-links", ProjectEntityLinksView, project_id=True),
    route(f"{PROJECT}/entity-links/{{entity_link_id}}", ProjectEntityLinkView, project_id=True, entity_link_id=True),
    route(f"{PROJECT}/assets/shared-used", SharedAssetsUsedView, project_id=True),
    route(
        f"{PROJECT}/episodes/{{episode_id}}/assets/shared-used", SharedAssetsUsedView, project_id=True, episode_id=True
    ),
    route("assets/{asset_id}/casting", AssetCastingView, asset_id=True),
    route("assets/{asset_id}/cast-in", AssetCastInView, asset_id=True),
    route("assets/{asset_id}/assets", AssetAssetsView, asset_id=True),
    route("assets/{asset_id}/asset-asset-instances", AssetAssetInstancesView, asset_id=True),
    route("assets/{asset_id}/scene-asset-instances", AssetSceneInstancesView, asset_id=True),
    route("assets/{asset_id}/shot-asset-instances", AssetShotInstancesView, asset_id=True),
    route("shots/{shot_id}/assets", ShotAssetsView, shot_id=True),
    route("shots/{shot_id}/asset-types", ShotAssetTypesView, shot_id=True),
    route("shots/{shot_id}/asset-instances", ShotAssetInstancesView, shot_id=True),
    route(
        "shots/{shot_id}/asset-instances/{asset_instance_id}",
        ShotAssetInstanceView,
        shot_id=True,
        asset_instance_id=True,
    ),
    route("scenes/{scene_id}/asset-instances", SceneAssetInstancesView, scene_id=True),
    route("scenes/{scene_id}/camera-instances", SceneCameraInstancesView, scene_id=True),
    route("entities/{entity_id}/entities-linked/with-tasks", EntitiesLinkedView, entity_id=True),
]

action_urlpatterns = [
    route("assets/share", ShareAssetsView),
    route(f"{PROJECT}/assets/share", ShareProjectAssetsView, project_id=True),
    route(
        f"{PROJECT}/asset-types/{{asset_type_id}}/assets/share",
        ShareProjectAssetsView,
        project_id=True,
        asset_type_id=True,
    ),
]
