// Fetch one audio file, check its length and decode it, write it to `<dest>.part`, then rename to
// `dest`: a file under its final name is always complete, so an interrupted run never leaves a
// "done" half file. Cuts are small (seconds of audio, a few MB at most), so a body is held in memory
// — one write instead of a stream, and the decoder sees every byte before anything is kept.
import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { checkAudioBytes, type AudioFacts } from './audio-check.ts';
import { PermanentError, RetryableError, type PoliteClient } from './polite-client.ts';

export interface DownloadedFile {
  readonly bytes: number;
  readonly sha256: string;
  readonly wav: AudioFacts;
}

/** Larger than any Watkins cut by far; guards memory against a wrong URL serving something huge. */
export const MAX_AUDIO_BYTES = 512 * 1024 * 1024;

/** Download `url` to `dest` (its folder must exist). @throws PermanentError with the reason. */
export async function downloadFile(client: PoliteClient, url: string, dest: string): Promise<DownloadedFile> {
  const part = `${dest}.part`;
  const body = await client.request(url, 'GET', async (res, signal) => {
    const cl = res.headers.get('content-length');
    const expected = cl === null ? undefined : Number(cl);
    if (expected !== undefined && expected > MAX_AUDIO_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      throw new PermanentError(`announces ${expected} bytes, more than ${MAX_AUDIO_BYTES} allowed for one cut`);
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      if (signal.aborted) throw err; // timeout or abort: the client names it
      // Connection closed or reset mid-body (fetch's own Content-Length check lands here too).
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new RetryableError(`transfer broken: ${err instanceof Error ? err.message : String(err)}${cause}`);
    }
    if (expected !== undefined && Number.isFinite(expected) && bytes.length !== expected) {
      throw new RetryableError(`truncated: got ${bytes.length} of ${expected} bytes`);
    }
    return bytes;
  });
  let wav: AudioFacts;
  try {
    wav = checkAudioBytes(body, url);
  } catch (err) {
    throw new PermanentError(`${url}: not valid audio: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await writeFile(part, body);
    await rename(part, dest);
  } catch (err) {
    await rm(part, { force: true }).catch(() => undefined);
    throw err;
  }
  return { bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), wav };
}
