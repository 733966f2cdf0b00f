"""A local S3-compatible server (moto's server mode) for tests of the object storage path.

The server runs in a thread of the test process on 127.0.0.1 with a random
port; `s3_storage_settings` points the `kitsu` storage at a fresh bucket there.
"""

import uuid

import boto3
import pytest

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage_settings(settings, s3_endpoint):
    """Store files in a new bucket of the local S3 server for the length of one test; returns the bucket name."""
    bucket = f"kitsu-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "kitsu": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "file_overwrite": True,
                "default_acl": None,
            },
        },
    }
    return {"bucket": bucket, "client": client}
