"""Entity chat routes: join and leave, the chat and its messages, the caller's chats,
and the generic /data/chats/ and /data/chat-messages/ collections."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from productions.models import ApiEvent, Chat, ChatMessage, ProjectPersonLink, TaskPersonLink
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [role for role in ROLES if role != "admin"]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def join_team(project, person):
    ProjectPersonLink.objects.get_or_create(project=project, person=person)


@pytest.fixture
def shot():
    project = factories.ProjectFactory()
    sequence = factories.EntityFactory(
        project=project, name="SQ01", entity_type=factories.EntityTypeFactory(name="Sequence")
    )
    return factories.EntityFactory(
        project=project, parent=sequence, name="SH010", entity_type=factories.EntityTypeFactory(name="Shot")
    )


@pytest.fixture
def member(make_client, shot):
    """Factory: member("user") -> a client of that role in the shot's team; vendors get a task on the shot."""

    def factory(role):
        client = make_client(role)
        join_team(shot.project, client.person)
        if role == "vendor":
            task = factories.TaskFactory(project=shot.project, entity=shot)
            TaskPersonLink.objects.create(task=task, person=client.person)
        return client

    return factory


def chat_of(entity):
    chat, _ = Chat.objects.get_or_create(object_id=entity.pk, object_type="entity")
    return chat


def post_message(chat, person, text="Hello"):
    chat.participants.add(person)
    return factories.ChatMessageFactory(chat=chat, person=person, text=text)


def join_url(entity_id):
    return f"/api/actions/user/chats/{entity_id}/join"


def chat_url(entity_id):
    return f"/api/data/entities/{entity_id}/chat"


def messages_url(entity_id, message_id=None):
    return f"/api/data/entities/{entity_id}/chat/messages" + (f"/{message_id}" if message_id else "")


# ---- POST/DELETE /actions/user/chats/{entity_id}/join ---------------------------------


def test_join_adds_participant(member, shot):
    artist = member("user")
    response = artist.post(join_url(shot.pk))
    assert response.status_code == 200
    assert response.json()["object_id"] == str(shot.pk)
    assert list(chat_of(shot).participants.all()) == [artist.person]


def test_join_row_shape(member, shot):
    row = member("user").post(join_url(shot.pk)).json()
    assert row["type"] == "Chat"
    assert row["object_type"] == "entity"
    assert "participants" not in row


def test_join_twice_keeps_one(member, shot):
    artist = member("user")
    artist.post(join_url(shot.pk))
    assert artist.post(join_url(shot.pk)).status_code == 200
    assert chat_of(shot).participants.count() == 1
    assert Chat.objects.filter(object_id=shot.pk).count() == 1


def test_join_records_event(django_capture_on_commit_callbacks, member, shot):
    artist = member("user")
    with django_capture_on_commit_callbacks(execute=True):
        artist.post(join_url(shot.pk))
    event = ApiEvent.objects.get(name="chat:joined")
    assert event.data["person_id"] == str(artist.person.pk)
    assert event.data["chat_id"] == str(chat_of(shot).pk)


