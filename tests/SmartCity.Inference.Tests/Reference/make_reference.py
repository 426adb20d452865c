#!/usr/bin/env python3
"""Independent reference for the preprocessing parity test (Pillow + NumPy, not SkiaSharp).

For a real camera frame it resizes the image to 224x224 (stretch, bilinear with Pillow's
antialiasing) and records the mean of each 28x28 block per RGB channel (0-255 scale): 8x8
blocks x 3 channels. Block means are what the test compares, because two correct resamplers
differ pixel by pixel but agree on local averages; a wrong channel order, layout, orientation,
crop or normalisation moves them by far more than the tolerance.

Run from the repository root (Debian: apt-get install python3-pil python3-numpy):
  /usr/bin/python3 tests/SmartCity.Inference.Tests/Reference/make_reference.py
"""
import json
import pathlib

import numpy as np
from PIL import Image, ImageOps

ROOT = pathlib.Path(__file__).resolve().parents[3]
FRAME = ROOT / "tests/samples/traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"
OUT = pathlib.Path(__file__).with_name("camera_2701_blockmeans.json")

image = ImageOps.exif_transpose(Image.open(FRAME)).convert("RGB")
resized = np.asarray(image.resize((224, 224), Image.BILINEAR), dtype=np.float64)
blocks = resized.reshape(8, 28, 8, 28, 3).mean(axis=(1, 3))  # [by, bx, channel]
OUT.write_text(json.dumps({
    "image": str(FRAME.relative_to(ROOT)),
    "size": [224, 224],
    "resize": "stretch, Pillow BILINEAR",
    "blocks": 8,
    "rgbBlockMeans": [[[round(float(blocks[y, x, c]), 3) for x in range(8)] for y in range(8)] for c in range(3)],
}, indent=1) + "\n")
print(f"wrote {OUT}")
