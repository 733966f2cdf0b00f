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
from .security import LoginSession, LoginThrottle, SamlAssertion, WebAuthnChallenge

__all__ = [
    "Department",
    "DesktopLoginLog",
    "HardwareItem",
    "HardwareItemDepartmentLink",
    "LoginLog",
    "LoginSession",
    "LoginThrottle",
    "Organisation",
    "Person",
    "Role",
    "SalaryScale",
    "SamlAssertion",
    "Software",
    "SoftwareDepartmentLink",
    "Studio",
    "WebAuthnChallenge",
]
