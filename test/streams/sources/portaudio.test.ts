// PortAudio capture on a machine without a sound card: an ALSA `type file` PCM in a scratch
// HOME/.asoundrc reads a raw s16le file we write, so PortAudio lists a capture device that
// delivers a known tone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { listInputDevices, loadPortAudio, pickDevice, portaudioSource } from '../../../streams/sources/portaudio.ts';
import type { SourceEvent } from '../../../streams/types.ts';
import { toneFreq } from './helpers/http-fixture.ts';

const home = mkdtempSync(join(tmpdir(), 'hydro-alsa-'));
const raw = join(home, 'tone.raw');
const SR = 48000;
{
  const n = SR * 2;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * 1500 * i) / SR)), i * 2);
  writeFileSync(raw, b);
  writeFileSync(
    join(home, '.asoundrc'),
    `pcm.hydrotest {\n  type file\n  slave.pcm "null"\n  file "/dev/null"\n  infile "${raw}"\n  format "raw"\n  hint { show on description "hydromon test tone" }\n}\n`,
  );
}
// ALSA reads ~/.asoundrc when PortAudio first initialises, so HOME must point there before loading.
process.env.HOME = home;
const available = await loadPortAudio().then(
  () => true,
  (e: Error) => {
    console.warn(`SKIPPED PortAudio tests: ${e.message}`);
    return false;
  },
);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('without naudiodon2', () => {
  it('says PortAudio support is not installed', async () => {
    await expect(loadPortAudio('naudiodon2-not-here')).rejects.toThrow(/^PortAudio support not installed \(optional dependency naudiodon2 is missing or did not build: .*naudiodon2-not-here/);
  });
});

describe('pickDevice', () => {
  const devs = [
    { id: 0, name: 'hw:0 Built-in', maxInputChannels: 2, defaultSampleRate: 44100, hostApi: 'ALSA' },
    { id: 3, name: 'USB Hydrophone Interface', maxInputChannels: 1, defaultSampleRate: 96000, hostApi: 'ALSA' },
  ];
  it('by index, exact name, unique part of a name, or default', () => {
    expect(pickDevice(devs, 3)?.valueOf()).toEqual(devs[1]);
    expect(pickDevice(devs, '0')).toEqual(devs[0]);
    expect(pickDevice(devs, 'hydrophone')).toEqual(devs[1]);
    expect(pickDevice(devs, 'default')).toBe('default');
    expect(pickDevice(devs, 'nope')).toBeNull();
    expect(pickDevice(devs, 7)).toBeNull();
  });
});

describe.skipIf(!available)('PortAudio capture from an ALSA file device', () => {
  it('lists the test device among the inputs', async () => {
    const devs = await listInputDevices();
    expect(devs.map((d) => d.name)).toContain('hydrotest');
  });

  it('delivers the tone written to the device file at its frequency', async () => {
    const events: SourceEvent[] = [];
    const chunks = await firstValueFrom(
      portaudioSource({ station: 'card', report: (e) => events.push(e) }, { device: 'hydrotest', sampleRate: SR }, { chunkS: 0.1 }).pipe(take(10), toArray()),
    );
    expect(chunks).toHaveLength(10);
    chunks.forEach((c, i) => expect(c.seq).toBe(i));
    for (const c of chunks) {
      expect(c.sampleRate).toBe(SR);
      expect(c.samples.length).toBe(SR / 10);
      expect(toneFreq(c.samples, SR)).toBeCloseTo(1500, 0);
    }
    expect(events.some((e) => e.type === 'status' && e.state === 'live')).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the device is closed without complaint
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('an unknown device is reported with the inputs there are', async () => {
    const events: SourceEvent[] = [];
    const sub = portaudioSource({ station: 'card', report: (e) => events.push(e) }, { device: 'no-such-card' }, { backoff: { baseMs: 60_000 } }).subscribe();
    const t = Date.now();
    while (!events.some((e) => e.type === 'status' && e.state === 'down') && Date.now() - t < 5000) await new Promise((r) => setTimeout(r, 20));
    sub.unsubscribe();
    const down = events.find((e) => e.type === 'status' && e.state === 'down');
    expect(down?.type === 'status' && down.message).toMatch(/no PortAudio input device "no-such-card" \(inputs: .*hydrotest/);
  });
});
