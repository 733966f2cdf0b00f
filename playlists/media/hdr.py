"""A reader of Radiance HDR pictures, which Pillow cannot read, for the thumbnails of preview backgrounds."""

import functools
import math
import re

from django.conf import settings
from PIL import Image

from playlists.media.pictures import BIG_RECTANGLE_SIZE, MediaError, fit_inside, png_bytes

THUMBNAIL_SIZE = BIG_RECTANGLE_SIZE

# A Radiance file is a text header ("#?RADIANCE", "FORMAT=32-bit_rle_rgbe", a blank
# line, then a resolution line such as "-Y 512 +X 1024") followed by scanlines of
# RGBE pixels: an 8-bit mantissa per colour and a shared 8-bit exponent. A scanline
# is either flat (4 bytes per pixel, where the pixel 1,1,1,n repeats the previous
# pixel) or run-length encoded: a 2,2,<width> marker, then each of the four
# components in turn as runs (a count above 128 repeats the next byte count-128
# times) or literals (a count up to 128 copies that many bytes).

RADIANCE_SIGNATURES = (b"#?RADIANCE", b"#?RGBE")
RGBE_FORMAT = b"32-bit_rle_rgbe"
RESOLUTION_PATTERN = re.compile(rb"([-+])Y (\d+) ([-+])X (\d+)")
MAX_HEADER_LINE_BYTES = 4096
MAX_HEADER_LINES = 512
READ_CHUNK_BYTES = 1024 * 1024
# Pixels are sampled on a grid twice the thumbnail size, then scaled down with Lanczos.
SAMPLE_BOX = (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2)


class ChunkReader:
    """A reader of a binary file object in large chunks, so that scanlines are decoded from memory."""

    def __init__(self, stream):
        self.stream = stream
        self.data = b""
        self.position = 0

    def ensure(self, count):
        """Buffer at least `count` bytes from the current position, or every byte left in the file."""
        while len(self.data) - self.position < count:
            more = self.stream.read(max(READ_CHUNK_BYTES, count))
            if not more:
                return
            self.data = self.data[self.position :] + more
            self.position = 0

    def read(self, count, label):
        self.ensure(count)
        if len(self.data) - self.position < count:
            raise MediaError(f"{label} is truncated: its pixel data ends early.")
        start = self.position
        self.position += count
        return self.data[start : self.position]

    def readline(self, label):
        """Return one header line without its newline."""
        while True:
            end = self.data.find(b"\n", self.position)
            if end >= 0:
                line = self.data[self.position : end]
                self.position = end + 1
                return line
            if len(self.data) - self.position > MAX_HEADER_LINE_BYTES:
                raise MediaError(f"{label} is not a Radiance HDR picture: its header has a line that is too long.")
            before = len(self.data) - self.position
            self.ensure(before + 1)
            if len(self.data) - self.position == before:
                raise MediaError(f"{label} is not a Radiance HDR picture: its header ends early.")


def read_radiance_header(reader, label):
    """Return (width, height, top_down, left_to_right) from the header and resolution line."""
    reader.ensure(max(len(signature) for signature in RADIANCE_SIGNATURES))
    if not reader.data[reader.position :].startswith(RADIANCE_SIGNATURES):
        raise MediaError(f"{label} is not a Radiance HDR picture: it does not start with #?RADIANCE.")
    reader.readline(label)
    for _ in range(MAX_HEADER_LINES):
        line = reader.readline(label).strip()
        if not line:
            break
        if line.startswith(b"FORMAT=") and line[len(b"FORMAT=") :].strip() != RGBE_FORMAT:
            pixel_format = line[len(b"FORMAT=") :].decode("ascii", "replace")
            raise MediaError(
                f"{label} has the pixel format {pixel_format!r}: only 32-bit_rle_rgbe HDR pictures are supported."
            )
    else:
        raise MediaError(f"{label} is not a Radiance HDR picture: its header has no end.")

    resolution = reader.readline(label).strip()
    match = RESOLUTION_PATTERN.fullmatch(resolution)
    if match is None:
        resolution_text = resolution[:40].decode("ascii", "replace")
        raise MediaError(
            f"{label} has an unsupported resolution line {resolution_text!r}: expected one such as '-Y 512 +X 1024'."
        )
    y_sign, height, x_sign, width = match.groups()
    width, height = int(width), int(height)
    if width == 0 or height == 0:
        raise MediaError(f"{label} has no pixels.")
    limit = settings.KITSU_MAX_PICTURE_PIXELS
    if width * height > limit:
        raise MediaError(f"{label} is {width}x{height} pixels, more than the limit of {limit} pixels.")
    return width, height, y_sign == b"-", x_sign == b"+"


