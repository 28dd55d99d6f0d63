import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkg = (name: string): string => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; processes spawned by tests run the built dist/.
    alias: {
      '@florin/core': pkg('core'),
      '@florin/telemetry': pkg('telemetry'),
      '@florin/store': pkg('store'),
      '@florin/shard': pkg('shard'),
      '@florin/head': pkg('head'),
      '@florin/client': pkg('client'),
      '@florin/shard-client': pkg('shard-client'),
      '@florin/cli': pkg('cli'),
      '@florin/coordinator': pkg('coordinator'),
      '@florin/qcu': pkg('qcu'),
      '@florin/examples': pkg('examples'),
      '@florin/discovery': pkg('discovery'),
      '@florin/deploy-plan': pkg('deploy-plan'),
      '@florin/dashboard': pkg('dashboard'),
      '@florin/test-support': pkg('test-support'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Refuses to run against a dist/ older than its src/ (spawned processes run dist/): rebuilds it first.
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Role processes refuse to serve without TLS unless plaintext is asked for; tests that spawn bare
    // role processes run them plaintext. Secure clusters (TLS flags given) ignore it.
    env: { FLORIN_PLAINTEXT: '1' },
    reporters: ['default'],
  },
});
