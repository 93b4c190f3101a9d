// Event segmentation: an energy detector over an adaptive noise floor that cuts variable-length
// events, the way a Watkins "best of" cut frames one call. It reads the band energy of the mel
// frames the stream already computed (no second STFT). The floor is a running median of band
// energy over the last `floorS` seconds, frozen while an event is open so a long song cannot lift
// it; an event opens `thresholdDb` above the floor and closes after `hangoverS` below
// `thresholdDb − hysteresisDb`. Events shorter than `minS` are dropped; longer than `maxS` are cut
// there and a new one begins if the sound goes on — unless it was the background itself that rose
// (a ship arriving): an event cut at `maxS` hands its levels to the floor, so the floor catches up.
import type { OperatorFunction } from 'rxjs';
import { RunningMedian } from '../noise-floor.ts';
import { RunBuffer } from '../run-buffer.ts';
import { stateful } from './stateful.ts';
import type { AnalysisBlock, Window } from '../types.ts';

/** The detector's defaults (the stations file's `events: {}`; config/schema.ts takes them from here). */
export const EVENT_DEFAULTS = { minS: 0.05, maxS: 30, thresholdDb: 8, hysteresisDb: 3, hangoverS: 0.15, floorS: 30, padS: 0.1, bandHz: [20, 8000] as [number, number] };

export interface EventOptions {
  readonly minS: number;
  readonly maxS: number;
  readonly thresholdDb: number;
  readonly hysteresisDb?: number;
  readonly hangoverS?: number;
  readonly floorS?: number;
  /** Audio kept before and after the detected frames. */
  readonly padS?: number;
  /** Detector band; mel bands whose centre lies inside it count. */
  readonly bandHz: readonly [number, number];
  /** Centre frequency of each mel band of the analysis (from the feature config). */
  readonly melCentersHz: ArrayLike<number>;
  /** Seconds of floor history needed before the detector may fire. */
  readonly warmupS?: number;
}

interface OpenEvent {
  first: number; // first frame above threshold
  last: number; // last frame above the release level
  bandPower: Float64Array;
  levels: number[]; // band energy (dB) of each frame, for the floor when cut at maxS
}

