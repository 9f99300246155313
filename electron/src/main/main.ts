// Electron main: window, menu, tray, IPC wiring and berthd supervision. Everything else lives in
// plain Node modules (engine/, api/, supervisor/), tested without Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, session, shell, Tray } from 'electron';
import { resolve } from 'node:path';
import { SettingsStore, defaultConfigPath } from '../config/settings-store.js';
import { EngineHub } from '../engine/hub.js';
import { DEFAULT_BERTHD_HOST } from '../engine/connection.js';
import { localBerthd } from '../supervisor/local-berthd.js';
import { contentSecurityPolicy } from '../transport/csp.js';
import { berthdMain, repoRoot } from '../cli/paths.js';
import { IpcBridge } from './ipc-bridge.js';
import { registerFolderPicker } from './folder-picker.js';
import { menuTemplate, trayLabel } from './menu.js';
import { isAppUrl, rendererIndex, secureWebPreferences } from './window-options.js';

const store = new SettingsStore(process.env.BERTH_CONFIG === '' ? null : defaultConfigPath());
const hub = new EngineHub(store);
if (process.env.BERTH_ENGINE && process.env.BERTH_ENGINE !== DEFAULT_BERTHD_HOST) hub.overrideHost(process.env.BERTH_ENGINE);

// Main supervises the local berthd (its flags from the settings: registry mirrors; --bridge from
// BERTH_BRIDGE, which npm start sets) unless told
// to use another engine, or that someone else supervises it.
const local = process.env.BERTH_SUPERVISED === '1' || process.env.BERTH_ENGINE
  ? null
  : localBerthd({ store, main: berthdMain, host: DEFAULT_BERTHD_HOST, ...(process.env.BERTH_BRIDGE ? { extra: ['--bridge', process.env.BERTH_BRIDGE] } : {}) });
const supervisor = local?.supervisor ?? null;
if (local) hub.supervised = local.engine;

let win: BrowserWindow | null = null;
let tray: Tray | null = null;
const appUrl = (url: string) => isAppUrl(url, repoRoot);

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280, height: 860, minWidth: 900, minHeight: 600, title: 'Berth', show: false,
    icon: resolve(repoRoot, 'assets/icon.png'),
    webPreferences: secureWebPreferences(resolve(repoRoot, 'electron/dist/main/preload.cjs')),
  });
  win.once('ready-to-show', () => win?.show());
  // No navigation away from the bundle and no new windows; links open in the system browser.
  win.webContents.on('will-navigate', (e, url) => { if (!appUrl(url)) { e.preventDefault(); void shell.openExternal(url); } });
  win.webContents.setWindowOpenHandler(({ url }) => { if (/^https?:/.test(url)) void shell.openExternal(url); return { action: 'deny' }; });
  void win.loadFile(rendererIndex(repoRoot));
  win.on('closed', () => { win = null; });
}

function go(hash: string): void {
  if (!win) createWindow();
  win?.show();
  void win?.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`);
}

void app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, cb) => cb(permission === 'clipboard-sanitized-write' || permission === 'clipboard-read'));
  const bridge = new IpcBridge(ipcMain, hub, appUrl);
  registerFolderPicker(ipcMain, { showOpenDialog: (w, o) => (w ? dialog.showOpenDialog(w as BrowserWindow, o) : dialog.showOpenDialog(o)) },
    (sender) => BrowserWindow.fromWebContents(sender as Electron.WebContents), appUrl);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(go, () => app.quit())));
  tray = new Tray(nativeImage.createFromPath(resolve(repoRoot, 'assets/icon.png')));
  const refreshTray = () => {
    const label = trayLabel(supervisor?.state);
    tray?.setToolTip(label);
    tray?.setContextMenu(Menu.buildFromTemplate([
      { label, enabled: false }, { type: 'separator' },
      { label: 'Show Berth', click: () => go('#/containers') }, { label: 'Quit', click: () => app.quit() },
    ]));
  };
  refreshTray();
  supervisor?.on('state', refreshTray);
  createWindow();
  await supervisor?.start();
  app.on('activate', () => { if (!win) createWindow(); });
  app.on('before-quit', () => { bridge.dispose(); void supervisor?.stop(); });
});

app.on('window-all-closed', () => { /* stay in the tray */ });
