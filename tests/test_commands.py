"""Operator commands: init_data, create_admin and ensure_admin."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Department, Person
from productions import defaults
from productions.models import EntityType, ProjectStatus, TaskStatus, TaskType

pytestmark = pytest.mark.django_db


def run(command, *args, **options):
    output = io.StringIO()
    call_command(command, *args, stdout=output, **options)
    return output.getvalue()


def test_init_data_creates_defaults():
    run("init_data")
    assert ProjectStatus.objects.filter(name__in=["Open", "Closed"]).count() == 2
    assert TaskStatus.objects.filter(short_name="todo", is_default=True).exists()
    assert TaskType.objects.count() == len(defaults.TASK_TYPES)
    assert EntityType.objects.filter(name="Shot").exists()
    assert Department.objects.count() == len(defaults.DEPARTMENTS)


def test_init_data_twice_creates_nothing_twice():
    run("init_data")
    counts = [model.objects.count() for model in (ProjectStatus, TaskStatus, TaskType, EntityType, Department)]
    output = run("init_data")
    assert "0 row(s) created" in output
    assert [model.objects.count() for model in (ProjectStatus, TaskStatus, TaskType, EntityType, Department)] == counts


def test_init_data_links_task_type_departments():
    run("init_data")
    assert TaskType.objects.get(name="Modeling").department.name == "Modeling"


def test_create_admin_creates_admin():
    run("create_admin", "boss@example.com", password="Boss-Password-1")
    person = Person.objects.get(email="boss@example.com")
    assert person.role == "admin"
    assert person.check_password("Boss-Password-1")
    assert (person.phone, person.desktop_login) == ("", "")


def test_create_admin_promotes_existing_person():
    Person.objects.create_user("artist@example.com", "Artist-Password-1", first_name="A", last_name="B")
    run("create_admin", "artist@example.com")
    person = Person.objects.get(email="artist@example.com")
    assert person.role == "admin"
    assert person.check_password("Artist-Password-1")


def test_create_admin_generates_password_once():
    output = run("create_admin", "new@example.com")
    generated = output.rsplit(": ", 1)[1].strip()
    assert Person.objects.get(email="new@example.com").check_password(generated)


def test_create_admin_bad_email():
    with pytest.raises(CommandError, match="Invalid email"):
        run("create_admin", "not-an-email", password="Boss-Password-1")


def test_create_admin_short_password():
    with pytest.raises(CommandError, match="password"):
        run("create_admin", "boss@example.com", password="abc")


def test_ensure_admin_uses_environment(monkeypatch):
    monkeypatch.setenv("KITSU_ADMIN_EMAIL", "first@example.com")
    monkeypatch.setenv("KITSU_ADMIN_PASSWORD", "First-Password-1")
    output = run("ensure_admin")
    assert "First-Password-1" not in output
    assert Person.objects.get(email="first@example.com").check_password("First-Password-1")


def test_ensure_admin_prints_generated_password(monkeypatch):
    monkeypatch.delenv("KITSU_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("KITSU_ADMIN_PASSWORD", raising=False)
    output = run("ensure_admin")
    generated = output.strip().rsplit("/ ", 1)[1].split(" ")[0]
    assert Person.objects.get(email="admin@example.com").check_password(generated)


def test_ensure_admin_keeps_existing_admin(monkeypatch):
    monkeypatch.setenv("KITSU_ADMIN_EMAIL", "second@example.com")
    run("create_admin", "boss@example.com", password="Boss-Password-1")
    output = run("ensure_admin")
    assert "already exists" in output
    assert not Person.objects.filter(email="second@example.com").exists()


def test_generated_password_is_alphanumeric(monkeypatch):
    monkeypatch.delenv("KITSU_ADMIN_PASSWORD", raising=False)
    output = run("ensure_admin")
    generated = output.strip().rsplit("/ ", 1)[1].split(" ")[0]
    assert generated.isalnum()
