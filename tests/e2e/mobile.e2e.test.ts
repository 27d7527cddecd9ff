import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../workflows/incident/definitions';
import { screenshot, systemPerFile } from './harness';

// The /m pages on a phone-sized screen (390×844, touch): photos from the "camera" (a file input with
// capture), through the real system. Screenshots of the pages go to test-results/screenshots/, or to
// docs/ for the README with UPDATE_DOCS_SCREENSHOTS=1 (so a test run leaves the working tree as it was).

const system = systemPerFile();
const E2E_TIMEOUT = 180_000;
const ROOT = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const DOCS =
  process.env.UPDATE_DOCS_SCREENSHOTS === '1'
    ? path.join(ROOT, 'docs')
    : path.join(ROOT, 'test-results', 'screenshots');

const GRID_UNIT = 'lk.t01.v01.g01';
/** Who acts for each unit an incident may be held by or verified in. */
const USER_OF_UNIT: Record<string, string> = { [GRID_UNIT]: 't01.v01.g01.grid', 'lk.t01.v01': 't01.v01.handler' };

/** A photo as a phone would take it (a JPEG with some content). */
async function photo(name: string, colour: { r: number; g: number; b: number }) {
  const buffer = await sharp({ create: { width: 1200, height: 900, channels: 3, background: colour } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="1200" height="900"><rect x="200" y="250" width="800" height="400" rx="40" fill="white" opacity="0.5"/><text x="600" y="480" font-size="90" text-anchor="middle" fill="#222">${name}</text></svg>`,
        ),
      },
    ])
    .jpeg({ quality: 80 })
    .toBuffer();
  return { name: `${name}.jpg`, mimeType: 'image/jpeg', buffer };
}

/** A phone: 390×844 CSS pixels, touch, mobile viewport; signed in through the login page, then on /m. */
async function phone(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const sys = system();
  const context = await sys.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#login-submit').tap();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto('/m');
  await page.getByText('乡镇治理 · 移动办理').waitFor();
  return { context, page };
}

/**
 * A phone screen (390×844) for the README: `focus` scrolled into view (else the top of the page),
 * once the success toasts have gone.
 */
async function docShot(page: Page, name: string, focus?: Locator): Promise<void> {
  mkdirSync(DOCS, { recursive: true });
  await page
    .locator('.ant-message-notice')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  // Below the sticky header.
  if (focus)
    await focus.evaluate(
      (el) => (
        el.scrollIntoView({ block: 'start' }),
        (el.ownerDocument.defaultView as unknown as { scrollBy: (x: number, y: number) => void }).scrollBy(0, -64)
      ),
    );
  else await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(DOCS, `${name}.png`) });
  await screenshot(page, name);
}

/** Every thumbnail inside `scope` has loaded (the browser decoded the image the API served). */
async function thumbnailsLoaded(page: Page, selector: string, atLeast: number): Promise<number> {
  await page.waitForFunction(
    ({ sel, n }) => {
      // Runs in the page; the test project has no DOM types.
      type Img = { src: string; complete: boolean; naturalWidth: number };
      const doc = (globalThis as unknown as { document: { querySelectorAll: (s: string) => ArrayLike<Img> } }).document;
      const imgs = Array.from(doc.querySelectorAll(`${sel} img`)).filter((i) => i.src.includes('/thumbnail'));
      return imgs.length >= n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    { sel: selector, n: atLeast },
    { timeout: 30_000 },
  );
  return page.locator(`${selector} img[src*="/thumbnail"]`).count();
}

async function holderOf(id: string): Promise<{ holder: string; view: IncidentView }> {
  const { live } = await system().apiAs<{ live: IncidentView }>('t01.supervisor', 'GET', `/cases/${id}`);
  return { holder: USER_OF_UNIT[live.assignee.unitId]!, view: live };
}

describe('mobile pages (390×844, touch)', () => {
  it(
    'a grid worker reports with a photo, the case is resolved with an after-photo and verified on site with a photo; the photos show on the case page and in the audit entries',
    async () => {
      const sys = system();
      const grid = await phone('t01.v01.g01.grid');
      await docShot(grid.page, 'mobile-home-grid');
      await grid.page.getByTestId('m-go-report').tap();
      await grid.page.getByTestId('m-report').waitFor();
      await grid.page.getByTestId('photo-input').setInputFiles(await photo('before', { r: 150, g: 110, b: 70 }));
      await grid.page.getByTestId('picked-file').first().waitFor();
      await grid.page.locator('#m-title').fill('村口垃圾堆放未清运');
      await grid.page.locator('#m-description').fill('胡寨村村口垃圾堆放约两立方，影响通行和环境');
      await grid.page.locator('#m-category').tap();
      await grid.page.locator('.ant-select-item-option', { hasText: '市容环境' }).tap();
      await grid.page.locator('#m-address').fill('城关镇胡寨村村口');
      await docShot(grid.page, 'mobile-report');
      await grid.page.getByTestId('m-submit-report').tap();
      await grid.page.waitForURL(/\/m\/cases\/SJ-\d{4}-\d{6}$/);
      const id = (await grid.page.getByTestId('case-id').textContent())!;
      expect(await thumbnailsLoaded(grid.page, '[data-testid="m-case"]', 1)).toBe(1);

      // Whoever holds the event signs and resolves it on the phone with an after-photo.
      const { holder } = await holderOf(id);
      const handler = holder === 't01.v01.g01.grid' ? grid : await phone(holder);
      await handler.page.goto(`/m/cases/${id}`);
      await handler.page.getByTestId('m-sign').tap();
      await handler.page.getByTestId('m-sign-confirm').tap();
      await handler.page.getByTestId('m-resolve').waitFor();
      await handler.page.locator('#m-result').fill('已组织清运，设置了垃圾收集点');
      // Without a photo or a reason the phone says so and sends nothing.
      await handler.page.getByTestId('m-submit-resolve').tap();
      await handler.page.getByTestId('m-error').filter({ hasText: '请至少上传一张照片' }).waitFor();
      await handler.page
        .getByTestId('m-resolve')
        .getByTestId('photo-input')
        .setInputFiles(await photo('after', { r: 90, g: 160, b: 90 }));
      await handler.page.getByTestId('m-resolve').getByTestId('picked-file').waitFor();
      await docShot(handler.page, 'mobile-resolve', handler.page.getByTestId('m-resolve'));
      await handler.page.getByTestId('m-submit-resolve').tap();
      await handler.page.getByTestId('m-case-status').filter({ hasText: '待核查' }).waitFor();

      // The verifier checks on site with a photo.
      const { view } = await holderOf(id);
      const verifierUnit = view.assignments.find((a) => a.actions.includes('verify'))!.unitId;
      const verifierName = USER_OF_UNIT[verifierUnit]!;
      const verifier =
        verifierName === 't01.v01.g01.grid' ? grid : verifierName === holder ? handler : await phone(verifierName);
      await verifier.page.goto(`/m/cases/${id}`);
      await verifier.page.getByTestId('m-verify').waitFor();
      await verifier.page
        .getByTestId('m-verify')
        .getByTestId('photo-input')
        .setInputFiles(await photo('check', { r: 70, g: 110, b: 180 }));
      await verifier.page.getByTestId('m-verify').getByTestId('picked-file').waitFor();
      await docShot(verifier.page, 'mobile-verify', verifier.page.getByTestId('m-actions'));
      await verifier.page.getByTestId('m-submit-verify').tap();
      await verifier.page
        .getByTestId('m-case-status')
        .filter({ hasText: /已办结|已结案/ })
        .waitFor();

      // The reporter's phone: three photos on the case, each under its audit entry.
      await grid.page.goto(`/m/cases/${id}`);
      expect(await thumbnailsLoaded(grid.page, '[data-testid="m-case"]', 3)).toBe(3);
      const audit = await sys.apiAs<{ seq: number; action: string; after: { attachments?: { sha256: string }[] } }[]>(
        't01.supervisor',
        'GET',
        `/cases/${id}/audit`,
      );
      const carrying = audit.filter((e) => e.after?.attachments?.length);
      expect(carrying.map((e) => e.action)).toEqual(['incident.report', 'incident.resolve', 'incident.verify']);
      for (const e of carrying) {
        expect(e.after.attachments![0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(await thumbnailsLoaded(grid.page, `[data-testid="m-audit-${e.seq}"]`, 1)).toBe(1);
      }
      await docShot(grid.page, 'mobile-case');
      await docShot(grid.page, 'mobile-case-history', grid.page.getByTestId('m-history'));

      // The console's case page (same phone) shows them too, on the case and on the audit entries.
      await grid.page.goto(`/cases/${id}`);
      expect(await thumbnailsLoaded(grid.page, '[data-testid="case-files"]', 3)).toBe(3);
      for (const e of carrying)
        expect(await thumbnailsLoaded(grid.page, `[data-testid="audit-files-${e.seq}"]`, 1)).toBe(1);
      await screenshot(grid.page, 'mobile-console-case-page');
      const contexts = new Set([grid.context, handler.context, verifier.context]);
      await Promise.all([...contexts].map((c) => c.close()));
    },
    E2E_TIMEOUT,
  );

  it(
    'a department liaison 报到s in one tap and reports the result with a photo',
    async () => {
      const sys = system();
      const unit = 'lk.dept.scjg';
      const blown = await sys.apiAs<{ caseId: string }>('t01.dispatcher', 'POST', '/summons', {
        title: '废品收购站占道堆放、夜间噪声扰民',
        description: '涉及市场监管、环保多部门',
        reasonCode: 'multi-department',
        urgency: 'urgent',
        complexity: 'complex',
        unitIds: [unit, 'lk.dept.sthj'],
      });
      await sys.apiAs('t01.leader', 'POST', `/summons/${blown.caseId}/actions`, { type: 'approve', note: '同意' });

      const liaison = await phone('scjg.liaison');
      await liaison.page.goto('/m/summons');
      const card = liaison.page.getByTestId('m-summons-card').filter({ hasText: '废品收购站' });
      await card.getByTestId('m-ack').waitFor();
      await docShot(liaison.page, 'mobile-summons');
      const box = await card.getByTestId('m-ack').boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(48);
      await card.getByTestId('m-ack').tap();
      await card.getByTestId('m-part-status').filter({ hasText: '已报到' }).waitFor();
      await card.getByTestId('m-arrive').tap();
      await card.getByTestId('m-part-report').waitFor();
      await card.getByTestId('m-part-result').fill('已责令收购站清理占道物品并限期整改');
      await card.getByTestId('photo-input').setInputFiles(await photo('site', { r: 180, g: 150, b: 60 }));
      await card.getByTestId('picked-file').waitFor();
      await docShot(liaison.page, 'mobile-summons-result');
      await card.getByTestId('m-submit-result').tap();
      await card.getByTestId('m-part-status').filter({ hasText: '已反馈结果' }).waitFor();
      const audit = await sys.apiAs<{ action: string; after: { attachments?: unknown[] } }[]>(
        't01.supervisor',
        'GET',
        `/cases/${blown.caseId}.${unit}/audit`,
      );
      expect(audit.find((e) => e.action === 'summons.part.report')!.after.attachments).toHaveLength(1);
      await liaison.context.close();
    },
    E2E_TIMEOUT,
  );
});
