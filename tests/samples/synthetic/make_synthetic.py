#!/usr/bin/env python3
"""Synthetic camera frames for the frozen-feed tests (no real data needed):
frozen-a.jpg and frozen-a-reencoded.jpg show the same picture (the second is the first decoded
and saved again at a lower quality, as a frozen camera re-encoding its last picture would);
moving-b.jpg is the next moment of the same road with the vehicles moved on.
Run: /usr/bin/python3 tests/samples/synthetic/make_synthetic.py (Debian: python3-pil)."""
import io
import pathlib
import random

from PIL import Image, ImageDraw

HERE = pathlib.Path(__file__).resolve().parent


def frame(shift: int) -> Image.Image:
    rnd = random.Random(7)
    image = Image.new("RGB", (640, 360), (120, 150, 190))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 200, 640, 360], fill=(70, 70, 75))
    for lane in range(3):
        y = 215 + lane * 45
        draw.line([0, y + 40, 640, y + 40], fill=(230, 230, 230), width=2)
        for car in range(6):
            x = (rnd.randint(0, 600) + shift * (lane + 1) * 37) % 640
            colour = tuple(rnd.randint(30, 250) for _ in range(3))
            draw.rectangle([x, y + 5, x + 50, y + 32], fill=colour)
    for tree in range(8):
        x = rnd.randint(0, 620)
        draw.ellipse([x, 120, x + 40, 200], fill=(40, 110 + tree * 5, 50))
    return image


def jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


a = jpeg(frame(0), 90)
(HERE / "frozen-a.jpg").write_bytes(a)
(HERE / "frozen-a-reencoded.jpg").write_bytes(jpeg(Image.open(io.BytesIO(a)), 70))
(HERE / "moving-b.jpg").write_bytes(jpeg(frame(3), 90))
print("wrote", *sorted(p.name for p in HERE.glob("*.jpg")))
