import { defineConfig } from 'vite';

// Relative base: the built page (dist/) can be served from any folder of a static server.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
