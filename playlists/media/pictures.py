"""Pictures with Pillow: open an upload safely and make the thumbnail and preview sizes.

Sizes follow the reference: a 150x100 thumbnail, a 100x100 square thumbnail,
a preview 1200 pixels wide, and 300x200 / 400x400 avatars.
"""

import io
import warnings

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

RECTANGLE_SIZE = (150, 100)
SQUARE_SIZE = (100, 100)
PREVIEW_WIDTH = 1200
AVATAR_SIZE = (400, 400)
BIG_RECTANGLE_SIZE = (300, 200)


class MediaError(Exception):
    """A file the server cannot turn into review media; its message explains why, for the client and the job log."""


def open_picture(source, *, label="the file"):
    """Decode a picture from a path or a binary file object and return it in RGB or RGBA.

    Raises MediaError for a file that is not a picture Pillow reads, a truncated
    one, or one above `KITSU_MAX_PICTURE_PIXELS` (checked before decoding pixels).
    """
    limit = settings.KITSU_MAX_PICTURE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
            width, height = image.size
            if width * height > limit:
                raise MediaError(f"{label} is {width}x{height} pixels, more than the limit of {limit} pixels.")
            image.load()
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(f"{label} has more pixels than the limit of {limit}.") from None
    except UnidentifiedImageError:
        raise MediaError(f"{label} is not a picture that can be read.") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise MediaError(f"{label} is damaged or truncated: {error}.") from None
    if width == 0 or height == 0:
        raise MediaError(f"{label} has no pixels.")
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    return image


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def jpeg_bytes(image, quality=90):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def fit_inside(image, size):
    """Return a copy of `image` scaled down (never up) to fit in `size`, keeping its proportions."""
    copy = image.copy()
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    return copy


def cover(image, size):
    """Return a copy of `image` scaled and cropped from its centre to exactly `size`."""
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS)


def preview_size(image, width=PREVIEW_WIDTH):
    """Return a copy `width` pixels wide (or the original width when smaller), keeping its proportions."""
    if image.width <= width:
        return image.copy()
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def picture_sizes(image):
    """Return the PNG bytes of the thumbnail, the square thumbnail and the preview of a picture."""
    return {
        "thumbnails": png_bytes(cover(image, RECTANGLE_SIZE)),
        "thumbnails-square": png_bytes(cover(image, SQUARE_SIZE)),
        "previews": png_bytes(preview_size(image)),
    }
