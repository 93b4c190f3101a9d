// The streaming check's counting: calls hit within ±1 s, false alarms per hour of background,
// runs counted once, and the argmax rule (a species only detects when it beats background).
import { describe, expect, it } from 'vitest';
import { streamMetrics, type RecordingScores, type WindowScore } from '../../models/stream-check.ts';

const NRW = 'Northern Right Whale';
const win = (t0: number, top: string, pTop: number, pBackground = 0): WindowScore => ({ t0, t1: t0 + 2, pTarget: top === NRW ? pTop : 0, top, pTop, pBackground });

describe('streamMetrics', () => {
  // 60 s annotated: calls at 10–11 s and 40–41 s; detections at 11.5 s (within 1 s of the first
  // call's end) and at 25 s (far from both: off-call).
  const annotated: RecordingScores = {
    path: 'a.wav', durationS: 60, calls: [{ startS: 10, endS: 11 }, { startS: 40, endS: 41 }],
    windows: [win(0, NRW, 0.1, 0.9), win(11.5, NRW, 0.8, 0.1), win(25, NRW, 0.9, 0.05), win(39, NRW, 0.55, 0.6)],
  };
  // 360 s background (0.1 h): a run of three detecting windows, one lone one, one below threshold,
  // one that loses to background.
  const background: RecordingScores = {
    path: 'b.wav', durationS: 360, calls: [],
    windows: [win(0, 'Beluga', 0.7), win(1, 'Beluga', 0.7), win(2, NRW, 0.9), win(3, NRW, 0.2), win(50, 'Sperm Whale', 0.95), win(80, NRW, 0.6, 0.7)],
  };

  it('counts hits, off-call detections and background false alarms at a threshold', () => {
    const m = streamMetrics([annotated], [background], NRW, 0.5);
    expect(m.calls).toBe(2);
    expect(m.hit).toBe(1); // the 39 s window loses to background
    expect(m.recall).toBe(0.5);
    expect(m.offCallPerHour).toBeCloseTo(1 / (60 / 3600), 6);
    expect(m.backgroundHours).toBeCloseTo(0.1, 9);
    expect(m.backgroundFaPerHour).toBeCloseTo(4 / 0.1, 6);
    expect(m.backgroundFaEventsPerHour).toBeCloseTo(2 / 0.1, 6);
  });

  it('a higher threshold drops the weaker detections', () => {
    const m = streamMetrics([annotated], [background], NRW, 0.85);
    expect(m.hit).toBe(0);
    expect(m.backgroundFaPerHour).toBeCloseTo(2 / 0.1, 6); // 0.9 and 0.95 remain
    expect(m.backgroundFaEventsPerHour).toBeCloseTo(2 / 0.1, 6);
  });
});
