import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The dashboard's page: bundled into packages/dashboard/dist/web, which DashboardServer serves. No CDN: uPlot is bundled in.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
});
