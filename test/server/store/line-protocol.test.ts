import { describe, expect, it } from 'vitest';
import { detectionLine, escapeFieldString, escapeTag, healthLine, idOffsetNs, pointTimeNs } from '../../../server/store/line-protocol.ts';
import { T0, det, status } from './fixtures.ts';

describe('line protocol', () => {
  it('escapes tags and strings the way InfluxDB reads them', () => {
    expect(escapeTag('bush point,2=a')).toBe('bush\\ point\\,2\\=a');
    expect(escapeTag('')).toBe('unknown');
    expect(escapeTag('a\nb')).toBe('a\\ b');
    expect(escapeFieldString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it('puts unique ids in fields, never tags, and the start (ms) plus an id-derived offset in the timestamp', () => {
    const d = det(3, { origin: { file: '/a b.wav', offsetS: 2 }, clip: 'c.wav' });
    const line = detectionLine(d);
    const [head] = line.split(' confidence=');
    expect(head).toBe('detection,model=mfcc-cnn-v1,species=orca,station=bush\\ point');
    expect(line).toContain('detection_id="det-3"');
    expect(line).toContain('file="/a b.wav"');
    const ts = BigInt(line.split(' ').at(-1)!);
    expect(ts / 1_000_000n).toBe(BigInt(Math.floor(d.start)));
    expect(ts % 1_000_000n).toBe(idOffsetNs('det-3'));
    expect(detectionLine(d)).toBe(line); // same detection, same point
  });

  it('spreads ids over the sub-millisecond nanoseconds', () => {
    const offsets = new Set(Array.from({ length: 1000 }, (_, i) => idOffsetNs(`id-${i}`)));
    expect(offsets.size).toBeGreaterThan(995);
    for (const o of offsets) expect(o >= 0n && o < 1_000_000n).toBe(true);
    expect(pointTimeNs(T0 + 0.9, 'x') / 1_000_000n).toBe(BigInt(T0));
  });

  it('writes health with an integer sample count and omits a missing level', () => {
    expect(healthLine(status('s 1', T0, { rmsDb: null, samples: 480, message: 'no "audio"' })))
      .toBe(`station_health,station=s\\ 1 status="live",lag_s=0.2,gap_s=0,samples=480i,message="no \\"audio\\"" ${BigInt(T0) * 1_000_000n}`);
  });

  it('writes behind_s as a float field only when the status has behindS', () => {
    const ns = BigInt(T0) * 1_000_000n;
    expect(healthLine(status('s1', T0, { behindS: 2.5 })))
      .toBe(`station_health,station=s1 status="live",rms_db=-42.5,lag_s=0.2,gap_s=0,behind_s=2.5,samples=48000i ${ns}`);
    // Keeping up is 0, not absent: the field is there.
    expect(healthLine(status('s1', T0, { behindS: 0 }))).toContain(',behind_s=0,');
    expect(healthLine(status('s1', T0))).not.toContain('behind_s');
  });

  it('omits non-finite numbers (InfluxDB would reject the whole line)', () => {
    expect(detectionLine(det(1, { confidence: Number.NaN }))).not.toContain('confidence');
  });
});
