// Continuous HTTP(S) audio (Icecast/Shoutcast, MP3/AAC/Ogg/WAV over HTTP) through ffmpeg.
// ffmpeg's own reconnect is left off: a drop must surface as a gap and go through our backoff.
import type { Observable } from 'rxjs';
import type { PcmChunk, SourceContext } from '../types.ts';
import { ffmpegSource } from './ffmpeg.ts';
import type { LiveSourceOptions } from './live-source.ts';

export interface HttpStreamOptions {
  readonly url: string;
  readonly sampleRate?: number;
  readonly ffmpegPath?: string;
}

export function httpSource(ctx: SourceContext, opts: HttpStreamOptions, live?: LiveSourceOptions): Observable<PcmChunk> {
  return ffmpegSource(
    ctx,
    { url: opts.url, sampleRate: opts.sampleRate, ffmpegPath: opts.ffmpegPath, inputArgs: ['-rw_timeout', '20000000'] },
    live,
  );
}
