// Fetch one audio file to `<dest>.part`, check length and WAV header, then rename to `dest`: a file
// under its final name is always complete, so an interrupted run never leaves a "done" half file.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { PermanentError, RetryableError, type PoliteClient } from './polite-client.ts';
import { checkWavFile, type WavInfo } from './wav-header.ts';

export interface DownloadedFile {
  readonly bytes: number;
  readonly sha256: string;
  readonly wav: WavInfo;
}

export async function downloadFile(client: PoliteClient, url: string, dest: string): Promise<DownloadedFile> {
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  try {
    const got = await client.request(url, 'GET', async (res, signal) => {
      if (res.body === null) throw new RetryableError('empty response body');
      const cl = res.headers.get('content-length');
      const expected = cl === null ? undefined : Number(cl);
      const hash = createHash('sha256');
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      try {
        await pipeline(body, count, createWriteStream(part), { signal });
      } catch (err) {
        if (signal.aborted) throw err;
        // Connection closed or reset mid-body.
        throw new RetryableError(`transfer broken after ${bytes} bytes: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (expected !== undefined && Number.isFinite(expected) && bytes !== expected) {
        throw new RetryableError(`truncated: got ${bytes} of ${expected} bytes`);
      }
      return { bytes, sha256: hash.digest('hex') };
    });
    let wav: WavInfo;
    try {
      wav = await checkWavFile(part);
    } catch (err) {
      throw new PermanentError(`${url}: not valid audio: ${err instanceof Error ? err.message : String(err)}`);
    }
    await rename(part, dest);
    return { ...got, wav };
  } catch (err) {
    await rm(part, { force: true }).catch(() => undefined);
    throw err;
  }
}
