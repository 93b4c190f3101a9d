import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadWatkins, type WatkinsDownloadOptions } from '../../../models/watkins-download/download-watkins.ts';
import { DEFAULT_USER_AGENT } from '../../../models/watkins-download/polite-client.ts';
import type { DownloadEvent } from '../../../models/watkins-download/types.ts';
import { startWatkinsFixture, syntheticWatkinsSpecies, type WatkinsFixture } from '../../helpers/watkins-fixture-server.ts';

let fx: WatkinsFixture;
let out: string;

beforeEach(async () => {
  fx = await startWatkinsFixture(syntheticWatkinsSpecies());
  out = await mkdtemp(join(tmpdir(), 'watkins-dl-'));
});
afterEach(async () => {
  await fx.close();
  await rm(out, { recursive: true, force: true });
});

function opts(extra: Partial<WatkinsDownloadOptions> = {}): WatkinsDownloadOptions {
  return { outDir: out, baseUrl: fx.baseUrl, delayMs: 0, concurrency: 3, retryBaseMs: 10, timeoutMs: 5000, ...extra };
}
const audioGets = (): string[] => fx.requests.filter((r) => r.server === 'audio' && r.method === 'GET').map((r) => r.path);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('downloadWatkins against a local Watkins-shaped site', () => {
  it('fetches every cut once, writes species folders and a manifest, and reports cuts under two species', async () => {
    const events: DownloadEvent[] = [];
    const s = await downloadWatkins(opts({ onEvent: (e) => events.push(e) }));
    // 13 listed cuts, 12 distinct files: 75005001 is listed under Humpback and Minke.
    expect(s).toMatchObject({ downloaded: 12, copied: 1, skipped: 0, failed: [], pageErrors: [], retries: 0, manifestRows: 13 });
    expect(s.multiSpecies).toEqual([{ fileId: '75005001', species: ['Humpback Whale', 'Minke Whale'] }]);
    expect(s.species.map((x) => [x.slug, x.cuts])).toEqual([['humpback-whale', 5], ['frasers-dolphin', 4], ['minke-whale', 4]]);
    expect(audioGets().sort()).toEqual([...new Set(fx.species.flatMap((sp) => sp.cuts.map((c) => fx.audioPath(c.fileId))))].sort());
    expect(new Set(fx.requests.map((r) => r.userAgent))).toEqual(new Set([DEFAULT_USER_AGENT]));

    const files = await filesUnder(out);
    expect(files).toContain('frasers-dolphin/81002004.wav');
    expect(files).toContain('minke-whale/75005001.wav');
    expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(new Uint8Array(await readFile(join(out, 'humpback-whale/7000100A.wav')))).toEqual(fx.wavBytes('7000100A'));

    const manifest = (await readFile(join(out, 'manifest.csv'), 'utf8')).trim().split('\n');
    expect(manifest[0]).toBe('path,species,tape_id,sample_rate,duration_s,recorded,location');
    expect(manifest).toHaveLength(14);
    const bytes = fx.wavBytes('81002001');
    const frames = (bytes.length - 44) / 2;
    expect(manifest).toContain(`frasers-dolphin/81002001.wav,Fraser's Dolphin,81002,40960,${Number((frames / 40960).toFixed(4))},01-Jul-1970,"Woods Hole, MA"`);
    expect(events.filter((e) => e.type === 'cut')).toHaveLength(13);
    expect(events.find((e) => e.type === 'plan')).toEqual({ type: 'plan', total: 13 });
  });

  it('limits to the species asked for (by name or slug) and rejects unknown ones', async () => {
    const s = await downloadWatkins(opts({ species: ['minke-whale', "fraser's dolphin"] }));
    expect(s.species.map((x) => x.name)).toEqual(['Minke Whale', "Fraser's Dolphin"]);
    expect(s.downloaded).toBe(8);
    expect(fx.requests.filter((r) => r.path.includes('code=AC2A'))).toEqual([]);
    await expect(downloadWatkins(opts({ species: ['Blue Whale'] }))).rejects.toThrow(/unknown species "Blue Whale": the index at .* lists Humpback Whale, Fraser's Dolphin, Minke Whale/);
  });

  it('keeps earlier species in the manifest when a later run covers others', async () => {
    await downloadWatkins(opts({ species: ['Minke Whale'] }));
    const s = await downloadWatkins(opts({ species: ["Fraser's Dolphin"] }));
    expect(s.manifestRows).toBe(8);
    const rows = (await readFile(s.manifestPath, 'utf8')).trim().split('\n').slice(1);
    expect(rows.filter((r) => r.startsWith('minke-whale/'))).toHaveLength(4);
    expect(rows.filter((r) => r.startsWith('frasers-dolphin/'))).toHaveLength(4);
  });

  it('resumes after an interrupted run, fetching only what is missing', async () => {
    const ac = new AbortController();
    fx.onRequest = (r) => {
      if (r.server === 'audio' && audioGets().length === 5) ac.abort(new Error('interrupted by test'));
    };
    await expect(downloadWatkins(opts({ concurrency: 2, signal: ac.signal }))).rejects.toThrow('interrupted by test');
    fx.onRequest = undefined;
    const firstGets = audioGets().length;
    expect(firstGets).toBeGreaterThanOrEqual(5);
    expect(firstGets).toBeLessThan(12);
    const complete = (await filesUnder(out)).filter((f) => f.endsWith('.wav'));
    expect(complete.length).toBeGreaterThan(0);
    expect(complete.length).toBeLessThan(13);

    fx.requests.length = 0;
    const s = await downloadWatkins(opts());
    expect(s.failed).toEqual([]);
    expect(s.manifestRows).toBe(13);
    const distinctDone = new Set(complete.map((f) => f.split('/')[1])).size;
    expect(audioGets()).toHaveLength(12 - distinctDone);
    expect(s.downloaded).toBe(12 - distinctDone);
    expect(s.skipped + s.copied + s.downloaded).toBe(13);
    expect((await filesUnder(out)).filter((f) => f.endsWith('.part'))).toEqual([]);

    // A third run finds everything complete by size + checksum and asks the server for no audio.
    fx.requests.length = 0;
    const again = await downloadWatkins(opts());
    expect(again).toMatchObject({ downloaded: 0, copied: 0, skipped: 13, failed: [] });
    expect(fx.requests.filter((r) => r.server === 'audio')).toEqual([]);
  });

  it('trusts a file from elsewhere only if HEAD reports its size, and refetches a damaged one', async () => {
    await downloadWatkins(opts({ species: ['Minke Whale'] }));
    await rm(join(out, '.watkins-done.jsonl'));
    const damaged = join(out, 'minke-whale/75005002.wav');
    await writeFile(damaged, (await readFile(damaged)).subarray(0, 100));
    fx.requests.length = 0;
    const s = await downloadWatkins(opts({ species: ['Minke Whale'] }));
    expect(s).toMatchObject({ downloaded: 1, skipped: 3, failed: [] });
    expect(fx.requests.filter((r) => r.server === 'audio' && r.method === 'HEAD')).toHaveLength(4);
    expect(audioGets()).toEqual([fx.audioPath('75005002')]);
    expect((await stat(damaged)).size).toBe(fx.wavBytes('75005002').length);
  });

  it('rides out a 503 storm with backoff, and gives up on a permanent 503 with the reason', async () => {
    fx.setFault('81002002', { kind: 'status', status: 503, times: 3 });
    fx.setFault('81002003', { kind: 'status', status: 503, times: Infinity });
    const retries: DownloadEvent[] = [];
    const s = await downloadWatkins(opts({ species: ["Fraser's Dolphin"], retries: 4, retryBaseMs: 20, onEvent: (e) => e.type === 'retry' && retries.push(e) }));
    expect(s.downloaded).toBe(3);
    expect(s.failed).toEqual([{
      fileId: '81002003', species: "Fraser's Dolphin", url: `${fx.audioOrigin}${fx.audioPath('81002003')}`,
      reason: `${fx.audioOrigin}${fx.audioPath('81002003')}: HTTP 503 Service Unavailable (gave up after 5 attempts)`,
    }]);
    expect(s.retries).toBe(3 + 4);
    expect(retries.filter((e) => e.type === 'retry' && e.url.endsWith('81002002.wav'))).toHaveLength(3);
    // Backoff honoured: retry n comes at least 20·2^(n−1)/2 ms after the previous try.
    const at = fx.requests.filter((r) => r.path === fx.audioPath('81002002')).map((r) => r.at);
    expect(at).toHaveLength(4);
    for (let n = 1; n < at.length; n++) expect(at[n] - at[n - 1]).toBeGreaterThanOrEqual(10 * 2 ** (n - 1) - 2);
    expect(new Uint8Array(await readFile(join(out, 'frasers-dolphin/81002002.wav')))).toEqual(fx.wavBytes('81002002'));
    await expect(stat(join(out, 'frasers-dolphin/81002003.wav'))).rejects.toThrow(/ENOENT/);
  });

  it('honours Retry-After on 429', async () => {
    fx.setFault('75005003', { kind: 'status', status: 429, times: 1, retryAfter: '1' });
    const s = await downloadWatkins(opts({ species: ['Minke Whale'], retryBaseMs: 1 }));
    expect(s.failed).toEqual([]);
    const at = fx.requests.filter((r) => r.path === fx.audioPath('75005003')).map((r) => r.at);
    expect(at).toHaveLength(2);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(990);
  });

  it('never counts a truncated download as done and retries it', async () => {
    const full = fx.wavBytes('7000100A').length;
    fx.setFault('7000100A', { kind: 'truncate', bytes: Math.floor(full / 2), times: 2 });
    fx.setFault('70001003', { kind: 'truncate', bytes: 30, times: Infinity });
    const s = await downloadWatkins(opts({ species: ['Humpback Whale'], retries: 3 }));
    expect(audioGets().filter((p) => p === fx.audioPath('7000100A'))).toHaveLength(3);
    expect(new Uint8Array(await readFile(join(out, 'humpback-whale/7000100A.wav')))).toEqual(fx.wavBytes('7000100A'));
    expect(s.failed.map((f) => f.fileId)).toEqual(['70001003']);
    expect(s.failed[0].reason).toMatch(/(truncated|transfer broken|network error).*gave up after 4 attempts/);
    const files = await filesUnder(out);
    expect(files).not.toContain('humpback-whale/70001003.wav');
    expect(files).not.toContain('humpback-whale/70001003.wav.part');
    expect((await readFile(join(out, 'manifest.csv'), 'utf8'))).not.toContain('70001003');
  });

  it('gives up on a stalled transfer after the timeout and retries it', async () => {
    fx.setFault('75005002', { kind: 'stall', times: 1 });
    const retries: string[] = [];
    const s = await downloadWatkins(opts({ species: ['Minke Whale'], timeoutMs: 300, onEvent: (e) => e.type === 'retry' && retries.push(e.reason) }));
    expect(s.failed).toEqual([]);
    expect(retries).toEqual(['timed out after 300 ms']);
    expect(new Uint8Array(await readFile(join(out, 'minke-whale/75005002.wav')))).toEqual(fx.wavBytes('75005002'));
  });

  it('rejects a 200 that is not audio without retrying', async () => {
    fx.setFault('81002004', { kind: 'not-audio' });
    const s = await downloadWatkins(opts({ species: ["Fraser's Dolphin"] }));
    expect(s.failed).toHaveLength(1);
    expect(s.failed[0].reason).toBe(`${fx.audioOrigin}${fx.audioPath('81002004')}: not valid audio: not a WAV or FLAC file (starts with 3c 68 74 6d)`);
    expect(audioGets().filter((p) => p.endsWith('81002004.wav'))).toHaveLength(1);
  });

  it('stops with a clear error when the index layout changed', async () => {
    fx.setPage('/science/B/whalesounds/index.cfm', '<html><body><div class="species"><a href="bestOf.cfm?code=AC2A">Humpback</a></div></body></html>');
    await expect(downloadWatkins(opts())).rejects.toThrow(
      `species index: no <select> with <option value> entries found at ${fx.indexUrl}`,
    );
  });

  it('reports a species page with a changed layout and still fetches the other species', async () => {
    fx.setPage('/science/B/whalesounds/bestOf.cfm?code=BD5A', '<html><body><p>This page has moved.</p></body></html>');
    const s = await downloadWatkins(opts());
    const url = `${fx.baseUrl}bestOf.cfm?code=BD5A`;
    expect(s.pageErrors).toEqual([{ url, reason: `species page "Fraser's Dolphin": no <source src> (or <a href="….wav">) audio entries found at ${url}` }]);
    expect(s.downloaded + s.copied).toBe(9);
  });
});
