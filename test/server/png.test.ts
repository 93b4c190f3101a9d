import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePngRgb } from '../../server/png.ts';

describe('PNG encoder', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('writes chunks with valid CRCs and the pixels back out of IDAT', () => {
    const w = 3;
    const h = 2;
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) & 255);
    const png = encodePngRgb(w, h, rgb);
    let p = 8;
    const chunks: string[] = [];
    let idat = Buffer.alloc(0);
    while (p < png.length) {
      const len = png.readUInt32BE(p);
      const type = png.subarray(p + 4, p + 8).toString('latin1');
      expect(png.readUInt32BE(p + 8 + len), type).toBe(crc32(png.subarray(p + 4, p + 8 + len)));
      if (type === 'IDAT') idat = Buffer.concat([idat, png.subarray(p + 8, p + 8 + len)]);
      chunks.push(type);
      p += 12 + len;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.readUInt32BE(16)).toBe(w);
    expect(png.readUInt32BE(20)).toBe(h);
    const raw = inflateSync(idat);
    expect(raw.length).toBe((w * 3 + 1) * h);
    expect([...raw.subarray(1, 1 + w * 3)]).toEqual([...rgb.subarray(0, w * 3)]);
    expect([...raw.subarray(w * 3 + 2)]).toEqual([...rgb.subarray(w * 3)]);
  });

  it('rejects sizes that do not match the data', () => {
    expect(() => encodePngRgb(2, 2, new Uint8Array(11))).toThrow(/expected 12 bytes/);
    expect(() => encodePngRgb(0, 2, new Uint8Array(0))).toThrow(/bad size/);
  });
});
