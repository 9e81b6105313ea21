"""Where a photo's files are stored: one name per file, unique by construction.

A name is the photo's content hash (a prefix of it, to stay within the file field's 100
characters) and a random part, so two rows never share a file even when a citizen sends
the same picture twice (the privacy erase and the rollback clean-up delete a row's files
without asking who else uses them). Because it is unique, the object store need not be
asked whether the name is taken before writing (`aduan/objectstore.py`: on S3 that was a
HEAD request before every PUT, three per photo).
"""

import re
import secrets

_UNIQUE = re.compile(r"photos/[a-z-]+/[0-9a-f]{2}/[0-9a-f]{32}-[0-9a-f]{16}(\.jpg)?")


def photo_name(kind: str, sha256: str, ext: str = "") -> str:
    """`kind` is the folder (original, public, thumb, original-stripped)."""
    return f"photos/{kind}/{sha256[:2]}/{sha256[:32]}-{secrets.token_hex(8)}{ext}"


def is_unique(name: str) -> bool:
    """Made by `photo_name` (the random part included), so no other file has it."""
    return _UNIQUE.fullmatch(name) is not None
