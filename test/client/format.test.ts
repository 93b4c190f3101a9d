import { describe, expect, it } from 'vitest';
import { speciesColour } from '../../client/src/lib/format.ts';

describe('speciesColour', () => {
  it('gives different species different colours, and one species always the same', () => {
    const names = ['Killer Whale', 'Sperm Whale', 'Beluga', 'Bowhead Whale', 'Ross Seal', 'Northern Right Whale'];
    const colours = names.map(speciesColour);
    expect(new Set(colours).size).toBe(names.length);
    expect(speciesColour('Killer Whale')).toBe(colours[0]);
  });
});
