// A media playlist (RFC 8216) reduced to what a listener needs: which segments, how long each
// is, and where the list starts in the stream's numbering. Pure: text in, value out.

export interface PlaylistSegment {
  /** Media sequence number. */
  readonly seq: number;
  readonly uri: string;
  readonly durationS: number;
  /** EXT-X-PROGRAM-DATE-TIME of this segment, epoch ms, when given. */
  readonly programDateMs?: number;
  /** EXT-X-DISCONTINUITY before this segment. */
  readonly discontinuity: boolean;
}

export interface MediaPlaylist {
  readonly targetDurationS: number;
  readonly mediaSequence: number;
  readonly endList: boolean;
  readonly segments: readonly PlaylistSegment[];
}

export class PlaylistError extends Error {
  override readonly name = 'PlaylistError';
}

export function parseMediaPlaylist(text: string, where = 'playlist'): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines[0] !== '#EXTM3U') throw new PlaylistError(`${where}: not an m3u8 playlist (first line is not #EXTM3U)`);
  if (lines.some((l) => l.startsWith('#EXT-X-STREAM-INF'))) {
    throw new PlaylistError(`${where}: is a master playlist; give the URL of one of its media playlists`);
  }
  let targetDurationS = 0;
  let mediaSequence = 0;
  let endList = false;
  let pendingDuration: number | null = null;
  let pendingDate: number | undefined;
  let pendingDisc = false;
  const segments: PlaylistSegment[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDurationS = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    else if (line === '#EXT-X-ENDLIST') endList = true;
    else if (line === '#EXT-X-DISCONTINUITY') pendingDisc = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const ms = Date.parse(line.slice(25));
      if (Number.isFinite(ms)) pendingDate = ms;
    } else if (line.startsWith('#EXTINF:')) {
      const d = Number.parseFloat(line.slice(8));
      if (!Number.isFinite(d) || d < 0) throw new PlaylistError(`${where}: bad #EXTINF duration in "${line}"`);
      pendingDuration = d;
    } else if (!line.startsWith('#')) {
      if (pendingDuration === null) throw new PlaylistError(`${where}: segment "${line}" has no #EXTINF duration`);
      const seg: PlaylistSegment = {
        seq: mediaSequence + segments.length,
        uri: line,
        durationS: pendingDuration,
        discontinuity: pendingDisc,
        ...(pendingDate !== undefined ? { programDateMs: pendingDate } : {}),
      };
      segments.push(seg);
      pendingDuration = null;
      pendingDate = undefined;
      pendingDisc = false;
    }
  }
  if (!Number.isFinite(mediaSequence) || mediaSequence < 0) throw new PlaylistError(`${where}: bad #EXT-X-MEDIA-SEQUENCE`);
  return { targetDurationS: Number.isFinite(targetDurationS) ? targetDurationS : 0, mediaSequence, endList, segments };
}