def read_rle_scanline(reader, width, keep, label):
    """Decode one run-length encoded scanline (after its 4-byte marker) into four component planes.

    With `keep` False the scanline is only skipped and None is returned.
    """
    # The maximum length of an encoded scanline: every byte a literal, with one count byte per 128 bytes.
    reader.ensure(4 * (width + math.ceil(width / 128)))
    data, position = reader.data, reader.position
    end_of_data = len(data)
    planes = [] if keep else None
    for _ in range(4):
        parts = [] if keep else None
        filled = 0
        while filled < width:
            if position >= end_of_data:
                raise MediaError(f"{label} is truncated: its pixel data ends early.")
            count = data[position]
            position += 1
            if count > 128:
                count -= 128
                if keep:
                    parts.append(data[position : position + 1] * count)
                position += 1
            else:
                if count == 0:
                    raise MediaError(f"{label} is invalid: a scanline has a run of length 0.")
                if keep:
                    parts.append(data[position : position + count])
                position += count
            filled += count
        if position > end_of_data:
            raise MediaError(f"{label} is truncated: its pixel data ends early.")
        if filled > width:
            raise MediaError(f"{label} is invalid: a scanline contains more pixels than the picture's width.")
        if keep:
            planes.append(b"".join(parts))
    reader.position = position
    return planes


def read_flat_scanline(reader, width, keep, label):
    """Decode one scanline of 4-byte pixels, where the pixel 1,1,1,n repeats the previous one, into four planes."""
    reader.ensure(4 * width)
    chunk = reader.data[reader.position : reader.position + 4 * width]
    reds = chunk[0::4]
    if not has_repeat_marker(chunk, reds):
        if len(chunk) < 4 * width:
            raise MediaError(f"{label} is truncated: its pixel data ends early.")
        reader.position += 4 * width
        return [chunk[0::4], chunk[1::4], chunk[2::4], chunk[3::4]] if keep else None

    # The old run-length encoding: each repeat marker in a row shifts its count 8 more bits.
    pixels = bytearray()
    shift = 0
    while len(pixels) < 4 * width:
        pixel = reader.read(4, label)
        if pixel[0] == 1 and pixel[1] == 1 and pixel[2] == 1:
            repeat = pixel[3] << shift
            if not pixels or len(pixels) + 4 * repeat > 4 * width:
                raise MediaError(f"{label} is invalid: a scanline repeats pixels past its width.")
            pixels += pixels[-4:] * repeat
            shift += 8
        else:
            pixels += pixel
            shift = 0
    pixels = bytes(pixels)
    return [pixels[0::4], pixels[1::4], pixels[2::4], pixels[3::4]] if keep else None


def has_repeat_marker(chunk, reds):
    """Return True when a pixel of `chunk` is 1,1,1,n (red, green and blue all 1)."""
    index = reds.find(1)
    while index >= 0:
        if chunk[4 * index + 1 : 4 * index + 3] == b"\x01\x01":
            return True
        index = reds.find(1, index + 1)
    return False


def read_scanline(reader, width, keep, label):
    reader.ensure(4)
    head = reader.data[reader.position : reader.position + 4]
    is_rle = (
        8 <= width <= 0x7FFF and len(head) == 4 and head[0] == 2 and head[1] == 2 and (head[2] << 8 | head[3]) == width
    )
    if is_rle:
        reader.position += 4
        return read_rle_scanline(reader, width, keep, label)
    return read_flat_scanline(reader, width, keep, label)


@functools.cache
def tone_table():
    """Map (exponent << 8 | mantissa) to an 8-bit value: the radiance clamped to 0..1 with a 2.2 gamma."""
    table = bytearray(256 * 256)
    for exponent in range(1, 256):
        for mantissa in range(256):
            radiance = min(1.0, math.ldexp(mantissa + 0.5, exponent - 136))
            table[exponent << 8 | mantissa] = round(255 * radiance ** (1 / 2.2))
    return bytes(table)


def sample_size(width, height):
    """Return the size of the sampling grid: the picture fitted in SAMPLE_BOX, never larger than the picture."""
    scale = min(1.0, SAMPLE_BOX[0] / width, SAMPLE_BOX[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def hdr_sample(source, *, label="the file"):
    """Read a Radiance HDR picture from a binary file object and return a tone-mapped RGB Pillow image.

    The image is sampled from the picture on a grid of at most SAMPLE_BOX pixels.
    Raises MediaError with the reason for a file that is not a supported HDR picture.
    """
    reader = ChunkReader(source)
    width, height, top_down, left_to_right = read_radiance_header(reader, label)
    sample_width, sample_height = sample_size(width, height)
    columns = [min(width - 1, int((index + 0.5) * width / sample_width)) for index in range(sample_width)]
    sampled_rows = {min(height - 1, int((index + 0.5) * height / sample_height)) for index in range(sample_height)}
    table = tone_table()

    rows = []
    for scanline in range(height):
        keep = scanline in sampled_rows
        planes = read_scanline(reader, width, keep, label)
        if not keep:
            continue
        reds, greens, blues, exponents = planes
        row = bytearray(3 * sample_width)
        for index, column in enumerate(columns):
            exponent = exponents[column] << 8
            row[3 * index] = table[exponent | reds[column]]
            row[3 * index + 1] = table[exponent | greens[column]]
            row[3 * index + 2] = table[exponent | blues[column]]
        rows.append(bytes(row))

    image = Image.frombytes("RGB", (sample_width, sample_height), b"".join(rows))
    if not top_down:
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    if not left_to_right:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return image


def hdr_thumbnail(source, *, label="the file"):
    """Return the PNG bytes of the thumbnail of an HDR picture, fitted in 300x200 pixels with its proportions."""
    return png_bytes(fit_inside(hdr_sample(source, label=label), THUMBNAIL_SIZE))
