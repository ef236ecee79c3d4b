"""core.qr renders every QR code of the product (join posters and cards, check-in, TOTP)."""

import base64
import urllib.parse

from gongyou.core.qr import qr_code, qr_png, qr_svg, qr_svg_data_uri


def test_images_are_real_files():
    url = "https://example.org/join/?t=abc"
    assert qr_png(url).startswith(b"\x89PNG")
    assert qr_svg(url).startswith("<?xml") and "<svg" in qr_svg(url)
    inline = qr_svg(url, inline=True)
    assert inline.startswith("<svg") and 'class="qr"' in inline and "width=" not in inline.split(">")[0]


def test_short_text_is_still_a_full_qr_code_not_a_micro_qr():
    # WeChat's scanner reads no Micro QR; segno.make would pick one for a short payload.
    code = qr_code("12345")
    assert not code.is_micro and code.error == "M"


def test_the_data_uri_embeds_the_svg():
    uri = qr_svg_data_uri("otpauth://totp/Gongyou:alice?secret=ABC")
    assert uri.startswith("data:image/svg+xml")
    payload = uri.split(",", 1)[1]
    text = urllib.parse.unquote(payload) if "base64" not in uri.split(",", 1)[0] else base64.b64decode(payload).decode()
    assert "<svg" in text
