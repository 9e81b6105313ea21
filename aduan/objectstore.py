"""The S3 storage backend: django-storages' S3Storage, with two shortcuts for the files
Aduan writes most (a photo's original, public copy and thumbnail, each well under a
megabyte):

- names that `evidence/filenames.py` made unique are written without first asking the
  server whether they are taken (a HEAD request per file); any other taken name still gets
  a suffix, as django-storages does with `file_overwrite=False`;
- a file below the multipart threshold goes up in one PutObject call, instead of through
  boto3's transfer manager (which starts a thread pool for every upload).
"""

import os

from storages.backends import s3
from storages.utils import ReadBytesWrapper, clean_name, get_available_overwrite_name, is_seekable

from aduan.evidence.filenames import is_unique


class S3Storage(s3.S3Storage):
    def get_available_name(self, name, max_length=None):
        cleaned = clean_name(name)
        if is_unique(cleaned):
            return get_available_overwrite_name(cleaned, max_length)
        return super().get_available_name(name, max_length)

    def _save(self, name, content):
        size = getattr(content, "size", None)
        if self.gzip or size is None or size >= self.transfer_config.multipart_threshold:
            return super()._save(name, content)
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0, os.SEEK_SET)
        body = ReadBytesWrapper(content).read()
        self.connection.meta.client.put_object(Bucket=self.bucket_name, Key=key, Body=body,
                                               **params)
        return cleaned
