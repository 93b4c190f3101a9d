// Reads the YAML stations file, applies environment overrides (secrets and URLs never need to sit
// in the file) and validates it; every error names the file and the field.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ConfigError';
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    throw new ConfigError(file, `not valid YAML: ${msg}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(file, 'expected a mapping at the top level');
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, describeIssues(result.error.issues));
  return applyEnv(result.data, file, env);
}

/** Environment beats the file for what differs per machine or is secret. */
export function applyEnv(cfg: Config, file: string, env: NodeJS.ProcessEnv): Config {
  const out: Config = { ...cfg, server: { ...cfg.server }, store: { ...cfg.store } };
  if (env.HYDROMON_INFLUX_URL) {
    try {
      const u = new URL(env.HYDROMON_INFLUX_URL);
      if (!/^https?:$/.test(u.protocol)) throw new Error('not http(s)');
    } catch {
      throw new ConfigError(file, `HYDROMON_INFLUX_URL is not an http(s) URL: ${env.HYDROMON_INFLUX_URL}`);
    }
    out.store.influx = env.HYDROMON_INFLUX_URL;
  }
  if (env.HYDROMON_TOKEN) out.server.token = env.HYDROMON_TOKEN;
  if (env.PORT) {
    const p = Number(env.PORT);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ConfigError(file, `PORT is not a port number: ${env.PORT}`);
    out.server.port = p;
  }
  if (env.HYDROMON_HOST) out.server.host = env.HYDROMON_HOST;
  return out;
}

/** Loads and validates; relative paths in the file are taken from the file's folder. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read: ${(err as Error).message}`);
  }
  const cfg = parseConfig(text, file, env);
  const base = dirname(resolve(file));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...cfg,
    stations: cfg.stations.map((s) => (looksLikePath(s.source) ? { ...s, source: abs(s.source) } : s)),
    store: { ...cfg.store, dataDir: abs(cfg.store.dataDir) },
    clips: cfg.clips === false ? false : { ...cfg.clips, dir: abs(cfg.clips.dir) },
    model: cfg.model ? abs(cfg.model) : undefined,
  };
}

function looksLikePath(source: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(source) || /^[a-z]:[\\/]/i.test(source);
}
