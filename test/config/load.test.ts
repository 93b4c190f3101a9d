import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../config/load.ts';

describe('config', () => {
  it('loads the shipped default with its stations and resolved paths', () => {
    const cfg = loadConfig('config/default.yaml', {});
    expect(cfg.stations.map((s) => s.id)).toContain('archive');
    const archive = cfg.stations.find((s) => s.id === 'archive');
    expect(archive?.source.endsWith('/archive')).toBe(true);
    expect(archive?.source.startsWith('/')).toBe(true);
    expect(cfg.server.host).toBe('127.0.0.1');
    expect(cfg.stations[0].sliding).toEqual({ durationS: 2, hopS: 1 });
  });

  it('names the file and the field of a typo', () => {
    const text = 'stations:\n  - id: a\n    source: x.wav\n    sped: 2\n';
    expect(() => parseConfig(text, 'st.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig(text, 'st.yaml', {})).toThrow(/st\.yaml: stations\[0\].*sped/);
  });

  it('rejects a bad value with the field path', () => {
    expect(() => parseConfig('stations:\n  - id: a\n    source: x\n    speed: -3\n', 'f.yaml', {})).toThrow(/stations\[0\]\.speed/);
    expect(() => parseConfig('store:\n  influx: ftp://x/db\n', 'f.yaml', {})).toThrow(/store\.influx/);
    expect(() => parseConfig('stations:\n  - id: a\n    source: x\n    events: {minS: 2, maxS: 1}\n', 'f.yaml', {})).toThrow(/maxS/);
  });

  it('takes waitPollS (seconds) for an archive station, and names the file and field of a bad one', () => {
    const station = (v: string): string => `stations:\n  - id: a\n    source: ./rec\n    waitPollS: ${v}\n`;
    expect(parseConfig(station('2.5'), 'w.yaml', {}).stations[0].waitPollS).toBe(2.5);
    expect(parseConfig('stations:\n  - {id: a, source: ./rec}\n', 'w.yaml', {}).stations[0].waitPollS).toBeUndefined();
    for (const bad of ['0', '-1', '"5"', 'fast', '.inf', '100000']) {
      expect(() => parseConfig(station(bad), 'w.yaml', {}), bad).toThrow(ConfigError);
      expect(() => parseConfig(station(bad), 'w.yaml', {}), bad).toThrow(/^w\.yaml: stations\[0\]\.waitPollS: /);
    }
  });

  it('rejects two stations with one id', () => {
    const text = 'stations:\n  - {id: a, source: x}\n  - {id: a, source: y}\n';
    expect(() => parseConfig(text, 'f.yaml', {})).toThrow(/"a" is used twice/);
  });

  it('says when the YAML itself is broken', () => {
    expect(() => parseConfig('stations: [\n', 'broken.yaml', {})).toThrow(/broken\.yaml: not valid YAML/);
  });

  it('takes URLs and secrets from the environment', () => {
    const cfg = parseConfig('{}', 'f.yaml', { HYDROMON_INFLUX_URL: 'http://127.0.0.1:8086/hydro', HYDROMON_TOKEN: 'x'.repeat(20), PORT: '9000' });
    expect(cfg.store.influx).toBe('http://127.0.0.1:8086/hydro');
    expect(cfg.server.token).toBe('x'.repeat(20));
    expect(cfg.server.port).toBe(9000);
    expect(() => parseConfig('{}', 'f.yaml', { HYDROMON_INFLUX_URL: 'not a url' })).toThrow(/HYDROMON_INFLUX_URL/);
  });

  it('says which file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-cfg-'));
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/missing\.yaml: cannot read/);
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(() => loadConfig(join(dir, 'list.yaml'), {})).toThrow(/mapping at the top level/);
  });
});
