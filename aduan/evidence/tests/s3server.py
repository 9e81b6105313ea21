"""A real S3-compatible server for tests: moto's server mode (`moto_server`, from PyPI) in
its own process on 127.0.0.1 and a free port. Photos go to it through django-storages and
boto3 exactly as they would to any S3-compatible object store."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3

KEY, SECRET, REGION = "testing-key", "testing-secret", "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    def __init__(self):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1",
             "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1).read()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)

    def env(self, bucket: str) -> dict[str, str]:
        """The settings an Aduan process needs to keep its photos in `bucket` here."""
        return {"ADUAN_STORAGE": f"s3://{bucket}?endpoint={self.endpoint}&region={REGION}",
                "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET}

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=KEY, aws_secret_access_key=SECRET)

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [obj["Key"] for page in pages for obj in page.get("Contents", [])]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def storages_for(server: S3Server, bucket: str) -> dict:
    """STORAGES as settings.py builds them from ADUAN_STORAGE (for override_settings)."""
    from aduan import settings as project_settings  # the module, not django.conf.settings

    return project_settings.storages_for(server.env(bucket)["ADUAN_STORAGE"])
