// Pure-TS FLAC decoder: metadata (STREAMINFO; other blocks skipped, an ID3v2 tag in front
// tolerated), then frames decoded one at a time. Whole-file (parseFlac) and block-wise
// (openFlacStream) reading share the frame decoder; the stream keeps only a small byte window and
// the current frame in memory. CRC-8 and CRC-16 are checked: a corrupt frame is an error, not noise.
import type { FileHandle } from 'node:fs/promises';
import { AudioFormatError } from './errors.ts';
import type { AudioData, AudioStream, OpenOptions } from './audio-stream.ts';
import { bufferSource, fdSource, openFileWith, type ByteSource } from './byte-source.ts';
import { NEED_MORE } from './flac-bits.ts';
import { checkInto } from './read-into.ts';
import { decodeFrame, FlacFrameError, type StreamInfo } from './flac-frame.ts';

export type { StreamInfo };

export interface FlacHeader extends StreamInfo {
  /** Byte offset of the first audio frame. */
  readonly firstFrame: number;
}

/** Skip an ID3v2 tag some taggers put in front of the fLaC marker. */
function skipId3(src: ByteSource): number {
  const h = src.read(0, 10);
  if (h.length < 10 || h[0] !== 0x49 || h[1] !== 0x44 || h[2] !== 0x33) return 0;
  const size = ((h[6] & 0x7f) << 21) | ((h[7] & 0x7f) << 14) | ((h[8] & 0x7f) << 7) | (h[9] & 0x7f);
  return 10 + size + (h[5] & 0x10 ? 10 : 0);
}

/** Read the marker and the metadata blocks. Throws AudioFormatError. */
export function parseFlacHeader(src: ByteSource, path: string): FlacHeader {
  if (src.size === 0) throw new AudioFormatError(path, 'empty file (0 bytes)');
  let pos = skipId3(src);
  const magic = src.read(pos, 4);
  if (magic.length < 4 || magic[0] !== 0x66 || magic[1] !== 0x4c || magic[2] !== 0x61 || magic[3] !== 0x43) {
    throw new AudioFormatError(path, 'not a FLAC file (no fLaC marker)');
  }
  pos += 4;
  let info: StreamInfo | null = null;
  for (let blocks = 0; ; blocks++) {
    const bh = src.read(pos, 4);
    if (bh.length < 4) throw new AudioFormatError(path, 'truncated metadata block header');
    const last = (bh[0] & 0x80) !== 0;
    const type = bh[0] & 0x7f;
    const len = (bh[1] << 16) | (bh[2] << 8) | bh[3];
    if (pos + 4 + len > src.size) throw new AudioFormatError(path, `truncated metadata block (type ${type})`);
    if (blocks === 0 && type !== 0) throw new AudioFormatError(path, 'first metadata block is not STREAMINFO');
    if (type === 0) {
      if (len < 34) throw new AudioFormatError(path, `STREAMINFO too short (${len} bytes)`);
      info = parseStreamInfo(src.read(pos + 4, 34), path);
    } else if (type === 127) {
      throw new AudioFormatError(path, 'invalid metadata block type 127');
    }
    pos += 4 + len;
    if (last) break;
  }
  if (!info) throw new AudioFormatError(path, 'no STREAMINFO block');
  return { ...info, firstFrame: pos };
}

function parseStreamInfo(b: Uint8Array, path: string): StreamInfo {
  const minBlockSize = (b[0] << 8) | b[1];
  const maxBlockSize = (b[2] << 8) | b[3];
  const sampleRate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
  const channels = ((b[12] >> 1) & 7) + 1;
  const bitsPerSample = (((b[12] & 1) << 4) | (b[13] >> 4)) + 1;
  const totalSamples = (b[13] & 0x0f) * 2 ** 32 + ((b[14] << 24) >>> 0) + ((b[15] << 16) | (b[16] << 8) | b[17]);
  if (sampleRate === 0) throw new AudioFormatError(path, 'sample rate 0');
  if (sampleRate > 1_000_000) throw new AudioFormatError(path, `sample rate ${sampleRate} is absurd (> 1 MHz)`);
  if (bitsPerSample < 4) throw new AudioFormatError(path, `unsupported bits per sample ${bitsPerSample}`);
  if (maxBlockSize !== 0 && maxBlockSize < 16) throw new AudioFormatError(path, `maximum block size ${maxBlockSize} < 16`);
  return { minBlockSize, maxBlockSize, sampleRate, channels, bitsPerSample, totalSamples };
}

