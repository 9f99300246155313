import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { resolve } from 'node:path';

// base './' so the same build loads from file:// in Electron and from the loopback server.
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@shared': resolve(import.meta.dirname, '../electron/src/shared') } },
  build: { outDir: resolve(import.meta.dirname, 'dist'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
});
