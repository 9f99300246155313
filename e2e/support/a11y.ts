// Accessibility checks with axe-core inside the page under test, and the focus ring a keyboard
// user sees.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeNode { target: unknown[]; failureSummary?: string }
interface AxeViolation { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] }

/** What a violation report names: the rule, what it asks for, and the offending nodes. */
export interface Violation { rule: string; impact: string; help: string; nodes: string[] }

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe's WCAG 2.0/2.1 A and AA rules on the whole document and returns the serious and
 * critical violations. `exclude` takes selectors of subtrees whose DOM is not ours to fix.
 * The page's CSP (`script-src 'self'`) refuses an injected <script> tag (addScriptTag), so axe
 * is evaluated through the DevTools protocol instead, which the CSP does not govern.
 */
export async function axeViolations(page: Page, exclude: string[] = []): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async (ex) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const ctx = ex.length ? { include: [['html']], exclude: ex.map((s) => [s]) } : document;
    const res = await axe.run(ctx, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return res.violations;
  }, exclude) as AxeViolation[];
  return found
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.map(String).join(' >> ')}${n.failureSummary ? ` (${n.failureSummary.replace(/\s+/g, ' ').trim()})` : ''}`),
    }));
}

/** One line per violation and one per node, for a failure message a person can act on. */
export function formatViolations(where: string, found: Violation[]): string[] {
  return found.flatMap((v) => [`${where}: ${v.rule} [${v.impact}] ${v.help}`, ...v.nodes.map((n) => `    ${n}`)]);
}

/** The focused element (its aria-label, label or text) and its focus indicator: the outline (or a
 * box-shadow ring) as computed. */
export async function focusIndicator(page: Page): Promise<{ tag: string; name: string; outline: string; boxShadow: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', name: '', outline: 'none', boxShadow: 'none', visible: false };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none' : `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`;
    const boxShadow = s.boxShadow;
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? '').trim(),
      outline,
      boxShadow,
      visible: outline !== 'none' || (boxShadow !== 'none' && boxShadow !== ''),
    };
  });
}
