// Decoded audio compared sample for sample, naming the first sample that differs (a whole-array
// toEqual on a million samples prints neither usefully).
import { expect } from 'vitest';

export function expectSameChannels(got: readonly Float32Array[], want: readonly Float32Array[]): void {
  expect(got.length).toBe(want.length);
  for (let c = 0; c < want.length; c++) {
    expect(got[c].length).toBe(want[c].length);
    let bad = -1;
    for (let i = 0; i < want[c].length; i++) if (got[c][i] !== want[c][i]) { bad = i; break; }
    expect(bad, `channel ${c} first differs at sample ${bad}`).toBe(-1);
  }
}
