// Builds HYDR byte streams of a tone, as a buoy would push them.
import { encodeFrame, encodeHeader } from '../../../../streams/sources/framing.ts';

export interface ToneStream {
  readonly header: Uint8Array;
  /** frames[i] is the encoded frame with seq i. */
  readonly frames: Uint8Array[];
  readonly frameSamples: number;
}

/** Stereo s16le frames of a tone (same on both channels), `frameS` seconds each. */
export function toneStream(opts: { freqHz: number; sampleRate: number; frames: number; frameS?: number; startMs: number | null; frameTimes?: boolean; channels?: number }): ToneStream {
  const ch = opts.channels ?? 2;
  const n = Math.round(opts.sampleRate * (opts.frameS ?? 0.1));
  const frames: Uint8Array[] = [];
  for (let f = 0; f < opts.frames; f++) {
    const payload = new Uint8Array(n * ch * 2);
    const dv = new DataView(payload.buffer);
    for (let i = 0; i < n; i++) {
      const v = Math.round(16000 * Math.sin((2 * Math.PI * opts.freqHz * (f * n + i)) / opts.sampleRate));
      for (let c = 0; c < ch; c++) dv.setInt16((i * ch + c) * 2, v, true);
    }
    const ts = opts.frameTimes && opts.startMs !== null ? opts.startMs + (f * n * 1000) / opts.sampleRate : undefined;
    frames.push(encodeFrame(f, payload, ts));
  }
  return { header: encodeHeader({ format: 's16le', channels: ch, sampleRate: opts.sampleRate, startMs: opts.startMs }), frames, frameSamples: n };
}

/** Cut bytes at pseudo-random places, to prove the receiver does not depend on packet boundaries. */
export function splitRandomly(bytes: Uint8Array, seed = 7): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = seed;
  let i = 0;
  while (i < bytes.length) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const step = 1 + (s % 700);
    out.push(bytes.slice(i, i + step));
    i += step;
  }
  return out;
}
