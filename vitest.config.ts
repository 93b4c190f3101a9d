import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Svelte's browser entry points, by path: a global "browser" resolve condition would also give
// Node-only packages (ws, used by jsdom and the server) their browser stubs.
const svelteClient = (sub: string) => fileURLToPath(new URL(`./node_modules/svelte/src/${sub}`, import.meta.url));

export default defineConfig({
  test: {
    // 2 cores: keep workers few so timing-sensitive socket tests are not starved.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
    // Two projects: everything in Node as before, and the dashboard's Svelte components in jsdom
    // (they need the Svelte compiler and the browser build of svelte, which Node tests must not get).
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/client/**'] },
      },
      {
        extends: true,
        plugins: [svelte({ configFile: false }), svelteTesting({ resolveBrowser: false })],
        resolve: {
          alias: [
            { find: /^svelte$/, replacement: svelteClient('index-client.js') },
            { find: /^svelte\/store$/, replacement: svelteClient('store/index-client.js') },
            { find: /^svelte\/reactivity$/, replacement: svelteClient('reactivity/index-client.js') },
            { find: /^svelte\/legacy$/, replacement: svelteClient('legacy/legacy-client.js') },
          ],
        },
        test: { name: 'client', include: ['test/client/**/*.test.ts'], environment: 'jsdom' },
      },
    ],
  },
});
