"""Movies with ffmpeg and ffprobe: probe an upload, normalize it for web playback, cut frames and tiles.

Every command runs as an argument list (never through a shell) with the
timeout `KITSU_MEDIA_TIMEOUT_SECONDS`. A failure raises MediaError with a
message for the client and the job, and keeps the last lines of ffmpeg's
stderr in `MediaError.details` for the job log.
"""

import json
import logging
import math
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from django.conf import settings

from .pictures import MediaError

logger = logging.getLogger("playlists")

# Lines of ffmpeg's stderr kept for an error.
STDERR_TAIL_LINES = 20
# Width of the low-resolution movie that the review player loads first.
LOW_MOVIE_WIDTH = 1280
# The tile is a sprite of small frames the player shows when scrubbing.
TILE_HEIGHT = 100
TILE_COLUMNS = 8
TILE_MAX_ROWS = 480
# Keyframe interval in frames: short, so the review player steps frame by frame without long decodes.
KEYFRAME_INTERVAL = 2


class MovieError(MediaError):
    """A media command that failed; `details` keeps the end of its stderr."""

    def __init__(self, message, details=""):
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class MovieInfo:
    """Size, duration, rate, frame count and codec of the first video stream of a movie, as ffprobe reports them."""

    width: int
    height: int
    duration: float
    fps: float
    frame_count: int
    codec: str
    pixel_format: str
    has_audio: bool


def stderr_tail(stderr, lines=STDERR_TAIL_LINES):
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else (stderr or "")
    return "\n".join(text.strip().splitlines()[-lines:])


