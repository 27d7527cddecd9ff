import { describe, expect, it } from 'vitest';
import { readManifest, routeScripts, weigh } from '../support/web-bundle';

// Issue 16: a field worker on a phone loads the login page with at most 300 KB of compressed
// JavaScript. Read from the built console's manifest (npm test builds it before the suite).

const BUDGET = 300 * 1024;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Routes with a weight budget, and the page module each renders (a key of vite's manifest). */
const ROUTES: { route: string; modules: string[] }[] = [
  { route: '/login', modules: ['src/pages/LoginPage.tsx'] },
  // The grid worker's report on a phone: the mobile shell and its pages.
  { route: '/m/report', modules: ['src/mobile/MobileLayout.tsx', 'src/mobile/MobileReport.tsx'] },
];

describe('JavaScript a route loads (compressed, as served)', () => {
  for (const { route, modules } of ROUTES) {
    it(`${route} loads at most 300 KB of compressed JavaScript`, () => {
      const manifest = readManifest();
      const files = routeScripts(manifest, modules);
      const w = weigh(files);
      console.log(
        `[weight] ${route}: ${w.files} scripts, ${kb(w.raw)} raw, ${kb(w.gzip)} gzip, ${kb(w.brotli)} brotli`,
      );
      expect(w.gzip).toBeLessThanOrEqual(BUDGET);
      expect(w.brotli).toBeLessThanOrEqual(BUDGET);
      // Charts load with the board only.
      expect(files.some((f) => /echarts/.test(f))).toBe(false);
    });
  }

  it('the whole console, for comparison: every page and ECharts stay out of the login route', () => {
    const manifest = readManifest();
    const all = [...new Set(Object.values(manifest).map((c) => c.file))].filter((f) => f.endsWith('.js'));
    const w = weigh(all);
    console.log(
      `[weight] all routes: ${w.files} scripts, ${kb(w.raw)} raw, ${kb(w.gzip)} gzip, ${kb(w.brotli)} brotli`,
    );
    const login = routeScripts(manifest, ['src/pages/LoginPage.tsx']);
    expect(login.length).toBeLessThan(all.length);
  });
});
