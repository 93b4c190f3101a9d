// Entry point of the FLAC decoding worker (flac-worker-stream.ts). A worker thread starts as plain
// Node whatever launched the process (bin/hydromon.mjs, `node --import tsx`, vitest), so it
// registers tsx itself, as bin/hydromon.mjs does, before loading the TypeScript worker.
import { register } from 'tsx/esm/api';
register();
await import('./flac-worker.ts');
