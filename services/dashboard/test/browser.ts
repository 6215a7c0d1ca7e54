import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Role } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import type { RunningPlatform } from '../../platform/src/platform';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser download is never used. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const WAIT_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;

/** WCAG 2.1 levels A and AA, the rules the portal must pass. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Declares a suite that needs Chromium and the public data samples. Without either, the suite
 * is skipped with a message that names the missing one.
 */
export function describeInBrowserWithSamples(name: string, body: (dir: string) => void): void {
  if (!existsSync(CHROMIUM_PATH)) {
    const reason = `${CHROMIUM_PATH} is missing (apt-get install chromium)`;
    // eslint-disable-next-line no-console -- a skipped suite must say why
    console.warn(`skipped "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, () => {
      it('needs Chromium', () => undefined);
    });

    return;
  }
  describeWithSamples(name, body);
}

/**
 * Launches a persistent Chromium context in a fresh profile folder, which `close` removes again.
 * `trustAnyCertificate` accepts the local dev CA's certificates (the Keycloak of tools/dev-services).
 */
export async function launchBrowser(
  locale = 'de-DE',
  { trustAnyCertificate = false } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    locale,
    viewport: { width: 1280, height: 900 },
    ignoreHTTPSErrors: trustAnyCertificate,
  });

  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Lists the WCAG 2.1 A/AA violations axe-core finds on the page, one line each with the elements. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();

  return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Polls until `read` returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(description: string, read: () => Promise<T | undefined>, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < timeoutMs / POLL_INTERVAL_MS + 1 && Date.now() < deadline; attempt++) {
    const value = await read();
    if (value !== undefined) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
}

/** Returns a short description of the focused element: its id, data attributes or text. */
export async function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) {
      return 'body';
    }
    const useCase = element.closest('[data-use-case]')?.getAttribute('data-use-case');
    if (element.classList.contains('thing-marker-wrapper') || element.classList.contains('cluster-marker-wrapper')) {
      return `marker:${useCase ?? 'cluster'}`;
    }
    if (element.id) {
      return `#${element.id}`;
    }
    return `${element.tagName.toLowerCase()}:${(element.textContent ?? '').trim().slice(0, 30)}`;
  });
}

/**
 * Opens the admin console at `hash`, such as "#/quality", and logs in with a pasted token of the
 * platform's built-in issuer, then waits until the first screen has its heading.
 */
export async function loginToConsole(page: Page, platform: RunningPlatform, roles: Role[], tenant: string, hash = ''): Promise<void> {
  const token = await platform.issueToken(tenant, roles, `${roles.join('+')}-user`);
  await page.goto(`${platform.httpUrl}/admin.html${hash}`);
  await page.locator('#token').fill(token);
  await page.locator('#token-form button[type="submit"]').click();
  await page.locator('#screen-heading').waitFor({ timeout: WAIT_TIMEOUT_MS });
}
