// A station's source string → a typed descriptor (pure), and a descriptor → its Observable.
//   http(s)://…/x.m3u8      HLS through ffmpeg
//   http(s)://…             continuous stream (Icecast…) through ffmpeg
//   orcasound:<base-url>    an Orcasound node (latest.txt + hls/<ts>/live.m3u8)
//   tcp://host:port         listen there for a HYDR pusher
//   ws(s)://host:port/path  connect to a HYDR WebSocket pusher
//   portaudio:<name|index>  sound card (portaudio: alone = default input)
//   anything else           a file or folder replayed as live (archive.ts), file:// too
import type { Observable } from 'rxjs';
import { fileURLToPath } from 'node:url';
import type { PcmChunk, SourceContext } from '../types.ts';
import { hlsSource } from './hls.ts';
import { httpSource } from './http.ts';
import type { LiveSourceOptions } from './live-source.ts';
import { orcasoundSource } from './orcasound.ts';
import { portaudioSource } from './portaudio.ts';
import { tcpSource } from './tcp.ts';
import { websocketSource } from './websocket.ts';

export type SourceDescriptor =
  | { readonly kind: 'hls'; readonly url: string }
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'orcasound'; readonly baseUrl: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'ws'; readonly url: string }
  | { readonly kind: 'portaudio'; readonly device: string | number }
  | { readonly kind: 'archive'; readonly path: string };

export type LiveSourceDescriptor = Exclude<SourceDescriptor, { kind: 'archive' }>;

export class SourceSpecError extends Error {
  override readonly name = 'SourceSpecError';
}

function httpUrl(spec: string, raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SourceSpecError(`source "${spec}": "${raw}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SourceSpecError(`source "${spec}": expected an http(s) URL, got ${u.protocol}`);
  if (!u.hostname) throw new SourceSpecError(`source "${spec}": URL has no host`);
  return u;
}

export function parseSource(spec: string): SourceDescriptor {
  const s = spec.trim();
  if (s === '') throw new SourceSpecError('empty source: give a URL, tcp://host:port, ws://…, orcasound:<url>, portaudio:<device> or a file/folder path');
  const lower = s.toLowerCase();
  if (lower.startsWith('orcasound:')) {
    const rest = s.slice(10);
    if (rest === '') throw new SourceSpecError(`source "${spec}": orcasound: needs the node's base URL (orcasound:https://…/rpi_orcasound_lab)`);
    const u = httpUrl(spec, rest);
    return { kind: 'orcasound', baseUrl: u.href.replace(/\/+$/, '') };
  }
  if (lower.startsWith('portaudio:')) {
    const dev = s.slice(10).trim();
    if (dev === '' || dev === 'default') return { kind: 'portaudio', device: 'default' };
    return { kind: 'portaudio', device: /^\d+$/.test(dev) ? Number(dev) : dev };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^[a-z][a-z0-9+.-]*:[^\\/]/i.test(s) && !/^[a-z]:[\\/]/i.test(s)) {
      throw new SourceSpecError(`source "${spec}": unknown source type "${s.split(':')[0]}:" (known: orcasound:, portaudio:, http(s)://, tcp://, ws(s)://, or a path)`);
    }
    return { kind: 'archive', path: s };
  }
  switch (scheme) {
    case 'http':
    case 'https': {
      const u = httpUrl(spec, s);
      return u.pathname.toLowerCase().endsWith('.m3u8') ? { kind: 'hls', url: u.href } : { kind: 'http', url: u.href };
    }
    case 'ws':
    case 'wss': {
      let u: URL;
      try {
        u = new URL(s);
      } catch {
        throw new SourceSpecError(`source "${spec}": not a valid WebSocket URL`);
      }
      if (!u.hostname) throw new SourceSpecError(`source "${spec}": WebSocket URL has no host`);
      return { kind: 'ws', url: u.href };
    }
    case 'tcp': {
      const m = /^tcp:\/\/(\[[0-9a-f:.]+\]|[^:/\s]+):(\d{1,5})\/?$/i.exec(s);
      if (!m) throw new SourceSpecError(`source "${spec}": expected tcp://host:port (the address to listen on), e.g. tcp://0.0.0.0:7000`);
      const port = Number(m[2]);
      if (port > 65535) throw new SourceSpecError(`source "${spec}": port ${port} is out of range (0..65535)`);
      return { kind: 'tcp', host: m[1].replace(/^\[|\]$/g, ''), port };
    }
    case 'file': {
      try {
        return { kind: 'archive', path: fileURLToPath(s) };
      } catch (e) {
        throw new SourceSpecError(`source "${spec}": ${(e as Error).message}`);
      }
    }
    default:
      throw new SourceSpecError(`source "${spec}": unknown scheme "${scheme}://" (known: http, https, tcp, ws, wss, file)`);
  }
}

/** Open a live source. Archive descriptors are opened by archiveSource (streams/sources/archive.ts). */
export function openSource(desc: LiveSourceDescriptor, ctx: SourceContext, live?: LiveSourceOptions & { sampleRate?: number }): Observable<PcmChunk> {
  const sampleRate = live?.sampleRate;
  switch (desc.kind) {
    case 'hls':
      return hlsSource(ctx, { url: desc.url, sampleRate }, live);
    case 'http':
      return httpSource(ctx, { url: desc.url, sampleRate }, live);
    case 'orcasound':
      return orcasoundSource(ctx, { baseUrl: desc.baseUrl, sampleRate }, live);
    case 'tcp':
      return tcpSource(ctx, { host: desc.host, port: desc.port }, live);
    case 'ws':
      return websocketSource(ctx, { url: desc.url }, live);
    case 'portaudio':
      return portaudioSource(ctx, { device: desc.device, sampleRate }, live);
    default: {
      const never: never = desc;
      throw new SourceSpecError(`cannot open source ${JSON.stringify(never)} as a live source`);
    }
  }
}
