// The native folder picker for the build page (Electron only; browser mode types the path).
// One invoke channel; only frames of the app's own bundle may open it.

export const PICK_FOLDER_CHANNEL = 'berth:pick-folder';

/** The slices of Electron's ipcMain and dialog the picker uses (so tests can stand in). */
export interface IpcHandleLike {
  handle(channel: string, listener: (event: PickerEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
export interface PickerEventLike { sender: unknown; senderFrame?: { url: string } | null }
export interface DialogLike {
  showOpenDialog(window: unknown, options: { title: string; defaultPath?: string; properties: ('openDirectory' | 'showHiddenFiles')[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/** Registers the handler; resolves to the chosen folder, or null when the user cancels. */
export function registerFolderPicker(ipc: IpcHandleLike, dialog: DialogLike, windowOf: (sender: unknown) => unknown, isAppUrl: (url: string) => boolean): () => void {
  ipc.handle(PICK_FOLDER_CHANNEL, async (event, defaultPath) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) throw new Error('pick folder: not allowed from this page');
    const r = await dialog.showOpenDialog(windowOf(event.sender), {
      title: 'Build context folder',
      ...(typeof defaultPath === 'string' && defaultPath.startsWith('/') ? { defaultPath } : {}),
      properties: ['openDirectory', 'showHiddenFiles'],
    });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  return () => ipc.removeHandler(PICK_FOLDER_CHANNEL);
}
