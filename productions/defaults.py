"""The reference data of a fresh Kitsu server, created by `manage.py init_data`."""

PROJECT_STATUSES = [
    {"name": "Open", "color": "#000000"},
    {"name": "Closed", "color": "#000000"},
]

DEPARTMENTS = [
    {"name": "Modeling", "color": "#78909C"},
    {"name": "Animation", "color": "#009688"},
    {"name": "FX", "color": "#26C6DA"},
    {"name": "Compositing", "color": "#F06292"},
    {"name": "Concept", "color": "#8D6E63"},
    {"name": "Layout", "color": "#7CB342"},
]

ENTITY_TYPES = [
    "Character",
    "Prop",
    "Environment",
    "FX",
    "Episode",
    "Sequence",
    "Shot",
    "Scene",
    "Edit",
    "Concept",
]

# (name, color, priority, for_entity, department name)
TASK_TYPES = [
    ("Concept", "#8D6E63", 1, "Concept", None),
    ("Modeling", "#78909C", 2, "Asset", "Modeling"),
    ("Shading", "#64B5F6", 3, "Asset", "Modeling"),
    ("Rigging", "#9CCC65", 4, "Asset", "Animation"),
    ("Storyboard", "#43A047", 1, "Shot", "Concept"),
    ("Layout", "#7CB342", 2, "Shot", "Layout"),
    ("Animation", "#009688", 3, "Shot", "Animation"),
    ("Lighting", "#F9A825", 4, "Shot", "Compositing"),
    ("FX", "#26C6DA", 5, "Shot", "FX"),
    ("Rendering", "#F06292", 6, "Shot", "Compositing"),
    ("Compositing", "#ff5252", 7, "Shot", "Compositing"),
    ("Edit", "#9b298c", 8, "Edit", "Compositing"),
]

_PRODUCTION = {"priority": 1, "is_artist_allowed": True, "is_client_allowed": True, "for_concept": False}
_CONCEPT = {"priority": None, "is_artist_allowed": False, "is_client_allowed": False, "for_concept": True}

TASK_STATUSES = [
    {"name": "Neutral", "short_name": "neutral", "color": "#CCCCCC", "is_default": True, **_CONCEPT},
    {"name": "Approved", "short_name": "approved", "color": "#66BB6A", **_CONCEPT},
    {"name": "Rejected", "short_name": "rejected", "color": "#E81123", **_CONCEPT},
    {"name": "Todo", "short_name": "todo", "color": "#f5f5f5", "is_default": True, **_PRODUCTION},
    {"name": "Work In Progress", "short_name": "wip", "color": "#3273dc", "is_wip": True, **_PRODUCTION},
    {
        "name": "Waiting For Approval",
        "short_name": "wfa",
        "color": "#ab26ff",
        "is_feedback_request": True,
        **_PRODUCTION,
    },
    {"name": "Retake", "short_name": "retake", "color": "#ff3860", "is_retake": True, **_PRODUCTION},
    {"name": "Done", "short_name": "done", "color": "#22d160", "is_done": True, **_PRODUCTION},
    {"name": "Ready To Start", "short_name": "ready", "color": "#fbc02d", **_PRODUCTION},
]
