"""The text a reportlab PDF draws, for tests: its content streams inflated, the strings of its
text operators joined."""

import base64
import re
import zlib


def pdf_text(data: bytes) -> str:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        chunk = match.group(1)
        for decode in (
            zlib.decompress,
            lambda c: zlib.decompress(base64.a85decode(c.strip(), adobe=True)),
        ):
            try:
                chunk = decode(chunk)
                break
            except Exception:  # noqa: S112 (not every stream is compressed text)
                continue
        out.append(chunk.decode("latin-1"))
    return "".join(re.findall(r"\((.*?)\) Tj", "".join(out)))
