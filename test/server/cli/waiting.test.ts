// `hydromon listen` and `hydromon run` on an archive folder with no recordings yet: one clear
// 'waiting' line naming the folder, and no repeats while the periodic status re-sends it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hydromon, projectRoot } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hm-nofiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const waitingLines = (text: string): string[] => text.split('\n').filter((l) => l.includes(': waiting'));
const env = { HYDROMON_INFLUX_URL: '' };

// Concurrent: each mostly waits for status ticks, so the file takes ~15 s, not the sum.
describe.concurrent('waiting for files on the console', () => {
  it('listen: one waiting line with the folder, none repeated over a 10 s status tick', async () => {
    const empty = join(dir, 'listen-empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not audio');
    // runStation re-sends the status every 10 s: 12 s covers one repeat.
    const r = await hydromon(['listen', empty, '--no-model', '--for', '12', '--station', 'buoy'], { env, timeoutMs: 40_000 });
    expect(r.code).toBe(0);
    expect(waitingLines(r.stderr)).toEqual([`buoy: waiting: waiting for audio files in ${empty} (looking every 5 s)`]);
    expect(r.stderr).toMatch(/buoy: 0\.0 s of audio/);
  }, 45_000);

  it('run: one waiting line for the station with the folder, none repeated over a 5 s status tick', async () => {
    const empty = join(dir, 'run-empty');
    mkdirSync(empty);
    const cfg = join(dir, 'stations.yaml');
    writeFileSync(cfg, [
      'stations:',
      '  - id: arch',
      '    name: Empty archive',
      `    source: ${JSON.stringify(empty)}`,
      '    speed: 1',
      '    waitPollS: 1',
      'server:',
      '  host: 127.0.0.1',
      '  port: 0',
      'store:',
      `  dataDir: ${JSON.stringify(join(dir, 'data'))}`,
      'clips: false',
      '',
    ].join('\n'));
    const child = spawn(process.execPath, [join(projectRoot, 'bin/hydromon.mjs'), 'run', '--config', cfg, '--no-model'], {
      cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const until = Date.now() + 30_000;
      while (waitingLines(err).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(waitingLines(err).length, err).toBe(1);
      // The monitor re-sends every station's status every 5 s: 6 s covers a repeat.
      await new Promise((r) => setTimeout(r, 6_000));
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
    expect(waitingLines(err)).toEqual([`hydromon: arch: waiting: waiting for audio files in ${empty} (looking every 1 s)`]);
  }, 60_000);
});
