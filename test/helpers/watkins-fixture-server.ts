// A stand-in for the Watkins site on 127.0.0.1: a "cis" server with index.cfm (a species <select>)
// and bestOf.cfm?code=… pages (a table whose <audio><source src=…> point at the audio server), and a
// "whoicf2" server with small generated WAVs. Faults (503 storms, truncated bodies, non-audio) and
// page overrides are set per test; every request is logged so tests can count them.
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { dataRoot } from '../../models/paths.ts';
import { parseCsv } from '../../models/watkins-download/csv.ts';
import { encodeWav } from '../../streams/audio/wav-write.ts';
import { tone } from './signals.ts';

export interface FixtureCut {
  /** e.g. "61025001" */
  readonly fileId: string;
  readonly location: string;
  readonly date: string;
  readonly sampleRate: number;
}

export interface FixtureSpecies {
  readonly name: string;
  readonly scientific: string;
  readonly code: string;
  readonly cuts: readonly FixtureCut[];
}

export const dataDir = dataRoot();
export const watkinsMetadataCsv = resolve(dataDir, 'watkins-bestof-metadata.csv');
export const hasWatkinsMetadata = existsSync(watkinsMetadataCsv);

/** Species (in the metadata's order) with their cuts, from watkins-bestof-metadata.csv. */
export function loadWatkinsMetadata(file = watkinsMetadataCsv): FixtureSpecies[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column "${name}"`);
    return i;
  };
  const [cFile, cSp, cSci, cCode, cSr, cDate, cLoc] = ['file', 'species', 'scientific_name', 'code', 'sample_rate_meta', 'obs_date', 'location_GA'].map(col);
  const bySpecies = new Map<string, { scientific: string; codes: Map<string, number>; cuts: FixtureCut[] }>();
  for (const r of rows) {
    if (r.length < header.length) continue;
    let s = bySpecies.get(r[cSp]);
    if (s === undefined) {
      s = { scientific: r[cSci], codes: new Map(), cuts: [] };
      bySpecies.set(r[cSp], s);
    }
    s.codes.set(r[cCode], (s.codes.get(r[cCode]) ?? 0) + 1);
    const sr = Math.round(Number(r[cSr]));
    s.cuts.push({
      fileId: r[cFile].replace(/\.wav$/i, ''),
      location: r[cLoc].replace(/\s+/g, ' ').trim(),
      date: r[cDate].replace(/\s+/g, ' ').trim(),
      sampleRate: Number.isFinite(sr) && sr > 0 ? sr : 8000,
    });
  }
  const used = new Set<string>();
  return [...bySpecies].map(([name, s], i) => {
    // The page code is the species' own Watkins code: its most frequent, real (not "X") one.
    const ranked = [...s.codes].filter(([c]) => /^[A-Z]{2}\d+[A-Z]?$/.test(c)).sort((a, b) => b[1] - a[1]);
    const code = ranked.map(([c]) => c).find((c) => !used.has(c)) ?? `ZZ${i}`;
    used.add(code);
    return { name, scientific: s.scientific, code, cuts: s.cuts };
  });
}

/** A small made-up catalogue (no data needed): 3 species, 12 cuts, one cut listed under two species. */
export function syntheticWatkinsSpecies(): FixtureSpecies[] {
  const cut = (fileId: string, sampleRate: number): FixtureCut => ({ fileId, location: 'Woods Hole, MA', date: '01-Jul-1970', sampleRate });
  return [
    { name: 'Humpback Whale', scientific: 'Megaptera novaeangliae', code: 'AC2A', cuts: ['70001001', '70001002', '70001003', '7000100A', '75005001'].map((id) => cut(id, 8000)) },
    { name: "Fraser's Dolphin", scientific: 'Lagenodelphis hosei', code: 'BD5A', cuts: ['81002001', '81002002', '81002003', '81002004'].map((id) => cut(id, 40960)) },
    { name: 'Minke Whale', scientific: 'Balaenoptera acutorostrata', code: 'AC1A', cuts: ['75005001', '75005002', '75005003', '75005004'].map((id) => cut(id, 5120)) },
  ];
}

/** What the audio server does with a file's next requests. */
export type AudioFault =
  /** Answer `status` (with optional Retry-After) for the next `times` GETs, then serve normally. */
  | { readonly kind: 'status'; readonly status: number; readonly times: number; readonly retryAfter?: string }
  /** Announce the full Content-Length but send only `bytes` and close, for the next `times` GETs. */
  | { readonly kind: 'truncate'; readonly bytes: number; readonly times: number }
  /** Send headers, then nothing (the connection stays open) for the next `times` GETs. */
  | { readonly kind: 'stall'; readonly times: number }
  /** 200 with an HTML page instead of audio, always. */
  | { readonly kind: 'not-audio' };

export interface LoggedRequest {
  readonly server: 'pages' | 'audio';
  readonly method: string;
  readonly path: string;
  readonly userAgent: string;
  readonly at: number;
}

export interface WatkinsFixture {
  /** The whalesounds folder on the pages server, as `--base-url` takes it. */
  readonly baseUrl: string;
  readonly indexUrl: string;
  readonly audioOrigin: string;
  readonly species: readonly FixtureSpecies[];
  readonly requests: LoggedRequest[];
  /** Audio path of a file id. */
  audioPath(fileId: string): string;
  /** Bytes the server serves for a file id. */
  wavBytes(fileId: string): Uint8Array;
  setFault(fileId: string, fault: AudioFault | undefined): void;
  /** Serve `html` at a pages-server path (e.g. "/science/B/whalesounds/index.cfm") instead of the real page. */
  setPage(pathAndQuery: string, html: string | undefined): void;
  /** Called on every request before it is answered. */
  onRequest: ((r: LoggedRequest) => void) | undefined;
  close(): Promise<void>;
}

const ROOT = '/science/B/whalesounds/';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The index page for `species` (same structure as the site's index.cfm). */
export function indexHtml(species: readonly FixtureSpecies[]): string {
  const options = species.map((s) => `        <option value="bestOf.cfm?code=${esc(s.code)}">${esc(s.name)}</option>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Watkins Marine Mammal Sound Database</title></head>
<body>
<div class="row"><div class="large-12 columns">
  <h2>Watkins Marine Mammal Sound Database</h2>
  <form name="bestOf">
    <label for="getSpeciesCommon">"Best of" cuts by species</label>
    <select id="getSpeciesCommon" name="getSpeciesCommon" onchange="location.href=this.value">
        <option value="" selected>Select a species</option>
${options}
    </select>
  </form>
</div></div>
</body></html>
`;
}

/** A species' "best of" page listing its cuts, audio served from `audioOrigin`. */
export function speciesHtml(s: FixtureSpecies, audioOrigin: string): string {
  const rows = s.cuts
    .map((c) => {
      const src = `${audioOrigin}${ROOT}WhaleSounds/${esc(c.fileId)}.wav`;
      return `      <tr>
        <td><audio controls preload="none"><source src="${src}" type="audio/wav">Your browser does not support audio.</audio></td>
        <td>${esc(c.fileId)}</td>
        <td>${esc(c.location)}</td>
        <td>${esc(c.date)}</td>
        <td>${c.sampleRate}</td>
        <td><a href="${src}" target="_blank">Download</a></td>
        <td><a href="javascript:popUpWin('metaData.cfm?RN=${esc(c.fileId)}');">Metadata</a></td>
      </tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Best of ${esc(s.name)}</title></head>
<body>
<div class="row"><div class="large-12 columns">
  <h3>${esc(s.name)} (<i>${esc(s.scientific)}</i>)</h3>
  <table class="bestOf">
    <thead>
      <tr><th>Play</th><th>Record No.</th><th>Location</th><th>Date</th><th>Sample Rate</th><th>Download</th><th>Metadata</th></tr>
    </thead>
    <tbody>
${rows}
    </tbody>
  </table>
</div></div>
</body></html>
`;
}

function listen(server: Server): Promise<string> {
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

export async function startWatkinsFixture(species: readonly FixtureSpecies[]): Promise<WatkinsFixture> {
  const requests: LoggedRequest[] = [];
  const faults = new Map<string, AudioFault>();
  const pages = new Map<string, string>();
  const wavCache = new Map<string, Uint8Array>();
  const rateOf = new Map<string, number>();
  species.forEach((s) => s.cuts.forEach((c) => rateOf.set(c.fileId, c.sampleRate)));

  const wavBytes = (fileId: string): Uint8Array => {
    let b = wavCache.get(fileId);
    if (b === undefined) {
      const sr = rateOf.get(fileId) ?? 8000;
      // A few hundred samples of a tone whose pitch depends on the id: small, valid, distinct files.
      let h = 0;
      for (const ch of fileId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      const n = 200 + (h % 200);
      b = encodeWav(tone(((h % 40) + 1) * (sr / 200), n / sr, sr, 0.4), sr);
      wavCache.set(fileId, b);
    }
    return b;
  };

  const fixture: WatkinsFixture = {
    baseUrl: '',
    indexUrl: '',
    audioOrigin: '',
    species,
    requests,
    audioPath: (id) => `${ROOT}WhaleSounds/${id}.wav`,
    wavBytes,
    setFault: (id, f) => (f === undefined ? faults.delete(id) : faults.set(id, f)),
    setPage: (p, html) => (html === undefined ? pages.delete(p) : pages.set(p, html)),
    onRequest: undefined,
    close: async () => {
      await Promise.all([pagesServer, audioServer].map((s) => new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      })));
    },
  };

  const log = (server: LoggedRequest['server'], req: IncomingMessage): LoggedRequest => {
    const r = { server, method: req.method ?? 'GET', path: req.url ?? '/', userAgent: req.headers['user-agent'] ?? '', at: Date.now() };
    requests.push(r);
    fixture.onRequest?.(r);
    return r;
  };
  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array, head: boolean): void => {
    const buf = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    res.writeHead(status, { 'content-type': type, 'content-length': String(buf.length) });
    res.end(head ? undefined : buf);
  };

  const pagesServer = createServer((req, res) => {
    const r = log('pages', req);
    const head = r.method === 'HEAD';
    const override = pages.get(r.path);
    if (override !== undefined) return send(res, 200, 'text/html; charset=utf-8', override, head);
    const u = new URL(r.path, 'http://x');
    if (u.pathname === `${ROOT}index.cfm`) return send(res, 200, 'text/html; charset=utf-8', indexHtml(species), head);
    if (u.pathname === `${ROOT}bestOf.cfm`) {
      const s = species.find((x) => x.code === u.searchParams.get('code'));
      if (s !== undefined) return send(res, 200, 'text/html; charset=utf-8', speciesHtml(s, fixture.audioOrigin), head);
    }
    send(res, 404, 'text/plain', 'not found', head);
  });

  const audioServer = createServer((req, res) => {
    const r = log('audio', req);
    const head = r.method === 'HEAD';
    const m = new RegExp(`^${ROOT}WhaleSounds/([^/?]+)\\.wav$`).exec(r.path);
    if (m === null || !rateOf.has(m[1])) return send(res, 404, 'text/plain', 'not found', head);
    const id = m[1];
    const bytes = wavBytes(id);
    const f = faults.get(id);
    if (f !== undefined && !head) {
      if (f.kind === 'not-audio') return send(res, 200, 'text/html', '<html><body>Service temporarily unavailable</body></html>', false);
      if (f.times > 0) {
        faults.set(id, { ...f, times: f.times - 1 });
        if (f.kind === 'status') {
          res.writeHead(f.status, { 'content-type': 'text/plain', ...(f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : {}) });
          res.end(`status ${f.status}`);
          return;
        }
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(bytes.length) });
        if (f.kind === 'stall') {
          res.flushHeaders();
          return;
        }
        res.write(Buffer.from(bytes.subarray(0, f.bytes)), () => res.destroy());
        return;
      }
    }
    send(res, 200, 'audio/wav', bytes, head);
  });

  const [pagesOrigin, audioOrigin] = await Promise.all([listen(pagesServer), listen(audioServer)]);
  Object.assign(fixture, { baseUrl: `${pagesOrigin}${ROOT}`, indexUrl: `${pagesOrigin}${ROOT}index.cfm`, audioOrigin });
  return fixture;
}
