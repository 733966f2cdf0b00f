"""Real media files for tests: PNG pictures made with Pillow and movies made with ffmpeg."""

import io
import json
import shutil
import subprocess

from PIL import Image


def png_bytes(width=160, height=90, color=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(width=160, height=90, color=(40, 40, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_movie(path, *, seconds=1, width=320, height=180, fps=24, codec="libx264", extension=None):
    """Encode a test pattern movie with ffmpeg at `path` and return the path."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed: install Debian's ffmpeg package to run the movie tests")
    command = [
        ffmpeg,
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=duration={seconds}:size={width}x{height}:rate={fps}",
        "-c:v",
        codec,
        "-pix_fmt",
        "yuv420p",
        str(path),
    ]
    subprocess.run(command, check=True, timeout=120)
    return path


def movie_bytes(tmp_path, **options):
    path = make_movie(tmp_path / "clip.mp4", **options)
    return path.read_bytes()


def ffprobe_report(path):
    """Return ffprobe's JSON report of a movie: its `streams` and its `format`."""
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(output)
