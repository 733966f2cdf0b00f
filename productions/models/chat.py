"""The chat of an entity: who takes part and the messages they post."""

from django.db import models

from kitsu_project.db import KitsuModel


class Chat(KitsuModel):
    """The discussion attached to one entity (`object_id`), with its participants."""

    object_id = models.UUIDField(db_index=True)
    object_type = models.CharField(max_length=80, default="entity")
    last_message = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(
        "accounts.Person", blank=True, related_name="chats", db_table="chat_participant"
    )

    kitsu_relations = ("participants",)

    class Meta:
        db_table = "chat"
        constraints = [models.UniqueConstraint(fields=["object_id", "object_type"], name="chat_once_per_object")]

    def __str__(self):
        return f"chat of {self.object_type} {self.object_id}"


class ChatMessage(KitsuModel):
    """One message of a chat."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE, related_name="chat_messages")
    text = models.TextField(null=True, blank=True)

    class Meta:
        db_table = "chat_message"
        ordering = ["created_at"]

    def __str__(self):
        return f"message {self.id} in {self.chat_id}"
