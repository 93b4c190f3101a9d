// The loop every live source shares: connect, stamp and chunk the audio, watch for stalls,
// and on a drop report it, record the hole and reconnect after a backoff. A source only says
// how to open one connection (`Connect`); everything about staying alive lives here.
import { Observable } from 'rxjs';
import type { PcmChunk, SourceContext, SourceEvent, SourceState } from '../types.ts';
import { createAssembler } from './assembler.ts';
import { createBackoff, type Backoff, type BackoffOptions } from './backoff.ts';
import { createClock } from './clock.ts';
import { createWatchdog, type Watchdog } from './watchdog.ts';

/** What one connection attempt can tell the loop. Calls after the session ended are ignored. */
export interface LiveSession {
  /** The transport is up (socket open, process started): the stall watchdog starts now. */
  connected(message?: string): void;
  /** Decoded mono audio; `sourceT0` = the source's own epoch ms for samples[0], when it has one. */
  audio(samples: Float32Array, sampleRate: number, sourceT0?: number): void;
  /** The source knows audio is missing here (404 segment, lost frames): the next audio records the hole. */
  hole(reason: string): void;
  /** A recoverable problem worth telling the operator. */
  error(message: string): void;
  /** This connection is over; the loop reconnects. */
  ended(reason: string): void;
  /** Cannot be retried (e.g. ffmpeg not installed): the source errors. */
  fatal(message: string): void;
  /** True until ended/fatal/unsubscribe. */
  readonly active: boolean;
}

/** Open one connection; return its teardown (kill the process, close the socket). */
export type Connect = (session: LiveSession) => () => void;

export interface LiveSourceOptions {
  /** Reconnect policy; 'immediate' for passive sources that just wait for the next pusher. */
  readonly backoff?: Backoff | BackoffOptions | 'immediate';
  /** Connected but no audio for this long → stalled → reconnect (default 15 s). */
  readonly stallS?: number;
  /** Allowance for the first audio after connecting (decoder probing, playlist fetch); default max(stallS, 20 s). */
  readonly startupS?: number;
  readonly chunkS?: number;
  readonly driftThresholdS?: number;
  /** Epoch ms; injectable for tests. */
  readonly now?: () => number;
}

function isBackoff(b: unknown): b is Backoff {
  return typeof b === 'object' && b !== null && typeof (b as Backoff).failed === 'function';
}

export function liveSource(ctx: SourceContext, connect: Connect, opts: LiveSourceOptions = {}): Observable<PcmChunk> {
  return new Observable<PcmChunk>((subscriber) => {
    const { station } = ctx;
    const now = opts.now ?? Date.now;
    const report = (e: SourceEvent): void => {
      try {
        ctx.report?.(e);
      } catch {
        // A broken reporter must not take the audio down.
      }
    };
    const status = (state: SourceState, message?: string): void =>
      report(message === undefined ? { type: 'status', station, state, at: now() } : { type: 'status', station, state, at: now(), message });
    const backoff = opts.backoff === 'immediate' ? null : isBackoff(opts.backoff) ? opts.backoff : createBackoff(opts.backoff);
    const clock = createClock({ station, report, driftThresholdS: opts.driftThresholdS });
    const assembler = createAssembler({ station, chunkS: opts.chunkS });
    const stallMs = (opts.stallS ?? 15) * 1000;
    const startupMs = (opts.startupS ?? Math.max(opts.stallS ?? 15, 20)) * 1000;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let current: { end: () => void } | null = null;

    const emit = (chunks: PcmChunk[]): void => {
      for (const c of chunks) subscriber.next(c);
    };

    const start = (): void => {
      retry = null;
      if (stopped) return;
      let active = true;
      let live = false;
      let watchdog: Watchdog | null = null;
      let teardown: (() => void) | null = null;
      const finish = (): void => {
        active = false;
        watchdog?.stop();
        watchdog = null;
        const t = teardown;
        teardown = null;
        try {
          t?.();
        } catch (e) {
          report({ type: 'error', station, at: now(), message: `teardown failed: ${(e as Error).message}` });
        }
      };
      current = { end: finish };
      const arm = (ms: number, since: string): Watchdog =>
        createWatchdog(ms, () => {
          if (!session.active) return;
          const what = `no audio for ${ms / 1000} s${since ? ` ${since}` : ''}`;
          status('stalled', what);
          session.ended(`stalled (${what})`);
        });
      const session: LiveSession = {
        get active() {
          return active && !stopped;
        },
        connected(message?: string): void {
          if (!session.active || watchdog) return;
          watchdog = arm(startupMs, 'since connecting');
          if (message) status('connecting', message);
        },
        audio(samples: Float32Array, sampleRate: number, sourceT0?: number): void {
          if (!session.active || samples.length === 0) return;
          const t = now();
          if (!live) {
            live = true;
            watchdog?.stop();
            watchdog = arm(stallMs, '');
            status('live');
          } else watchdog?.kick();
          backoff?.live(t);
          const t0 = clock.stamp(samples.length, sampleRate, t, sourceT0);
          emit(assembler.push(samples, sampleRate, t0));
        },
        hole(reason: string): void {
          if (!session.active) return;
          emit(assembler.flush());
          clock.break(reason);
        },
        error(message: string): void {
          if (session.active) report({ type: 'error', station, at: now(), message });
        },
        ended(reason: string): void {
          if (!session.active) return;
          finish();
          emit(assembler.flush());
          clock.break(reason);
          status('down', reason);
          const delay = backoff ? backoff.failed(now()) : 0;
          retry = setTimeout(start, delay);
        },
        fatal(message: string): void {
          if (!session.active) return;
          finish();
          emit(assembler.flush());
          stopped = true;
          status('faulted', message);
          subscriber.error(new Error(message));
        },
      };
      status('connecting');
      try {
        const t = connect(session);
        if (active) teardown = t;
        else t(); // ended synchronously inside connect
      } catch (e) {
        session.ended(`connect failed: ${(e as Error).message}`);
      }
    };

    start();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      current?.end();
      current = null;
    };
  });
}
