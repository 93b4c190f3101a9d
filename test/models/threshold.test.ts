// The shipped threshold's floor: it only ever raises the calibrated threshold, and the card's rule
// then names both.
import { describe, expect, it } from 'vitest';
import { withThresholdFloor } from '../../models/threshold.ts';

describe('threshold floor', () => {
  const calibrated = { threshold: 0.3, rule: 'the held-out background recording' };

  it('raises a lower calibrated threshold to the floor and says what calibration gave', () => {
    const t = withThresholdFloor(calibrated, 0.5);
    expect(t.threshold).toBe(0.5);
    expect(t.rule).toBe('its floor (--min-threshold 0.5), above the 0.3 chosen on the held-out background recording');
  });

  it('leaves a threshold at or above the floor, and no floor, as calibration chose', () => {
    expect(withThresholdFloor(calibrated, 0.3)).toBe(calibrated);
    expect(withThresholdFloor(calibrated, 0.2)).toBe(calibrated);
    expect(withThresholdFloor(calibrated, undefined)).toBe(calibrated);
  });

  it('refuses a floor of 1 or more, which would silence every detection', () => {
    expect(() => withThresholdFloor(calibrated, 1)).toThrow('threshold floor must be below 1, not 1');
  });
});
