// A station's source string from the config, opened: archive paths replay as live input, anything
// with a scheme is a live source (streams/sources/parse-source.ts).
import type { Observable } from 'rxjs';
import type { StationConfig } from '../config/schema.ts';
import { archiveSource } from '../streams/sources/archive.ts';
import { openSource, parseSource } from '../streams/sources/parse-source.ts';
import type { PcmChunk, SourceContext } from '../streams/types.ts';

export function openStationSource(st: StationConfig, ctx: SourceContext): Observable<PcmChunk> {
  const desc = parseSource(st.source);
  if (desc.kind === 'archive') {
    return archiveSource({
      station: st.id,
      path: desc.path,
      speed: st.speed,
      loop: st.loop,
      channel: st.channel,
      ...(st.startTime ? { startTime: Date.parse(st.startTime) } : {}),
      ...(st.waitPollS !== undefined ? { waitPollS: st.waitPollS } : {}),
      report: ctx.report,
    });
  }
  return openSource(desc, ctx);
}
