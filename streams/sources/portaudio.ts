// Sound-card capture through PortAudio (naudiodon2, an optional native dependency). Loaded on
// first use, so a machine without it runs every other source; asking for it there gives a clear
// "not installed" error. Times come from the wall clock at arrival (continued by sample count).
import type { Observable } from 'rxjs';
import type { Readable } from 'node:stream';
import type { PcmChunk, SourceContext } from '../types.ts';
import { liveSource, type LiveSourceOptions } from './live-source.ts';
import { decodeToMono } from './pcm-format.ts';

export interface AudioDevice {
  readonly id: number;
  readonly name: string;
  readonly maxInputChannels: number;
  readonly defaultSampleRate: number;
  readonly hostApi: string;
}

interface AudioIOStream extends Readable {
  start(): void;
  quit(cb?: () => void): Promise<void>;
}

interface Naudiodon {
  readonly SampleFormat16Bit: number;
  getDevices(): Array<{ id: number; name: string; maxInputChannels: number; defaultSampleRate: number; hostAPIName: string }>;
  AudioIO(options: { inOptions: Record<string, unknown> }): AudioIOStream;
}

export const NOT_INSTALLED = 'PortAudio support not installed';

let loaded: Promise<Naudiodon> | null = null;

/** The naudiodon2 module, or a rejection saying PortAudio support is not installed (and why). */
export function loadPortAudio(moduleName = 'naudiodon2'): Promise<Naudiodon> {
  if (moduleName !== 'naudiodon2') return importPortAudio(moduleName); // (tests: a module that is not there)
  loaded ??= importPortAudio(moduleName).catch((e: Error) => {
    loaded = null;
    throw e;
  });
  return loaded;
}

function importPortAudio(moduleName: string): Promise<Naudiodon> {
  return import(moduleName).then(
    (m: unknown) => {
      const mod = ((m as { default?: unknown }).default ?? m) as Naudiodon;
      if (typeof mod.getDevices !== 'function') throw new Error(`${NOT_INSTALLED}: naudiodon2 loaded but has no getDevices()`);
      return mod;
    },
    (e: Error) => {
      throw new Error(`${NOT_INSTALLED} (optional dependency naudiodon2 is missing or did not build: ${e.message.split('\n')[0]})`);
    },
  );
}

/** Input-capable devices, in PortAudio's order. */
export async function listInputDevices(): Promise<AudioDevice[]> {
  const pa = await loadPortAudio();
  return pa
    .getDevices()
    .filter((d) => d.maxInputChannels > 0)
    .map((d) => ({ id: d.id, name: d.name, maxInputChannels: d.maxInputChannels, defaultSampleRate: d.defaultSampleRate, hostApi: d.hostAPIName }));
}

/** A device by index, exact name, or (unique) part of its name; 'default' = PortAudio's default input. */
export function pickDevice(devices: readonly AudioDevice[], want: string | number): AudioDevice | null | 'default' {
  if (want === 'default' || want === '') return 'default';
  if (typeof want === 'number' || /^\d+$/.test(want)) return devices.find((d) => d.id === Number(want)) ?? null;
  const exact = devices.find((d) => d.name === want);
  if (exact) return exact;
  const part = devices.filter((d) => d.name.toLowerCase().includes(want.toLowerCase()));
  return part.length === 1 ? part[0] : null;
}

export interface PortAudioOptions {
  /** Index, name (or unique part of it), or 'default'. */
  readonly device: string | number;
  /** Capture rate (default: the device's default rate). */
  readonly sampleRate?: number;
  /** Channels captured then downmixed (default 1). */
  readonly channels?: number;
  /** Frames per PortAudio buffer (default: 0.1 s). */
  readonly framesPerBuffer?: number;
}

export function portaudioSource(ctx: SourceContext, opts: PortAudioOptions, live?: LiveSourceOptions): Observable<PcmChunk> {
  return liveSource(
    ctx,
    (session) => {
      let stream: AudioIOStream | null = null;
      let closed = false;
      loadPortAudio().then(
        (pa) => {
          if (closed || !session.active) return;
          const devices = listFrom(pa);
          const dev = pickDevice(devices, opts.device);
          if (dev === null) {
            const names = devices.map((d) => `${d.id}: ${d.name}`).join(', ') || 'none';
            return session.ended(`no PortAudio input device "${opts.device}" (inputs: ${names})`);
          }
          const channels = opts.channels ?? 1;
          const rate = opts.sampleRate ?? (dev === 'default' ? 48000 : dev.defaultSampleRate);
          try {
            stream = pa.AudioIO({
              inOptions: {
                channelCount: channels,
                sampleFormat: pa.SampleFormat16Bit,
                sampleRate: rate,
                deviceId: dev === 'default' ? -1 : dev.id,
                closeOnError: false,
                framesPerBuffer: opts.framesPerBuffer ?? Math.round(rate / 10),
              },
            });
          } catch (e) {
            return session.ended(`cannot open PortAudio device "${opts.device}": ${(e as Error).message}`);
          }
          const s = stream;
          let carry = new Uint8Array(0);
          const frameBytes = 2 * channels;
          s.on('data', (b: Buffer) => {
            let bytes: Uint8Array = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
            if (carry.length) {
              const all = new Uint8Array(carry.length + bytes.length);
              all.set(carry);
              all.set(bytes, carry.length);
              bytes = all;
            }
            const whole = bytes.length - (bytes.length % frameBytes);
            carry = bytes.slice(whole);
            session.audio(decodeToMono(bytes.subarray(0, whole), 's16le', channels), rate);
          });
          s.on('error', (e: Error) => session.ended(`PortAudio device "${opts.device}": ${e.message}`));
          s.on('end', () => session.ended(`PortAudio device "${opts.device}" stopped`));
          session.connected();
          s.start();
        },
        (e: Error) => session.fatal(e.message),
      );
      return () => {
        closed = true;
        const s = stream;
        stream = null;
        if (s) {
          s.removeAllListeners('data');
          s.pause();
          // quit() stops the PortAudio stream and closes the device (naudiodon2 2.5's abort() is broken:
          // it passes two arguments to a native quit that takes one).
          s.quit().catch((e: Error) => session.error(`closing PortAudio device "${opts.device}": ${e.message}`));
        }
      };
    },
    live,
  );
}

function listFrom(pa: Naudiodon): AudioDevice[] {
  return pa
    .getDevices()
    .filter((d) => d.maxInputChannels > 0)
    .map((d) => ({ id: d.id, name: d.name, maxInputChannels: d.maxInputChannels, defaultSampleRate: d.defaultSampleRate, hostApi: d.hostAPIName }));
}
