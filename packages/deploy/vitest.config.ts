import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The CDK app's own test run (needs `npm --prefix packages/deploy ci`): npm --prefix packages/deploy test.
// The plan tests in test/ need no aws-cdk-lib and run with the root suite as well.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['cdk-test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
