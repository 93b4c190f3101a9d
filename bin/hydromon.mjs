#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx transpiles on load, so no build step stands between
// a fresh clone and `npx hydromon`.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../server/cli/main.ts');
await main();
