import { defineConfig } from 'vite';

// The bundle is embedded in the Go binary (web/embed.go) and must work with
// no network: everything, editor workers included, is emitted into dist/.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 8192,
  },
  worker: { format: 'es' },
});
