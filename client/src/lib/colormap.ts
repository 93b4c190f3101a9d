// 256-entry RGB lookup for spectrogram levels 0..255 (the same magma-like ramp as the server PNGs).
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];

export function buildLut(): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let v = 0; v < 256; v++) {
    const x = (v / 255) * (STOPS.length - 1);
    const i = Math.min(STOPS.length - 2, Math.floor(x));
    const f = x - i;
    for (let c = 0; c < 3; c++) lut[v * 3 + c] = Math.round(STOPS[i][c] + (STOPS[i + 1][c] - STOPS[i][c]) * f);
  }
  return lut;
}

export const LUT = buildLut();
