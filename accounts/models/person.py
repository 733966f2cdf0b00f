from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q

from kitsu_project.db import KitsuModel


class Role(models.TextChoices):
    ADMIN = "admin", "Studio manager (admin)"
    MANAGER = "manager", "Production manager"
    SUPERVISOR = "supervisor", "Supervisor"
    ARTIST = "user", "Artist"
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"


class PersonManager(BaseUserManager):
    def create_user(self, email, password=None, **fields):
        person = self.model(email=self.normalize_email(email), **fields)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("first_name", "Super")
        fields.setdefault("last_name", "Admin")
        # Zou's create-admin command also leaves the phone and desktop login as empty strings.
        fields.setdefault("phone", "")
        fields.setdefault("desktop_login", "")
        return self.create_user(email, password, **fields)


class Person(KitsuModel, AbstractBaseUser):
    """A studio member and API user; the Django user model."""

    CONTRACT_TYPES = [
        (value, value) for value in ("open-ended", "fixed-term", "short-term", "freelance", "apprentice", "internship")
    ]
    TWO_FACTOR_METHODS = [("totp", "totp"), ("email_otp", "email_otp"), ("fido", "fido")]
    POSITIONS = [("supervisor", "supervisor"), ("lead", "lead"), ("artist", "artist")]
    SENIORITIES = [("senior", "senior"), ("mid", "mid"), ("junior", "junior")]

    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(max_length=255, null=True, blank=True)
    phone = models.CharField(max_length=30, null=True, blank=True)
    active = models.BooleanField(default=True)
    archived = models.BooleanField(default=False)
    last_presence = models.DateField(null=True, blank=True)
    desktop_login = models.CharField(max_length=80, null=True, blank=True, db_index=True)
    shotgun_id = models.IntegerField(null=True, blank=True, unique=True)
    timezone = models.CharField(max_length=50, default="Europe/Paris")
    locale = models.CharField(max_length=10, default="en_US")
    data = models.JSONField(null=True, blank=True)
    role = models.CharField(max_length=255, choices=Role.choices, default=Role.ARTIST, db_index=True)
    contract_type = models.CharField(max_length=255, choices=CONTRACT_TYPES, default="open-ended")
    position = models.CharField(max_length=255, choices=POSITIONS, null=True, blank=True, default="artist")
    seniority = models.CharField(max_length=255, choices=SENIORITIES, null=True, blank=True, default="mid")
    daily_salary = models.IntegerField(default=0, null=True, blank=True)
    has_avatar = models.BooleanField(default=False)

    notifications_enabled = models.BooleanField(default=False)
    notifications_slack_enabled = models.BooleanField(default=False)
    notifications_slack_userid = models.CharField(max_length=60, blank=True, default="")
    notifications_mattermost_enabled = models.BooleanField(default=False)
    notifications_mattermost_userid = models.CharField(max_length=60, blank=True, default="")
    notifications_discord_enabled = models.BooleanField(default=False)
    notifications_discord_userid = models.CharField(max_length=60, blank=True, default="")

    is_generated_from_ldap = models.BooleanField(default=False)
    ldap_uid = models.CharField(max_length=60, null=True, blank=True, unique=True)
    login_failed_attemps = models.IntegerField(default=0)
    last_login_failed = models.DateTimeField(null=True, blank=True)

    totp_enabled = models.BooleanField(default=False)
    totp_secret = models.CharField(max_length=32, null=True, blank=True)
    email_otp_enabled = models.BooleanField(default=False)
    email_otp_secret = models.CharField(max_length=32, null=True, blank=True)
    otp_recovery_codes = models.JSONField(null=True, blank=True)
    fido_enabled = models.BooleanField(default=False)
    fido_credentials = models.JSONField(null=True, blank=True)
    preferred_two_factor_authentication = models.CharField(
        max_length=255, choices=TWO_FACTOR_METHODS, null=True, blank=True
    )

    is_bot = models.BooleanField(default=False)
    jti = models.CharField(max_length=60, null=True, blank=True, unique=True)
    expiration_date = models.DateField(null=True, blank=True)
    studio = models.ForeignKey("accounts.Studio", null=True, blank=True, on_delete=models.SET_NULL)
    departments = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="persons", db_table="department_link"
    )

    objects = PersonManager()

    kitsu_hidden_fields = (
        "password",
        "last_login",
        "totp_secret",
        "email_otp_secret",
        "otp_recovery_codes",
        "fido_credentials",
    )
    kitsu_extra_fields = ("full_name", "fido_devices")
    kitsu_relations = ("departments",)
    kitsu_writable_relations = ("departments",)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        db_table = "person"
        ordering = ["first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=Q(is_bot=False), name="person_email_unique_for_humans"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self):
        return bool(self.active) and not self.archived

    @property
    def fido_devices(self):
        """Names of the person's registered FIDO devices (the credentials themselves stay private)."""
        credentials = self.fido_credentials or []
        return [item.get("device_name") for item in credentials if isinstance(item, dict)]

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def is_manager(self):
        return self.role == Role.MANAGER

    # The Django admin is open to studio and production managers.
    @property
    def is_staff(self):
        return self.is_active and self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_superuser(self):
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm, obj=None):
        return self.is_staff

    def has_module_perms(self, app_label):
        return self.is_staff
