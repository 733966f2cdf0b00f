"""Storage keys of the files of a preview file, in one place so uploads, reads and deletes agree.

Pictures: the uploaded original plus three PNG sizes. Movies: the uploaded
source, the normalized web movie, its low-resolution version, a tile of frames,
and the three PNG sizes of a frame. Other files: the original only.
"""

from kitsu_project.storage import file_key

PICTURE_SIZES = ("thumbnails", "thumbnails-square", "previews")


def original_key(preview, extension=None):
    """The uploaded file (pictures and other files) or the normalized movie (movies, always mp4)."""
    if preview.is_movie:
        return file_key("movies/originals", preview.pk, "mp4")
    return file_key("previews/originals", preview.pk, extension or preview.extension)


def movie_source_key(preview, extension):
    """The movie exactly as uploaded, kept so that its processing job can run again."""
    return file_key("movies/source", preview.pk, extension)


def movie_cover_key(preview):
    """The first frame of a movie as a full-size PNG, read by clients as the movie's `.png` original."""
    return file_key("previews/originals", preview.pk, "png")


def low_movie_key(preview):
    return file_key("movies/low", preview.pk, "mp4")


def tile_key(preview):
    return file_key("movies/tiles", preview.pk, "png")


def picture_key(preview, size):
    """One PNG size (`thumbnails`, `thumbnails-square` or `previews`) of a picture or of a movie's frame."""
    if size not in PICTURE_SIZES:
        raise ValueError(f"unknown picture size {size!r}")
    return file_key(f"previews/{size}", preview.pk, "png")


def preview_keys(preview):
    """Every key that may hold a file of `preview`, to delete them with the row."""
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
