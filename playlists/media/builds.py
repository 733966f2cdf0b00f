"""Playlist movies with ffmpeg: turn each preview into a part of one size and rate, then join the parts.

Every part is encoded the same way: H.264 yuv420p at the build's size and frame
rate, with AAC stereo at 48 kHz (silence when the source has no sound). So the
parts are joined by ffmpeg's concat demuxer without encoding them again.
Commands run as argument lists with the timeout `KITSU_MEDIA_TIMEOUT_SECONDS`
(see `playlists.media.movies.run_media_command`).
"""

import math
from dataclasses import dataclass

from django.conf import settings

from .movies import MovieError, even, run_media_command, scale_filter

# How long a picture stays on screen in a playlist movie, in seconds.
STILL_SECONDS = 2
# x264 quality of the parts (lower is better; 18 to 23 is the usual range for review copies).
PART_QUALITY = 20
PART_PRESET = "veryfast"
AUDIO_RATE = 48000
SILENCE = f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_RATE}"


@dataclass(frozen=True)
class BuildFormat:
    """Size in pixels (even numbers) and frame rate of a playlist movie."""

    width: int
    height: int
    fps: float

    def frames(self, seconds):
        """Return the whole number of frames (at least 1) that shows `seconds` at this rate."""
        return max(1, round(seconds * self.fps))

    def exact_seconds(self, seconds):
        """Return `seconds` rounded to whole frames, which is how long the part really lasts."""
        return self.frames(seconds) / self.fps


def part_arguments(output_format, seconds):
    """Return the encoder options shared by every part: the same codecs and settings, so the parts join by copy."""
    frames = output_format.frames(seconds)
    return [
        "-vf",
        f"{scale_filter(output_format.width, output_format.height)},fps={output_format.fps:.3f},format=yuv420p",
        "-af",
        f"aresample={AUDIO_RATE},apad",
        "-frames:v",
        str(frames),
        "-t",
        f"{output_format.exact_seconds(seconds):.6f}",
        "-c:v",
        "libx264",
        "-preset",
        PART_PRESET,
        "-crf",
        str(PART_QUALITY),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ar",
        str(AUDIO_RATE),
        "-ac",
        "2",
        "-f",
        "mp4",
    ]


def movie_part(source, target, *, output_format, seconds, has_audio, label="the movie"):
    """Encode the movie `source` as a part of `seconds` (its video length); a movie without sound gets silence."""
    arguments = [settings.KITSU_FFMPEG, "-hide_banner", "-nostdin", "-y", "-i", str(source)]
    if has_audio:
        arguments += ["-map", "0:v:0", "-map", "0:a:0"]
    else:
        arguments += ["-f", "lavfi", "-i", SILENCE, "-map", "0:v:0", "-map", "1:a:0"]
    arguments += [*part_arguments(output_format, seconds), str(target)]
    run_media_command(arguments, action=f"encode {label} for the playlist movie")
    return target


def still_part(source, target, *, output_format, seconds=STILL_SECONDS, label="the picture"):
    """Encode the picture `source` as a part that shows it for `seconds`, with silence."""
    arguments = [
        settings.KITSU_FFMPEG,
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loop",
        "1",
        "-framerate",
        f"{output_format.fps:.3f}",
        "-i",
        str(source),
        "-f",
        "lavfi",
        "-i",
        SILENCE,
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        *part_arguments(output_format, seconds),
        str(target),
    ]
    run_media_command(arguments, action=f"encode {label} for the playlist movie")
    return target


def concat_list(parts):
    """Return the concat demuxer's list text: each part's file name (in the list's folder) and its end time.

    The `outpoint` lines cut the few audio samples past the last frame, so each part
    starts right where the previous one's video ends.
    """
    lines = ["ffconcat version 1.0"]
    for path, seconds in parts:
        if "'" in path.name or "\n" in path.name:
            raise MovieError(f"Could not join the playlist parts: invalid part file name {path.name!r}.")
        lines.append(f"file '{path.name}'")
        lines.append(f"outpoint {seconds:.6f}")
    return "\n".join(lines) + "\n"


def join_parts(parts, list_path, target):
    """Join the encoded parts, a list of (path, exact seconds) in one folder, into the mp4 `target`.

    The streams are copied, not encoded again, and the index is written first so
    players start before the download ends.
    """
    if not parts:
        raise MovieError("Could not join the playlist parts: there is no part to join.")
    list_path.write_text(concat_list(parts), encoding="utf-8")
    run_media_command(
        [
            settings.KITSU_FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(list_path),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(target),
        ],
        action="join the parts of the playlist movie",
    )
    return target


def build_format(width, height, fps, *, first_size=None):
    """Return the BuildFormat of a playlist movie from the project's settings.

    `width` may be None (a resolution such as "x1080"): the width then follows the
    proportions of `first_size`, the (width, height) of the first part, or 16:9.
    Sizes are made even, as H.264 in yuv420p needs.
    """
    height = height or 1080
    if width is None:
        source_width, source_height = first_size or (16, 9)
        width = math.floor(source_width * height / source_height)
    return BuildFormat(width=even(width), height=even(height), fps=fps or 25.0)
