// Send a file with HTTP Range support, so the browser's <audio> element can seek in a clip.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Parse a single `bytes=a-b` range against a file of `size` bytes; null = serve whole file; 'bad' = 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Multi-range and other units: ignore the header and send the whole file (allowed by RFC 9110).
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return 'bad';
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'bad';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'bad';
  return { start, end };
}

export async function sendFileWithRange(req: FastifyRequest, reply: FastifyReply, file: string, contentType: string): Promise<FastifyReply> {
  const st = await stat(file);
  const size = st.size;
  reply.header('accept-ranges', 'bytes');
  reply.header('content-type', contentType);
  reply.header('last-modified', st.mtime.toUTCString());
  reply.header('cache-control', 'private, max-age=3600');
  const range = parseRange(req.headers.range, size);
  if (range === 'bad') {
    reply.header('content-range', `bytes */${size}`);
    return reply.code(416).send();
  }
  if (range === null) {
    reply.header('content-length', size);
    return reply.code(200).send(createReadStream(file));
  }
  reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
  reply.header('content-length', range.end - range.start + 1);
  return reply.code(206).send(createReadStream(file, { start: range.start, end: range.end }));
}
