import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { resolve } from 'node:path';

// A build is always the production bundle: Vite takes NODE_ENV from the environment, and a build
// started from a test run (vitest sets NODE_ENV=test) otherwise got React's development build
// (jsxDEV, StrictMode's double renders, dev-only checks) into renderer/dist, which the app and the
// benchmark then ran. Set here, before Vite decides `isProduction` from it.
export default defineConfig(({ command }) => {
  if (command === 'build') process.env.NODE_ENV = 'production';
  // base './' so the same build loads from file:// in Electron and from the loopback server.
  return {
    root: resolve(import.meta.dirname),
    base: './',
    plugins: [react(), tailwindcss()],
    resolve: { alias: { '@shared': resolve(import.meta.dirname, '../electron/src/shared') } },
    build: { outDir: resolve(import.meta.dirname, 'dist'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  };
});
