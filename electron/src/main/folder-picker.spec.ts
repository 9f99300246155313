// The folder picker with Electron's ipcMain.handle and dialog stood in thinly: the chosen folder
// or null on cancel, the window it belongs to, and no picker for a foreign frame.
import { describe, expect, it } from 'vitest';
import { isAppUrl } from './window-options.js';
import { PICK_FOLDER_CHANNEL, registerFolderPicker, type DialogLike, type PickerEventLike } from './folder-picker.js';

function setup(answer: { canceled: boolean; filePaths: string[] }) {
  const handlers = new Map<string, (e: PickerEventLike, ...a: unknown[]) => Promise<unknown>>();
  const calls: { window: unknown; options: unknown }[] = [];
  const dialog: DialogLike = { showOpenDialog: async (window, options) => { calls.push({ window, options }); return answer; } };
  const unregister = registerFolderPicker(
    { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) },
    dialog, (sender) => `window-of-${String(sender)}`, (url) => isAppUrl(url, '/app'));
  const invoke = (url: string, ...args: unknown[]) => handlers.get(PICK_FOLDER_CHANNEL)!({ sender: 7, senderFrame: { url } }, ...args);
  return { handlers, calls, invoke, unregister };
}

const APP = 'file:///app/renderer/dist/index.html#/build';

describe('folder picker', () => {
  it('returns the folder the user chose, asking for a directory on the sender\'s window', async () => {
    const { invoke, calls } = setup({ canceled: false, filePaths: ['/home/u/project'] });
    expect(await invoke(APP, '/home/u')).toBe('/home/u/project');
    expect(calls).toEqual([{ window: 'window-of-7', options: expect.objectContaining({ defaultPath: '/home/u', properties: ['openDirectory', 'showHiddenFiles'] }) }]);
  });

  it('returns null when the user cancels, and ignores a relative default path', async () => {
    const { invoke, calls } = setup({ canceled: true, filePaths: [] });
    expect(await invoke(APP, 'relative/dir')).toBeNull();
    expect(calls[0]!.options).not.toHaveProperty('defaultPath');
  });

  it('refuses a frame that is not the app bundle, without opening a dialog', async () => {
    const { invoke, calls } = setup({ canceled: false, filePaths: ['/x'] });
    await expect(invoke('https://example.org/')).rejects.toThrow('pick folder: not allowed from this page');
    expect(calls).toEqual([]);
  });

  it('unregisters its channel', () => {
    const { handlers, unregister } = setup({ canceled: true, filePaths: [] });
    expect(handlers.has(PICK_FOLDER_CHANNEL)).toBe(true);
    unregister();
    expect(handlers.has(PICK_FOLDER_CHANNEL)).toBe(false);
  });
});
