#!/usr/bin/env node
// Builds the dashboard client when client/dist is missing or older than its sources: before
// `npm start`, and in the browser tests. Two callers at once (test files run in parallel) must not
// both empty and rebuild the folder under a server that is serving it, so the build holds a lock
// (an atomic mkdir) and a waiter re-checks once the lock is gone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = join(root, 'client', 'dist', 'index.html');
const lock = join(root, 'client', '.build-lock');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Missing, or older than any client source: a stale build would serve yesterday's page. */
export function clientNeedsBuild() {
  if (!existsSync(index)) return true;
  const sources = Math.max(newest(join(root, 'client', 'src')), statSync(join(root, 'client', 'index.html')).mtimeMs, statSync(join(root, 'server', 'ws-protocol.ts')).mtimeMs);
  return statSync(index).mtimeMs < sources;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function ensureClient() {
  for (let waited = 0; clientNeedsBuild(); waited += 200) {
    try {
      mkdirSync(lock);
    } catch {
      // Another process is building; a lock older than 5 minutes is from one that died.
      if (waited > 300_000) rmdirSync(lock);
      sleep(200);
      continue;
    }
    try {
      if (clientNeedsBuild()) {
        process.stderr.write('hydromon: building the dashboard client (vite)…\n');
        execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'client', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
      }
    } finally {
      rmdirSync(lock);
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureClient();
