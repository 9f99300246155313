// The BrowserWindow's security settings, in one place that tests can read.
import { resolve } from 'node:path';

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    nodeIntegration: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  } as const;
}

export function rendererIndex(repoRoot: string): string {
  return resolve(repoRoot, 'renderer/dist/index.html');
}

/** Only our own bundle (file:// under renderer/dist) may use the API or be navigated to. */
export function isAppUrl(url: string, repoRoot: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' && decodeURIComponent(u.pathname).startsWith(resolve(repoRoot, 'renderer/dist') + '/');
  } catch {
    return false;
  }
}
