// The whole job: species index → species pages → every cut's audio → manifest.csv, politely and
// resumably. Prints nothing; reports through `onEvent` and the returned summary.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DoneLog } from './done-log.ts';
import { downloadFile } from './download-file.ts';
import { readManifest, writeManifest, type ManifestRow } from './manifest.ts';
import { parseSpeciesIndex } from './parse-index.ts';
import { parseSpeciesPage } from './parse-species-page.ts';
import { PoliteClient, type PoliteClientOptions } from './polite-client.ts';
import { speciesSlug } from './slug.ts';
import type { DownloadEvent, FailedCut, SpeciesLink, SpeciesSummary, WatkinsCut, WatkinsDownloadSummary } from './types.ts';
import { checkAudioBytes, type AudioFacts } from './audio-check.ts';

export const WATKINS_BASE_URL = 'https://cis.whoi.edu/science/B/whalesounds/';
export const DONE_LOG_NAME = '.watkins-done.jsonl';

export interface WatkinsDownloadOptions extends Omit<PoliteClientOptions, 'onRetry'> {
  /** Output folder (created if missing). */
  readonly outDir: string;
  /** The site's whalesounds folder, or the index page itself (a URL ending in `.cfm`). */
  readonly baseUrl?: string;
  /** Only these species (names as the site shows them, or their slugs; case-insensitive). */
  readonly species?: readonly string[];
  readonly onEvent?: (e: DownloadEvent) => void;
}

/** The index page for a base URL: `<base>/index.cfm` unless the URL already names a page. */
export function indexUrlOf(baseUrl: string): string {
  const u = new URL(baseUrl);
  if (/\.(cfm|html?|php)$/i.test(u.pathname)) return u.href;
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return new URL('index.cfm', u).href;
}

