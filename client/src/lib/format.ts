// How times, levels and confidences read on the dashboard.
export function fmtTime(ms: number): string {
  const d = new Date(ms);
  return d.toISOString().slice(11, 19) + 'Z';
}

export function fmtDateTime(ms: number): string {
  const d = new Date(ms);
  return d.toISOString().slice(0, 19).replace('T', ' ') + 'Z';
}

export function fmtAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function fmtPct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

export function fmtDb(db: number | null): string {
  return db === null || !Number.isFinite(db) ? '—' : `${db.toFixed(1)} dBFS`;
}

export function fmtLag(s: number): string {
  if (!Number.isFinite(s)) return '—';
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** 0..1 level bar for an input level in dBFS (−90 → 0, 0 → 1). */
export function levelFraction(db: number | null): number {
  if (db === null || !Number.isFinite(db)) return 0;
  return Math.max(0, Math.min(1, (db + 90) / 90));
}

// Distinct hues that read on the dark background (Tableau-like).
const PALETTE = ['#4e9bf5', '#f28e2b', '#e15759', '#76d7c4', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#c9a27e', '#9edae5'];

const assigned = new Map<string, string>();

/** A stable colour per species for the session: its hash slot when free, else the next free one,
 *  so two species on one chart never share a colour (Killer Whale and Sperm Whale did). */
export function speciesColour(species: string): string {
  const known = assigned.get(species);
  if (known) return known;
  let h = 0;
  for (let i = 0; i < species.length; i++) h = (h * 31 + species.charCodeAt(i)) >>> 0;
  const used = new Set(assigned.values());
  let slot = h % PALETTE.length;
  for (let k = 0; k < PALETTE.length && used.has(PALETTE[slot]); k++) slot = (slot + 1) % PALETTE.length;
  const colour = PALETTE[slot];
  assigned.set(species, colour);
  return colour;
}
