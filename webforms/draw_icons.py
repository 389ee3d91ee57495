"""Draws the web app's icons (webforms/static/icon-*.png) with Pillow, so they can be redrawn.

    .venv/bin/python -m webforms.draw_icons

The same picture as favicon.svg: a white speech bubble on Heard's blue (--accent in
heard.css). "any" icons have rounded corners; the maskable one fills its square and keeps
the bubble inside the safe circle (40% of the width from the centre), so a phone may cut it
to a circle or a squircle.
Pillow is needed only to run this, not to serve Heard.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
BLUE = (0x1D, 0x4E, 0x89, 255)
WHITE = (255, 255, 255, 255)
ICONS = {"icon-192.png": (192, False), "icon-512.png": (512, False)}
MASKABLE = {"icon-maskable-512.png": (512, True)}
SUPERSAMPLE = 4  # drawn large and shrunk, for smooth edges


def draw(size: int, maskable: bool):  # -> PIL.Image.Image
    from PIL import Image, ImageDraw

    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)
        unit, origin = big * 0.8 / 32, big * 0.1  # the 32-unit favicon in the middle 80%
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=BLUE)
        unit, origin = big / 32, 0.0

    def at(x: float, y: float) -> tuple[float, float]:
        return origin + x * unit, origin + y * unit

    # favicon.svg's bubble: a rounded box from (8,8) to (24,21), a tail down to (10.5,25).
    left, top = at(8, 8)
    right, bottom = at(24, 21)
    pen.rounded_rectangle((left, top, right, bottom), radius=3.5 * unit, fill=WHITE)
    pen.polygon([at(10.5, 20), at(15, 20), at(15, 21), at(10.5, 25)], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for name, (size, maskable) in {**ICONS, **MASKABLE}.items():
        draw(size, maskable).save(STATIC / name, optimize=True)
        print(f"{STATIC / name}: {size}x{size}{' maskable' if maskable else ''}")


if __name__ == "__main__":
    main()
