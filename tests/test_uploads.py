"""Uploaded materials are judged by what they are, not by what they are called,
and a refused upload leaves nothing behind."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from xiangli.cases import services
from xiangli.cases.models import Attachment, Case, CaseEvent
from xiangli.cases.uploads import check_upload, check_uploads
from xiangli.notifications.models import Notification, SmsMessage

from .conftest import pdf_upload, png_bytes, png_upload


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted as written in the code, whatever the catalogues say.
    with translation.override("en"):
        yield


def photo_bytes(fmt: str) -> bytes:
    # Noise, so that the image data is long and a cut lands inside it.
    buf = io.BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(buf, fmt)
    return buf.getvalue()


def upload(name: str, body: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type=content_type)


def refusal(file: SimpleUploadedFile) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        check_upload(file)
    return exc.value.messages


def test_a_png_photo_is_accepted():
    assert check_upload(png_upload()).content_type == "image/png"


def test_a_jpeg_photo_is_accepted():
    assert check_upload(upload("photo.jpg", photo_bytes("JPEG"), "image/jpeg")).content_type == "image/jpeg"


def test_a_pdf_scan_is_accepted():
    assert check_upload(pdf_upload()).content_type == "application/pdf"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"just some text\n" * 20,
    ],
)
def test_a_web_page_or_text_named_jpg_is_refused(body):
    assert refusal(upload("id-front.jpg", body, "image/jpeg")) == [
        "id-front.jpg is not a photo or a PDF. Please send a JPEG, PNG or PDF file."
    ]


def test_a_program_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 500
    assert refusal(upload("certificate.pdf", exe, "application/pdf")) == [
        "certificate.pdf is not a photo or a PDF. Please send a JPEG, PNG or PDF file."
    ]


@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_a_png_cut_off_mid_upload_is_refused(keep):
    body = photo_bytes("PNG")
    assert refusal(upload("id-front.png", body[: int(len(body) * keep)], "image/png")) == [
        "id-front.png is damaged and cannot be opened."
    ]


def test_a_png_with_damaged_data_is_refused():
    body = bytearray(photo_bytes("PNG"))
    body[len(body) // 2] ^= 0xFF  # the chunk checksum no longer matches
    assert refusal(upload("id-front.png", bytes(body), "image/png")) == [
        "id-front.png is damaged and cannot be opened."
    ]


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_a_jpeg_cut_off_mid_upload_is_refused(keep):
    body = photo_bytes("JPEG")
    assert refusal(upload("photo.jpg", body[: int(len(body) * keep)], "image/jpeg")) == [
        "photo.jpg is damaged and cannot be opened."
    ]


def test_a_pdf_cut_off_before_its_end_is_refused():
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * 4000
    assert refusal(upload("scan.pdf", body, "application/pdf")) == ["scan.pdf is damaged and cannot be opened."]


def test_an_empty_file_is_refused():
    assert refusal(upload("empty.png", b"", "image/png")) == ["empty.png is empty."]


def test_a_file_over_the_size_limit_is_refused():
    size = len(png_bytes())
    with override_settings(ATTACHMENT_MAX_BYTES=size - 1):
        assert refusal(png_upload("big.png")) == [f"big.png is too large: files may be at most {size - 1}\xa0bytes."]
    with override_settings(ATTACHMENT_MAX_BYTES=size):
        assert check_upload(png_upload("big.png")).content_type == "image/png"


def test_every_bad_file_of_a_batch_is_named():
    with pytest.raises(ValidationError) as exc:
        check_uploads([png_upload(), upload("a.jpg", b"hello" * 10), upload("b.pdf", b"MZ" + b"\x00" * 100)])
    assert len(exc.value.messages) == 2
    assert exc.value.messages[0].startswith("a.jpg ") and exc.value.messages[1].startswith("b.pdf ")


def test_more_than_ten_files_are_refused():
    with pytest.raises(ValidationError) as exc:
        check_uploads([png_upload(f"p{n}.png") for n in range(11)])
    assert exc.value.messages == ["Please send at most 10 files."]


def test_a_refused_upload_leaves_no_case_no_event_no_attachment(world):
    with pytest.raises(ValidationError):
        services.create_case(
            by=world.andy,
            resident=world.alice_resident,
            item=world.pension,
            channel="walk_in",
            uploads=[
                png_upload(),
                upload("id-back.jpg", b"<html>not a photo</html>", "image/jpeg"),
            ],
        )
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notification.objects.exists()
    assert not SmsMessage.objects.exists()


def test_a_refused_upload_to_an_open_case_adds_nothing(world):
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension, channel="walk_in")
    with pytest.raises(ValidationError):
        services.add_attachments(case, by=world.andy, uploads=[upload("x.pdf", b"MZ" + b"\x00" * 100)])
    assert case.attachments.count() == 0
    assert list(case.events.values_list("kind", flat=True)) == ["created"]


def test_a_stored_file_is_named_by_what_it_is_not_what_it_was_called(world):
    disguised = upload("scan.pdf", png_bytes(), "application/pdf")
    case = services.create_case(
        by=world.andy,
        resident=world.alice_resident,
        item=world.pension,
        channel="walk_in",
        uploads=[disguised],
    )
    attachment = case.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.name.startswith(f"cases/{case.pk}/") and attachment.file.name.endswith(".png")
    assert "scan" not in attachment.file.name
    assert attachment.original_name == "scan.pdf"


def test_a_photos_location_and_other_metadata_are_removed_before_it_is_stored(world):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from xiangli.cases import services

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (34.0, 37.0, 12.0), 3: "E", 4: (112.0, 27.0, 5.0)}  # GPS: Luoyang
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buf, "JPEG", exif=exif)
    assert b"PhoneMaker" in buf.getvalue()
    photo = SimpleUploadedFile("home.jpg", buf.getvalue(), content_type="image/jpeg")
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension,
                                channel="walk_in", uploads=[photo])
    stored = case.attachments.get()
    data = stored.file.open("rb").read()
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (40, 30) and not img.getexif().get_ifd(0x8825)
    assert stored.size == len(data)


def test_a_photo_taken_sideways_is_stored_upright(world):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from xiangli.cases import services

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, "JPEG", exif=exif)
    case = services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension,
                                channel="walk_in", uploads=[SimpleUploadedFile("id.jpg", buf.getvalue())])
    with Image.open(case.attachments.get().file.open("rb")) as img:
        assert img.size == (30, 40)


def test_behind_nginx_the_app_checks_access_and_hands_the_sending_to_nginx(client, world, settings):
    from django.urls import reverse

    from xiangli.cases import services as case_services

    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    case = case_services.create_case(by=world.alice, resident=world.alice_resident, item=world.pension,
                                     channel="online", uploads=[png_upload()])
    attachment = case.attachments.get()
    client.force_login(world.andy)
    response = client.get(reverse("front:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response["Content-Type"] == attachment.content_type and response["Cache-Control"] == "private, no-store"
    client.force_login(world.oscar)  # another village's agent: no hand-off, a 404
    response = client.get(reverse("front:attachment", args=[attachment.pk]))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response
