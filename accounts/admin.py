"""Django admin for people, departments, studios, the organisation and login history.

Only studio admins (role "admin") change these rows. Production managers,
who may also open the admin, view them without the private person columns
and the chat tokens, and do not see the login history. The base classes here
are shared with productions/admin.py.
"""

import logging
import uuid

from django import forms
from django.contrib import admin
from django.contrib.auth import password_validation, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.api.viewsets import ORGANISATION_SECRET_KEYS, PERSON_PRIVATE_FIELDS
from accounts.models import (
    Department,
    DesktopLoginLog,
    HardwareItem,
    HardwareItemDepartmentLink,
    LoginLog,
    LoginSession,
    LoginThrottle,
    Organisation,
    Person,
    SalaryScale,
    SamlAssertion,
    Software,
    SoftwareDepartmentLink,
    Studio,
    WebAuthnChallenge,
)
from accounts.services import two_factor
from kitsu_project.api.permissions import ADMIN_ONLY

logger = logging.getLogger("accounts.admin")

METADATA_FIELDS = ("id", "created_at", "updated_at")
METADATA_FIELDSET = ("Metadata", {"fields": METADATA_FIELDS, "classes": ("collapse",)})

# Person columns that no admin page may show or edit: the password hash, the
# two-factor secrets and the bot token id.
PERSON_SECRET_FIELDS = (
    "password",
    "totp_secret",
    "email_otp_secret",
    "otp_recovery_codes",
    "fido_credentials",
    "jti",
)


def has_role(request, roles):
    """Tell whether the request's user is active and has one of `roles`."""
    user = request.user
    return user.is_active and getattr(user, "role", None) in roles


def drop_fields(fieldsets, hidden):
    """Return `fieldsets` without the fields named in `hidden`, and without the sections left empty."""
    kept = []
    for title, options in fieldsets:
        fields = tuple(name for name in options["fields"] if name not in hidden)
        if fields:
            kept.append((title, {**options, "fields": fields}))
    return kept


class KitsuModelAdmin(admin.ModelAdmin):
    """Admin of a Kitsu table: metadata read-only, search by id, writes limited to `write_roles`.

    Every staff member (admin or manager) may view the rows.
    """

    write_roles = ADMIN_ONLY
    # Fields matched exactly when the search term is a UUID, so staff can paste an id from a Kitsu URL.
    uuid_search_fields = ("pk",)
    readonly_fields = METADATA_FIELDS
    list_per_page = 50

    def has_write_permission(self, request):
        return has_role(request, self.write_roles)

    def has_add_permission(self, request):
        return self.has_write_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_write_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_write_permission(request)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            term_uuid = uuid.UUID(search_term.strip())
        except ValueError:
            return results, may_have_duplicates

        id_matches = Q()
        for name in self.uuid_search_fields:
            id_matches |= Q(**{name: term_uuid})
        return results | queryset.filter(id_matches), may_have_duplicates


class ReadOnlyModelAdmin(KitsuModelAdmin):
    """Admin of a history table: rows are written by the server only, and only admins may view them."""

    write_roles = frozenset()

    def has_view_permission(self, request, obj=None):
        return has_role(request, ADMIN_ONLY)


class KitsuTabularInline(admin.TabularInline):
    """Inline rows of a through-model, editable by `write_roles`, which should match the parent admin's."""

    write_roles = ADMIN_ONLY
    extra = 0

    def has_add_permission(self, request, obj=None):
        return has_role(request, self.write_roles)

    def has_change_permission(self, request, obj=None):
        return has_role(request, self.write_roles)

    def has_delete_permission(self, request, obj=None):
        return has_role(request, self.write_roles)


# ---- departments, studios, organisation ------------------------------------


class SoftwareLinkInline(KitsuTabularInline):
    model = SoftwareDepartmentLink
    autocomplete_fields = ("software",)
    verbose_name = "software licence"


class HardwareItemLinkInline(KitsuTabularInline):
    model = HardwareItemDepartmentLink
    autocomplete_fields = ("hardware_item",)
    verbose_name = "hardware item"


@admin.register(Department)
class DepartmentAdmin(KitsuModelAdmin):
    list_display = ("name", "color", "archived", "updated_at")
    list_filter = ("archived",)
    search_fields = ("name",)
    inlines = (SoftwareLinkInline, HardwareItemLinkInline)


@admin.register(Software)
class SoftwareAdmin(KitsuModelAdmin):
    list_display = ("name", "short_name", "file_extension", "version", "monthly_cost", "inventory_amount", "archived")
    list_filter = ("archived", "file_extension")
    search_fields = ("name", "short_name")


@admin.register(HardwareItem)
class HardwareItemAdmin(KitsuModelAdmin):
    list_display = ("name", "short_name", "monthly_cost", "inventory_amount", "archived")
    list_filter = ("archived",)
    search_fields = ("name", "short_name")


@admin.register(SoftwareDepartmentLink)
class SoftwareDepartmentLinkAdmin(KitsuModelAdmin):
    list_display = ("software", "department", "created_at")
    list_filter = ("department",)
    search_fields = ("software__name", "department__name")
    list_select_related = ("software", "department")


