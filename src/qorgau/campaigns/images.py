"""Checking and cleaning uploaded photos with Pillow.

A photo is accepted only if Pillow can decode it as JPEG, PNG or WebP within the size and pixel
limits. It is then drawn again into a fresh JPEG (PNG when it has transparency): the stored file
holds pixels only, so no EXIF GPS position, camera serial, embedded script or polyglot payload of
the upload survives.
"""

import warnings
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is generous; beyond it is a decompression bomb
MAX_SIDE = 2560  # stored photos are scaled down to this: enough for a report, light to serve


@dataclass
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_photo(upload, field: str = "photos") -> CleanImage:
    """Validate an uploaded file and return it re-encoded, or raise ValidationError({field: ...})."""
    limit = settings.QORGAU_PHOTO_MAX_BYTES
    name = getattr(upload, "name", "") or ""
    if upload.size > limit:
        raise ValidationError(
            {field: _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}}
        )
    not_image = ValidationError({field: _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}})
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError({field: _("%(name)s has too many pixels.") % {"name": name}})
                probe.verify()  # checks the file's structure without decoding everything
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()  # decodes every pixel: truncated or corrupt data fails here
                image = ImageOps.exif_transpose(image)  # keep the orientation, drop the EXIF
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
                out = BytesIO()
                if has_alpha:
                    image.convert("RGBA").save(out, "PNG", optimize=True)
                    content_type = "image/png"
                else:
                    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                    content_type = "image/jpeg"
                width, height = image.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise not_image from None
    except (OSError, SyntaxError, ValueError):  # what Pillow raises on damaged files
        raise not_image from None
    return CleanImage(out.getvalue(), content_type, width, height)
