"""The storages of an S3-compatible object store (django-storages), used when the environment names its buckets.

Only imported when STORAGES names these classes, so `make run` and the tests on local folders never load boto3.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PublicObjectStorage(S3Storage):
    """Logos and visit photos in the public bucket, written with caching headers.

    Their addresses are the portal's /media/ (config.views.public_media reads them from the bucket) unless the
    bucket has a public address of its own (AWS_PUBLIC_MEDIA_DOMAIN), where browsers then fetch them directly.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.custom_domain:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class PrivateObjectStorage(S3Storage):
    """Documents in the private bucket: nothing reads them without the portal's credentials, and the only addresses
    given out are signed ones that expire (PRIVATE_FILE_URL_SECONDS)."""

    def __init__(self, **options):
        super().__init__(**{"querystring_auth": True, "custom_domain": None, **options})
