"""JSON request parsing that rejects numbers no column or JSON encoder can hold."""

import codecs
import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The range of a signed 64-bit integer, the widest integer PostgreSQL, SQLite and orjson store.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def checked_int(text):
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ParseError(f"JSON parse error - the number {text} is too large: numbers must fit in 64 bits.")
    return value


class KitsuJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return json.loads(text, parse_int=checked_int)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
