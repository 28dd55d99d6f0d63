import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The CDK app's own test run (needs `npm --prefix packages/deploy ci`): npm --prefix packages/deploy test.
// The plan's own tests (no aws-cdk-lib) live in packages/deploy-plan and run with the root suite.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['cdk-test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
