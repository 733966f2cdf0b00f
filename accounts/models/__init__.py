from .logs import DesktopLoginLog, LoginLog
from .organisation import (
    Department,
    HardwareItem,
    HardwareItemDepartmentLink,
    Organisation,
    SalaryScale,
    Software,
    SoftwareDepartmentLink,
    Studio,
)
from .person import Person, Role

__all__ = [
    "Department",
    "DesktopLoginLog",
    "HardwareItem",
    "HardwareItemDepartmentLink",
    "LoginLog",
    "Organisation",
    "Person",
    "Role",
    "SalaryScale",
    "Software",
    "SoftwareDepartmentLink",
    "Studio",
]
