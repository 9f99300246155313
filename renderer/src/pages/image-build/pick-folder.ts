// The native folder picker exists only inside Electron (the preload's window.berth.pickFolder);
// in browser mode the path is typed.
type Picker = (defaultPath?: string) => Promise<string | null>;

export function folderPicker(): Picker | null {
  const bridge = (window as unknown as { berth?: { pickFolder?: Picker } }).berth;
  return bridge?.pickFolder ? (p) => bridge.pickFolder!(p) : null;
}
