"""The documents' files on S3-compatible object storage (DMP_S3_BUCKET, dmp_portal/settings.py):
the one file pipeline (documents/filestore.py) through django-storages' S3Storage, against a local
S3 server (moto's), as a region's object store would be. The filesystem is the default elsewhere."""

from datetime import date

import boto3
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from audit.models import Action
from documents import filestore, services
from documents.models import Document
from tests.documents import badfiles
from tests.documents.pages import CONSULTATION, traces, url
from tests.factories import DocumentTypeFactory

pytestmark = pytest.mark.django_db

BUCKET = "dmp-documents"
CREDENTIALS = {"aws_access_key_id": "essai", "aws_secret_access_key": "essai", "region_name": "eu-west-3"}


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(endpoint, settings):
    """An empty private bucket, and the portal's default storage on it (as the settings build it
    from DMP_S3_*)."""
    s3 = boto3.resource("s3", endpoint_url=endpoint, **CREDENTIALS)
    created = s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "eu-west-3",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    }
    yield created
    created.objects.all().delete()
    created.delete()


def _add_pdf(patient, physician, **kwargs) -> Document:
    uploaded = SimpleUploadedFile(
        "Compte rendu été.pdf", badfiles.simple_pdf(), content_type="application/pdf"
    )
    arguments = {
        "professional": physician,
        "patient": patient,
        "document_type": DocumentTypeFactory(code=CONSULTATION),
        "title": "Compte rendu d'hospitalisation",
        "document_date": date(2024, 1, 30),
        "upload": filestore.accept(uploaded),
    }
    return services.document_add(**(arguments | kwargs))


def test_a_document_is_stored_in_the_bucket_under_its_random_name_and_served_back(
    bucket, alice_client, patient, physician
):
    document = _add_pdf(patient, physician)

    [stored] = list(bucket.objects.all())
    assert stored.key == document.file.name and stored.key.startswith("documents/")
    assert "Compte" not in stored.key
    assert stored.get()["Body"].read() == badfiles.simple_pdf()
    response = alice_client.get(url("documents:download", patient, document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == badfiles.simple_pdf()
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "no-store, private"
    assert len(traces(patient, Action.DOCUMENT_DOWNLOADED)) == 1


def test_a_refusal_after_the_upload_leaves_no_object_in_the_bucket(bucket, patient, physician):
    with pytest.raises(ValidationError):
        _add_pdf(patient, physician, event_start=date(2024, 3, 5), event_end=date(2024, 3, 1))

    assert not Document.objects.exists()
    assert list(bucket.objects.all()) == []


def test_an_object_gone_from_the_bucket_is_a_404_and_traces_nothing(bucket, alice_client, patient, physician):
    document = _add_pdf(patient, physician)
    bucket.Object(document.file.name).delete()

    response = alice_client.get(url("documents:download", patient, document))

    assert response.status_code == 404
    assert traces(patient, Action.DOCUMENT_DOWNLOADED) == []
