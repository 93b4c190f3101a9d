// The `hydromon` command line. Each command lives in its own module under ./commands and exports
// `register(program)`, so a new command is one new file and no shared list to edit.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CommandModule {
  register(program: Command): void;
}

function isCommandModule(m: unknown): m is CommandModule {
  return typeof m === 'object' && m !== null && typeof (m as { register?: unknown }).register === 'function';
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('hydromon')
    .description('Real-time hydrophone monitor: listen, recognise marine-mammal calls, store and show detections')
    .showHelpAfterError()
    .exitOverride();
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  for (const f of files) {
    // One command that cannot load (a missing optional part) must not take the others down:
    // it becomes a command that explains what is wrong when it is called.
    let mod: unknown;
    let failure: string | null = null;
    try {
      mod = await import(pathToFileURL(join(dir, f)).href);
      if (!isCommandModule(mod)) failure = `server/cli/commands/${f} does not export register(program)`;
    } catch (err) {
      failure = `cannot load server/cli/commands/${f}: ${(err as Error).message}`;
    }
    if (failure === null && isCommandModule(mod)) {
      mod.register(program);
    } else {
      const msg = failure ?? 'unknown';
      program
        .command(f.replace(/\.ts$/, ''))
        .description(`(unavailable: ${msg.split('\n')[0]})`)
        .allowUnknownOption()
        .argument('[args...]')
        .action(() => {
          throw new Error(msg);
        });
    }
  }
  return program;
}

export async function main(): Promise<void> {
  const program = await buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      process.exitCode = e.exitCode ?? 1;
      return;
    }
    process.stderr.write(`hydromon: ${e.message ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
