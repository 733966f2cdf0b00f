"""Entity chats: joining and leaving the chat of an entity, and posting or deleting its messages.

An entity's chat is created the first time anyone reads, joins or writes it.
The events (`chat:joined`, `chat:left`, `chat:new-message`,
`chat:deleted-message`) carry the chat id and the entity's project id.
"""

import logging

from django.db import IntegrityError, transaction

from playlists.services import attachments as attachment_services
from productions.models import Chat, ChatMessage

from .events import event_send

logger = logging.getLogger("productions.chats")

ENTITY_OBJECT_TYPE = "entity"


def chat_get_or_create(*, entity):
    """Return the chat of `entity`, created on first use.

    Two requests may create the same chat at once: the unique constraint on
    (object_id, object_type) rejects the second insert, which then reads the first.
    """
    chat = Chat.objects.filter(object_id=entity.pk, object_type=ENTITY_OBJECT_TYPE).first()
    if chat is not None:
        return chat
    try:
        with transaction.atomic():
            chat = Chat.objects.create(object_id=entity.pk, object_type=ENTITY_OBJECT_TYPE)
    except IntegrityError:
        return Chat.objects.get(object_id=entity.pk, object_type=ENTITY_OBJECT_TYPE)
    logger.info("Chat %s created for entity %s", chat.pk, entity.pk)
    return chat


@transaction.atomic
def chat_join(*, entity, person):
    """Add `person` to the participants of the entity's chat; joining twice changes nothing."""
    chat = chat_get_or_create(entity=entity)
    chat.participants.add(person)
    event_send(
        name="chat:joined",
        data={"chat_id": chat.pk, "person_id": person.pk},
        project_id=entity.project_id,
        user=person,
    )
    logger.info("Person %s joined chat %s", person.pk, chat.pk)
    return chat


@transaction.atomic
def chat_leave(*, entity, person):
    """Remove `person` from the participants of the entity's chat; leaving twice changes nothing."""
    chat = chat_get_or_create(entity=entity)
    chat.participants.remove(person)
    event_send(
        name="chat:left",
        data={"chat_id": chat.pk, "person_id": person.pk},
        project_id=entity.project_id,
        user=person,
    )
    logger.info("Person %s left chat %s", person.pk, chat.pk)
    return chat


@transaction.atomic
def chat_message_create(*, chat, person, text, project_id=None):
    """Post a message to `chat` and set the chat's `last_message` to the message's time."""
    message = ChatMessage.objects.create(chat=chat, person=person, text=text)
    Chat.objects.filter(pk=chat.pk).update(last_message=message.created_at, updated_at=message.created_at)
    chat.last_message = message.created_at
    event_send(
        name="chat:new-message",
        data={"chat_id": chat.pk, "chat_message_id": message.pk, "last_message": message.created_at.isoformat()},
        project_id=project_id,
        user=person,
    )
    logger.info("Message %s posted to chat %s by %s", message.pk, chat.pk, person.pk)
    return message


@transaction.atomic
def chat_message_delete(*, message, user, project_id=None):
    """Delete a message with its attachments; their stored files go once the deletion commits."""
    message_id, chat_id = message.pk, message.chat_id
    attachment_services.attachment_files_forget(queryset=message.attachment_files.all())
    message.delete()
    event_send(
        name="chat:deleted-message",
        data={"chat_id": chat_id, "chat_message_id": message_id},
        project_id=project_id,
        user=user,
    )
    logger.info("Message %s of chat %s deleted by %s", message_id, chat_id, user.pk)
