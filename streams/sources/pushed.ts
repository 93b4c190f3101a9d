// Turns the bytes of one HYDR push connection (TCP or WebSocket) into timed mono audio for a
// LiveSession: parses incrementally, times frames from the pusher's clock when it gives one,
// records lost frames (sequence jumps) as holes, and drops the connection on bad bytes.
import { createFrameParser, FramingError, type StreamHeader } from './framing.ts';
import type { LiveSession } from './live-source.ts';
import { decodeToMono } from './pcm-format.ts';

export interface PushReceiver {
  /** Feed received bytes. Returns false when the connection must be dropped (bad bytes; already reported). */
  push(bytes: Uint8Array): boolean;
}

export function createPushReceiver(session: LiveSession, peer: string, opts: { maxFrameBytes?: number } = {}): PushReceiver {
  const parser = createFrameParser(opts);
  let header: StreamHeader | null = null;
  let lastSeq: number | null = null;
  /** Pusher time of the next sample when it is known from the header (continued by sample count). */
  let nextSourceMs: number | null = null;

  return {
    push(bytes: Uint8Array): boolean {
      let events;
      try {
        events = parser.push(bytes);
      } catch (e) {
        const msg = e instanceof FramingError ? e.message : String(e);
        session.error(`${peer}: ${msg}; connection dropped`);
        session.ended(`${peer}: bad stream (${msg})`);
        return false;
      }
      for (const ev of events) {
        if (ev.kind === 'header') {
          header = ev.header;
          nextSourceMs = header.startMs;
          session.connected(`${peer}: ${header.sampleRate} Hz ${header.format} × ${header.channels}`);
          continue;
        }
        if (!header) continue;
        const { frame } = ev;
        const samples = decodeToMono(frame.payload, header.format, header.channels);
        const durMs = (samples.length / header.sampleRate) * 1000;
        if (lastSeq !== null) {
          const lost = (frame.seq - lastSeq - 1) >>> 0;
          if (lost > 0 && lost < 0x80000000) {
            if (nextSourceMs !== null && frame.timestampMs === undefined) nextSourceMs += lost * durMs; // assume equal frames
            session.hole(`${peer}: ${lost} frame(s) lost (seq ${lastSeq + 1}..${frame.seq - 1})`);
          } else if (lost !== 0) {
            session.error(`${peer}: frame seq went back from ${lastSeq} to ${frame.seq}`);
          }
        }
        lastSeq = frame.seq;
        const src = frame.timestampMs ?? nextSourceMs ?? undefined;
        session.audio(samples, header.sampleRate, src);
        if (src !== undefined && nextSourceMs !== null) nextSourceMs = src + durMs;
        else if (frame.timestampMs !== undefined) nextSourceMs = null; // per-frame times only
      }
      return true;
    },
  };
}
