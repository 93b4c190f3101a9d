// Live capacity through TCP stations: the capacity bench (capacity.ts) with every station a
// tcp://127.0.0.1 listener fed at real-time pace by a pusher child process (bench/live.ts), the
// shipped model classifying. bench/live.ts measures the TCP ingest alone.
//   node --import tsx bench/capacity-tcp.ts         (CAP_BENCH_S, CAP_BENCH_N, CAP_MODEL as capacity.ts)
import { fileURLToPath } from 'node:url';
import { runCapacity, units as capacityUnits } from './capacity.ts';

export const runs = 1;
export const units = capacityUnits;
export const run = (): Promise<Record<string, number>> => runCapacity('tcp');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run();
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
