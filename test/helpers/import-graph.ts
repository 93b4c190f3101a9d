// The modules a file loads statically: relative imports followed, `import type` and import()
// skipped; bare specifiers (packages) collected with the first file that imports them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function staticImports(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (!packages.has(spec)) packages.set(spec, file);
    }
  };
  visit(resolve(entry));
  return { files, packages };
}
