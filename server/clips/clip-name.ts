// Where a detection's clip goes, relative to the clip folder:
//   <station>/<YYYY-MM-DD>/<station>_<YYYYMMDDTHHMMSS.mmmZ>_<species>.wav   (UTC, detection start)
// Station and species are reduced to [A-Za-z0-9._-] so no name can reach outside its folder.

export function sanitizeName(s: string): string {
  const v = s.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return v.length > 0 ? v : 'unknown';
}

export function clipRelPath(station: string, startMs: number, species: string): string {
  if (!Number.isFinite(startMs)) throw new RangeError(`clip time is not a number: ${startMs}`);
  const iso = new Date(Math.floor(startMs)).toISOString(); // 2026-11-24T03:15:00.123Z
  const day = iso.slice(0, 10);
  const stamp = `${iso.slice(0, 19).replace(/[-:]/g, '')}.${iso.slice(20, 23)}Z`;
  const st = sanitizeName(station);
  return `${st}/${day}/${st}_${stamp}_${sanitizeName(species)}.wav`;
}
