"""Entity chat routes: join or leave the chat of an entity, read it, and post or delete its messages.

Only the people who may read the entity use its chat: admins, the team of its
project, and vendors with a task assigned on it. The generic `/data/chats/` and
`/data/chat-messages/` collections are for admins only.
"""

import logging

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kitsu_project.api.errors import MissingArgument
from kitsu_project.api.permissions import ADMIN, ADMIN_ONLY
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, parse_path_id, path_row, request_body
from playlists.models import AttachmentFile
from playlists.services import attachments as attachment_services
from productions.models import Chat, ChatMessage, Entity
from productions.services import chats as chat_services
from productions.services.notifications import entity_full_name
from productions.services.projects import OPEN_STATUS

from .entities import check_entity_read

logger = logging.getLogger("productions.chats")

NOT_PARTICIPANT = "you are not a participant of this chat: join it first (POST /actions/user/chats/<entity_id>/join)."
NOT_AUTHOR = "You are not allowed to delete this message: only its author or an admin may."


# ---- helpers -----------------------------------------------------------------


def load_readable_entity(user, entity_id):
    """Return the entity with this path id when `user` may read it, else raise 400 (malformed), 404 or 403."""
    entity = path_row(Entity.objects.select_related("entity_type"), entity_id, "entity")
    check_entity_read(user, entity)
    return entity


def message_row(message):
    row = serialize_row(message)
    row["attachment_files"] = attachment_services.chat_message_attachment_summaries(message)
    return row


def entity_messages(chat):
    """Serialize the messages of a chat, oldest first, with their attachments, in two queries."""
    messages = ChatMessage.objects.filter(chat=chat).prefetch_related(attachment_services.attachments_prefetch())
    return [message_row(message) for message in messages.order_by("created_at")]


def load_message(chat, message_id):
    return path_row(ChatMessage.objects.filter(chat=chat), message_id, "message in this chat")


def message_text(data, *, has_files=False):
    """Return the `message` of a request body: a missing, non-string or blank message is a 400.

    A message that carries files may have no text.
    """
    text = data.get("message")
    if has_files and (text is None or (isinstance(text, str) and not text.strip())):
        return text or ""
    if text is None:
        raise MissingArgument("message", "this field is missing: send the text of the message.")
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"message": ["must be a non-empty string."]})
    return text


def user_chat_rows(user):
    """Serialize the chats `user` takes part in whose entity belongs to an open project, in two queries."""
    chats = list(Chat.objects.filter(participants=user).order_by("-last_message", "created_at"))
    entities = Entity.objects.filter(
        pk__in=[chat.object_id for chat in chats], project__project_status__name=OPEN_STATUS
    ).select_related("entity_type", "parent__parent")
    entities_by_id = {entity.pk: entity for entity in entities}
    rows = []
    for chat in chats:
        entity = entities_by_id.get(chat.object_id)
        if entity is None:
            continue
        full_name, _episode_id = entity_full_name(entity)
        row = serialize_row(chat)
        row["entity_name"] = full_name
        row["project_id"] = str(entity.project_id)
        row["preview_file_id"] = str(entity.preview_file_id) if entity.preview_file_id else None
        rows.append(row)
    return rows


# ---- routes ------------------------------------------------------------------


