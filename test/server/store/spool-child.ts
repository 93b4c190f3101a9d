// Child process for spool-crash.test.ts: writes detections through a spooled store whose server
// is unreachable, printing each acknowledged (durable) batch, until the parent SIGKILLs it.
import { createInfluxStore } from '../../../server/store/influx.ts';
import { spooled } from '../../../server/store/spool.ts';
import { det } from './fixtures.ts';

const [dir, url] = process.argv.slice(2);
const store = spooled(createInfluxStore(url, { writeTimeoutMs: 500 }), { dir, retryMs: 60_000, batch: { maxItems: 10, maxDelayMs: 2 } });
let i = 0;
for (;;) {
  const batch = Array.from({ length: 5 }, () => det(i++));
  await store.writeDetections(batch);
  process.stdout.write(`acked ${i}\n`);
}
