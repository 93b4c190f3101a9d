// `hydromon dataset watkins` end to end: the command module on its own, and the real CLI binary.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register, runWatkinsCommand, type WatkinsCommandOptions } from '../../../server/cli/commands/dataset.ts';
import { startWatkinsFixture, syntheticWatkinsSpecies, type WatkinsFixture } from '../../helpers/watkins-fixture-server.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
let fx: WatkinsFixture;
let out: string;
beforeEach(async () => {
  fx = await startWatkinsFixture(syntheticWatkinsSpecies());
  out = await mkdtemp(join(tmpdir(), 'watkins-cli-'));
});
afterEach(async () => {
  await fx.close();
  await rm(out, { recursive: true, force: true });
});

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const base = (): WatkinsCommandOptions => ({ out, baseUrl: fx.baseUrl, concurrency: 2, delayMs: 0, retries: 1, timeoutMs: 5000 });

describe('hydromon dataset watkins', () => {
  it('prints plain progress lines off a TTY and a summary; exit 0 when all is well', async () => {
    const o = sink();
    const e = sink();
    const code = await runWatkinsCommand(base(), { stdout: o.stream, stderr: e.stream, tty: false });
    expect(code).toBe(0);
    expect(e.text()).toContain('index http://127.0.0.1:');
    expect(e.text()).toContain("species Fraser's Dolphin: 4 cuts");
    expect(e.text()).toMatch(/\[13\/13\] (downloaded|copied) /);
    expect(o.text()).toContain('Watkins "best of": 3 species, 13 cuts');
    expect(o.text()).toContain('downloaded 12, already complete 0, copied (listed under two species) 1, failed 0, retries 0');
    expect(o.text()).toContain('cuts listed under two species (1): 75005001 (Humpback Whale, Minke Whale)');
  });

  it('draws a progress bar on a TTY', async () => {
    const e = sink();
    const code = await runWatkinsCommand({ ...base(), species: ['Minke Whale'] }, { stdout: sink().stream, stderr: e.stream, tty: true });
    expect(code).toBe(0);
    expect(e.text()).toContain('4/4');
    expect(e.text()).toContain('100%');
  });

  it('lists failures with their reasons and exits 1', async () => {
    fx.setFault('81002001', { kind: 'status', status: 500, times: Infinity });
    const o = sink();
    const code = await runWatkinsCommand({ ...base(), species: ["Fraser's Dolphin"] }, { stdout: o.stream, stderr: sink().stream, tty: false });
    expect(code).toBe(1);
    expect(o.text()).toContain(`failed cuts (1):\n    Fraser's Dolphin 81002001: ${fx.audioOrigin}${fx.audioPath('81002001')}: HTTP 500 Internal Server Error (gave up after 2 attempts)`);
  });

  it('rejects bad option values through commander', async () => {
    const program = new Command('hydromon').exitOverride().configureOutput({ writeErr: () => undefined });
    register(program);
    await expect(program.parseAsync(['dataset', 'watkins', '--out', out, '--concurrency', '0'], { from: 'user' })).rejects.toThrow(/expected an integer ≥ 1, got "0"/);
    await expect(program.parseAsync(['dataset', 'watkins', '--out', out, '--base-url', 'ftp://x'], { from: 'user' })).rejects.toThrow(/expected an http\(s\) URL/);
  });

  it('runs as a real process: options parsed by commander, exit code set', async () => {
    // Only this command module is loaded (the full CLI loads every helper's command, some unfinished).
    const script = join(out, 'cli.mts');
    await writeFile(script, [
      `import { Command } from ${JSON.stringify(join(root, 'node_modules/commander/esm.mjs'))};`,
      `import { register } from ${JSON.stringify(join(root, 'server/cli/commands/dataset.ts'))};`,
      "const program = new Command('hydromon');",
      'register(program);',
      'await program.parseAsync(process.argv);',
    ].join('\n'));
    const run = (extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', script, 'dataset', 'watkins', '--out', join(out, 'data'), '--species', 'Minke Whale', '--delay-ms', '0', '--base-url', fx.baseUrl, ...extra],
        { cwd: root, timeout: 60_000 },
        (err, stdout, stderr) => done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
      );
    });
    const res = await run([]);
    expect(res.stderr).toContain('[4/4]');
    expect(res.stdout).toContain('downloaded 4, already complete 0');
    expect(res.code).toBe(0);
    const manifest = await readFile(join(out, 'data/manifest.csv'), 'utf8');
    expect(manifest.trim().split('\n')).toHaveLength(5);
    fx.setFault('75005004', { kind: 'not-audio' });
    await rm(join(out, 'data/minke-whale/75005004.wav'));
    const bad = await run(['--retries', '0']);
    expect(bad.stdout).toContain('downloaded 0, already complete 3, copied (listed under two species) 0, failed 1');
    expect(bad.code).toBe(1);
  });
});
