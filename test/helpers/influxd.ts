// A real influxd for tests: one per test file, in its own temp dir, on 127.0.0.1 only.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInfluxd, type Influxd } from '../../scripts/influxd.ts';

export type { Influxd };

export interface TestInfluxd extends Influxd {
  /** Start again on the same data dir and port (after stop or SIGKILL). */
  restart(): Promise<TestInfluxd>;
  /** Stop and delete the data dir. */
  dispose(): Promise<void>;
  /** SIGSTOP, resolved once every influxd thread really is stopped (a hung server). */
  freeze(timeoutMs?: number): Promise<void>;
  /** Whether every influxd thread is stopped right now. */
  frozen(): boolean;
  /** SIGCONT. */
  thaw(): void;
}

/** Scheduler state of each thread of `pid` (Linux /proc): 'T' when stopped; a thread that has
 *  exited since the listing is left out. */
function threadStates(pid: number): string[] {
  const states: string[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "tid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
    states.push(stat.charAt(stat.lastIndexOf(')') + 2));
  }
  return states;
}

function allStopped(pid: number): boolean {
  const states = threadStates(pid);
  return states.length > 0 && states.every((s) => s === 'T');
}

function wrap(d: Influxd, root: string, auth = false): TestInfluxd {
  return {
    ...d,
    stop: d.stop,
    async restart() {
      await d.stop();
      return wrap(await startInfluxd({ dir: d.dir, port: d.port, rpcPort: d.rpcPort, auth }), root, auth);
    },
    async dispose() {
      await d.stop('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    },
    async freeze(timeoutMs = 10_000) {
      process.kill(d.pid, 'SIGSTOP');
      // kill() only queues the stop: each thread stops when the kernel next runs it. On a loaded
      // machine that took up to ~200 ms, during which influxd still answered writes, so wait for
      // the kernel to report every thread stopped.
      const deadline = Date.now() + timeoutMs;
      while (!allStopped(d.pid)) {
        if (Date.now() >= deadline) {
          throw new Error(`influxd ${d.pid} not stopped ${timeoutMs} ms after SIGSTOP (thread states ${threadStates(d.pid).join('')})`);
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    frozen() {
      return allStopped(d.pid);
    },
    thaw() {
      process.kill(d.pid, 'SIGCONT');
    },
  };
}

export async function startTestInfluxd(opts: { auth?: boolean } = {}): Promise<TestInfluxd> {
  const root = mkdtempSync(join(tmpdir(), 'hydromon-influxd-'));
  return wrap(await startInfluxd({ dir: join(root, 'db'), auth: opts.auth === true }), root, opts.auth === true);
}
