"""The real type of an uploaded file, from its first bytes, against an allow-list.

No maintained sniffing library is in the lock files (python-magic needs libmagic, filetype is not
pinned), and the allow-list is short: the magic numbers below are those of the formats' own
specifications. A file is accepted only when its bytes, its name's extension and (when the
browser sent a specific one) its declared type all agree on one allowed type.
"""

from dataclasses import dataclass

HEAD_BYTES = 512  # enough for every signature below, incl. an office file's first entry name


@dataclass(frozen=True)
class FileType:
    mime: str
    kind: str  # image, pdf, audio, video, office (the size limit is per kind)
    extensions: tuple[str, ...]


TYPES = {
    t.mime: t
    for t in (
        FileType("image/jpeg", "image", ("jpg", "jpeg")),
        FileType("image/png", "image", ("png",)),
        FileType("image/gif", "image", ("gif",)),
        FileType("image/webp", "image", ("webp",)),
        FileType("image/heic", "image", ("heic", "heif")),
        FileType("application/pdf", "pdf", ("pdf",)),
        FileType("audio/mpeg", "audio", ("mp3",)),
        FileType("audio/ogg", "audio", ("ogg", "oga", "opus")),
        FileType("audio/wav", "audio", ("wav",)),
        FileType("audio/mp4", "audio", ("m4a",)),
        FileType("audio/amr", "audio", ("amr",)),
        FileType("video/mp4", "video", ("mp4", "m4v")),
        FileType("video/quicktime", "video", ("mov",)),
        FileType("video/webm", "video", ("webm",)),
        FileType("video/3gpp", "video", ("3gp",)),
        FileType(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "office", ("docx",)
        ),
        FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "office", ("xlsx",)),
        FileType("application/vnd.oasis.opendocument.text", "office", ("odt",)),
        FileType("application/msword", "office", ("doc",)),
    )
}
# What browsers send when they do not know: the bytes and the extension then decide.
GENERIC = {"", "application/octet-stream", "binary/octet-stream"}
# Declared types that name the same format differently.
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "audio/mp3": "audio/mpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-m4a": "audio/mp4",
    "image/heif": "image/heic",
    "audio/opus": "audio/ogg",
}

_FTYP = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heic",
    b"msf1": "image/heic",
    b"M4A ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3gp6": "video/3gpp",
}


def sniff(head: bytes) -> str | None:
    """The allowed MIME type the bytes are, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head[4:8] == b"ftyp":
        return _FTYP.get(head[8:12], "video/mp4")
    if head.startswith(b"PK\x03\x04"):
        return _zip_office(head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    return None


def _zip_office(head: bytes) -> str | None:
    """An office document is a ZIP whose first entry names it; any other ZIP is refused."""
    name_length = int.from_bytes(head[26:28], "little")
    extra = int.from_bytes(head[28:30], "little")
    name = head[30 : 30 + name_length]
    if name == b"mimetype":
        start = 30 + name_length + extra
        if head[start:].startswith(b"application/vnd.oasis.opendocument.text"):
            return "application/vnd.oasis.opendocument.text"
        return None
    if name in (b"[Content_Types].xml", b"_rels/.rels") or name.startswith(b"word/"):
        return "office-openxml"  # which one: the extension decides (checked against the bytes' family)
    if name.startswith(b"xl/"):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def identify(head: bytes, filename: str, declared: str) -> FileType | None:
    """The allowed type when bytes, extension and declared type agree; else None (refused)."""
    found = sniff(head)
    if found is None:
        return None
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if found == "office-openxml":
        candidates = [
            TYPES["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
            TYPES["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
        ]
        matching = [t for t in candidates if extension in t.extensions]
        if not matching:
            return None
        kind = matching[0]
    else:
        kind = TYPES[found]
        if extension not in kind.extensions:
            # mp4 family: an .m4a whose brand says mp4, a .mov saved as mp4 by a phone
            family = {"video/mp4", "video/quicktime", "audio/mp4", "video/3gpp"}
            by_ext = next((t for t in TYPES.values() if extension in t.extensions), None)
            if not (by_ext and found in family and by_ext.mime in family):
                return None
            kind = by_ext
    declared = (declared or "").split(";")[0].strip().lower()
    declared = ALIASES.get(declared, declared)
    same_family = declared.split("/")[0] == kind.mime.split("/")[0] and kind.kind in ("video", "audio")
    if declared not in GENERIC and declared != kind.mime and not same_family:
        return None
    return kind