def run_media_command(arguments, *, action):
    """Run ffmpeg or ffprobe with `arguments` and return its stdout bytes.

    `action` names the step in errors ("normalize the movie"). Raises MovieError
    when the program is missing, times out or exits with an error.
    """
    timeout = settings.KITSU_MEDIA_TIMEOUT_SECONDS
    logger.debug("Running %s", " ".join(str(argument) for argument in arguments))
    try:
        completed = subprocess.run(
            [str(argument) for argument in arguments],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise MovieError(
            f"Could not {action}: the program {arguments[0]!r} is not installed (see KITSU_FFMPEG and KITSU_FFPROBE)."
        ) from None
    except subprocess.TimeoutExpired as error:
        raise MovieError(
            f"Could not {action}: the command timed out after {timeout} seconds (KITSU_MEDIA_TIMEOUT_SECONDS).",
            stderr_tail(error.stderr),
        ) from None
    if completed.returncode != 0:
        details = stderr_tail(completed.stderr)
        last_line = details.splitlines()[-1] if details else f"exit status {completed.returncode}"
        # ffmpeg starts its messages with the server's temporary file paths, which mean nothing to a user.
        for argument in arguments:
            if isinstance(argument, Path) or str(argument).startswith("/"):
                last_line = last_line.replace(f"{argument}: ", "")
        raise MovieError(f"Could not {action}: {last_line}", details)
    return completed.stdout


def parse_rate(text):
    """Frames per second from ffprobe's "num/den" text; 0 when unknown."""
    try:
        rate = Fraction(text or "0")
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(rate) if rate > 0 else 0.0


def probe_movie(path, *, label="the movie"):
    """Return the MovieInfo of the movie at `path`.

    Raises MovieError when ffprobe cannot read it, when it has no video stream,
    or when that stream has no frame.
    """
    output = run_media_command(
        [
            settings.KITSU_FFPROBE,
            "-v",
            "error",
            "-count_packets",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
            str(path),
        ],
        action=f"read {label}",
    )
    try:
        report = json.loads(output or b"{}")
    except ValueError:
        raise MovieError(f"Could not read {label}: ffprobe returned no readable report.") from None
    streams = report.get("streams") or []
    video = next((stream for stream in streams if stream.get("codec_type") == "video"), None)
    if video is None:
        raise MovieError(f"{label.capitalize()} has no video stream.")
    width = int(video.get("width") or 0)
    height = int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise MovieError(f"{label.capitalize()} has a video stream without a picture size.")

    frame_count = int(video.get("nb_frames") or video.get("nb_read_packets") or 0)
    if frame_count <= 0:
        raise MovieError(f"{label.capitalize()} has no video frame.")
    fps = parse_rate(video.get("avg_frame_rate")) or parse_rate(video.get("r_frame_rate"))
    duration = float(video.get("duration") or (report.get("format") or {}).get("duration") or 0)
    if duration <= 0 and fps > 0:
        duration = frame_count / fps
    return MovieInfo(
        width=width,
        height=height,
        duration=duration,
        fps=fps,
        frame_count=frame_count,
        codec=video.get("codec_name") or "",
        pixel_format=video.get("pix_fmt") or "",
        has_audio=any(stream.get("codec_type") == "audio" for stream in streams),
    )


def even(value):
    """Round `value` up to an even number of at least 2 (H.264 in yuv420p needs even sizes)."""
    value = max(2, int(value))
    return value + 1 if value % 2 else value


def fitted_size(info, width, height):
    """Compute the even output size of a movie for a project resolution; None keeps the source size.

    With only a height, the width follows the source's display proportions.
    """
    if height is None:
        return even(info.width), even(info.height)
    if width is None:
        width = math.floor(info.width * height / info.height)
    return even(width), even(height)


def scale_filter(width, height):
    """Scale into width x height keeping proportions, then pad the rest in black."""
    return (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1"
    )


def h264_arguments(*, fps, quality):
    """Encoder options for an H.264 yuv420p mp4 that browsers play and seek in (moov atom first)."""
    return [
        "-r",
        f"{fps:.3f}",
        "-c:v",
        "libx264",
        "-preset",
        "medium",
        "-crf",
        str(quality),
        "-pix_fmt",
        "yuv420p",
        "-g",
        str(KEYFRAME_INTERVAL),
        "-sc_threshold",
        "0",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ar",
        "48000",
        "-ac",
        "2",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ]


def encode_movie(source, target, *, info, width, height, fps, quality=18):
    """Encode `source` into an H.264 mp4 of exactly width x height at `fps`.

    A movie without sound gets a silent track, so every normalized movie can be
    joined into playlist movies the same way.
    """
    arguments = [settings.KITSU_FFMPEG, "-hide_banner", "-nostdin", "-y", "-i", str(source)]
    if info.has_audio:
        arguments += ["-map", "0:v:0", "-map", "0:a:0"]
    else:
        arguments += [
            "-f",
            "lavfi",
            "-i",
            "anullsrc=channel_layout=stereo:sample_rate=48000",
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-shortest",
        ]
    if info.duration > 0:
        # `-shortest` stops on whole audio packets, a few frames late: cut at the video's own length.
        arguments += ["-t", f"{info.duration:.6f}"]
    arguments += ["-vf", scale_filter(width, height), *h264_arguments(fps=fps, quality=quality), str(target)]
    run_media_command(arguments, action="normalize the movie")
    return target


def normalize_movie(source, target, *, info, width=None, height=None, fps=None):
    """Encode the normalized movie: the project's resolution and fps when given, else the source's."""
    out_width, out_height = fitted_size(info, width, height)
    out_fps = fps or info.fps or 25.0
    return encode_movie(source, target, info=info, width=out_width, height=out_height, fps=out_fps)


def low_movie_size(width, height):
    """Compute the even size of the low-resolution movie: `LOW_MOVIE_WIDTH` wide at most, same proportions."""
    if width <= LOW_MOVIE_WIDTH:
        return even(width), even(height)
    return even(LOW_MOVIE_WIDTH), even(height * LOW_MOVIE_WIDTH / width)


def make_low_movie(source, target, *, info):
    """Encode the low-resolution version of a normalized movie (`info` is the normalized movie's)."""
    width, height = low_movie_size(info.width, info.height)
    return encode_movie(source, target, info=info, width=width, height=height, fps=info.fps or 25.0, quality=26)


def remux_movie(source, target):
    """Copy the streams of `source` into an mp4 with the index first, without encoding again."""
    run_media_command(
        [
            settings.KITSU_FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-y",
            "-i",
            str(source),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(target),
        ],
        action="copy the movie into an mp4 file",
    )
    return target


def frame_time(frame_index, fps):
    """Compute the seek time, in seconds, that lands on the frame `frame_index` (0 is the first frame).

    Seeking half a frame early makes ffmpeg keep the first frame at or after
    that time, which is the wanted one whatever the rounding of timestamps.
    """
    if frame_index <= 0 or fps <= 0:
        return 0.0
    return (frame_index - 0.5) / fps


def extract_frame(source, target, *, frame_index=0, fps=0.0):
    """Write frame `frame_index` of the movie `source` as a PNG at `target`."""
    run_media_command(
        [
            settings.KITSU_FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-y",
            "-ss",
            f"{frame_time(frame_index, fps):.6f}",
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-f",
            "image2",
            "-c:v",
            "png",
            str(target),
        ],
        action=f"extract frame {frame_index + 1} of the movie",
    )
    return target


def tile_layout(info):
    """Return (rows, frame step, frame width) of the tile of a movie: 8 frames per row, 100 pixels high."""
    frames = max(1, info.frame_count)
    step = max(1, math.ceil(frames / (TILE_COLUMNS * TILE_MAX_ROWS)))
    rows = max(1, math.ceil(math.ceil(frames / step) / TILE_COLUMNS))
    frame_width = even(TILE_HEIGHT * info.width / info.height)
    return rows, step, frame_width


def make_tile(source, target, *, info):
    """Write the tile PNG of a movie: its frames, 100 pixels high, 8 per row, at most 480 rows."""
    rows, step, frame_width = tile_layout(info)
    filters = []
    if step > 1:
        filters.append(f"select=not(mod(n\\,{step}))")
    filters += [f"scale={frame_width}:{TILE_HEIGHT}", f"tile={TILE_COLUMNS}x{rows}"]
    run_media_command(
        [
            settings.KITSU_FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-y",
            "-i",
            str(source),
            "-an",
            "-vf",
            ",".join(filters),
            "-fps_mode",
            "passthrough",
            "-frames:v",
            "1",
            "-f",
            "image2",
            "-c:v",
            "png",
            str(target),
        ],
        action="make the tile of the movie",
    )
    return target
