// HLS (.m3u8 playlists of .ts/AAC segments) through ffmpeg's HLS demuxer. Times come from the
// wall clock at arrival; for Orcasound nodes use orcasound.ts, which knows the segments' real times.
import type { Observable } from 'rxjs';
import type { PcmChunk, SourceContext } from '../types.ts';
import { ffmpegSource } from './ffmpeg.ts';
import type { LiveSourceOptions } from './live-source.ts';

export interface HlsOptions {
  readonly url: string;
  readonly sampleRate?: number;
  readonly ffmpegPath?: string;
}

export function hlsSource(ctx: SourceContext, opts: HlsOptions, live?: LiveSourceOptions): Observable<PcmChunk> {
  return ffmpegSource(
    ctx,
    {
      url: opts.url,
      sampleRate: opts.sampleRate,
      ffmpegPath: opts.ffmpegPath,
      // Start at the live edge (the last segment) so the first seconds are not a burst of old audio;
      // give up on a silent server ourselves (watchdog) rather than letting ffmpeg hang.
      inputArgs: ['-live_start_index', '-1', '-rw_timeout', '20000000'],
    },
    live,
  );
}
