"""Photo file names: unique by construction, within the file field's length, and the
only names the object store writes without asking whether they are taken."""

import hashlib

from ..filenames import is_unique, photo_name
from ..models import Photo


def test_every_photo_name_fits_its_field_and_is_known_as_unique():
    sha = hashlib.sha256(b"a photo").hexdigest()
    limit = Photo._meta.get_field("original").max_length
    for kind, ext in [("original", ""), ("public", ".jpg"), ("thumb", ".jpg"),
                      ("original-stripped", ".jpg")]:
        names = {photo_name(kind, sha, ext) for _ in range(50)}
        assert len(names) == 50  # the same content twice: two names
        assert all(len(n) <= limit and is_unique(n) for n in names)


def test_names_not_made_here_are_not_taken_for_unique():
    sha = hashlib.sha256(b"a photo").hexdigest()
    for name in [f"photos/original/{sha[:2]}/{sha}",  # before unique names: content only
                 f"attachments/2026/12/{sha[:32]}-0123456789abcdef.jpg",  # a citizen's file
                 f"photos/generated/public/{sha[:32]}.jpg",
                 "photos/public/ab/../../etc/passwd",
                 photo_name("public", sha, ".jpg") + ".exe"]:
        assert not is_unique(name)
