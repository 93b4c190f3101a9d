// `hydromon listen` end to end: the real command module in a child process, a HYDR pusher on
// 127.0.0.1, and the per-chunk JSON lines it prints.
import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chunkLine, rmsDb } from '../../../../server/cli/commands/listen.ts';
import { toneStream } from '../../../streams/sources/helpers/pusher.ts';

const root = new URL('../../../../', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function dialRetry(port: number, ms: number): Promise<Socket> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      });
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// Runs only the listen command (not every command module), so this test does not depend on others.
const runner = `
import { Command } from 'commander';
import { register } from './server/cli/commands/listen.ts';
const p = new Command('hydromon').exitOverride();
register(p);
p.parseAsync(process.argv).catch((e) => { process.stderr.write('hydromon: ' + e.message + '\\n'); process.exitCode = 1; });
`;

function hydromon(args: string[]): { done: Promise<{ code: number | null; out: string; err: string }>; stop(): void; lines(): number } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', runner, 'hydromon', ...args], { cwd: root });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return {
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err }))),
    stop: () => child.kill('SIGINT'),
    lines: () => out.split('\n').length - 1,
  };
}

describe('hydromon listen', () => {
  it('prints one JSON line per chunk from a TCP pusher, status on stderr, and stops cleanly on SIGINT', async () => {
    const port = await freePort();
    const run = hydromon(['listen', `tcp://127.0.0.1:${port}`, '--chunks', '--for', '60', '--json', '--station', 'b1']);
    const T = Date.UTC(2024, 5, 1, 12, 0, 0);
    const tone = toneStream({ freqHz: 440, sampleRate: 16000, frames: 10, startMs: T });
    const s = await dialRetry(port, 15_000);
    s.end(Buffer.concat([tone.header, ...tone.frames]));
    const end = Date.now() + 10_000;
    while (run.lines() < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    run.stop();
    const { code, out, err } = await run.done;
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { station: string; t0: string; samples: number; rms_db: number; seq: number });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[0]).toMatchObject({ station: 'b1', seq: 0, t0: '2024-06-01T12:00:00.000Z' });
    expect(lines.reduce((n, l) => n + l.samples, 0)).toBe(16000);
    // 16000/32768 amplitude sine: rms = a/√2 → −9.0 dBFS
    for (const l of lines) expect(l.rms_db).toBeCloseTo(20 * Math.log10(16000 / 32768 / Math.SQRT2), 0);
    const events = err.trim().split('\n').map((l) => JSON.parse(l) as { type: string; state?: string });
    expect(events.some((e) => e.type === 'status' && e.state === 'live')).toBe(true);
  }, 30_000);

  it('runs the station pipeline on a pusher and prints windows with the pusher\'s times', async () => {
    const port = await freePort();
    const run = hydromon(['listen', `tcp://127.0.0.1:${port}`, '--for', '60', '--json', '--no-model', '--station', 'b2']);
    const T = Date.UTC(2024, 5, 1, 12, 0, 0);
    // 50 frames of 0.1 s: 5 s of a 440 Hz tone.
    const tone = toneStream({ freqHz: 440, sampleRate: 16000, frames: 50, startMs: T });
    const s = await dialRetry(port, 15_000);
    s.end(Buffer.concat([tone.header, ...tone.frames]));
    const end = Date.now() + 15_000;
    while (run.lines() < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    run.stop();
    const { code, out, err } = await run.done;
    expect(code).toBe(0);
    const lines = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { station: string; kind: string; start: string; duration_s: number });
    expect(lines.slice(0, 3).map((l) => l.start)).toEqual(['2024-06-01T12:00:00.000Z', '2024-06-01T12:00:01.000Z', '2024-06-01T12:00:02.000Z']);
    expect(lines.every((l) => l.station === 'b2' && l.kind === 'sliding')).toBe(true);
    expect(err).toMatch(/b2: .* s of audio/);
  }, 40_000);

  it('--for stops listening after that many seconds', async () => {
    const t = Date.now();
    const { code, err } = await hydromon(['listen', 'tcp://127.0.0.1:0', '--chunks', '--for', '1']).done;
    expect(code).toBe(0);
    expect(Date.now() - t).toBeGreaterThan(1000);
    expect(err).toMatch(/\[listen\] connecting/);
  }, 30_000);

  it('a malformed source is a clear error and exit code 1', async () => {
    const { code, err } = await hydromon(['listen', 'tcp://nowhere']).done;
    expect(code).toBe(1);
    expect(err).toMatch(/source "tcp:\/\/nowhere": expected tcp:\/\/host:port/);
  }, 30_000);

  it('formats levels', () => {
    expect(rmsDb(new Float32Array([1, -1]))).toBeCloseTo(0, 9);
    expect(chunkLine({ station: 's', sampleRate: 8000, samples: new Float32Array(4), t0: 0, seq: 3 }, true)).toBe(
      '{"station":"s","seq":3,"t0":"1970-01-01T00:00:00.000Z","sampleRate":8000,"samples":4,"rms_db":null}',
    );
  });
});