export function energyEvents(opts: EventOptions): OperatorFunction<AnalysisBlock, Window> {
  if (!(opts.minS > 0) || !(opts.maxS >= opts.minS)) {
    throw new Error(`events: need 0 < minS (${opts.minS}) <= maxS (${opts.maxS})`);
  }
  const [lowHz, highHz] = opts.bandHz;
  if (!(highHz > lowHz)) throw new Error(`events: band ${lowHz}–${highHz} Hz is empty`);
  const bands: number[] = [];
  for (let m = 0; m < opts.melCentersHz.length; m++) {
    const c = opts.melCentersHz[m];
    if (c >= lowHz && c <= highHz) bands.push(m);
  }
  if (bands.length === 0) throw new Error(`events: no mel band lies inside ${lowHz}–${highHz} Hz`);
  const hysteresis = opts.hysteresisDb ?? 3;
  const floorS = opts.floorS ?? 30;
  const padS = opts.padS ?? 0.05;

  return stateful<AnalysisBlock, Window>((sub) => {
      const buf = new RunBuffer();
      let floor: RunningMedian | null = null;
      let fps = 0; // frames per second
      let hangover = 0;
      let warmup = 0;
      let maxFrames = 0;
      let minFrames = 0;
      let pad = 0; // samples
      let open: OpenEvent | null = null;
      let below = 0; // consecutive frames below the release level
      let scanned = 0; // next frame to examine

      const emit = (ev: OpenEvent): void => {
        const frames = ev.last - ev.first + 1;
        if (frames < minFrames) return;
        const hop = buf.hop;
        const startSample = Math.max(0, ev.first * hop - Math.floor(hop / 2) - pad);
        const endSample = Math.min(buf.sampleCount, (ev.last + 1) * hop - Math.floor(hop / 2) + pad);
        let peak = 0;
        for (let m = 0; m < buf.nMels; m++) if (ev.bandPower[m] > ev.bandPower[peak]) peak = m;
        // The event's band: contiguous mel bands around the peak within 10 dB of it.
        const limit = ev.bandPower[peak] * 0.1;
        let lo = peak;
        let hi = peak;
        while (lo > 0 && ev.bandPower[lo - 1] >= limit) lo--;
        while (hi < buf.nMels - 1 && ev.bandPower[hi + 1] >= limit) hi++;
        // Fetched on first read (a view when one chunk holds the event): with the stream's mel
        // frames at hand the features never read them.
        const samples = buf.samplesLater(startSample, endSample);
        sub.next({
          station: buf.station,
          sampleRate: buf.sampleRate,
          get samples(): Float32Array {
            return samples();
          },
          start: buf.timeOf(startSample),
          end: buf.timeOf(endSample),
          kind: 'event',
          origin: buf.originAt(startSample),
          mel: buf.melView(buf.frameAtOrAfter(startSample), buf.frameAtOrAfter(endSample)),
          freqLowHz: opts.melCentersHz[lo],
          freqHighHz: opts.melCentersHz[hi],
        });
      };

      const startRun = (): void => {
        fps = buf.sampleRate / buf.hop;
        floor = new RunningMedian(Math.max(1, Math.round(floorS * fps)));
        hangover = Math.max(1, Math.round((opts.hangoverS ?? 0.1) * fps));
        warmup = Math.round((opts.warmupS ?? Math.min(floorS, 2)) * fps);
        maxFrames = Math.max(1, Math.round(opts.maxS * fps));
        minFrames = Math.max(1, Math.round(opts.minS * fps));
        pad = Math.round(padS * buf.sampleRate);
        open = null;
        below = 0;
      };

      const closeOpen = (): void => {
        if (open) emit(open);
        open = null;
        below = 0;
      };
      const cutAtMax = (): void => {
        const levels = open ? open.levels : [];
        closeOpen();
        for (const l of levels) (floor as RunningMedian).add(l);
      };

      const step = (f: number): void => {
        let e = 0;
        for (const m of bands) e += buf.melAt(f, m);
        const db = 10 * Math.log10(e + 1e-20);
        const fl = floor as RunningMedian;
        const level = fl.count >= warmup ? fl.median() : Number.NaN;
        if (open) {
          if (db >= level + opts.thresholdDb - hysteresis) {
            open.last = f;
            below = 0;
          } else if (++below >= hangover) {
            closeOpen();
          }
          if (open) {
            for (let m = 0; m < buf.nMels; m++) open.bandPower[m] += buf.melAt(f, m);
            open.levels.push(db);
            if (open.last - open.first + 1 >= maxFrames) cutAtMax();
            return;
          }
        } else if (!Number.isNaN(level) && db >= level + opts.thresholdDb) {
          open = { first: f, last: f, bandPower: new Float64Array(buf.nMels), levels: [db] };
          for (let m = 0; m < buf.nMels; m++) open.bandPower[m] += buf.melAt(f, m);
          below = 0;
        }
        if (!open) fl.add(db);
      };

      const onBlock = (block: AnalysisBlock): void => {
        if (block.run !== buf.run) {
          closeOpen();
          buf.push(block);
          startRun();
          // A new run is scanned from the first frame it holds.
          scanned = block.frameIndex;
        } else {
          buf.push(block);
        }
        for (; scanned < buf.frameCount; scanned++) step(scanned);
        // Keep what an open event (or the pre-roll of the next one) may still need.
        const keepFrame = open ? open.first : scanned;
        const keepSample = Math.max(0, keepFrame * buf.hop - buf.hop - pad);
        buf.trim(keepSample, buf.frameAtOrAfter(keepSample));
      };

      return { next: onBlock, complete: closeOpen };
    });
}