@admin.register(HardwareItemDepartmentLink)
class HardwareItemDepartmentLinkAdmin(KitsuModelAdmin):
    list_display = ("hardware_item", "department", "created_at")
    list_filter = ("department",)
    search_fields = ("hardware_item__name", "department__name")
    list_select_related = ("hardware_item", "department")


@admin.register(Studio)
class StudioAdmin(KitsuModelAdmin):
    list_display = ("name", "color", "archived", "updated_at")
    list_filter = ("archived",)
    search_fields = ("name",)


@admin.register(Organisation)
class OrganisationAdmin(KitsuModelAdmin):
    list_display = ("name", "hours_by_day", "timesheets_locked", "format_duration_in_hours", "updated_at")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "hours_by_day", "timesheets_locked", "format_duration_in_hours")}),
        ("Security", {"fields": ("two_factor_authentication_required",)}),
        (
            "Display",
            {"fields": ("has_avatar", "use_original_file_name", "hd_by_default", "dark_theme_by_default")},
        ),
        ("Chat integrations", {"fields": ("chat_token_slack", "chat_webhook_mattermost", "chat_token_discord")}),
        METADATA_FIELDSET,
    )

    def has_add_permission(self, request):
        # The server keeps its settings in a single row.
        return super().has_add_permission(request) and not Organisation.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "two_factor_authentication_required" in form.changed_data and obj.two_factor_authentication_required:
            two_factor.requirement_turned_on(actor=request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if has_role(request, ADMIN_ONLY):
            return fieldsets
        # The chat tokens are secrets, hidden from managers as on the API.
        return drop_fields(fieldsets, ORGANISATION_SECRET_KEYS)


# ---- people ----------------------------------------------------------------


class PersonAdminForm(forms.ModelForm):
    """Person form with an optional new password, stored as a hash by `set_password`.

    A person added without a password gets an unusable one, as through the API.
    """

    new_password1 = forms.CharField(
        label="New password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current password.",
    )
    new_password2 = forms.CharField(
        label="New password (again)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # No Meta: PersonAdmin.get_form sets the model and the fields from its fieldsets.

    def clean_email(self):
        email = self.cleaned_data.get("email")
        if not email:
            return email
        email = email.strip()
        # The unique constraint is case-sensitive, but logins match emails in any case.
        others = Person.objects.filter(email__iexact=email, is_bot=False).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(f"A person with the email {email} already exists: use another email.")
        return email

    def clean(self):
        cleaned_data = super().clean()
        password1 = cleaned_data.get("new_password1")
        password2 = cleaned_data.get("new_password2")
        if not password1 and not password2:
            return cleaned_data
        if password1 != password2:
            self.add_error("new_password2", "The two password fields do not match.")
            return cleaned_data
        try:
            password_validation.validate_password(password1, self.instance)
        except ValidationError as error:
            self.add_error("new_password1", error)
        return cleaned_data

    @property
    def sets_password(self):
        return bool(self.cleaned_data.get("new_password1"))

    def save(self, commit=True):
        person = super().save(commit=False)
        if self.sets_password:
            person.set_password(self.cleaned_data["new_password1"])
        elif not person.password:
            person.set_unusable_password()
        if commit:
            person.save()
            self._save_m2m()
        return person


@admin.register(Person)
class PersonAdmin(KitsuModelAdmin):
    form = PersonAdminForm
    # Excluded from the form too, in case a fieldset ever lists one.
    exclude = PERSON_SECRET_FIELDS
    list_display = (
        "full_name",
        "email",
        "role",
        "studio",
        "department_names",
        "active",
        "archived",
        "is_bot",
        "last_presence",
    )
    list_display_links = ("full_name", "email")
    list_select_related = ("studio",)
    list_filter = ("role", "active", "archived", "is_bot", "departments", "studio")
    search_fields = ("first_name", "last_name", "email", "desktop_login")
    search_help_text = "Search by first name, last name, email or desktop login, or paste a person id."
    autocomplete_fields = ("studio", "departments")
    readonly_fields = (
        *METADATA_FIELDS,
        "password_status",
        "last_login",
        "login_failed_attemps",
        "last_login_failed",
        "totp_enabled",
        "email_otp_enabled",
        "fido_enabled",
        "fido_devices",
        "preferred_two_factor_authentication",
    )
    fieldsets = (
        (
            None,
            {"fields": ("first_name", "last_name", "email", "phone", "desktop_login", "role", "active", "archived")},
        ),
        (
            "Studio",
            {"fields": ("studio", "departments", "position", "seniority", "contract_type", "daily_salary")},
        ),
        ("Password", {"fields": ("password_status", "new_password1", "new_password2")}),
        (
            "Security",
            {
                "fields": (
                    "last_login",
                    "login_failed_attemps",
                    "last_login_failed",
                    "totp_enabled",
                    "email_otp_enabled",
                    "fido_enabled",
                    "fido_devices",
                    "preferred_two_factor_authentication",
                ),
                "classes": ("collapse",),
            },
        ),
        ("Bot", {"fields": ("is_bot", "expiration_date"), "classes": ("collapse",)}),
        (
            "Preferences and notifications",
            {
                "fields": (
                    "timezone",
                    "locale",
                    "notifications_enabled",
                    "notifications_slack_enabled",
                    "notifications_slack_userid",
                    "notifications_mattermost_enabled",
                    "notifications_mattermost_userid",
                    "notifications_discord_enabled",
                    "notifications_discord_userid",
                ),
                "classes": ("collapse",),
            },
        ),
        (
            "Other",
            {
                "fields": (
                    "last_presence",
                    "has_avatar",
                    "is_generated_from_ldap",
                    "ldap_uid",
                    "shotgun_id",
                    "data",
                ),
                "classes": ("collapse",),
            },
        ),
        METADATA_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    def has_delete_permission(self, request, obj=None):
        # As on the API, a person cannot delete their own account.
        return super().has_delete_permission(request, obj) and (obj is None or obj.pk != request.user.pk)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if has_role(request, ADMIN_ONLY):
            return fieldsets
        # Managers see neither the private columns (pay, contract, LDAP, 2FA state) nor the password form.
        hidden = {*PERSON_PRIVATE_FIELDS, "fido_devices", "password_status", "new_password1", "new_password2"}
        return drop_fields(fieldsets, hidden)

    @admin.display(description="Name", ordering="first_name")
    def full_name(self, person):
        return person.full_name

    @admin.display(description="Departments")
    def department_names(self, person):
        return ", ".join(department.name for department in person.departments.all())

    @admin.display(description="Password")
    def password_status(self, person):
        if not person.password:
            return "Not set"
        if person.has_usable_password():
            return "Set (hidden). Type a new one below to replace it."
        return "Not set: this person cannot log in with a password."

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not form.sets_password:
            return
        logger.info("Password of person %s set in the admin by %s", obj.pk, request.user.pk)
        if obj.pk == request.user.pk:
            # Without this, changing one's own password ends one's admin session.
            update_session_auth_hash(request, obj)


# ---- login history ---------------------------------------------------------


@admin.register(LoginLog)
class LoginLogAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "person", "origin", "ip_address")
    list_select_related = ("person",)
    list_filter = ("origin",)
    search_fields = ("person__first_name", "person__last_name", "person__email", "ip_address")
    uuid_search_fields = ("pk", "person")
    search_help_text = "Search by person name, email or IP address, or paste a log or person id."
    date_hierarchy = "created_at"


@admin.register(LoginThrottle)
class LoginThrottleAdmin(KitsuModelAdmin):
    """Failed logins per client address; deleting a row lifts that address's lock at once."""

    list_display = ("address", "failures", "last_failure_at", "created_at")
    search_fields = ("address",)
    search_help_text = "Search by IP address."
    date_hierarchy = "last_failure_at"
    fieldsets = ((None, {"fields": ("address", "failures", "last_failure_at")}), METADATA_FIELDSET)


@admin.register(LoginSession)
class LoginSessionAdmin(ReadOnlyModelAdmin):
    """The login sessions of persons: a revoked one ended with a logout or a password change."""

    list_display = ("created_at", "person", "revoked_at")
    list_select_related = ("person",)
    search_fields = ("person__first_name", "person__last_name", "person__email")
    uuid_search_fields = ("pk", "person")
    search_help_text = "Search by person name or email, or paste a session or person id."
    date_hierarchy = "created_at"


@admin.register(WebAuthnChallenge)
class WebAuthnChallengeAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "person", "purpose", "expires_at")
    list_select_related = ("person",)
    list_filter = ("purpose",)
    search_fields = ("person__first_name", "person__last_name", "person__email")
    uuid_search_fields = ("pk", "person")
    search_help_text = "Search by person name or email, or paste a challenge or person id."
    date_hierarchy = "created_at"


@admin.register(SamlAssertion)
class SamlAssertionAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "assertion_id", "person", "expires_at")
    list_select_related = ("person",)
    search_fields = ("assertion_id", "person__first_name", "person__last_name", "person__email")
    uuid_search_fields = ("pk", "person")
    search_help_text = "Search by assertion id, person name or email, or paste a person id."
    date_hierarchy = "created_at"


@admin.register(DesktopLoginLog)
class DesktopLoginLogAdmin(ReadOnlyModelAdmin):
    list_display = ("date", "person", "created_at")
    list_select_related = ("person",)
    search_fields = ("person__first_name", "person__last_name", "person__email")
    uuid_search_fields = ("pk", "person")
    search_help_text = "Search by person name or email, or paste a log or person id."
    date_hierarchy = "date"


@admin.register(SalaryScale)
class SalaryScaleAdmin(KitsuModelAdmin):
    list_display = ("department", "position", "seniority", "salary")
    list_filter = ("department", "position", "seniority")
    search_fields = ("department__name", "position", "seniority")
    list_select_related = ("department",)
