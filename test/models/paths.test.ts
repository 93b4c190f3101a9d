import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cardPath, dataRoot, projectRoot } from '../../models/paths.ts';

describe('paths a model card writes', () => {
  const saved = process.env.HYDROMON_DATA;
  afterEach(() => { if (saved === undefined) delete process.env.HYDROMON_DATA; else process.env.HYDROMON_DATA = saved; });

  it('$HYDROMON_DATA opens under this machine\'s data folder, the default beside the project', () => {
    process.env.HYDROMON_DATA = '/srv/hydro-data';
    expect(cardPath('$HYDROMON_DATA/watkins/manifest.csv')).toBe('/srv/hydro-data/watkins/manifest.csv');
    delete process.env.HYDROMON_DATA;
    expect(dataRoot()).toBe(resolve(projectRoot, '..', 'shared', 'data'));
    expect(cardPath('$HYDROMON_DATA/watkins/manifest.csv')).toBe(join(dataRoot(), 'watkins', 'manifest.csv'));
  });
  it('a relative HYDROMON_DATA is taken from the working directory and comes back absolute; an empty one is unset', () => {
    process.env.HYDROMON_DATA = 'some/data';
    expect(dataRoot()).toBe(resolve(process.cwd(), 'some', 'data'));
    process.env.HYDROMON_DATA = '';
    expect(dataRoot()).toBe(resolve(projectRoot, '..', 'shared', 'data'));
  });
  it('project-relative paths resolve from the project, absolute ones stay', () => {
    expect(cardPath('data/watkins/manifest.csv')).toBe(join(projectRoot, 'data', 'watkins', 'manifest.csv'));
    expect(cardPath('/work/shared/data/x.csv')).toBe('/work/shared/data/x.csv');
    expect(cardPath('$HYDROMON_DATAX/y.csv')).toBe(join(projectRoot, '$HYDROMON_DATAX', 'y.csv')); // not the variable
  });
});
