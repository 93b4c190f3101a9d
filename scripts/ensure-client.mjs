#!/usr/bin/env node
// Before `npm start`: builds the dashboard client when client/dist is missing or older than its
// sources, so a fresh clone serves the dashboard without a separate build step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'client', 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(newest(join(root, 'client', 'src')), statSync(join(root, 'client', 'index.html')).mtimeMs, statSync(join(root, 'server', 'ws-protocol.ts')).mtimeMs);
if (!existsSync(dist) || statSync(dist).mtimeMs < sources) {
  process.stderr.write('hydromon: building the dashboard client (vite)…\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'client', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
}
