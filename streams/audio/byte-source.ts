// Random access to a file's bytes for header parsing: a buffer in memory or an open descriptor.
// Headers are a handful of small reads, so synchronous reads keep the parsers simple; samples are
// read asynchronously by the stream readers.
import { open, type FileHandle } from 'node:fs/promises';
import { AudioFormatError } from './errors.ts';
import { readSync } from 'node:fs';

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Uint8Array;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (o, n) => bytes.subarray(Math.min(o, bytes.length), Math.min(bytes.length, o + n)) };
}

export function fdSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const out = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, out, got, n - got, offset + got);
        if (r <= 0) break;
        got += r;
      }
      return out.subarray(0, got);
    },
  };
}

/**
 * Opens `path` and hands its descriptor and size to `withFile` (which parses a header and builds a
 * stream on the handle); the file is closed again if that throws. One shape for every reader.
 */
export async function openFileWith<T>(path: string, withFile: (fh: FileHandle, size: number) => T): Promise<T> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new AudioFormatError(path, `cannot open: ${(e as Error).message}`);
  }
  try {
    const { size } = await fh.stat();
    return withFile(fh, size);
  } catch (e) {
    await fh.close();
    throw e;
  }
}
