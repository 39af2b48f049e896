import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { repoRoot } from '../../config/paths';

/** The little of the DOM the browser tests read: the project compiles without the DOM library. */
export interface PageElement {
  readonly firstChild: PageElement | null;
  readonly textContent: string | null;
  querySelector(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Where the browser tests leave their screenshots (git-ignored). */
export const screenshotDir = join(repoRoot, '.cache', 'test', 'screenshots');

/**
 * What axe-core finds against WCAG 2.2 A and AA on the page as it is now, one
 * line per rule and element. Evaluated through DevTools, so the page's CSP,
 * which lets no script in, does not stop it.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
    .then((result) => result.violations.flatMap((violation) =>
      violation.nodes.map((node) => violation.id + ': ' + node.target.join(' ') + ' ' + node.failureSummary)))`);
  return violations as string[];
}

/** Saves a full-page screenshot as `<name>.png` under the screenshot folder; its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Collects what goes wrong in a page: CSP violations, console errors,
 * uncaught errors and failed loads. Call before the first navigation.
 */
export async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A 404 or 429 page is logged as a failed load: the tests check each status themselves.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${String(error)}`));
  page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
  // Added by DevTools, so it runs before the page's scripts and whatever the page's CSP says.
  await page.evaluateOnNewDocument(`document.addEventListener('securitypolicyviolation', (event) =>
    console.error('CSP violation: ' + event.violatedDirective + ' refused ' + event.blockedURI));`);
  return problems;
}
