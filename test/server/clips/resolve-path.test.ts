import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clipRelPath, sanitizeName } from '../../../server/clips/clip-name.ts';
import { resolveClipPath } from '../../../server/clips/resolve-path.ts';

const base = mkdtempSync(join(tmpdir(), 'hydromon-clippath-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const root = join(base, 'clips');
mkdirSync(join(root, 'st/2026-11-24'), { recursive: true });
writeFileSync(join(root, 'st/2026-11-24/a.wav'), 'x');
mkdirSync(join(base, 'outside'));
writeFileSync(join(base, 'outside/secret.wav'), 'x');
symlinkSync(join(base, 'outside'), join(root, 'escape'));
symlinkSync(join(root, 'st'), join(root, 'alias'));

describe('resolveClipPath', () => {
  it('resolves paths inside the folder (existing or not yet)', () => {
    expect(resolveClipPath(root, 'st/2026-11-24/a.wav')).toBe(join(root, 'st/2026-11-24/a.wav'));
    expect(resolveClipPath(root, 'st/2026-11-25/new.wav')).toBe(join(root, 'st/2026-11-25/new.wav'));
    expect(resolveClipPath(root, 'alias/2026-11-24/a.wav')).toBe(join(root, 'alias/2026-11-24/a.wav')); // symlink that stays inside
  });

  it.each([
    ['../outside/secret.wav', /\.\./],
    ['st/../../outside/secret.wav', /\.\./],
    ['/etc/passwd', /absolute/],
    ['C:\\x.wav', /absolute/],
    ['st/a\0.wav', /NUL/],
    ['', /empty/],
    ['escape/secret.wav', /symlink/],
    ['escape/new/x.wav', /symlink/],
  ])('refuses %j', (rel, why) => {
    expect(() => resolveClipPath(root, rel)).toThrow(why);
  });
});

describe('clip names', () => {
  it('follow <station>/<day>/<station>_<UTC stamp>_<species>.wav and cannot climb', () => {
    expect(clipRelPath('orcasound_lab', Date.UTC(2026, 10, 24, 3, 15, 0, 123), 'orca')).toBe('orcasound_lab/2026-11-24/orcasound_lab_20261124T031500.123Z_orca.wav');
    expect(sanitizeName('../../etc')).toBe('etc');
    expect(sanitizeName('..')).toBe('unknown');
    expect(sanitizeName('Bush Point / hydrophone 2')).toBe('Bush_Point_hydrophone_2');
    expect(() => resolveClipPath(root, clipRelPath('../..', 0, '../x'))).not.toThrow();
  });
});
