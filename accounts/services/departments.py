"""Links between departments and the software licences and hardware items they use."""

import logging

from django.db import IntegrityError, transaction

logger = logging.getLogger("accounts.departments")


def department_equipment_link(*, department, item, link_model, field):
    """Link `item` (a software or hardware item) to `department` once, and return the link row."""
    lookup = {"department": department, field: item}
    link = link_model.objects.filter(**lookup).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            link = link_model.objects.create(**lookup)
    except IntegrityError:
        # A concurrent request linked them first.
        return link_model.objects.get(**lookup)
    logger.info("%s %s linked to department %s", link_model.__name__, item.pk, department.pk)
    return link


def department_equipment_unlink(*, department, item, link_model, field):
    """Remove the link between `item` and `department`, if there is one."""
    deleted, _ = link_model.objects.filter(department=department, **{field: item}).delete()
    logger.info("%s %s unlinked from department %s (%d row)", link_model.__name__, item.pk, department.pk, deleted)
