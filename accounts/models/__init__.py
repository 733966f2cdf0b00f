from .logs import DesktopLoginLog, LoginLog
from .organisation import Department, Organisation, SalaryScale, Studio
from .person import Person, Role

__all__ = ["Department", "DesktopLoginLog", "LoginLog", "Organisation", "Person", "Role", "SalaryScale", "Studio"]
