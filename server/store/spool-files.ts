// The spool's files, kept apart from its policy so each is small and testable.
//   <dir>/0000000001.lp   line protocol, appended and fsync'd per batch; one file per writer run
//                         (and per size limit), never appended to after a restart, so a torn
//                         last line from a crash stays torn and is skipped, never glued to new data.
//   <dir>/0000000001.ack  byte offset up to which InfluxDB has acknowledged the segment. Written
//                         after each acknowledged chunk; losing it only re-sends points, and
//                         re-sent points are idempotent (same id → same point).
//   <dir>/rejected.lp     points the server refused (4xx), kept for inspection instead of retried forever.
//   <dir>/LOCK            pid of the process draining this spool.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SEG = /^(\d{10})\.lp$/;

export function segmentPath(dir: string, seq: number): string {
  return join(dir, `${String(seq).padStart(10, '0')}.lp`);
}

export function ackPath(dir: string, seq: number): string {
  return join(dir, `${String(seq).padStart(10, '0')}.ack`);
}

export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => SEG.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function readAck(dir: string, seq: number): number {
  try {
    const n = Number(readFileSync(ackPath(dir, seq), 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * The complete lines of `buf` from byte `from` on, with the byte offset after each line.
 * A last line without its newline (torn by a crash mid-write) is left out.
 */
export function completeLines(buf: Buffer, from: number): { lines: string[]; ends: number[] } {
  const lines: string[] = [];
  const ends: number[] = [];
  let start = from;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    if (nl > start) {
      lines.push(buf.toString('utf8', start, nl));
      ends.push(nl + 1);
    }
    start = nl + 1;
  }
  return { lines, ends };
}

export function removeSegment(dir: string, seq: number): void {
  for (const p of [segmentPath(dir, seq), ackPath(dir, seq)]) {
    try { unlinkSync(p); } catch { /* already gone */ }
  }
}

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of a process (Linux /proc), so a pid reused after a reboot is not taken for the old writer. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function holderAlive(text: string): number | undefined {
  const [pidText, started] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !alive(pid)) return undefined;
  if (started !== undefined) {
    const now = startTime(pid);
    if (now !== undefined && now !== started) return undefined; // same pid, another process
  }
  return pid;
}

/** One writer per spool: two monitors draining the same folder would interleave and double-send. */
export function lockSpool(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'LOCK');
  if (heldHere.has(lock)) throw new Error(`spool ${dir} is already open in this process`);
  if (existsSync(lock)) {
    const pid = holderAlive(readFileSync(lock, 'utf8'));
    if (pid !== undefined) throw new Error(`spool ${dir} is in use by process ${pid}`);
    unlinkSync(lock); // stale: its writer died without closing
  }
  const fd = openSync(lock, 'wx');
  writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}`.trim());
  closeSync(fd);
  heldHere.add(lock);
  return () => {
    heldHere.delete(lock);
    try { unlinkSync(lock); } catch { /* gone */ }
  };
}
