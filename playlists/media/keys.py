"""Storage keys of the files of a preview file, in one place so uploads, reads and deletes agree.

Pictures: the uploaded original plus three PNG sizes. Movies: the uploaded
source, the normalized web movie, its low-resolution version, a tile of frames,
and the three PNG sizes of a frame. Other files: the original only.
"""

from kitsu_project.storage import file_key

PICTURE_SIZES = ("thumbnails", "thumbnails-square", "previews")


def original_key(preview, extension=None):
    """Return the key of the uploaded file (pictures and other files) or of the normalized movie (always mp4)."""
    if preview.is_movie:
        return file_key("movies/originals", preview.pk, "mp4")
    return file_key("previews/originals", preview.pk, extension or preview.extension)


def movie_source_key(preview, extension):
    """Return the key of the movie exactly as uploaded, kept so that its processing job can run again."""
    return file_key("movies/source", preview.pk, extension)


def movie_cover_key(preview):
    """Return the key of a movie's first frame as a full-size PNG, which clients read as its `.png` original."""
    return file_key("previews/originals", preview.pk, "png")


def low_movie_key(preview):
    return file_key("movies/low", preview.pk, "mp4")


def tile_key(preview):
    return file_key("movies/tiles", preview.pk, "png")


def picture_key(preview, size):
    """Return the key of one PNG size (`thumbnails`, `thumbnails-square` or `previews`) of a picture or frame."""
    if size not in PICTURE_SIZES:
        raise ValueError(f"unknown picture size {size!r}")
    return file_key(f"previews/{size}", preview.pk, "png")


def preview_keys(preview):
    """Return every key that may contain a file of `preview`, to delete them with the row."""
    keys = [picture_key(preview, size) for size in PICTURE_SIZES]
    if preview.extension:
        keys.append(file_key("previews/originals", preview.pk, preview.extension))
        keys.append(movie_source_key(preview, preview.extension))
    keys += [
        file_key("movies/originals", preview.pk, "mp4"),
        low_movie_key(preview),
        tile_key(preview),
        movie_cover_key(preview),
    ]
    return list(dict.fromkeys(keys))
