// Where the project lives, so defaults (shipped model, feature cache) do not depend on the cwd.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared data folder, absolute: HYDROMON_DATA (a relative one from the working directory), else ../shared/data beside the project. */
export function dataRoot(): string {
  const set = process.env.HYDROMON_DATA;
  return set ? resolve(set) : resolve(projectRoot, '..', 'shared', 'data');
}

/**
 * A path as a model card writes it (`$HYDROMON_DATA/…`, relative to the project, or absolute; see
 * train-run.ts) back to one that opens here, so scripts can read a card trained at another path.
 */
export function cardPath(p: string): string {
  if (p === '$HYDROMON_DATA' || p.startsWith('$HYDROMON_DATA/')) return dataRoot() + p.slice('$HYDROMON_DATA'.length);
  return resolve(projectRoot, p);
}
