from django.contrib.auth import password_validation
from rest_framework import serializers

from accounts.models import Department, Organisation, Person, Studio
from kitsu_project.api.serializers import KitsuModelSerializer, serializer_for

DepartmentSerializer = serializer_for(Department)
StudioSerializer = serializer_for(Studio)
OrganisationSerializer = serializer_for(Organisation)


class PersonSerializer(KitsuModelSerializer):
    """A person; `password` may be sent on create and is stored hashed, never returned."""

    password = serializers.CharField(write_only=True, required=False, allow_blank=False, trim_whitespace=False)

    class Meta:
        model = Person
        exclude = ("last_login", "departments")
        read_only_fields = ("login_failed_attemps", "last_login_failed", "jti")

    def validate_email(self, value):
        if value:
            value = value.strip()
            others = Person.objects.filter(email__iexact=value, is_bot=False)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise serializers.ValidationError(f"a person with the email {value} already exists.")
        return value

    def validate_password(self, value):
        password_validation.validate_password(value, self.instance)
        return value

    def create(self, validated_data):
        password = validated_data.pop("password", None)
        person = Person(**validated_data)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save()
        return person

    def update(self, instance, validated_data):
        password = validated_data.pop("password", None)
        person = super().update(instance, validated_data)
        if password:
            person.set_password(password)
            person.save(update_fields=["password", "updated_at"])
        return person
