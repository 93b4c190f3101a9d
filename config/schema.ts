// The stations file, validated before anything starts: a typo in a field name or a bad URL is an
// error naming the field, not a station that silently does nothing for a month.
import { z } from 'zod';
import { alertsConfigSchema } from '../server/alerts/rules.ts';
import { EVENT_DEFAULTS } from '../streams/operators/events.ts';

const positive = z.number().positive();

export const slidingSchema = z
  .object({
    durationS: positive.max(600).default(2),
    hopS: positive.max(600).default(1),
  })
  .strict();

export const eventsSchema = z
  .object({
    minS: positive.default(EVENT_DEFAULTS.minS),
    maxS: positive.default(EVENT_DEFAULTS.maxS),
    thresholdDb: positive.default(EVENT_DEFAULTS.thresholdDb),
    hysteresisDb: z.number().min(0).default(EVENT_DEFAULTS.hysteresisDb),
    hangoverS: z.number().min(0).default(EVENT_DEFAULTS.hangoverS),
    floorS: positive.default(EVENT_DEFAULTS.floorS),
    padS: z.number().min(0).default(EVENT_DEFAULTS.padS),
    bandHz: z.tuple([z.number().min(0), positive]).default((): [number, number] => [EVENT_DEFAULTS.bandHz[0], EVENT_DEFAULTS.bandHz[1]]),
  })
  .strict()
  .refine((e) => e.maxS >= e.minS, { message: 'maxS must be at least minS', path: ['maxS'] })
  .refine((e) => e.bandHz[1] > e.bandHz[0], { message: 'bandHz must be [low, high] with high > low', path: ['bandHz'] });

/** Spectral gating (streams/dsp/noise-gate.ts): steady ship and flow noise held down before the mel step. */
export const noiseGateSchema = z
  .object({
    /** Seconds of history the per-frequency noise floor follows. */
    timeConstantS: positive.max(600).default(2),
    /** A bin passes when it is this many floor standard deviations above the floor mean. */
    nStd: z.number().min(0).max(10).default(1.5),
    /** Attenuation of gated bins, dB. */
    reductionDb: z.number().min(0).max(120).default(20),
  })
  .strict();

export const stationSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, _ . - (it names files and tags)'),
    name: z.string().min(1).optional(),
    /** A file or folder (archive replay), http(s)://…(.m3u8), orcasound:<base-url>, tcp://host:port, ws://…, portaudio:<device>. */
    source: z.string().min(1),
    enabled: z.boolean().default(true),
    /** Archive replay pace: 1 = real time, N× or 'max'. */
    speed: z.union([positive, z.literal('max')]).default(1),
    loop: z.boolean().default(false),
    /** Archive folder with no audio files yet: seconds between looks for files (state 'waiting').
     *  Default 5 when paced; at speed 'max' an empty folder is an error unless this is set.
     *  At most a day (timers cannot wait longer than ~24 days). */
    waitPollS: positive.max(86_400).optional(),
    /** Multi-channel input: 'mix' downmixes, a number picks a channel (0-based). */
    channel: z.union([z.literal('mix'), z.number().int().min(0)]).default('mix'),
    /** Archive files whose names carry no time start here (ISO 8601). */
    startTime: z.iso.datetime({ offset: true }).optional(),
    sliding: z.union([slidingSchema, z.literal(false)]).default({ durationS: 2, hopS: 1 }),
    events: z.union([eventsSchema, z.literal(false)]).default(false),
    noiseGate: z.union([noiseGateSchema, z.literal(false)]).default(false),
    /** Detections below this confidence are not stored (the model's own threshold applies too). */
    minConfidence: z.number().min(0).max(1).default(0),
  })
  .strict();

export const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Required when host is not loopback; better given as HYDROMON_TOKEN. */
    token: z.string().min(16).optional(),
  })
  .strict();

export const storeSchema = z
  .object({
    /** http://host:8086/<database>; HYDROMON_INFLUX_URL overrides. Absent: the embedded store. */
    influx: z.url({ protocol: /^https?$/ }).optional(),
    /** InfluxDB retention policy duration (e.g. 365d, 52w); default INF, since replayed archives carry old times. */
    retention: z.string().regex(/^\d+[smhdw]$|^INF$/i, 'a duration like 365d, 52w or INF').optional(),
    dataDir: z.string().default('./data'),
  })
  .strict();

export const clipsSchema = z
  .object({
    dir: z.string().default('./data/clips'),
    preRollS: z.number().min(0).max(60).default(1),
    postRollS: z.number().min(0).max(60).default(1),
    maxAgeDays: positive.optional(),
    maxBytes: positive.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    stations: z.array(stationSchema).default([]),
    server: serverSchema.default({ host: '127.0.0.1', port: 8080 }),
    store: storeSchema.default({ dataDir: './data' }),
    clips: z.union([clipsSchema, z.literal(false)]).default({ dir: './data/clips', preRollS: 1, postRollS: 1 }),
    /** Model folder; absent: the shipped default model. */
    model: z.string().optional(),
    /** Alert rules, webhooks, encounter and outage settings (server/alerts/rules.ts). */
    alerts: alertsConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.stations.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', message: `station id "${s.id}" is used twice`, path: ['stations', i, 'id'] });
      seen.add(s.id);
    });
  });

export type Config = z.infer<typeof configSchema>;
export type StationConfig = z.infer<typeof stationSchema>;
export type EventsConfig = z.infer<typeof eventsSchema>;
