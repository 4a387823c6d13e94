// Draws images/icon.png (128×128): a white speech bubble with three lines of
// "text" on a rounded terracotta square. Run: node images/make-icon.mjs
// Shapes are signed distance functions, sampled 4×4 per pixel for smooth edges.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const SS = 4;

const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
// A triangle given by three points (negative inside).
const triangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const edge = (px, py, qx, qy) => ((qx - px) * (y - py) - (qy - py) * (x - px)) / Math.hypot(qx - px, qy - py);
  return Math.max(-edge(ax, ay, bx, by), -edge(bx, by, cx, cy), -edge(cx, cy, ax, ay));
};

const bgTop = [0xe0, 0x86, 0x67];
const bgBottom = [0xc9, 0x64, 0x42];
const white = [0xff, 0xfb, 0xf7];
const ink = [0xc9, 0x64, 0x42];

function sample(x, y) {
  // Returns [r, g, b, a] for a point.
  const bg = roundedBox(x, y, 64, 64, 62, 62, 26);
  if (bg > 0) return [0, 0, 0, 0];
  const t = y / N;
  let c = bgTop.map((v, i) => v + (bgBottom[i] - v) * t);
  const bubble = Math.min(roundedBox(x, y, 64, 56, 42, 30, 14), triangle(x, y, [34, 76], [56, 80], [30, 102]));
  if (bubble <= 0) {
    c = white;
    const lines = Math.min(roundedBox(x, y, 58, 43, 24, 4, 4), roundedBox(x, y, 64, 56, 30, 4, 4), roundedBox(x, y, 52, 69, 18, 4, 4));
    if (lines <= 0) c = ink;
  }
  return [...c, 255];
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let py = 0; py < N; py++) {
  raw[py * (N * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < N; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const s = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        for (let i = 0; i < 3; i++) acc[i] += s[i] * s[3];
        acc[3] += s[3];
      }
    }
    const o = py * (N * 4 + 1) + 1 + px * 4;
    const a = acc[3] / (SS * SS);
    for (let i = 0; i < 3; i++) raw[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
    raw[o + 3] = Math.round(a);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`images/icon.png: ${png.length} bytes`);
