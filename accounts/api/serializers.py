import re
import zoneinfo

from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Department, Organisation, Person, Studio
from accounts.services import two_factor
from kitsu_project.api.serializers import KitsuModelSerializer, serializer_for

DepartmentSerializer = serializer_for(Department)
StudioSerializer = serializer_for(Studio)
OrganisationSerializer = serializer_for(Organisation)

# A language code with an optional region, as Kitsu stores it (en_US, fr_FR, ja).
LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Z][A-Za-z]{1,3})?$")


class PersonSerializer(KitsuModelSerializer):
    """A person; `password` may be sent on create and is stored hashed, never returned."""

    password = serializers.CharField(
        write_only=True, required=False, allow_null=True, allow_blank=False, trim_whitespace=False
    )

    class Meta:
        model = Person
        exclude = ("last_login", "departments")
        # The two-factor columns change only through the /auth routes, which ask for a code, and the admin's
        # disable route: a PUT could otherwise turn a method off without a code, or on without a secret.
        read_only_fields = (
            "login_failed_attemps",
            "last_login_failed",
            "jti",
            "totp_enabled",
            "totp_secret",
            "email_otp_enabled",
            "email_otp_secret",
            "fido_enabled",
            "fido_credentials",
            "otp_recovery_codes",
        )
        # Gazu's new_bot sends an empty last name, which the reference accepts.
        extra_kwargs = {"last_name": {"allow_blank": True}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        current = self.instance
        becomes_active = attrs.get("active", current.active if current else True) and not attrs.get(
            "is_bot", current.is_bot if current else False
        )
        was_active = self.instance is not None and self.instance.active and not self.instance.is_bot
        if becomes_active and not was_active:
            active = Person.objects.filter(active=True, is_bot=False).count()
            if active >= settings.KITSU_USER_LIMIT:
                raise serializers.ValidationError(
                    {
                        "active": [
                            f"the limit of {settings.KITSU_USER_LIMIT} active persons is reached: "
                            "deactivate someone first or raise KITSU_USER_LIMIT."
                        ]
                    }
                )
        return attrs

    def to_representation(self, instance):
        row = super().to_representation(instance)
        public_keys = self.context.get("public_keys")
        if public_keys is not None:
            row = {key: value for key, value in row.items() if key in public_keys}
            row.setdefault("departments", [])
        return row

    def validate_timezone(self, value):
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(f"unknown time zone {value!r}, expected e.g. Europe/Paris.") from None
        return value

    def validate_locale(self, value):
        if not LOCALE_PATTERN.match(value or ""):
            raise serializers.ValidationError(f"invalid locale {value!r}, expected e.g. en_US or fr_FR.")
        return value

    def validate_expiration_date(self, value):
        unchanged = self.instance is not None and self.instance.expiration_date == value
        if value is not None and not unchanged and value < timezone.localdate():
            raise serializers.ValidationError(f"{value.isoformat()} is in the past: expected today or a later date.")
        return value

    def validate_email(self, value):
        if value:
            value = value.strip().lower()
            others = Person.objects.filter(email__iexact=value, is_bot=False)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise serializers.ValidationError(f"a person with the email {value} already exists.")
        return value

    def validate_preferred_two_factor_authentication(self, value):
        enabled = [] if self.instance is None else two_factor.enabled_methods(self.instance)
        if value and value not in enabled:
            raise serializers.ValidationError(f"{value!r} is not one of the enabled methods: {enabled[1:] or 'none'}.")
        return value

    def validate_password(self, value):
        # Gazu sends `"password": null` for a person who does not log in with a password.
        if value is not None:
            password_validation.validate_password(value, self.instance)
        return value

    def create(self, validated_data):
        password = validated_data.pop("password", None)
        person = Person(**validated_data)
        # A bot authenticates only with its token, never with a password.
        if password and not person.is_bot:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save()
        self.save_relations(person)
        return person

    def update(self, instance, validated_data):
        password = validated_data.pop("password", None)
        person = super().update(instance, validated_data)
        if password:
            person.set_password(password)
            person.save(update_fields=["password", "updated_at"])
        return person
