import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { confusionPng, crc32, encodePngRgb } from '../../models/png.ts';

describe('png', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('encodes pixels that decode back', () => {
    const px = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const png = encodePngRgb(2, 2, px);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(2);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    // each row: filter byte 0, then RGB RGB
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
    // every chunk's CRC covers type + data
    const ihdrCrc = png.readUInt32BE(29);
    expect(ihdrCrc).toBe(crc32(png.subarray(12, 29)));
  });
  it('draws a confusion matrix of n×cell pixels', () => {
    const png = confusionPng([[3, 0], [1, 1]], 8);
    expect(png.readUInt32BE(16)).toBe(16);
    expect(png.readUInt32BE(20)).toBe(16);
  });
});