class UserChatsView(APIView):
    """GET the chats the caller takes part in, with each entity's full name and project."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(user_chat_rows(request.user))


class ChatJoinView(APIView):
    """POST: the caller joins the chat of an entity, created on first use. DELETE: the caller leaves it."""

    permission_classes = [IsAuthenticated]

    def post(self, request, entity_id):
        entity = load_readable_entity(request.user, entity_id)
        chat = chat_services.chat_join(entity=entity, person=request.user)
        return Response(serialize_row(chat))

    def delete(self, request, entity_id):
        entity = load_readable_entity(request.user, entity_id)
        chat_services.chat_leave(entity=entity, person=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntityChatView(APIView):
    """GET the chat of an entity with its participants and messages."""

    permission_classes = [IsAuthenticated]

    def get(self, request, entity_id):
        entity = load_readable_entity(request.user, entity_id)
        chat = chat_services.chat_get_or_create(entity=entity)
        row = serialize_row(chat, relations=True)
        row["messages"] = entity_messages(chat)
        return Response(row)


class EntityChatMessagesView(APIView):
    """GET the messages of an entity's chat, oldest first. POST {message} posts one (participants only).

    The files of a multipart post become the message's attachments.
    """

    permission_classes = [IsAuthenticated]

    def get(self, request, entity_id):
        entity = load_readable_entity(request.user, entity_id)
        chat = chat_services.chat_get_or_create(entity=entity)
        return Response(entity_messages(chat))

    def post(self, request, entity_id):
        user = request.user
        entity = load_readable_entity(user, entity_id)
        uploads = attachment_services.request_uploads(request.FILES)
        text = message_text(request_body(request), has_files=bool(uploads))
        chat = chat_services.chat_get_or_create(entity=entity)
        if not chat.participants.filter(pk=user.pk).exists():
            raise ValidationError({"message": [NOT_PARTICIPANT]})
        checked = attachment_services.attachment_uploads_check(uploads)
        message = chat_services.chat_message_create(chat=chat, person=user, text=text, project_id=entity.project_id)
        attachments = attachment_services.attachments_create(uploads=checked, chat_message=message)
        row = serialize_row(message)
        row["attachment_files"] = [attachment_services.attachment_summary(attachment) for attachment in attachments]
        return Response(row, status=status.HTTP_201_CREATED)


class EntityChatMessageView(APIView):
    """GET one message of an entity's chat, or DELETE it (its author or an admin)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, entity_id, chat_message_id):
        entity = load_readable_entity(request.user, entity_id)
        parse_path_id(chat_message_id)
        chat = chat_services.chat_get_or_create(entity=entity)
        return Response(message_row(load_message(chat, chat_message_id)))

    def delete(self, request, entity_id, chat_message_id):
        user = request.user
        entity = load_readable_entity(user, entity_id)
        parse_path_id(chat_message_id)
        chat = chat_services.chat_get_or_create(entity=entity)
        message = load_message(chat, chat_message_id)
        if message.person_id != user.pk and user.role != ADMIN:
            logger.warning("Person %s may not delete message %s of %s", user.pk, message.pk, message.person_id)
            raise PermissionDenied(NOT_AUTHOR)
        chat_services.chat_message_delete(message=message, user=user, project_id=entity.project_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- generic /data collections ---------------------------------------------------


class ChatViewSet(KitsuModelViewSet):
    """Every chat of every entity: admins only (the others use the entity chat routes)."""

    queryset = Chat.objects.all()
    serializer_class = serializer_for(Chat)
    read_roles = ADMIN_ONLY

    def delete_row(self, row, *, force):
        attachment_services.attachment_files_forget(queryset=AttachmentFile.objects.filter(chat_message__chat=row))
        row.delete()


class ChatMessageSerializer(serializer_for(ChatMessage)):
    def to_representation(self, instance):
        row = super().to_representation(instance)
        if self.context.get("view_action") == "retrieve":
            row["attachment_files"] = attachment_services.chat_message_attachment_summaries(instance)
        return row


class ChatMessageViewSet(KitsuModelViewSet):
    """Every chat message, for admins only. A message created here also sets its chat's `last_message`."""

    queryset = ChatMessage.objects.all()
    serializer_class = ChatMessageSerializer
    read_roles = ADMIN_ONLY

    def perform_create(self, serializer):
        super().perform_create(serializer)
        message = serializer.instance
        Chat.objects.filter(pk=message.chat_id).update(last_message=message.created_at)

    def delete_row(self, row, *, force):
        attachment_services.attachment_files_forget(queryset=row.attachment_files.all())
        row.delete()


ENTITY = r"(?P<entity_id>[^/]+)"

urlpatterns = [
    re_path(r"^user/chats/?$", UserChatsView.as_view()),
    re_path(rf"^entities/{ENTITY}/chat/?$", EntityChatView.as_view()),
    re_path(rf"^entities/{ENTITY}/chat/messages/?$", EntityChatMessagesView.as_view()),
    re_path(rf"^entities/{ENTITY}/chat/messages/(?P<chat_message_id>[^/]+)/?$", EntityChatMessageView.as_view()),
]

action_urlpatterns = [
    re_path(rf"^user/chats/{ENTITY}/join/?$", ChatJoinView.as_view()),
]

GENERIC_COLLECTIONS = [
    ("chats", ChatViewSet, "chat"),
    ("chat-messages", ChatMessageViewSet, "chat-message"),
]
