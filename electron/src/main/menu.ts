// The application menu and the tray: navigation shortcuts and the engine's state.
import type { MenuItemConstructorOptions } from 'electron';
import type { SupervisorState } from '../shared/contract.js';

export function menuTemplate(go: (hash: string) => void, quit: () => void): MenuItemConstructorOptions[] {
  return [
    { label: 'File', submenu: [{ label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: quit }] },
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: 'View',
      submenu: [
        { label: 'Containers', accelerator: 'CmdOrCtrl+1', click: () => go('#/containers') },
        { label: 'Images', accelerator: 'CmdOrCtrl+2', click: () => go('#/images') },
        { label: 'Events', accelerator: 'CmdOrCtrl+3', click: () => go('#/events') },
        { label: 'System', accelerator: 'CmdOrCtrl+4', click: () => go('#/system') },
        { label: 'Settings', accelerator: 'CmdOrCtrl+,', click: () => go('#/settings') },
        { type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
      ],
    },
  ];
}

export function trayLabel(s: SupervisorState | undefined): string {
  if (!s) return 'Berth: engine not managed by the app';
  switch (s.phase) {
    case 'running': return `Berth: berthd running (pid ${s.pid})`;
    case 'external': return 'Berth: using a running berthd';
    case 'backoff': return `Berth: berthd exited; restarting in ${((s.nextRetryMs ?? 0) / 1000).toFixed(1)} s`;
    case 'starting': return 'Berth: starting berthd…';
    default: return `Berth: berthd ${s.phase}`;
  }
}
