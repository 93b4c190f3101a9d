import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeClipPath, spanInClip } from '../../../server/routes/clips.ts';
import { chirp, mix, noise, placeAt, writeWav } from '../../helpers/signals.ts';
import { det, harness, type Harness } from './harness.ts';

const SR = 16_000;

describe('clip and spectrogram routes', () => {
  let h: Harness;
  let clips: string;
  let wavBytes: number;
  beforeAll(async () => {
    h = await harness([{ id: 'lab' }], { clipsDir: '' });
    clips = join(h.dir, 'clips');
    mkdirSync(join(clips, 'lab'), { recursive: true });
    // 4 s clip, 1 s detection centred: a 2→3 kHz sweep from 1.5 s to 2.5 s.
    writeWav(join(clips, 'lab/a.wav'), mix(noise(4, SR, 0.01, 3), placeAt(chirp(2000, 3000, 1, SR, 0.5), 1.5, 4, SR)), SR);
    wavBytes = 44 + 4 * SR * 2;
    writeFileSync(join(h.dir, 'secret.wav'), 'not yours');
    symlinkSync(join(h.dir, 'secret.wav'), join(clips, 'lab/link.wav'));
    writeFileSync(join(clips, 'lab/bad.wav'), 'RIFF....WAVEjunk');
    (h.monitor as { clipsDir: string | null }).clipsDir = clips;
    const d = (id: string, clip: string) => h.monitor.pushDetection(det(0, { id, clip, start: Date.now() - 3000, end: Date.now() - 2000 }));
    await d('ok', 'lab/a.wav');
    await d('escape', '../secret.wav');
    await d('abs', join(h.dir, 'secret.wav'));
    await d('link', 'lab/link.wav');
    await d('missing', 'lab/none.wav');
    await d('bad', 'lab/bad.wav');
    await h.monitor.pushDetection(det(1, { id: 'noclip', start: Date.now() }));
  });
  afterAll(() => h.close());

  it('serves the clip as audio/wav and honours Range', async () => {
    const full = await h.app.inject('/api/detections/ok/clip');
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('audio/wav');
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.rawPayload.length).toBe(wavBytes);
    expect(full.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    const part = await h.app.inject({ url: '/api/detections/ok/clip', headers: { range: 'bytes=8-15' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 8-15/${wavBytes}`);
    expect(part.rawPayload.toString()).toBe('WAVEfmt ');
    const tail = await h.app.inject({ url: '/api/detections/ok/clip', headers: { range: 'bytes=-10' } });
    expect(tail.rawPayload).toEqual(full.rawPayload.subarray(wavBytes - 10));
    const beyond = await h.app.inject({ url: '/api/detections/ok/clip', headers: { range: `bytes=${wavBytes}-` } });
    expect(beyond.statusCode).toBe(416);
  });

  it('keeps every path inside the clip folder', async () => {
    for (const id of ['escape', 'abs', 'link']) {
      const r = await h.app.inject(`/api/detections/${id}/clip`);
      expect(r.statusCode, id).toBe(400);
      expect(r.json().message).toMatch(/clip path/);
    }
    expect((await h.app.inject('/api/clips/lab/a.wav')).statusCode).toBe(200);
    expect((await h.app.inject('/api/clips/..%2Fsecret.wav')).statusCode).toBe(400);
    expect((await h.app.inject('/api/clips/lab/../../secret.wav')).statusCode).not.toBe(200);
    expect((await h.app.inject('/api/detections/missing/clip')).statusCode).toBe(404);
    expect((await h.app.inject('/api/detections/noclip/clip')).json().message).toMatch(/no clip/);
    expect((await h.app.inject('/api/detections/unknown/clip')).statusCode).toBe(404);
    await expect(safeClipPath(clips, 'lab/a.wav')).resolves.toBe(join(clips, 'lab/a.wav'));
    await expect(safeClipPath(clips, 'lab/../lab/a.wav')).rejects.toThrow(/refused/); // any ".." is refused
    await expect(safeClipPath(clips, '..')).rejects.toThrow(/refused/);
    await expect(safeClipPath(clips, 'lab')).rejects.toThrow(/not a file/);
  });

  it('renders a PNG spectrogram with the detected span marked', async () => {
    const r = await h.app.inject('/api/detections/ok/spectrogram.png');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/png');
    const png = r.rawPayload;
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(height).toBe(256);
    // Decode the one IDAT (filter 0 rows) and find the cyan marker columns in the top row.
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString()).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    const px = (x: number, y: number) => raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3);
    const cyanCols: number[] = [];
    for (let x = 0; x < width; x++) { const [rr, g, b] = px(x, height - 1); if (rr === 0 && g === 229 && b === 255) cyanCols.push(x); }
    expect(cyanCols.length).toBe(2);
    // Span 1.5–2.5 s of a 4 s clip.
    expect(cyanCols[0] / width).toBeCloseTo(1.5 / 4, 1);
    expect(cyanCols[1] / width).toBeCloseTo(2.5 / 4, 1);
    // The sweep is bright between the markers at 2–3 kHz (rows from the bottom: f / 8000 × 256).
    const mid = Math.round((cyanCols[0] + cyanCols[1]) / 2);
    const row = height - 1 - Math.round((2500 / 8000) * 256);
    let best = 0;
    for (let y = row - 6; y <= row + 6; y++) best = Math.max(best, px(mid, y)[0] + px(mid, y)[1]);
    expect(best).toBeGreaterThan(350);
  });

  it('says clearly when a clip cannot be drawn or clips are off', async () => {
    const bad = await h.app.inject('/api/detections/bad/spectrogram.png');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/lab\/bad.wav/);
    (h.monitor as { clipsDir: string | null }).clipsDir = null;
    const off = await h.app.inject('/api/detections/ok/clip');
    expect(off.statusCode).toBe(404);
    expect(off.json().message).toMatch(/turned off/);
    (h.monitor as { clipsDir: string | null }).clipsDir = clips;
  });

  it('places the span from the post-roll when known, else in the middle', () => {
    expect(spanInClip({ start: 0, end: 1000 }, 4)).toEqual([1.5, 2.5]);
    expect(spanInClip({ start: 0, end: 9000 }, 4)).toEqual([0, 4]);
    expect(spanInClip({ start: 0, end: 1000 }, 4, 2)).toEqual([1, 2]);
    // Pre-roll cut short (the buffer had only 0.5 s before the call).
    expect(spanInClip({ start: 0, end: 1000 }, 3.5, 2)).toEqual([0.5, 1.5]);
  });
});