function selectSpecies(all: readonly SpeciesLink[], wanted: readonly string[] | undefined, indexUrl: string): SpeciesLink[] {
  if (wanted === undefined || wanted.length === 0) return [...all];
  const out: SpeciesLink[] = [];
  for (const w of wanted) {
    const key = w.trim().toLowerCase();
    const hit = all.find((s) => s.name.toLowerCase() === key || s.slug === speciesSlug(w));
    if (hit === undefined) {
      throw new Error(`unknown species "${w}": the index at ${indexUrl} lists ${all.map((s) => s.name).join(', ')}`);
    }
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Run `work` over `items` with `n` workers; stops taking new items once `signal` aborts. */
async function pool<T>(items: readonly T[], n: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && signal?.aborted !== true) {
      const item = items[next++];
      await work(item);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  signal?.throwIfAborted();
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

interface Target {
  readonly cut: WatkinsCut;
  /** Relative to outDir, '/'-separated (also the manifest path). */
  readonly rel: string;
  readonly abs: string;
}

/**
 * Download the Watkins "best of" cuts into `<outDir>/<species-slug>/<file id>.wav` and write
 * `<outDir>/manifest.csv`. Failures of single cuts or species pages are collected in the summary;
 * an unreadable species index, unknown `--species` or an abort (signal.reason) reject.
 */
export async function downloadWatkins(opts: WatkinsDownloadOptions): Promise<WatkinsDownloadSummary> {
  const emit = opts.onEvent ?? ((): void => undefined);
  const client = new PoliteClient({
    ...opts,
    onRetry: (url, attempt, delayMs, reason) => emit({ type: 'retry', url, attempt, delayMs, reason }),
  });
  const signal = opts.signal;
  await mkdir(opts.outDir, { recursive: true });

  const indexUrl = indexUrlOf(opts.baseUrl ?? WATKINS_BASE_URL);
  const all = parseSpeciesIndex(await client.getText(indexUrl), indexUrl);
  emit({ type: 'index', url: indexUrl, species: all });
  const chosen = selectSpecies(all, opts.species, indexUrl);

  // Species pages one after another (they are few; the gate keeps them polite anyway).
  const speciesSummaries: SpeciesSummary[] = [];
  const pageErrors: { url: string; reason: string }[] = [];
  const cuts: WatkinsCut[] = [];
  for (const sp of chosen) {
    try {
      const listed = parseSpeciesPage(await client.getText(sp.url), sp);
      cuts.push(...listed);
      speciesSummaries.push({ name: sp.name, slug: sp.slug, url: sp.url, cuts: listed.length });
      emit({ type: 'species-page', species: sp.name, url: sp.url, cuts: listed.length });
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason;
      const reason = message(err);
      pageErrors.push({ url: sp.url, reason });
      speciesSummaries.push({ name: sp.name, slug: sp.slug, url: sp.url, cuts: 0, error: reason });
    }
  }

  // A cut listed under two species is one file on the server: fetch it once, copy it locally.
  const byId = new Map<string, Set<string>>();
  for (const c of cuts) byId.set(c.fileId, (byId.get(c.fileId) ?? new Set()).add(c.species));
  const multiSpecies = [...byId]
    .filter(([, s]) => s.size > 1)
    .map(([fileId, s]) => ({ fileId, species: [...s].sort() }))
    .sort((a, b) => (a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0));
  const jobs = new Map<string, Target[]>();
  for (const cut of cuts) {
    const rel = `${cut.speciesSlug}/${cut.fileId}.wav`;
    const t: Target = { cut, rel, abs: join(opts.outDir, ...rel.split('/')) };
    const list = jobs.get(cut.audioUrl);
    if (list === undefined) jobs.set(cut.audioUrl, [t]);
    else if (!list.some((x) => x.rel === rel)) list.push(t);
  }
  const total = [...jobs.values()].reduce((n, l) => n + l.length, 0);
  emit({ type: 'plan', total });

  for (const slug of new Set(cuts.map((c) => c.speciesSlug))) await mkdir(join(opts.outDir, slug), { recursive: true });
  const log = await DoneLog.load(join(opts.outDir, DONE_LOG_NAME));
  const good = new Map<string, { target: Target; wav: AudioFacts }>();
  const failed: FailedCut[] = [];
  let downloaded = 0;
  let skipped = 0;
  let copied = 0;

  const done = (t: Target, wav: AudioFacts, outcome: 'downloaded' | 'skipped' | 'copied'): void => {
    good.set(t.rel, { target: t, wav });
    if (outcome === 'downloaded') downloaded++;
    else if (outcome === 'skipped') skipped++;
    else copied++;
    emit({ type: 'cut', fileId: t.cut.fileId, species: t.cut.species, outcome, path: t.rel });
  };
  const fail = (t: Target, url: string, reason: string): void => {
    failed.push({ fileId: t.cut.fileId, species: t.cut.species, url, reason });
    emit({ type: 'cut', fileId: t.cut.fileId, species: t.cut.species, outcome: 'failed', path: t.rel, reason });
  };

  /**
   * Is the file already complete? Trusted by logged size + checksum without the network, else by the
   * size a HEAD request announces; either way it must decode as audio. One read of the file serves all.
   */
  const complete = async (t: Target, url: string): Promise<AudioFacts | undefined> => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(t.abs);
    } catch {
      return undefined;
    }
    const rec = log.get(t.rel);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const trusted = rec !== undefined && rec.bytes === bytes.length && rec.sha256 === sha256;
    if (!trusted) {
      const remote = await client.contentLength(url).catch((err: unknown) => {
        if (signal?.aborted === true) throw err;
        return undefined;
      });
      if (remote !== bytes.length) return undefined;
    }
    let wav: AudioFacts;
    try {
      wav = checkAudioBytes(bytes, t.abs);
    } catch {
      return undefined;
    }
    if (!trusted) await log.add({ path: t.rel, bytes: bytes.length, sha256 });
    return wav;
  };

  try {
    await pool([...jobs], opts.concurrency ?? 2, signal, async ([url, targets]) => {
      const pending: Target[] = [];
      let source: { target: Target; wav: AudioFacts } | undefined;
      for (const t of targets) {
        const wav = await complete(t, url);
        if (wav === undefined) pending.push(t);
        else {
          done(t, wav, 'skipped');
          source ??= { target: t, wav };
        }
      }
      if (pending.length === 0) return;
      if (source === undefined) {
        const first = pending.shift() as Target;
        try {
          const got = await downloadFile(client, url, first.abs);
          await log.add({ path: first.rel, bytes: got.bytes, sha256: got.sha256 });
          done(first, got.wav, 'downloaded');
          source = { target: first, wav: got.wav };
        } catch (err) {
          if (signal?.aborted === true) throw err;
          const reason = message(err);
          for (const t of [first, ...pending]) fail(t, url, reason);
          return;
        }
      }
      const sourceRec = log.get(source.target.rel);
      for (const t of pending) {
        try {
          await copyFile(source.target.abs, `${t.abs}.part`);
          await rename(`${t.abs}.part`, t.abs);
          const size = (await sizeOf(t.abs)) ?? 0;
          const sha256 = sourceRec !== undefined && sourceRec.bytes === size ? sourceRec.sha256 : await sha256File(t.abs);
          await log.add({ path: t.rel, bytes: size, sha256 });
          done(t, source.wav, 'copied');
        } catch (err) {
          fail(t, url, `copy from ${source.target.rel} failed: ${message(err)}`);
        }
      }
    });
  } finally {
    await log.close();
  }

  // Manifest: this run's complete files, plus earlier rows of species this run did not cover.
  const manifestPath = join(opts.outDir, 'manifest.csv');
  const covered = new Set(speciesSummaries.filter((s) => s.error === undefined).map((s) => s.name));
  const kept: ManifestRow[] = [];
  for (const r of await readManifest(manifestPath)) {
    if (!covered.has(r.species) && !good.has(r.path) && (await sizeOf(join(opts.outDir, ...r.path.split('/')))) !== undefined) kept.push(r);
  }
  const fresh: ManifestRow[] = [...good.values()].map(({ target: { cut, rel }, wav }) => ({
    path: rel,
    species: cut.species,
    tape_id: cut.tapeId ?? '',
    sample_rate: wav.sampleRate,
    duration_s: wav.durationS,
    recorded: cut.recorded ?? '',
    location: cut.location ?? '',
  }));
  const rows = [...kept, ...fresh].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await writeManifest(manifestPath, rows);

  return {
    species: speciesSummaries,
    downloaded,
    skipped,
    copied,
    failed,
    pageErrors,
    retries: client.retries,
    multiSpecies,
    manifestPath,
    manifestRows: rows.length,
  };
}
