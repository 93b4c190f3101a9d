// `hydromon devices` in a child process whose HOME holds an ALSA file device, so PortAudio has
// an input to list on a machine without a sound card.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPortAudio } from '../../../../streams/sources/portaudio.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const available = await loadPortAudio().then(
  () => true,
  (e: Error) => {
    console.warn(`SKIPPED hydromon devices test: ${e.message}`);
    return false;
  },
);
const home = mkdtempSync(join(tmpdir(), 'hydro-dev-'));
writeFileSync(join(home, 'in.raw'), Buffer.alloc(48000));
writeFileSync(join(home, '.asoundrc'), `pcm.hydrolist {\n type file\n slave.pcm "null"\n file "/dev/null"\n infile "${join(home, 'in.raw')}"\n format "raw"\n}\n`);
afterAll(() => rmSync(home, { recursive: true, force: true }));

const runner = `
import { Command } from 'commander';
import { register } from './server/cli/commands/devices.ts';
const p = new Command('hydromon').exitOverride();
register(p);
p.parseAsync(process.argv).catch((e) => { process.stderr.write('hydromon: ' + e.message + '\\n'); process.exitCode = 1; });
`;

describe.skipIf(!available)('hydromon devices', () => {
  it('lists input devices as JSON lines', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', runner, 'hydromon', 'devices', '--json'], { cwd: root, env: { ...process.env, HOME: home } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    const devs = out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { id: number; name: string; hostApi: string; maxInputChannels: number });
    const d = devs.find((x) => x.name === 'hydrolist');
    expect(d).toMatchObject({ hostApi: 'ALSA' });
    expect(d?.maxInputChannels).toBeGreaterThan(0);
  }, 30_000);
});
