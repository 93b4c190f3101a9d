// Where the project lives, so defaults (shipped model, feature cache) do not depend on the cwd.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
