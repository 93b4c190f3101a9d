// Where librosa's reference numbers live: $HYDROMON_DATA/librosa (default ../shared/data from the
// project root). Tests skip visibly when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataRoot } from '../../../models/paths.ts';

export const dataDir = dataRoot();
export const librosaDir = join(dataDir, 'librosa');
export const hasLibrosa = existsSync(join(librosaDir, 'reference', 'synth22k_10s.f32')) && existsSync(join(librosaDir, 'test-data'));
if (!hasLibrosa) console.warn(`SKIP: librosa reference data not found under ${librosaDir} (set HYDROMON_DATA)`);

export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

export function readF64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}
