// Start test/client/fake-server.ts with tsx and talk to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

// import.meta.url is not a file URL under jsdom; vitest runs from the project root.
const ROOT = process.cwd();

export interface FakeServerProcess {
  send(cmd: Record<string, unknown>): Promise<Record<string, unknown>>;
  kill(): void;
}

export function startFakeServerProcess(): FakeServerProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/client/fake-server.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  let next = 1;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const r = JSON.parse(line) as Record<string, unknown> & { id: number };
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  return {
    send: (cmd) => new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, (r) => (r.ok ? resolve(r) : reject(new Error(String(r.error)))));
      child.stdin!.write(JSON.stringify({ id, ...cmd }) + '\n');
    }),
    kill: () => { child.stdin?.end(); setTimeout(() => child.kill(), 2000).unref(); },
  };
}
