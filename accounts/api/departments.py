"""Studio equipment: the /data/softwares and /data/hardware-items collections, and the
software licences and hardware items each department uses, for budget forecasts.

`urlpatterns` go under /api/data/, before the generic /data/departments routes.
"""

from collections import defaultdict

from django.urls import re_path
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, HardwareItem, HardwareItemDepartmentLink, Software, SoftwareDepartmentLink
from accounts.services import departments as department_services
from kitsu_project.api.permissions import ADMIN, ALL_ROLES
from kitsu_project.api.serialization import serialize_row
from kitsu_project.api.serializers import serializer_for
from kitsu_project.api.viewsets import KitsuModelViewSet, body_id, parse_path_id, path_row, request_body

from .person_actions import ADMIN_REQUIRED


class SoftwareViewSet(KitsuModelViewSet):
    """Everyone reads the softwares (working files name theirs); admins write them."""

    queryset = Software.objects.all()
    serializer_class = serializer_for(Software)
    read_roles = ALL_ROLES


class HardwareItemViewSet(KitsuModelViewSet):
    """Admins only: the studio's equipment and its costs."""

    queryset = HardwareItem.objects.all()
    serializer_class = serializer_for(HardwareItem)
    read_roles = frozenset({ADMIN})


class DepartmentEquipment:
    """The model, link model and labels that set the software routes of a department apart from its hardware routes."""

    def __init__(self, model, link_model, field, label):
        self.model = model
        self.link_model = link_model
        self.field = field  # the link's foreign key to the equipment row
        self.label = label

    @property
    def id_key(self):
        return f"{self.field}_id"


SOFTWARE = DepartmentEquipment(Software, SoftwareDepartmentLink, "software", "software")
HARDWARE = DepartmentEquipment(HardwareItem, HardwareItemDepartmentLink, "hardware_item", "hardware item")


class DepartmentEquipmentView(APIView):
    """Base of the admin-only routes; `equipment` selects software licences or hardware items."""

    permission_classes = [IsAuthenticated]
    equipment = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.role != ADMIN:
            raise PermissionDenied(ADMIN_REQUIRED)

    def load_department(self, department_id):
        return path_row(Department.objects.all(), department_id, "department")

    def load_item(self, item_id):
        item = self.equipment.model.objects.filter(pk=item_id).first()
        if item is None:
            raise NotFound(f"No {self.equipment.label} has the id {item_id}.")
        return item


class AllDepartmentsEquipmentView(DepartmentEquipmentView):
    """GET: {department id: [rows]} for every department that uses at least one."""

    def get(self, request):
        field = self.equipment.field
        links = self.equipment.link_model.objects.select_related(field).order_by(f"{field}__name")
        by_department = defaultdict(list)
        for link in links:
            by_department[str(link.department_id)].append(serialize_row(getattr(link, field)))
        return Response(by_department)


class DepartmentEquipmentAddView(DepartmentEquipmentView):
    """POST {<software_id | hardware_item_id>}: link the row to the department (once) and return the link."""

    def post(self, request, department_id):
        department = self.load_department(department_id)
        item_id = body_id(request_body(request), self.equipment.id_key)
        item = self.load_item(item_id)
        link = department_services.department_equipment_link(
            department=department, item=item, link_model=self.equipment.link_model, field=self.equipment.field
        )
        return Response(serialize_row(link), status=status.HTTP_201_CREATED)


class DepartmentEquipmentItemView(DepartmentEquipmentView):
    """GET the linked row; DELETE the link (204 even when there was none, as the reference does)."""

    def get(self, request, department_id, item_id):
        department = self.load_department(department_id)
        item = self.load_item(parse_path_id(item_id))
        if not self.equipment.link_model.objects.filter(department=department, **{self.equipment.field: item}).exists():
            raise NotFound(f"The department {department.pk} does not use the {self.equipment.label} {item.pk}.")
        return Response(serialize_row(item))

    def delete(self, request, department_id, item_id):
        department = self.load_department(department_id)
        item = self.load_item(parse_path_id(item_id))
        department_services.department_equipment_unlink(
            department=department, item=item, link_model=self.equipment.link_model, field=self.equipment.field
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


DEPARTMENT = r"^departments/(?P<department_id>[^/]+)"

urlpatterns = []
for segment, equipment in (("software-licenses", SOFTWARE), ("hardware-items", HARDWARE)):
    urlpatterns += [
        re_path(rf"^departments/{segment}/?$", AllDepartmentsEquipmentView.as_view(equipment=equipment)),
        re_path(rf"{DEPARTMENT}/{segment}/?$", DepartmentEquipmentAddView.as_view(equipment=equipment)),
        re_path(
            rf"{DEPARTMENT}/{segment}/(?P<item_id>[^/]+)/?$",
            DepartmentEquipmentItemView.as_view(equipment=equipment),
        ),
    ]
