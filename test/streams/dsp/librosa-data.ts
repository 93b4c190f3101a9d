// Where librosa's reference numbers live: $HYDROMON_DATA/librosa (default ../shared/data from the
// project root). Tests skip visibly when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const dataDir = process.env.HYDROMON_DATA ?? resolve(projectRoot, '../shared/data');
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
