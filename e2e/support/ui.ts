// Helpers that act like a person: slide a slider with the keyboard, type into the terminal and
// read its screen.
import type { Locator, Page } from 'playwright-core';

/** Moves a range input with Home / ArrowRight until its aria-valuetext reads `want`. */
export async function slideTo(slider: Locator, want: string): Promise<void> {
  await slider.focus();
  await slider.press('Home');
  const max = Number(await slider.getAttribute('max'));
  for (let i = 0; i <= max; i++) {
    if ((await slider.getAttribute('aria-valuetext')) === want) return;
    await slider.press('ArrowRight');
  }
  throw new Error(`slider ${await slider.getAttribute('aria-label')}: no step reads '${want}'`);
}

/** The visible terminal's screen, from xterm's buffer (renderer/src/terminal/screen-text.ts): a
 * WebGL-drawn terminal (Automatic on a machine with a GPU) has no rows in the page to read. */
export async function terminalText(page: Page): Promise<string> {
  return page.locator('[data-testid=terminal]:visible [data-renderer]').evaluate((el) => (el as HTMLElement & { screenText(): string }).screenText());
}

export async function waitForTerminal(page: Page, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < until) {
    text = await terminalText(page).catch(() => '');
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`terminal: ${pattern} did not appear within ${timeoutMs} ms; screen was:\n${text}`);
}

export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=terminal]:visible .xterm-screen').click();
  await page.keyboard.type(text, { delay: 5 });
}

/** The terminal's size as the process in it sees it (`stty size` typed into the shell). */
export async function sttySize(page: Page): Promise<{ rows: number; cols: number }> {
  await typeInTerminal(page, 'stty size\n');
  const screen = await waitForTerminal(page, /^\d+ \d+\s*$/m);
  const [rows = 0, cols = 0] = (/^(\d+) (\d+)\s*$/m.exec(screen) ?? []).slice(1).map(Number);
  return { rows, cols };
}
