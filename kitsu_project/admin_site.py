"""The Django admin site, which requires a second factor from the staff who have one or must have one."""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminAuthenticationForm


def second_factor_needed(person):
    """Tell whether `person` must give a code to use the admin: they have a method on, or the studio requires one."""
    # Imported here: this module is loaded while the apps are being set up.
    from accounts.models import Organisation
    from accounts.services import two_factor

    # A filter, not Organisation.get_default(), which would create the settings row on a first admin visit.
    required = Organisation.objects.filter(two_factor_authentication_required=True).exists()
    return two_factor.has_two_factor(person) or required


class KitsuAdminAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin login form with django-otp's code field, which is checked only when `second_factor_needed`.

    The admin accepts TOTP and email codes, the devices django-otp manages, but
    not recovery codes or security keys.
    """

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        person = self.get_user()
        if person is not None and second_factor_needed(person):
            self.clean_otp(person)
        return self.cleaned_data


class KitsuAdminSite(AdminSite):
    login_form = KitsuAdminAuthenticationForm
    # django-otp's admin login page, which shows the device and code fields.
    login_template = "otp/admin111/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        # The admin checks the permission at least twice per page, so the result is stored on the request.
        if not hasattr(request, "kitsu_second_factor_needed"):
            request.kitsu_second_factor_needed = second_factor_needed(request.user)
        # A staff member who must give a code is kept out until a device verified this session.
        return not request.kitsu_second_factor_needed or request.user.is_verified()
