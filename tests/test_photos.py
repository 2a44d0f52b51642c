"""What happens to uploaded photos: formats by content, size limits, bombs, corrupt files,
orientation, metadata, transparency."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile

from mafqood.composition.container import Container
from mafqood.photos.processing import PhotoError, process_photo, sniff_format
from mafqood.storage import LocalStorage
from tests import images
from tests.factories import register, submit


def _stored_original(container: Container, item: dict[str, str]) -> bytes:
    storage = container.storage
    assert isinstance(storage, LocalStorage)
    return storage.path(item["image_url"].split("/media/", 1)[1]).read_bytes()


@pytest.mark.parametrize(
    ("photo", "name", "content_type"),
    [
        (images.jpeg(seed=1), "a.jpg", "image/jpeg"),
        (images.png_with_transparency(seed=2), "a.png", "image/png"),
        (images.webp(seed=3), "a.webp", "image/webp"),
        (images.heic(seed=4), "IMG_0001.HEIC", "image/heic"),
        # The name and declared type do not matter, the bytes do.
        (images.heic(seed=5), "photo.jpg", "image/jpeg"),
        (images.png_with_transparency(seed=6), "upload", "application/octet-stream"),
    ],
)
async def test_supported_formats_are_stored_as_jpeg(
    client: httpx.AsyncClient, container: Container, photo: bytes, name: str, content_type: str
) -> None:
    account = await register(client)
    response = await submit(client, account, photo=photo, filename=name, content_type=content_type)
    assert response.status_code == 201, response.text
    stored = _stored_original(container, response.json()["item"])
    assert sniff_format(stored) == "JPEG"


async def test_gps_and_all_metadata_are_removed_and_orientation_applied(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    # Orientation 6: the camera held sideways; the upright picture is portrait.
    photo = images.jpeg_with_gps(seed=9, orientation=6, size=(640, 480))
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # GPS is really there
    response = await submit(client, account, photo=photo)
    assert response.status_code == 201
    stored = Image.open(io.BytesIO(_stored_original(container, response.json()["item"])))
    assert stored.size == (480, 640)
    assert len(stored.getexif()) == 0
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    raw = _stored_original(container, response.json()["item"])
    assert b"Exif" not in raw and b"PhoneMaker" not in raw


async def test_png_transparency_becomes_white(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    response = await submit(client, account, photo=images.png_with_transparency(seed=12))
    stored = Image.open(io.BytesIO(_stored_original(container, response.json()["item"])))
    corner = stored.convert("RGB").getpixel((2, 2))
    assert isinstance(corner, tuple) and min(corner) > 240


async def test_twelve_megapixel_photo_is_resized(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    photo = images.jpeg(seed=13, size=(4000, 3000), quality=90)
    response = await submit(client, account, photo=photo)
    assert response.status_code == 201
    stored = Image.open(io.BytesIO(_stored_original(container, response.json()["item"])))
    assert stored.size == (1440, 1080)
    portrait = images.jpeg(seed=14, size=(3000, 4000), quality=90)
    response = await submit(client, account, photo=portrait)
    stored = Image.open(io.BytesIO(_stored_original(container, response.json()["item"])))
    assert stored.size == (1080, 1440)


@pytest.mark.parametrize(
    ("photo", "status", "code"),
    [
        (b"this is a text file, not a photo", 415, "unsupported_image"),
        (b"GIF89a" + b"\x00" * 100, 415, "unsupported_image"),
        (b"%PDF-1.4 pretending", 415, "unsupported_image"),
        (images.jpeg(seed=15)[:2000], 422, "validation_error"),  # truncated
        (b"\xff\xd8\xff\xe0" + b"\x00" * 500, 422, "validation_error"),  # magic, then junk
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, 422, "validation_error"),
        (b"", 422, "validation_error"),
    ],
)
async def test_forged_truncated_and_empty_files(
    client: httpx.AsyncClient, photo: bytes, status: int, code: str
) -> None:
    account = await register(client)
    response = await submit(client, account, photo=photo)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


async def test_polyglot_payload_is_not_stored(
    client: httpx.AsyncClient, container: Container
) -> None:
    """A JPEG that is also a script (payload in a comment and after the end marker)."""
    account = await register(client)
    payload = b"<script>alert(document.cookie)</script>"
    photo = images.encode(images.picture(16), "JPEG", comment=payload) + payload
    response = await submit(
        client, account, photo=photo, filename="x.html", content_type="text/html"
    )
    assert response.status_code == 201
    assert payload not in _stored_original(container, response.json()["item"])


async def test_decompression_bomb_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    bomb = images.encode(Image.new("L", (12000, 12000)), "PNG", optimize=True)
    assert len(bomb) < 1_000_000
    response = await submit(client, account, photo=bomb)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "image_too_many_pixels"


async def test_over_ten_megabytes_is_413(client: httpx.AsyncClient, container: Container) -> None:
    account = await register(client)
    limit = container.settings.max_upload_bytes
    big = images.jpeg(seed=17) + b"\x00" * (limit + 10)
    response = await submit(client, account, photo=big)
    assert response.status_code == 413
    assert response.json()["code"] in {"payload_too_large", "image_too_large"}
    # Just over the photo limit but within the request limit: the photo check answers.
    just_over = images.jpeg(seed=18) + b"\x00" * (limit - 1000)
    response = await submit(client, account, photo=just_over)
    assert response.status_code == 413 and response.json()["code"] == "image_too_large"


async def test_streamed_body_is_cut_off_without_content_length(
    client: httpx.AsyncClient, container: Container
) -> None:
    account = await register(client)
    sent = 0

    async def body() -> object:
        nonlocal sent
        yield (
            b'--abc\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n"
        )
        # Past the limit of a report's body (INTAKE_MAX_BYTES: up to five photos).
        for _ in range(80):
            chunk = b"x" * 1_000_000
            sent += len(chunk)
            yield chunk

    response = await client.post(
        "/api/v1/lost",
        content=body(),
        headers={**account.headers, "Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert sent < 60_000_000  # stopped reading well before the end


def test_processing_keeps_what_it_should() -> None:
    processed = process_photo(images.jpeg(seed=19, size=(800, 600)), 50_000_000)
    assert processed.image.size == (800, 600)  # never enlarged
    assert len(processed.perceptual_hash) == 16
    with pytest.raises(PhotoError):
        process_photo(b"nothing", 50_000_000)


def test_large_jpeg_is_decoded_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[tuple[int, int]] = []
    real_draft = JpegImageFile.draft

    def spy(self: JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> object:
        requested.append(size or (0, 0))
        return real_draft(self, mode, size)

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    processed = process_photo(images.jpeg(seed=20, size=(4000, 3000)), 50_000_000)
    assert processed.image.size == (1440, 1080)
    assert requested == [(1440, 1080)]
