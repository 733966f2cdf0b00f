from .jobs import MediaJob
from .playlists import BuildJob, Playlist
from .previews import (
    AttachmentFile,
    CommentPreviewLink,
    PreviewBackgroundFile,
    PreviewFile,
    ProjectPreviewBackgroundFileLink,
)

__all__ = [
    "AttachmentFile",
    "BuildJob",
    "CommentPreviewLink",
    "MediaJob",
    "Playlist",
    "PreviewBackgroundFile",
    "PreviewFile",
    "ProjectPreviewBackgroundFileLink",
]
