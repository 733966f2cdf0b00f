"""Annotation changes of a preview file: checking them and merging them into the stored annotations.

Annotations are a list of frames, one per time of the movie (or 0 for a picture):
`{"time": 1.5, "drawing": {"objects": [{"id": "...", ...}, ...]}}`. Each drawn
object has an `id`. A change names the frame by its `time` and the objects by
their id, so changes sent by several people at once merge without losing any:

- `additions`: frames with new objects; objects whose id is already there are ignored;
- `updates`: frames with changed objects, which replace the stored objects of the same id;
- `deletions`: `{"time": ..., "objects": [ids]}` removes those objects.

Frames left without objects are dropped.
"""

import copy
import uuid

from rest_framework.exceptions import ValidationError

CHANGE_KEYS = ("additions", "updates", "deletions")


# ---- input -------------------------------------------------------------------------


def invalid(field, problem):
    return ValidationError({field: [problem]})


def parse_time(item, field):
    if "time" not in item:
        raise invalid(f"{field}.time", "this field is required: send the time of the annotated frame, in seconds.")
    value = item["time"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:
        raise invalid(f"{field}.time", f"invalid time {value!r}: expected a number of seconds, 0 or more.")
    return value


def parse_objects(value, field):
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid(field, "expected a list of drawn objects (JSON objects).")
    for index, item in enumerate(value):
        object_id = item.get("id")
        if object_id is not None and not isinstance(object_id, str):
            raise invalid(f"{field}.{index}.id", f"invalid id {object_id!r}: expected a string.")
    return value


def parse_frame(item, field):
    """Check one frame of `additions` or `updates` and return it."""
    if not isinstance(item, dict):
        raise invalid(field, 'expected an object such as {"time": 0, "drawing": {"objects": [...]}}.')
    parse_time(item, field)
    drawing = item.get("drawing", {})
    if not isinstance(drawing, dict):
        raise invalid(f"{field}.drawing", 'expected an object such as {"objects": [...]}.')
    parse_objects(drawing.get("objects", []), f"{field}.drawing.objects")
    return item


def parse_deletion(item, field):
    if not isinstance(item, dict):
        raise invalid(field, 'expected an object such as {"time": 0, "objects": ["<object id>"]}.')
    parse_time(item, field)
    ids = item.get("objects", [])
    if not isinstance(ids, list) or not all(isinstance(value, str) for value in ids):
        raise invalid(f"{field}.objects", "expected a list of object ids (strings).")
    return item


def parse_changes(data):
    """Return (additions, updates, deletions) from a request body, or raise a 400 naming the wrong field.

    A missing or null list counts as empty.
    """
    changes = {}
    for key in CHANGE_KEYS:
        value = data.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise invalid(key, f"expected a list, got {type(value).__name__}.")
        parse = parse_deletion if key == "deletions" else parse_frame
        changes[key] = [parse(item, f"{key}.{index}") for index, item in enumerate(value)]
    return changes["additions"], changes["updates"], changes["deletions"]


# ---- merge -------------------------------------------------------------------------


def frame_objects(frame):
    """Return the object list of a stored frame, repairing a frame without a drawing."""
    drawing = frame.get("drawing")
    if not isinstance(drawing, dict):
        drawing = frame["drawing"] = {}
    objects = drawing.get("objects")
    if not isinstance(objects, list):
        objects = drawing["objects"] = []
    return objects


def with_id(drawn_object):
    if not drawn_object.get("id"):
        drawn_object["id"] = str(uuid.uuid4())
    return drawn_object


def frames_by_time(frames):
    return {frame.get("time"): frame for frame in frames}


def apply_additions(frames, additions):
    by_time = frames_by_time(frames)
    for addition in additions:
        objects = [with_id(item) for item in addition.get("drawing", {}).get("objects", [])]
        frame = by_time.get(addition["time"])
        if frame is None:
            frame = {**addition, "drawing": {**addition.get("drawing", {}), "objects": objects}}
            frames.append(frame)
            by_time[frame["time"]] = frame
            continue
        stored = frame_objects(frame)
        known = {item.get("id") for item in stored}
        for item in objects:
            if item["id"] not in known:
                stored.append(item)
                known.add(item["id"])


def apply_updates(frames, updates):
    """Replace stored objects by the updated ones of the same id, in place. Unknown ids are ignored."""
    by_time = frames_by_time(frames)
    for update in updates:
        frame = by_time.get(update["time"])
        if frame is None:
            continue
        changed = {item["id"]: item for item in update.get("drawing", {}).get("objects", []) if item.get("id")}
        stored = frame_objects(frame)
        stored[:] = [changed.get(item.get("id"), item) for item in stored]


def apply_deletions(frames, deletions):
    by_time = frames_by_time(frames)
    for deletion in deletions:
        frame = by_time.get(deletion["time"])
        if frame is None:
            continue
        removed = set(deletion.get("objects", []))
        stored = frame_objects(frame)
        stored[:] = [item for item in stored if item.get("id") not in removed]


def annotations_merge(stored, *, additions, updates, deletions):
    """Return the annotations `stored` with the changes applied; `stored` itself is left as it was."""
    frames = [frame for frame in copy.deepcopy(stored) if isinstance(frame, dict)] if isinstance(stored, list) else []
    for frame in frames:
        objects = frame_objects(frame)
        objects[:] = [with_id(item) for item in objects if isinstance(item, dict)]
    apply_additions(frames, copy.deepcopy(additions))
    apply_updates(frames, copy.deepcopy(updates))
    apply_deletions(frames, deletions)
    return [frame for frame in frames if frame_objects(frame)]
