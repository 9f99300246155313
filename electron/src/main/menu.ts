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
    case 'failed': return s.message?.trim() ? `Berth: berthd failed: ${shortReason(s.message)}` : 'Berth: berthd failed';
    default: return `Berth: berthd ${s.phase}`;
  }
}

/** Room for the reason in a menu item or tooltip (GNOME and KDE cut far longer labels oddly). */
export const REASON_MAX = 90;

/**
 * The supervisor's message made to fit one line: its first line, whitespace collapsed, and if
 * still too long, cut at the last word boundary before the limit; an ellipsis says text was left
 * out (engine.status carries the whole message).
 */
export function shortReason(message: string, max = REASON_MAX): string {
  const lines = message.split('\n').filter((l) => l.trim());
  const line = (lines[0] ?? '').replace(/\s+/g, ' ').trim();
  if (line.length <= max) return lines.length > 1 ? `${line.replace(/[\s,;:.(]+$/, '')}…` : line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  // A word boundary in the last third keeps words whole; one huge "word" (a path) is cut anywhere.
  return `${(space > max * 2 / 3 ? cut.slice(0, space) : cut).replace(/[\s,;:(]+$/, '')}…`;
}