type Attempt =
  | { readonly kind: 'frame'; readonly samples: Float32Array[]; readonly end: number; readonly firstSample: number }
  | { readonly kind: 'more' }
  | { readonly kind: 'bad'; readonly reason: string };

/** Longest hole (seconds) a resync may bridge with silence; a farther "frame" is a false sync. */
const MAX_CONCEAL_S = 60;

/** Decodes frames from a byte window; the owner supplies more bytes when it runs out. */
class FrameCursor {
  private readonly scratch: Float64Array[];
  /** Samples per channel delivered so far (decoded and concealed). */
  decoded = 0;
  /** Samples per channel of corrupt frames replaced by silence. */
  concealed = 0;

  constructor(readonly path: string, readonly info: FlacHeader, readonly verifyCrc: boolean) {
    this.scratch = [];
    for (let c = 0; c < info.channels; c++) this.scratch.push(new Float64Array(info.maxBlockSize || 4096));
  }

  /** Try to decode a frame at buf[start] that would begin at stream sample `at`. */
  attempt(buf: Uint8Array, start: number, end: number, at = this.decoded): Attempt {
    let fr;
    try {
      fr = decodeFrame(buf, start, end, this.info, this.scratch, this.verifyCrc);
    } catch (e) {
      if (e === NEED_MORE) return { kind: 'more' };
      if (e instanceof FlacFrameError) return { kind: 'bad', reason: e.message };
      throw e;
    }
    let n = fr.blockSize;
    const total = this.info.totalSamples;
    if (total && at + n > total) n = Math.max(0, total - at);
    const scale = 2 ** (this.info.bitsPerSample - 1);
    const out: Float32Array[] = [];
    for (let c = 0; c < this.scratch.length; c++) {
      const s = this.scratch[c];
      const ch = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = s[i];
        // Corrupt data that slipped past the CRCs can explode the predictor: refuse, never emit NaN.
        if (!(v >= -scale && v < scale)) return { kind: 'bad', reason: `sample out of range in frame at byte ${start}` };
        ch[i] = v / scale;
      }
      out.push(ch);
    }
    return { kind: 'frame', samples: out, end: fr.end, firstSample: fr.firstSample };
  }

  /**
   * Decode the frame at buf[start]. Returns null when it needs bytes past `end`; otherwise the
   * frame's samples as floats and the offset after it. Throws AudioFormatError on a corrupt frame.
   */
  next(buf: Uint8Array, start: number, end: number): { samples: Float32Array[]; end: number } | null {
    const r = this.attempt(buf, start, end);
    if (r.kind === 'more') return null;
    if (r.kind === 'bad') throw new AudioFormatError(this.path, r.reason);
    this.decoded += r.samples[0]?.length ?? 0;
    return r;
  }

  /**
   * After a corrupt frame: is there a good frame at buf[start] that continues the stream? Returns
   * its samples preceded by silence for the lost ones, 'more' when bytes are missing, or null.
   */
  resyncAt(buf: Uint8Array, start: number, end: number): { samples: Float32Array[]; end: number } | 'more' | null {
    if (buf[start] !== 0xff || start + 1 >= end || (buf[start + 1] & 0xfe) !== 0xf8) return start + 1 >= end ? 'more' : null;
    const probe = this.attempt(buf, start, end, 0);
    if (probe.kind === 'more') return 'more';
    if (probe.kind === 'bad') return null;
    const lost = probe.firstSample - this.decoded;
    if (lost < 0 || lost > MAX_CONCEAL_S * this.info.sampleRate) return null;
    // Decode again relative to its real position so the end-of-stream trim is right.
    const r = this.attempt(buf, start, end, probe.firstSample);
    if (r.kind !== 'frame') return null;
    const n = r.samples[0]?.length ?? 0;
    const out = r.samples.map((ch) => {
      const x = new Float32Array(lost + n);
      x.set(ch, lost);
      return x;
    });
    this.concealed += lost;
    this.decoded += lost + n;
    return { samples: out, end: r.end };
  }

  /** True when trailing bytes after the last frame may be ignored (ID3v1 tag, padding). */
  done(): boolean {
    return this.info.totalSamples > 0 && this.decoded >= this.info.totalSamples;
  }
}

