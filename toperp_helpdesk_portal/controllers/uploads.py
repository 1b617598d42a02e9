"""What the portal accepts as a customer's file, on the new-ticket form
(portal_ticket_forms.py) and in a ticket's chatter (attachment.py): screenshots and screen
recordings, plus PDF and text logs, of a size the support settings allow."""

import mimetypes

from odoo.tools.mimetypes import guess_mimetype

MAX_FILES = 5
DEFAULT_MAX_FILE_MB = 20
ALLOWED_EXTENSIONS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "heic": "image/heic",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "avi": "video/x-msvideo",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "log": "text/plain",
}



def max_file_mb(env):
    value = env["ir.config_parameter"].sudo().get_param("toperp_helpdesk_portal.max_upload_mb")
    try:
        return int(value) or DEFAULT_MAX_FILE_MB
    except (TypeError, ValueError):
        return DEFAULT_MAX_FILE_MB


def upload_name(filename):
    """The file name without the client's folders."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def upload_mimetype(name):
    """The type the portal stores a file under, from its extension (None: refused)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ALLOWED_EXTENSIONS.get(ext)


def upload_type_error(env, name):
    """Why a file of this name is refused (its type), or None."""
    if upload_mimetype(name):
        return None
    return env._(
        "The file %(name)s is not accepted. Accepted types: %(types)s.",
        name=name,
        types=", ".join(sorted(ALLOWED_EXTENSIONS)),
    )


def upload_content_error(env, name, data, max_mb):
    """Why a file of an accepted type is refused (size, empty, content of another
    type), or None. ``data``: its content, read up to one byte past the limit."""
    if len(data) > max_mb * 1024 * 1024:
        return env._(
            "The file %(name)s is larger than %(size)s MB. Please share big videos as a link (Loom…).",
            name=name,
            size=max_mb,
        )
    if not data:
        return env._("The file %(name)s is empty.", name=name)
    mimetype = upload_mimetype(name)
    ext = name.rsplit(".", 1)[-1].lower()
    sniffed = guess_mimetype(data, default="application/octet-stream")
    compatible = (
        sniffed == "application/octet-stream"
        or sniffed.split("/")[0] == mimetype.split("/")[0]
        or sniffed == mimetypes.types_map.get(f".{ext}")
    )
    if not compatible:
        return env._("The content of %(name)s does not match its type.", name=name)
    return None
