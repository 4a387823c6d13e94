#!/usr/bin/python3
"""Renders a terminal screen captured with `tmux capture-pane -e -p` (text
with SGR colour sequences) to a PNG, cell by cell, in DejaVu Sans Mono.

    render.py SCREEN.txt OUT.png [COLUMNS ROWS]
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 17
DEFAULT_FG = (255, 255, 255)
DEFAULT_BG = (51, 51, 51)  # the desert colorscheme's Normal background
PALETTE = [
    (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
]


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def parse(line):
    """Yields (char, style) for each cell of a captured line."""
    style = {"fg": None, "bg": None, "bold": False, "italic": False, "underline": False, "reverse": False}
    for token in re.split(r"(\x1b\[[0-9;:]*m)", line):
        if token.startswith("\x1b["):
            codes = [int(c) if c else 0 for c in re.split(r"[;:]", token[2:-1])] or [0]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    style = {k: (None if k in ("fg", "bg") else False) for k in style}
                elif c == 1:
                    style["bold"] = True
                elif c == 3:
                    style["italic"] = True
                elif c == 4:
                    style["underline"] = True
                elif c == 7:
                    style["reverse"] = True
                elif c == 22:
                    style["bold"] = False
                elif c == 23:
                    style["italic"] = False
                elif c == 24:
                    style["underline"] = False
                elif c == 27:
                    style["reverse"] = False
                elif 30 <= c <= 37:
                    style["fg"] = PALETTE[c - 30]
                elif 90 <= c <= 97:
                    style["fg"] = PALETTE[c - 90 + 8]
                elif 40 <= c <= 47:
                    style["bg"] = PALETTE[c - 40]
                elif 100 <= c <= 107:
                    style["bg"] = PALETTE[c - 100 + 8]
                elif c == 39:
                    style["fg"] = None
                elif c == 49:
                    style["bg"] = None
                elif c in (38, 48):
                    key = "fg" if c == 38 else "bg"
                    if codes[i + 1] == 5:
                        style[key] = xterm256(codes[i + 2])
                        i += 2
                    elif codes[i + 1] == 2:
                        style[key] = tuple(codes[i + 2:i + 5])
                        i += 4
                i += 1
            continue
        for ch in token:
            yield ch, dict(style)


def main():
    src, out = sys.argv[1], sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else None
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else None
    lines = open(src, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cells = [list(parse(l)) for l in lines]
    cols = cols or max(len(c) for c in cells)
    rows = rows or len(cells)
    fonts = {
        (False, False): ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE),
        (True, False): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE),
        (False, True): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Oblique.ttf", SIZE),
        (True, True): ImageFont.truetype(FONT_DIR + "DejaVuSansMono-BoldOblique.ttf", SIZE),
    }
    cw = round(fonts[(False, False)].getlength("M"))
    ch = round(SIZE * 1.3)
    pad = 14
    img = Image.new("RGB", (cols * cw + 2 * pad, rows * ch + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(cells[:rows]):
        for x, (c, st) in enumerate(row[:cols]):
            fg, bg = st["fg"] or DEFAULT_FG, st["bg"] or DEFAULT_BG
            if st["reverse"]:
                fg, bg = bg, fg
            px, py = pad + x * cw, pad + y * ch
            if bg != DEFAULT_BG:
                draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            if c != " ":
                draw.text((px, py + 2), c, font=fonts[(st["bold"], st["italic"])], fill=fg)
            if st["underline"]:
                draw.line([px, py + ch - 2, px + cw - 1, py + ch - 2], fill=fg)
    img.save(out)


main()
