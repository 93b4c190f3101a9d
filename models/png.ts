// The model card's confusion-matrix picture, without a plotting dependency.
// One PNG encoder for the project (server/png.ts: spectrograms); the card only adds its picture.
import { encodePngRgb } from '../server/png.ts';

export { crc32, encodePngRgb } from '../server/png.ts';

/**
 * Confusion matrix as a heat map: one `cell`-pixel square per entry, row-normalised (white = 0,
 * dark blue = the whole row), with a green frame on the diagonal. Labels are in the card's table.
 */
export function confusionPng(matrix: readonly (readonly number[])[], cell = 24): Buffer {
  const n = matrix.length;
  const size = Math.max(1, n * cell);
  const px = new Uint8Array(size * size * 3).fill(255);
  for (let i = 0; i < n; i++) {
    const total = matrix[i].reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) {
      const v = total > 0 ? matrix[i][j] / total : 0;
      const rgb = [Math.round(255 - 247 * v), Math.round(255 - 207 * v), Math.round(255 - 148 * v)];
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          const edge = x === 0 || y === 0 || x === cell - 1 || y === cell - 1;
          const o = ((i * cell + y) * size + j * cell + x) * 3;
          const c = edge ? (i === j ? [0, 160, 0] : [200, 200, 200]) : rgb;
          px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2];
        }
      }
    }
  }
  return encodePngRgb(size, size, px);
}
