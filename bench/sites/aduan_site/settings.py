from aduan.settings import *  # noqa: F403 - the product's settings, unchanged

INSTALLED_APPS = [*INSTALLED_APPS, "aduan_site"]  # noqa: F405
ROOT_URLCONF = "aduan_site.urls"
