"""The S3 storage backend (django-storages), writing photo files without first asking
the server whether their name is taken: `evidence/filenames.py` makes those names unique.
Every other name (attachments, pictures) is still checked and, if taken, given a suffix,
as django-storages does with `file_overwrite=False`."""

from storages.backends import s3
from storages.utils import clean_name, get_available_overwrite_name

from aduan.evidence.filenames import is_unique


class S3Storage(s3.S3Storage):
    def get_available_name(self, name, max_length=None):
        if is_unique(clean_name(name)):
            return get_available_overwrite_name(clean_name(name), max_length)
        return super().get_available_name(name, max_length)
