import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createActivities } from '../../activities';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp } from '../support/app';
import { createDevEnvironment } from '../support/temporal';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = path.join(root, 'test-results', 'screenshots');

/** The flags that keep Chromium off the (closed) network and quiet in a container. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The real system for browser tests: a Temporal dev server, a worker, the real API on a fresh
 * seeded database serving the built console (web/dist) on a free port, and headless Chromium.
 */
export interface System {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser session (its own cookies), signed in as `username` through the login page's dev login. */
  signIn(username: string): Promise<{ context: BrowserContext; page: Page }>;
  /** Content-Security-Policy violations Chromium reported on any page so far (each test expects none: see systemPerFile). */
  cspViolations: string[];
  /**
   * A fresh signed-out browser session (desktop unless `options` say otherwise) whose CSP violations
   * are collected and whose refused API calls are logged. It asks for reduced motion, so dialogs,
   * drawers and dropdowns open without animation and a click never lands on a moving button.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Call the API directly, as a seeded user (for setting up what a test does not click through). */
  apiAs<T>(username: string, method: string, apiPath: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * `port` fixes the app's port (0: any free one) and `env` adds configuration — for a system whose
 * URL must be known in advance, e.g. registered with an identity provider.
 */
export async function startSystem(opts: { port?: number; env?: Record<string, string> } = {}): Promise<System> {
  if (!existsSync(path.join(root, 'web', 'dist', 'index.html'))) {
    throw new Error(
      'web/dist is missing: run `npm test` (it builds the console) or `node_modules/.bin/vite build web` first',
    );
  }
  // scripts/bootstrap.mjs installs Debian's chromium for `npm test` and sets CHROMIUM_PATH; never skip silently.
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(
      `No Chromium at ${executablePath}: run the tests with \`npm test\`, install Debian's chromium, or set CHROMIUM_PATH`,
    );
  mkdirSync(SCREENSHOTS, { recursive: true });

  const taskQueue = `e2e-${randomUUID()}`;
  const [env, bundle] = await Promise.all([createDevEnvironment(), bundleWorkflows()]);
  let t: TestApp | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    worker?.shutdown();
    await running;
    await t?.close();
    await (env as TestWorkflowEnvironment | undefined)?.teardown();
  };
  try {
    t = await createTestApp({ temporal: env.client, env: { TEMPORAL_TASK_QUEUE: taskQueue, ...opts.env } });
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({ db: t.tdb.db, temporal: env.client, auditKey: t.deps.auditKey }),
      workflowBundle: bundle,
    });
    running = worker.run();
    const app = t.app;
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
    });
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Playwright starts every launch with a new, empty profile (its own --user-data-dir).
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const b = browser;
    const tokens = t;
    const cspViolations: string[] = [];
    const newContext = async (options: BrowserContextOptions = {}) => {
      const context = await b.newContext({
        baseURL: baseUrl,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 1440, height: 900 },
        reducedMotion: 'reduce',
        ...options,
      });
      // Chromium reports a blocked script, style, image or connection as a console error naming the policy.
      context.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${msg.location().url}: ${msg.text()}`);
      });
      // An action the API refused or failed, with its problem detail: when a step fails, the log says why.
      context.on('response', (res) => {
        const refused = res.status() >= 500 || (res.status() >= 400 && res.request().method() !== 'GET');
        if (!refused || !res.url().includes('/api/')) return;
        void res
          .text()
          .catch(() => '')
          .then((body) =>
            console.warn(`[e2e] ${res.request().method()} ${res.url()} → ${res.status()} ${body.slice(0, 300)}`),
          );
      });
      return context;
    };
    return {
      t,
      baseUrl,
      browser,
      cspViolations,
      newContext,
      async signIn(username) {
        const context = await newContext();
        const page = await context.newPage();
        await page.goto('/login');
        await page.locator('#username').fill(username);
        await page.locator('#login-submit').click();
        await page.locator(`[data-testid="current-user"][data-username="${username}"]`).waitFor();
        return { context, page };
      },
      async apiAs<T>(username: string, method: string, apiPath: string, body?: unknown) {
        const token = await tokens.tokenFor(username);
        const res = await fetch(`${baseUrl}/api/v1${apiPath}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = (await res.json()) as T;
        if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${JSON.stringify(json)}`);
        return json;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Save a full-page screenshot as test-results/screenshots/<name>.png (kept as a CI artefact). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Pick `option` in the antd Select whose input is `field`: open it, type `search` if given, click
 * the option and check that it shows as chosen. On a loaded machine a click can land while the
 * filtered list is re-rendering and be lost, so a click that chose nothing is tried again (the
 * option must still be there: a missing option fails). `close` presses Escape afterwards (a
 * multiple select stays open) and waits for the list to go.
 */
export async function pickOption(
  page: Page,
  field: Locator,
  option: string | RegExp,
  opts: { search?: string; close?: boolean } = {},
): Promise<void> {
  const select = field.locator(
    'xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
  );
  const combobox = select.locator('input[role="combobox"]').first();
  const chosen = select
    .locator('.ant-select-content-has-value, .ant-select-selection-item', { hasText: option })
    .first();
  // The list of *this* select: another select's list may still be fading out (and hold the same
  // option), so the option is looked for in the dropdown that holds this combobox's listbox.
  const dropdown = async (): Promise<Locator> => {
    const listId = await combobox.getAttribute('aria-controls', { timeout: 2_000 }).catch(() => null);
    const all = page.locator('.ant-select-dropdown:visible');
    return listId ? all.filter({ has: page.locator(`[id="${listId}"]`) }) : all;
  };
  let open = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; ; attempt += 1) {
    if (attempt === 1 || (await open.count()) === 0) {
      await field.click();
      if (opts.search) await page.keyboard.type(opts.search);
    }
    open = await dropdown();
    try {
      await open.locator('.ant-select-item-option', { hasText: option }).first().click({ timeout: 10_000 });
      await chosen.waitFor({ timeout: 3_000 });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
  if (opts.close) {
    await page.keyboard.press('Escape');
    await open.first().waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

/**
 * Click `button` (by default the dialog's `action-submit`) and wait for `done`. A click that is lost on
 * a loaded machine (no request sent) is tried again: when after 5 s `done` has not appeared and the
 * dialog is still open with its button idle and no error shown, the click is repeated (at most three
 * clicks). A submit that was sent closes the dialog, shows an error or keeps its button busy, so it
 * is never clicked twice.
 */
export async function submitAction(
  modal: Locator,
  done: Locator,
  button: Locator = modal.getByTestId('action-submit'),
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await button.click();
    try {
      await done.first().waitFor({ timeout: attempt < 3 ? 5_000 : 30_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      const lost =
        (await modal.isVisible()) &&
        (await modal.getByTestId('action-error').count()) === 0 &&
        !(await button.evaluate((b) => b.classList.contains('ant-btn-loading')).catch(() => true));
      if (!lost) {
        await done.first().waitFor({ timeout: 30_000 });
        return;
      }
    }
  }
}

/**
 * Open an action's dialog from its `[data-action]` button in `scope` (the whole page by default), let
 * `fill` complete it, take screenshot `shot` if given, submit, and wait for the success message
 * (「<label>：操作成功」) and the dialog to close. A refusal fails with the server's words.
 */
export async function act(
  page: Page,
  action: string,
  label: string,
  opts: { scope?: Locator; fill?: (modal: Locator) => Promise<void>; shot?: string } = {},
): Promise<void> {
  await (opts.scope ?? page).locator(`[data-action="${action}"]`).click();
  // The dialog of this action (a previous one may still be closing).
  const modal = page
    .locator('.ant-modal')
    .filter({ has: page.locator('.ant-modal-title', { hasText: new RegExp(`^${label}$`) }) });
  await modal.waitFor();
  await opts.fill?.(modal);
  if (opts.shot) await screenshot(page, opts.shot);
  const done = page.getByText(`${label}：操作成功`);
  const refused = modal.getByTestId('action-error');
  try {
    await submitAction(modal, done.or(refused));
  } catch (err) {
    await screenshot(page, `failed-${action}`);
    throw err;
  }
  if (await refused.isVisible()) {
    await screenshot(page, `failed-${action}`);
    throw new Error(`${label}: refused — ${await refused.textContent()}`);
  }
  await modal.waitFor({ state: 'hidden' });
}

/**
 * Open a page from the side menu and wait until the menu shows it selected. A click while the
 * freshly signed-in console is still re-rendering can be lost on a loaded machine; it is tried again.
 */
export async function openMenu(page: Page, name: string): Promise<void> {
  const item = page.getByRole('menuitem', { name });
  for (let attempt = 1; ; attempt += 1) {
    await item.click();
    try {
      await item.and(page.locator('.ant-menu-item-selected')).waitFor({ timeout: 5_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** One started system for the whole test file (started before its first test, stopped after its last). */
export function systemPerFile(): () => System {
  let sys: System | undefined;
  beforeAll(async () => {
    sys = await startSystem();
  }, 180_000);
  // The console and the API docs must run under the CSP (api/security.ts) without a single violation.
  afterEach(() => {
    if (!sys) return;
    const violations = sys.cspViolations.splice(0);
    if (violations.length) throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`);
  });
  // A failed test leaves a screenshot of every page still open, to see what the browser showed.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !sys) return;
    const pages = sys.browser.contexts().flatMap((c) => c.pages());
    const name = ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
    await Promise.all(pages.map((p, i) => screenshot(p, `failed-${name}-${i + 1}`).catch(() => undefined)));
  });
  afterAll(async () => {
    await sys?.stop();
  });
  return () => {
    if (!sys) throw new Error('the system did not start');
    return sys;
  };
}
