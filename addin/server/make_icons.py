"""Draw the ribbon and add-in icons of the CSAT Office add-in: csat-16/32/64/80.png.

    python addin/server/make_icons.py            # writes addin/server/static/images/csat/

Office asks for 16, 32 and 80 px button images and a 32/64 px add-in icon
(manifest ``IconUrl`` / ``HighResolutionIconUrl``).  The picture is a blue
rounded square with three rising white bars and a check mark — "scores going
up, checked" — drawn with the standard library only (4×4 supersampling for
smooth edges, PNG written with zlib), so the icons are reproducible from this
file: the test suite redraws them and compares with the committed files.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZES = (16, 32, 64, 80)
OUT = Path(__file__).resolve().parent / "static" / "images" / "csat"
BLUE = (31, 78, 121)  # #1F4E79, the header blue of the reports
WHITE = (255, 255, 255)
GREEN = (112, 173, 71)  # #70AD47
SUPERSAMPLE = 4


def _inside_rounded_square(x: float, y: float, radius: float) -> bool:
    """Unit square [0,1]² with rounded corners."""
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def _colour_at(x: float, y: float) -> tuple[tuple[int, int, int], float] | None:
    """The colour of the point (x, y) of the unit square, top-left origin; None = transparent."""
    if not _inside_rounded_square(x, y, 0.18):
        return None
    for left, top in ((0.18, 0.58), (0.40, 0.44), (0.62, 0.28)):  # three rising bars
        if left <= x <= left + 0.16 and top <= y <= 0.82:
            return WHITE, 1.0
    # check mark: two thick strokes, top right
    for (x1, y1), (x2, y2) in (((0.56, 0.20), (0.66, 0.30)), ((0.66, 0.30), (0.86, 0.10))):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        if (x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2 <= 0.045 ** 2:
            return GREEN, 1.0
    return BLUE, 1.0


def draw(size: int) -> bytes:
    """RGBA rows of the icon at ``size`` px."""
    rows = bytearray()
    n = SUPERSAMPLE
    for py in range(size):
        rows.append(0)  # PNG filter type: none
        for px in range(size):
            r = g = b = a = 0.0
            for sy in range(n):
                for sx in range(n):
                    hit = _colour_at((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)
                    if hit:
                        (cr, cg, cb), alpha = hit
                        r, g, b, a = r + cr * alpha, g + cg * alpha, b + cb * alpha, a + alpha
            if a:
                rows += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / (n * n))))
            else:
                rows += b"\0\0\0\0"
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(draw(size), 9)) + chunk(b"IEND", b"")


def main(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        path = out / f"csat-{size}.png"
        path.write_bytes(png(size))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
