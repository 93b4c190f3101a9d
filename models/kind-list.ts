// A comma-separated list of kinds from a CLI option (`--sea-noise-kinds ship,rain`): the synthetic
// sea noises and fault signals parse theirs the same way.

/** The known kinds named in `list`, each once; throws naming the list when one is unknown or none is given. */
export function parseKindList<K extends string>(list: string, known: readonly K[], what: string): K[] {
  const kinds = list.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const bad = kinds.filter((k) => !(known as readonly string[]).includes(k));
  if (bad.length > 0 || kinds.length === 0) throw new Error(`${what} must be some of ${known.join(', ')}, not ${JSON.stringify(list)}`);
  return [...new Set(kinds)] as K[];
}
