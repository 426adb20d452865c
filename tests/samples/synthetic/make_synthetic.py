#!/usr/bin/env python3
"""Synthetic frames for the frozen-feed tests, derived from the committed sample frame of LTA
camera 2701 (tests/samples/traffic-cameras, credited there), so no shared data is needed:

- frozen-2701-q80.jpg: the sample decoded and saved again at JPEG quality 80, as a frozen
  camera that re-encodes its last picture would send it (not byte-identical, same picture);
- moving-2701.jpg: the sample with vehicles drawn onto the carriageways, the same camera a
  moment later with other traffic.

Run: /usr/bin/python3 tests/samples/synthetic/make_synthetic.py (Debian: python3-pil)."""
import io
import pathlib
import random

from PIL import Image, ImageDraw

HERE = pathlib.Path(__file__).resolve().parent
SAMPLE = HERE.parent / "traffic-cameras" / "camera_2701_2026-01-22_00-24-52.jpg"


def jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


frame = Image.open(SAMPLE).convert("RGB")
(HERE / "frozen-2701-q80.jpg").write_bytes(jpeg(frame, 80))

moved = frame.copy()
draw = ImageDraw.Draw(moved)
rnd = random.Random(5)
for _ in range(40):
    x = rnd.randint(100, 1800)
    y = rnd.randint(560, 1000)
    w = rnd.randint(60, 140)
    colour = tuple(rnd.randint(20, 240) for _ in range(3))
    draw.rectangle([x, y, x + w, y + w // 2], fill=colour, outline=(20, 20, 20), width=3)
(HERE / "moving-2701.jpg").write_bytes(jpeg(moved, 90))
print("wrote", *sorted(p.name for p in HERE.glob("*.jpg")))
