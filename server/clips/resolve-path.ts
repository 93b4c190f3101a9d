// Turns a clip path from the outside world (a stored detection, an HTTP request) into a file
// inside the clip folder, or refuses: absolute paths, `..`, NUL bytes, and symlinks that lead out.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export class ClipPathError extends Error {
  constructor(rel: string, why: string) {
    super(`clip path "${rel}" refused: ${why}`);
    this.name = 'ClipPathError';
  }
}

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

/** Deepest existing ancestor of `p` (or p itself), resolved through symlinks. */
function realExisting(p: string): string {
  let cur = p;
  for (;;) {
    try {
      const real = realpathSync(cur);
      return cur === p ? real : resolve(real, relative(cur, p));
    } catch {
      const up = dirname(cur);
      if (up === cur) return p;
      cur = up;
    }
  }
}

/** Absolute path of `rel` inside `root`; throws ClipPathError if it could lead anywhere else. */
export function resolveClipPath(root: string, rel: string): string {
  if (typeof rel !== 'string' || rel.length === 0) throw new ClipPathError(String(rel), 'empty');
  if (rel.includes('\0')) throw new ClipPathError(rel, 'contains a NUL byte');
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.startsWith('\\')) throw new ClipPathError(rel, 'absolute');
  if (rel.split(/[\\/]/).some((seg) => seg === '..')) throw new ClipPathError(rel, 'contains ".."');
  const absRoot = resolve(root);
  const abs = resolve(absRoot, rel);
  if (!inside(absRoot, abs) || abs === absRoot) throw new ClipPathError(rel, 'outside the clip folder');
  const realRoot = realExisting(absRoot);
  if (!inside(realRoot, realExisting(abs))) throw new ClipPathError(rel, 'a symlink leads outside the clip folder');
  return abs;
}