@pytest.mark.parametrize("role", ROLES)
def test_join_team_roles(member, shot, role):
    assert member(role).post(join_url(shot.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_join_outside_team(make_client, shot, role):
    assert make_client(role).post(join_url(shot.pk)).status_code == 403


def test_join_vendor_without_task(make_client, shot):
    vendor = make_client("vendor")
    join_team(shot.project, vendor.person)
    assert vendor.post(join_url(shot.pk)).status_code == 403


def test_join_unknown_entity(admin_client):
    assert admin_client.post(join_url(UNKNOWN)).status_code == 404


def test_join_malformed_entity(admin_client):
    assert admin_client.post(join_url("nope")).status_code == 400


def test_join_without_token(api_client, shot):
    assert api_client.post(join_url(shot.pk)).status_code == 401


def test_leave_removes_participant(member, shot):
    artist = member("user")
    chat_of(shot).participants.add(artist.person)
    assert artist.delete(join_url(shot.pk)).status_code == 204
    assert chat_of(shot).participants.count() == 0


def test_leave_when_absent(member, shot):
    assert member("user").delete(join_url(shot.pk)).status_code == 204


def test_leave_records_event(django_capture_on_commit_callbacks, member, shot):
    artist = member("user")
    with django_capture_on_commit_callbacks(execute=True):
        artist.delete(join_url(shot.pk))
    assert ApiEvent.objects.filter(name="chat:left").count() == 1


def test_leave_outside_team(make_client, shot):
    assert make_client("user").delete(join_url(shot.pk)).status_code == 403


def test_leave_unknown_entity(admin_client):
    assert admin_client.delete(join_url(UNKNOWN)).status_code == 404


def test_leave_without_token(api_client, shot):
    assert api_client.delete(join_url(shot.pk)).status_code == 401


# ---- GET /data/user/chats -------------------------------------------------------------


def test_user_chats_lists_joined(member, shot):
    artist = member("user")
    chat = chat_of(shot)
    chat.participants.add(artist.person)
    chat_of(factories.EntityFactory(project=shot.project))
    rows = artist.get("/api/data/user/chats").json()
    assert [row["id"] for row in rows] == [str(chat.pk)]


def test_user_chats_row_shape(member, shot):
    artist = member("user")
    chat_of(shot).participants.add(artist.person)
    row = artist.get("/api/data/user/chats").json()[0]
    assert row["entity_name"] == "SQ01 / SH010"
    assert row["project_id"] == str(shot.project_id)
    assert row["object_id"] == str(shot.pk)
    assert row["preview_file_id"] is None


def test_user_chats_skip_closed_projects(make_client):
    entity = factories.EntityFactory(project=factories.ClosedProjectFactory())
    client = make_client("user")
    chat_of(entity).participants.add(client.person)
    assert client.get("/api/data/user/chats").json() == []


@pytest.mark.parametrize("role", ROLES)
def test_user_chats_roles(make_client, role):
    assert make_client(role).get("/api/data/user/chats").status_code == 200


def test_user_chats_without_token(api_client):
    assert api_client.get("/api/data/user/chats").status_code == 401


def test_user_chats_queries(admin_client, shot):
    chat_of(shot).participants.add(admin_client.person)
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/api/data/user/chats")
    for _ in range(4):
        chat_of(factories.EntityFactory(project=shot.project)).participants.add(admin_client.person)
    with CaptureQueriesContext(connection) as many:
        rows = admin_client.get("/api/data/user/chats").json()
    assert len(rows) == 5
    assert len(many) == len(few)


# ---- GET /data/entities/{entity_id}/chat ------------------------------------------------


def test_chat_created_on_read(admin_client, shot):
    response = admin_client.get(chat_url(shot.pk))
    assert response.status_code == 200
    assert response.json()["object_id"] == str(shot.pk)
    assert Chat.objects.filter(object_id=shot.pk).count() == 1


def test_chat_with_participants_and_messages(admin_client, shot):
    chat = chat_of(shot)
    message = post_message(chat, admin_client.person)
    row = admin_client.get(chat_url(shot.pk)).json()
    assert row["id"] == str(chat.pk)
    assert row["participants"] == [str(admin_client.person.pk)]
    assert [item["id"] for item in row["messages"]] == [str(message.pk)]
    assert row["messages"][0]["attachment_files"] == []


@pytest.mark.parametrize("role", ROLES)
def test_chat_team_roles(member, shot, role):
    assert member(role).get(chat_url(shot.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_chat_outside_team(make_client, shot, role):
    assert make_client(role).get(chat_url(shot.pk)).status_code == 403


def test_chat_unknown_entity(admin_client):
    assert admin_client.get(chat_url(UNKNOWN)).status_code == 404


def test_chat_malformed_entity(admin_client):
    assert admin_client.get(chat_url("nope")).status_code == 400


def test_chat_without_token(api_client, shot):
    assert api_client.get(chat_url(shot.pk)).status_code == 401


# ---- GET/POST /data/entities/{entity_id}/chat/messages ----------------------------------


def test_messages_oldest_first(admin_client, shot):
    chat = chat_of(shot)
    first = post_message(chat, admin_client.person, "first")
    second = post_message(chat, admin_client.person, "second")
    rows = admin_client.get(messages_url(shot.pk)).json()
    assert [row["id"] for row in rows] == [str(first.pk), str(second.pk)]
    assert rows[0]["attachment_files"] == []


def test_messages_of_this_entity_only(admin_client, shot):
    post_message(chat_of(factories.EntityFactory(project=shot.project)), admin_client.person)
    assert admin_client.get(messages_url(shot.pk)).json() == []


def test_messages_queries(admin_client, shot):
    chat = chat_of(shot)
    post_message(chat, admin_client.person)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(messages_url(shot.pk))
    for _ in range(4):
        post_message(chat, factories.PersonFactory())
    with CaptureQueriesContext(connection) as many:
        rows = admin_client.get(messages_url(shot.pk)).json()
    assert len(rows) == 5
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ROLES)
def test_messages_team_roles(member, shot, role):
    assert member(role).get(messages_url(shot.pk)).status_code == 200


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_messages_outside_team(make_client, shot, role):
    assert make_client(role).get(messages_url(shot.pk)).status_code == 403


def test_messages_unknown_entity(admin_client):
    assert admin_client.get(messages_url(UNKNOWN)).status_code == 404


def test_messages_without_token(api_client, shot):
    assert api_client.get(messages_url(shot.pk)).status_code == 401


def test_post_message(member, shot):
    artist = member("user")
    chat_of(shot).participants.add(artist.person)
    response = artist.post(messages_url(shot.pk), {"message": "Hello"}, format="json")
    assert response.status_code == 201
    assert response.json()["text"] == "Hello"
    assert response.json()["person_id"] == str(artist.person.pk)


def test_post_message_sets_last_message(member, shot):
    artist = member("user")
    chat_of(shot).participants.add(artist.person)
    artist.post(messages_url(shot.pk), {"message": "Hello"}, format="json")
    message = ChatMessage.objects.get()
    assert chat_of(shot).last_message == message.created_at


def test_post_message_records_event(django_capture_on_commit_callbacks, admin_client, shot):
    chat_of(shot).participants.add(admin_client.person)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(messages_url(shot.pk), {"message": "Hello"}, format="json")
    event = ApiEvent.objects.get(name="chat:new-message")
    assert event.data["chat_message_id"] == str(ChatMessage.objects.get().pk)
    assert event.data["project_id"] == str(shot.project_id)


def test_post_message_form(admin_client, shot):
    chat_of(shot).participants.add(admin_client.person)
    assert admin_client.post(messages_url(shot.pk), {"message": "Hello"}).status_code == 201


def test_post_message_missing(admin_client, shot):
    chat_of(shot).participants.add(admin_client.person)
    response = admin_client.post(messages_url(shot.pk), {}, format="json")
    assert response.status_code == 400
    assert "message" in response.json()["message"]


@pytest.mark.parametrize("text", ["", "   ", 12, ["a"]])
def test_post_message_invalid(admin_client, shot, text):
    chat_of(shot).participants.add(admin_client.person)
    response = admin_client.post(messages_url(shot.pk), {"message": text}, format="json")
    assert response.status_code == 400
    assert "message" in response.json()["message"]
    assert not ChatMessage.objects.exists()


def test_post_message_not_participant(admin_client, shot):
    response = admin_client.post(messages_url(shot.pk), {"message": "Hello"}, format="json")
    assert response.status_code == 400
    assert "participant" in response.json()["message"]
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_post_message_team_roles(member, shot, role):
    client = member(role)
    chat_of(shot).participants.add(client.person)
    assert client.post(messages_url(shot.pk), {"message": "Hi"}, format="json").status_code == 201


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_post_message_outside_team(make_client, shot, role):
    client = make_client(role)
    # A participant who left the team no longer writes in the chat.
    chat_of(shot).participants.add(client.person)
    assert client.post(messages_url(shot.pk), {"message": "Hi"}, format="json").status_code == 403


def test_post_message_unknown_entity(admin_client):
    assert admin_client.post(messages_url(UNKNOWN), {"message": "Hi"}, format="json").status_code == 404


def test_post_message_without_token(api_client, shot):
    assert api_client.post(messages_url(shot.pk), {"message": "Hi"}, format="json").status_code == 401


# ---- GET/DELETE /data/entities/{entity_id}/chat/messages/{chat_message_id} -------------


def test_message_read(member, shot):
    artist = member("user")
    message = post_message(chat_of(shot), artist.person)
    row = artist.get(messages_url(shot.pk, message.pk)).json()
    assert row["id"] == str(message.pk)
    assert row["attachment_files"] == []


def test_message_of_other_entity(admin_client, shot):
    other = factories.EntityFactory(project=shot.project)
    message = post_message(chat_of(other), admin_client.person)
    assert admin_client.get(messages_url(shot.pk, message.pk)).status_code == 404


def test_message_unknown(admin_client, shot):
    assert admin_client.get(messages_url(shot.pk, UNKNOWN)).status_code == 404


def test_message_malformed(admin_client, shot):
    assert admin_client.get(messages_url(shot.pk, "nope")).status_code == 400


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_message_read_outside_team(make_client, shot, role):
    message = post_message(chat_of(shot), factories.PersonFactory())
    assert make_client(role).get(messages_url(shot.pk, message.pk)).status_code == 403


def test_message_read_without_token(api_client, shot):
    message = post_message(chat_of(shot), factories.PersonFactory())
    assert api_client.get(messages_url(shot.pk, message.pk)).status_code == 401


def test_message_delete_by_author(django_capture_on_commit_callbacks, member, shot):
    artist = member("user")
    message = post_message(chat_of(shot), artist.person)
    with django_capture_on_commit_callbacks(execute=True):
        response = artist.delete(messages_url(shot.pk, message.pk))
    assert response.status_code == 204
    assert not ChatMessage.objects.exists()
    assert ApiEvent.objects.filter(name="chat:deleted-message").count() == 1


def test_message_delete_by_admin(admin_client, member, shot):
    message = post_message(chat_of(shot), member("user").person)
    assert admin_client.delete(messages_url(shot.pk, message.pk)).status_code == 204


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_message_delete_by_other(member, shot, role):
    message = post_message(chat_of(shot), factories.PersonFactory())
    assert member(role).delete(messages_url(shot.pk, message.pk)).status_code == 403
    assert ChatMessage.objects.filter(pk=message.pk).exists()


def test_message_delete_outside_team(make_client, shot):
    client = make_client("user")
    message = post_message(chat_of(shot), client.person)
    assert client.delete(messages_url(shot.pk, message.pk)).status_code == 403


def test_message_delete_unknown(admin_client, shot):
    assert admin_client.delete(messages_url(shot.pk, UNKNOWN)).status_code == 404


def test_message_delete_without_token(api_client, shot):
    message = post_message(chat_of(shot), factories.PersonFactory())
    assert api_client.delete(messages_url(shot.pk, message.pk)).status_code == 401


# ---- generic /data/chats/ and /data/chat-messages/ ----------------------------------------


def test_generic_chat_read(admin_client, shot):
    chat = chat_of(shot)
    chat.participants.add(admin_client.person)
    row = admin_client.get(f"/api/data/chats/{chat.pk}").json()
    assert row["participants"] == [str(admin_client.person.pk)]


def test_generic_chat_filter(admin_client, shot):
    chat = chat_of(shot)
    chat_of(factories.EntityFactory())
    rows = admin_client.get("/api/data/chats/", {"object_id": str(shot.pk)}).json()
    assert [row["id"] for row in rows] == [str(chat.pk)]


def test_generic_chat_create_twice(admin_client, shot):
    body = {"object_id": str(shot.pk), "object_type": "entity"}
    assert admin_client.post("/api/data/chats/", body, format="json").status_code == 201
    assert admin_client.post("/api/data/chats/", body, format="json").status_code == 400


def test_generic_chat_create_bad_id(admin_client):
    response = admin_client.post("/api/data/chats/", {"object_id": "nope"}, format="json")
    assert response.status_code == 400
    assert "object_id" in response.json()["message"]


def test_generic_chat_unknown(admin_client):
    assert admin_client.get(f"/api/data/chats/{UNKNOWN}").status_code == 404


def test_generic_chat_delete_cascades(admin_client, shot):
    chat = chat_of(shot)
    post_message(chat, admin_client.person)
    assert admin_client.delete(f"/api/data/chats/{chat.pk}").status_code == 204
    assert not ChatMessage.objects.exists()


def test_generic_chats_queries(admin_client):
    chat_of(factories.EntityFactory())
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/api/data/chats/", {"relations": "true"})
    for _ in range(4):
        chat_of(factories.EntityFactory()).participants.add(factories.PersonFactory())
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/api/data/chats/", {"relations": "true"})
    assert len(many) == len(few)


def test_generic_message_create_sets_last_message(admin_client, shot):
    chat = chat_of(shot)
    body = {"chat_id": str(chat.pk), "person_id": str(admin_client.person.pk), "text": "raw"}
    response = admin_client.post("/api/data/chat-messages/", body, format="json")
    assert response.status_code == 201
    chat.refresh_from_db()
    assert chat.last_message is not None


def test_generic_message_create_unknown_chat(admin_client):
    body = {"chat_id": UNKNOWN, "person_id": str(admin_client.person.pk), "text": "raw"}
    response = admin_client.post("/api/data/chat-messages/", body, format="json")
    assert response.status_code == 400
    assert "chat_id" in response.json()["message"]


def test_generic_message_read_shape(admin_client, shot):
    message = post_message(chat_of(shot), admin_client.person)
    assert admin_client.get(f"/api/data/chat-messages/{message.pk}").json()["attachment_files"] == []


def test_generic_message_update(admin_client, shot):
    message = post_message(chat_of(shot), admin_client.person)
    response = admin_client.put(f"/api/data/chat-messages/{message.pk}", {"text": "Edited"}, format="json")
    assert response.json()["text"] == "Edited"


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
@pytest.mark.parametrize("path", ["/api/data/chats/", "/api/data/chat-messages/"])
def test_generic_lists_admin_only(make_client, role, path):
    assert make_client(role).get(path).status_code == 403


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_generic_message_write_admin_only(member, shot, role):
    client = member(role)
    message = post_message(chat_of(shot), client.person)
    url = f"/api/data/chat-messages/{message.pk}"
    assert client.get(url).status_code == 403
    assert client.put(url, {"text": "x"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403


def test_generic_lists_without_token(api_client):
    assert api_client.get("/api/data/chats/").status_code == 401
