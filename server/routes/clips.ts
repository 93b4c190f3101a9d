// A detection's audio clip (WAV, with Range so <audio> can seek) and its spectrogram (PNG with the
// detected span marked). Paths come from Detection.clip, relative to the monitor's clip folder, and
// are checked so that neither a stored path nor a URL can reach outside that folder.
import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Detection } from '../../streams/types.ts';
import { ClipPathError, resolveClipPath } from '../clips/resolve-path.ts';
import { findDetection } from '../find-detection.ts';
import type { LiveState } from '../live-state.ts';
import type { MonitorHandle } from '../monitor-types.ts';
import { sendFileWithRange } from '../send-range.ts';
import { spectrogramPngAsync } from '../spectrogram-png.ts';
import { decodeWav, WavError } from '../wav-decode.ts';

export interface ClipRoutesOptions {
  readonly monitor: MonitorHandle;
  readonly live: LiveState;
  /** Seconds of audio the clip writer keeps after a detection; unknown → clips taken as centred. */
  readonly postRollS?: number;
}

/**
 * Absolute path of an existing clip `rel` inside `root` (the clip helper's resolveClipPath refuses
 * .., absolute paths, NUL bytes and symlinks leading out); ClipPathError or ENOENT otherwise.
 */
export async function safeClipPath(root: string, rel: string): Promise<string> {
  const abs = resolveClipPath(root, rel);
  const st = await stat(abs);
  if (!st.isFile()) throw new ClipPathError(rel, 'not a file');
  return abs;
}

/**
 * Where the detected span sits in a clip of `durS` seconds. The writer cuts [start − pre, end +
 * post] and only the pre-roll can come up short (audio not yet buffered), so with the post-roll
 * known the span is counted back from the end; without it the clip is taken as centred.
 */
export function spanInClip(d: Pick<Detection, 'start' | 'end'>, durS: number, postRollS?: number): [number, number] {
  const len = Math.max(0, (d.end - d.start) / 1000);
  if (len >= durS) return [0, durS];
  const lead = postRollS === undefined ? (durS - len) / 2 : Math.max(0, durS - len - postRollS);
  return [lead, Math.min(durS, lead + len)];
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 300 } },
  required: ['id'],
} as const;
const tQuery = {
  type: 'object',
  properties: { t: { type: 'number' }, token: { type: 'string' } },
  additionalProperties: false,
} as const;

interface ById { Params: { id: string }; Querystring: { t?: number } }

// Rendering is CPU work: keep the last few images (keyed by file, size and mtime).
const pngCache = new Map<string, Buffer>();
const PNG_CACHE_MAX = 32;
let rendering: Promise<unknown> = Promise.resolve();

export const clipRoutes: FastifyPluginAsync<ClipRoutesOptions> = async (app: FastifyInstance, opts) => {
  const { monitor, live, postRollS } = opts;

  async function clipFile(reply: FastifyReply, rel: string | undefined): Promise<string | null> {
    if (monitor.clipsDir === null) { await reply.code(404).send({ error: 'not_found', message: 'clips are turned off in this monitor' }); return null; }
    if (!rel) { await reply.code(404).send({ error: 'not_found', message: 'this detection has no clip' }); return null; }
    try {
      return await safeClipPath(monitor.clipsDir, rel);
    } catch (e) {
      if (e instanceof ClipPathError) { await reply.code(400).send({ error: 'bad_path', message: e.message }); return null; }
      await reply.code(404).send({ error: 'not_found', message: `clip "${rel}" is not in the clip folder` });
      return null;
    }
  }

  async function detectionOr404(reply: FastifyReply, id: string, t: number | undefined): Promise<Detection | null> {
    const d = await findDetection(id, t, live, monitor.store);
    if (!d) await reply.code(404).send({ error: 'not_found', message: `no detection ${id}${t === undefined ? ' among recent ones (pass ?t=<start ms> for older ones)' : ' at that time'}` });
    return d;
  }

  app.get<ById>('/detections/:id/clip', { schema: { params: idParams, querystring: tQuery } }, async (req, reply) => {
    const d = await detectionOr404(reply, req.params.id, req.query.t);
    if (!d) return reply;
    const file = await clipFile(reply, d.clip);
    if (!file) return reply;
    return sendFileWithRange(req, reply, file, 'audio/wav');
  });

  app.get<ById>('/detections/:id/spectrogram.png', { schema: { params: idParams, querystring: tQuery } }, async (req, reply) => {
    const d = await detectionOr404(reply, req.params.id, req.query.t);
    if (!d) return reply;
    const file = await clipFile(reply, d.clip);
    if (!file) return reply;
    const st = await stat(file);
    const key = `${file}|${st.size}|${st.mtimeMs}|${d.start}|${d.end}`;
    let png = pngCache.get(key);
    if (!png) {
      try {
        const wav = decodeWav(await readFile(file), d.clip);
        const durS = wav.samples.length / wav.sampleRate;
        // One render at a time: a burst of requests queues instead of piling CPU work on the loop.
        const job = rendering.then(() => spectrogramPngAsync(wav.samples, wav.sampleRate, { spanS: spanInClip(d, durS, postRollS) }));
        rendering = job.catch(() => undefined);
        png = await job;
      } catch (e) {
        if (e instanceof WavError || e instanceof RangeError) return reply.code(422).send({ error: 'bad_clip', message: e.message });
        throw e;
      }
      pngCache.set(key, png);
      if (pngCache.size > PNG_CACHE_MAX) pngCache.delete(pngCache.keys().next().value as string);
    }
    reply.header('cache-control', 'private, max-age=3600');
    return reply.type('image/png').send(png);
  });

  // Raw access by clip path (for tools that already know Detection.clip).
  app.get<{ Params: { '*': string } }>('/clips/*', async (req, reply) => {
    const file = await clipFile(reply, req.params['*']);
    if (!file) return reply;
    return sendFileWithRange(req, reply, file, 'audio/wav');
  });
};
