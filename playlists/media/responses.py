"""HTTP responses that stream a stored file, with byte ranges for movie players.

Files are read from the file storage in chunks, so a large movie is never read
into memory whole. A `Range: bytes=...` header with one range returns 206 with
that part; a range past the end of the file returns 416.
"""

import mimetypes
import re
from urllib.parse import quote

from django.http import JsonResponse, StreamingHttpResponse
from rest_framework.exceptions import NotFound

from kitsu_project.api.errors import error_body
from kitsu_project.storage import open_file, stored_size

CHUNK_SIZE = 256 * 1024
# Stored media of a preview never changes under its key, but access rights can: clients cache privately only.
CACHE_CONTROL = "private, max-age=3600"
RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_type_of(extension):
    """Guess the media type of a file extension, `application/octet-stream` when unknown."""
    guessed, _ = mimetypes.guess_type(f"file.{extension}", strict=False)
    return guessed or "application/octet-stream"


def parse_range(header, size):
    """Return (start, end) inclusive of a single `bytes=` range, None to send the whole file, or "invalid".

    Several ranges, or a header that is not a byte range, are ignored (the
    whole file is sent, as HTTP allows). A range that starts past the end is
    "invalid", which becomes a 416.
    """
    if not header:
        return None
    match = RANGE_PATTERN.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        # A suffix range: the last N bytes.
        length = int(last)
        if length == 0 or size == 0:
            return "invalid"
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last != "" else size - 1
    if start >= size or end < start:
        return "invalid"
    return start, min(end, size - 1)


def read_chunks(handle, start, length):
    """Yield `length` bytes of `handle` from `start`, then close it."""
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def attachment_header(file_name):
    """Build the Content-Disposition header of a download, with an ASCII fallback and the UTF-8 name."""
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace('"', "").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def stored_file_response(request, key, *, content_type, download_name=None, missing="The file was not found."):
    """Stream the stored file `key`, or the byte range that the request names.

    Raises NotFound (404 JSON) with the message `missing` when no file is stored
    under `key`. `download_name` sends it as an attachment with that name.
    """
    try:
        size = stored_size(key)
        handle = open_file(key)
    except (FileNotFoundError, OSError):
        raise NotFound(missing) from None

    byte_range = parse_range(request.META.get("HTTP_RANGE"), size)
    if byte_range == "invalid":
        handle.close()
        response = JsonResponse(
            error_body(f"The range {request.META.get('HTTP_RANGE')!r} is outside the file, which has {size} bytes."),
            status=416,
        )
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response

    if byte_range is None:
        start, end, status = 0, size - 1, 200
    else:
        start, end = byte_range
        status = 206
    length = max(0, end - start + 1)
    response = StreamingHttpResponse(read_chunks(handle, start, length), status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = CACHE_CONTROL
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    if download_name:
        response["Content-Disposition"] = attachment_header(download_name)
    return response
