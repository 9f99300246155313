// Light and dark themes, following the system unless the user picked one.
export function applyTheme(choice: 'system' | 'light' | 'dark'): void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const set = () => document.documentElement.classList.toggle('dark', choice === 'dark' || (choice === 'system' && media.matches));
  set();
  media.onchange = set;
}
