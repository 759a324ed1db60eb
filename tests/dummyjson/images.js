'use strict';
/**
 * Minimal PNG encoder/inspector (node:zlib only) for the images the stand-in server serves itself.
 * A product image is a 64x64 RGB picture: a background colour derived from (product id, image index,
 * version) plus a diagonal band whose position depends on the image index, so every image of a product
 * looks different and bumping the version changes the bytes.
 */
const zlib = require('node:zlib');
const { mix } = require('./prng');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 lookup table (IEEE polynomial, as PNG requires). */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * CRC-32 of a buffer.
 * @param {Buffer} buf
 * @returns {number} unsigned 32-bit CRC
 */
function crc32(buf) {
  let c = -1;
  for (let i = 0; i < buf.length; i += 1) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** One PNG chunk: length, type, data, CRC(type + data). */
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes an 8-bit RGB PNG.
 * @param {number} width
 * @param {number} height
 * @param {(x: number, y: number) => [number, number, number]} pixel colour of each pixel
 * @param {number} [level] zlib compression level (0 = stored)
 * @returns {Buffer}
 */
function encodePng(width, height, pixel, level = 9) {
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(stride * height); // filter byte 0 (None) on every row
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = pixel(x, y);
      const o = y * stride + 1 + x * 3;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Renders the 64x64 PNG for one product image.
 * @param {{ id: number|string, index: number|string, version?: number }} key
 *   id: product id; index: image number from the URL (1..n) or "thumbnail"; version: bumped by changeImage.
 * @returns {Buffer}
 */
function renderProductImage({ id, index, version = 0 }) {
  const idx = index === 'thumbnail' ? 0 : Number(index) || 0;
  const h = mix(Number(id) >>> 0, idx, version >>> 0, String(id).length);
  const bg = [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff];
  const fg = bg.map((c) => 255 - c);
  const offset = (idx * 11) % 64;
  return encodePng(64, 64, (x, y) => (Math.abs(((x + y + offset) % 64) - 32) < 6 ? fg : bg));
}

/**
 * Renders a 64x64 PNG for any other path (e.g. the QR-code placeholder) from a hash of the path.
 * @param {string} key any string
 * @param {number} [version]
 * @returns {Buffer}
 */
function renderGenericImage(key, version = 0) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = mix(h >>> 0, version >>> 0);
  const dark = [h & 0x3f, (h >>> 8) & 0x3f, (h >>> 16) & 0x3f];
  return encodePng(64, 64, (x, y) => (((x >> 3) + (y >> 3)) % 2 ? [255, 255, 255] : dark));
}

let hugeCache = null;
/**
 * A valid but huge PNG (2048x2048 RGB, stored uncompressed, ~12.6 MB), built once and cached.
 * Used by the "huge" image fault.
 * @returns {Buffer}
 */
function hugePng() {
  if (!hugeCache) hugeCache = encodePng(2048, 2048, (x, y) => [x & 0xff, y & 0xff, (x ^ y) & 0xff], 0);
  return hugeCache;
}

/**
 * Checks a PNG thoroughly: signature, chunk CRCs, IHDR, IEND, and that IDAT inflates to the right size.
 * @param {Buffer} buf
 * @returns {{ valid: boolean, width?: number, height?: number, error?: string }}
 */
function inspectPng(buf) {
  try {
    if (!Buffer.isBuffer(buf) || buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
      return { valid: false, error: 'bad signature' };
    }
    let pos = 8;
    let width;
    let height;
    let colourType;
    let ended = false;
    const idat = [];
    while (pos + 12 <= buf.length) {
      const len = buf.readUInt32BE(pos);
      const type = buf.toString('ascii', pos + 4, pos + 8);
      if (pos + 12 + len > buf.length) return { valid: false, error: `truncated ${type} chunk` };
      const data = buf.subarray(pos + 8, pos + 8 + len);
      if (crc32(buf.subarray(pos + 4, pos + 8 + len)) !== buf.readUInt32BE(pos + 8 + len)) {
        return { valid: false, error: `bad CRC in ${type}` };
      }
      if (type === 'IHDR') {
        width = data.readUInt32BE(0);
        height = data.readUInt32BE(4);
        colourType = data[9];
      } else if (type === 'IDAT') idat.push(data);
      else if (type === 'IEND') {
        ended = true;
        break;
      }
      pos += 12 + len;
    }
    if (!width || !ended) return { valid: false, error: 'missing IHDR or IEND' };
    const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType] || 3;
    const raw = zlib.inflateSync(Buffer.concat(idat));
    if (raw.length !== height * (1 + width * channels)) return { valid: false, error: 'bad IDAT size' };
    return { valid: true, width, height };
  } catch (err) {
    return { valid: false, error: err.message };
  }
}

module.exports = { PNG_SIGNATURE, crc32, encodePng, renderProductImage, renderGenericImage, hugePng, inspectPng };