function formatName(h: FlacHeader): string {
  return `flac/${h.bitsPerSample}`;
}

function isTrailer(buf: Uint8Array, at: number, end: number): boolean {
  // An ID3v1 tag ("TAG", 128 bytes) or zero padding at the end of the file.
  if (end - at >= 3 && buf[at] === 0x54 && buf[at + 1] === 0x41 && buf[at + 2] === 0x47) return true;
  for (let i = at; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Decode a whole FLAC file held in memory. */
export function parseFlac(bytes: Uint8Array, path = '<buffer>', opts: OpenOptions & { verifyCrc?: boolean } = {}): AudioData {
  const h = parseFlacHeader(bufferSource(bytes), path);
  const cur = new FrameCursor(path, h, opts.verifyCrc !== false);
  const blocks: Float32Array[][] = [];
  let pos = h.firstFrame;
  while (pos < bytes.length && !cur.done()) {
    const fr = cur.next(bytes, pos, bytes.length);
    if (!fr) {
      if (isTrailer(bytes, pos, bytes.length) && h.totalSamples === 0) break;
      if (opts.allowTruncated) break;
      throw new AudioFormatError(path, `truncated frame at byte ${pos}`);
    }
    blocks.push(fr.samples);
    pos = fr.end;
  }
  if (h.totalSamples && cur.decoded < h.totalSamples && !opts.allowTruncated) {
    throw new AudioFormatError(path, `truncated stream: STREAMINFO declares ${h.totalSamples} samples, found ${cur.decoded}`);
  }
  const frames = cur.decoded;
  const channels: Float32Array[] = [];
  for (let c = 0; c < h.channels; c++) {
    const ch = new Float32Array(frames);
    let p = 0;
    for (const b of blocks) { ch.set(b[c], p); p += b[c].length; }
    channels.push(ch);
  }
  return {
    sampleRate: h.sampleRate, channels, format: formatName(h), durationS: frames / h.sampleRate,
    frames, bitsPerSample: h.bitsPerSample, nonFinite: 0,
  };
}

/** Open a FLAC file for block-wise reading. */
export async function openFlacStream(path: string, opts: OpenOptions & { verifyCrc?: boolean } = {}): Promise<AudioStream> {
  return openFileWith(path, (fh, size) => flacStream(fh, size, parseFlacHeader(fdSource(fh.fd, size), path), path, opts));
}

function flacStream(fh: FileHandle, size: number, h: FlacHeader, path: string, opts: OpenOptions & { verifyCrc?: boolean }): AudioStream {
  const io = Math.max(4096, opts.ioBytes ?? 256 * 1024);
  const cur = new FrameCursor(path, h, opts.verifyCrc !== false);
  // Without CRCs a false sync would be accepted as audio: concealment needs them.
  const conceal = opts.conceal === true && opts.verifyCrc !== false;
  // Byte window: buf[0, len) holds file bytes [base, base + len).
  let buf = new Uint8Array(io * 2);
  let base = h.firstFrame;
  let len = 0;
  let pos = h.firstFrame;
  const notes: string[] = [];
  let pending: Float32Array[] | null = null;
  let pendingAt = 0;
  let ended = false;
  let closed = false;

  async function fill(): Promise<boolean> {
    // Drop consumed bytes, grow when one frame is larger than the window, then read more.
    const keep = base + len - pos;
    if (pos > base) { buf.copyWithin(0, pos - base, len); base = pos; len = keep; }
    if (len + io > buf.length) { const nb = new Uint8Array(len + io * 2); nb.set(buf.subarray(0, len)); buf = nb; }
    const want = Math.min(io, size - (base + len));
    if (want <= 0) return false;
    const { bytesRead } = await fh.read(buf, len, want, base + len);
    len += bytesRead;
    return bytesRead > 0;
  }

  /**
   * Scan forward from `from` for the next frame that passes its CRCs and continues the stream;
   * return it preceded by silence for the samples lost. At the end of the file, the declared
   * remainder (if STREAMINFO says how much) becomes silence, so the duration stays right.
   */
  async function concealFrom(from: number): Promise<Float32Array[] | null> {
    let p = from;
    for (;;) {
      while (p < base + len) {
        const r = cur.resyncAt(buf, p - base, len);
        if (r === 'more') break;
        if (r) { pos = base + r.end; return r.samples; }
        p++;
      }
      pos = p; // fill() keeps the window from here on
      if (!(await fill())) break;
    }
    ended = true;
    const rest = h.totalSamples ? Math.min(h.totalSamples - cur.decoded, MAX_CONCEAL_S * h.sampleRate) : 0;
    if (rest <= 0) return null;
    cur.concealed += rest;
    cur.decoded += rest;
    return Array.from({ length: h.channels }, () => new Float32Array(rest));
  }

  async function nextFrame(): Promise<Float32Array[] | null> {
    for (;;) {
      if (ended || cur.done()) return null;
      if (pos >= size) { ended = true; break; }
      let fr: { samples: Float32Array[]; end: number } | null = null;
      if (pos < base + len) {
        try {
          fr = cur.next(buf, pos - base, len);
        } catch (e) {
          if (!conceal || !(e instanceof AudioFormatError)) throw e;
          return concealFrom(pos + 1);
        }
      }
      if (fr) { pos = base + fr.end; return fr.samples; }
      if (!(await fill())) {
        ended = true;
        if (h.totalSamples === 0 && isTrailer(buf, pos - base, len)) return null;
        if (opts.allowTruncated) {
          notes.push(`truncated frame at byte ${pos}; stopped there after ${cur.decoded} samples`);
          return null;
        }
        throw new AudioFormatError(path, `truncated frame at byte ${pos}`);
      }
    }
    if (h.totalSamples && cur.decoded < h.totalSamples) {
      const msg = `truncated stream: STREAMINFO declares ${h.totalSamples} samples, found ${cur.decoded}`;
      if (!opts.allowTruncated) throw new AudioFormatError(path, msg);
      notes.push(msg);
    }
    return null;
  }

  return {
    path, sampleRate: h.sampleRate, channelCount: h.channels, bitsPerSample: h.bitsPerSample,
    format: formatName(h), frames: h.totalSamples || null,
    get nonFinite() { return 0; },
    get concealed() { return cur.concealed; },
    notes,
    async read(maxFrames: number, into?: readonly Float32Array[]): Promise<Float32Array[] | null> {
      if (closed) throw new Error(`${path}: read after close`);
      const want = Math.max(0, Math.floor(maxFrames));
      if (want === 0) return null;
      if (into) checkInto(into, h.channels, want, path);
      const parts: Float32Array[][] = [];
      let got = 0;
      while (got < want) {
        if (!pending) {
          pending = await nextFrame();
          pendingAt = 0;
          if (!pending) break;
        }
        const avail = pending[0].length - pendingAt;
        const take = Math.min(avail, want - got);
        parts.push(pending.map((ch) => ch.subarray(pendingAt, pendingAt + take)));
        got += take;
        pendingAt += take;
        if (pendingAt >= pending[0].length) pending = null;
      }
      if (got === 0) return null;
      const out: Float32Array[] = [];
      for (let c = 0; c < h.channels; c++) {
        const ch = into ? into[c].subarray(0, got) : new Float32Array(got);
        let p = 0;
        for (const part of parts) { ch.set(part[c], p); p += part[c].length; }
        out.push(ch);
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
}
