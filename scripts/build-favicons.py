#!/usr/bin/env python3
"""Rasterise static/directory/favicon.svg into favicon.ico (16, 32, 48 px) and apple-touch-icon.png (180 px).

Run once after changing the SVG, with the test extras installed and Chromium at /usr/bin/chromium; commit the outputs.
Browsers ask for /favicon.ico on their own, and not every one reads SVG icons.
"""

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "static" / "directory"
ICO_SIZES = (16, 32, 48)


def render(page, svg, size):
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(f"<body style='margin:0'><img src='data:image/svg+xml;utf8,{svg}' width={size} height={size}>")
    return page.screenshot(omit_background=True)


def ico(pngs):
    """Return an ICO file holding PNG images, keyed by their size in pixels."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in pngs.items():
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(images))
        images += png
    return header + entries + images


def main():
    svg = (STATIC / "favicon.svg").read_text().strip().replace("#", "%23")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        (STATIC / "favicon.ico").write_bytes(ico({size: render(page, svg, size) for size in ICO_SIZES}))
        # iOS rounds the corners itself and would fill transparent ones with black.
        (STATIC / "apple-touch-icon.png").write_bytes(render(page, svg.replace('rx="6"', 'rx="0"'), 180))
        browser.close()


if __name__ == "__main__":
    main()
