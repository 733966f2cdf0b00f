from .jobs import DataImportError, ImportJob

__all__ = ["DataImportError", "ImportJob"]
