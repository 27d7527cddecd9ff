import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app';
import { readManifest, WEB_DIST } from '../support/web-bundle';

// The API serves the built console's hashed assets precompressed (brotli, gzip) with a year's
// immutable caching, and index.html to be revalidated every time.

let t: TestApp;
let server: Server;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ seed: false });
  server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.close();
});

/** The entry script: a hashed file under /assets. */
const entryScript = () => Object.values(readManifest()).find((c) => c.isEntry)!.file;

describe('console assets', () => {
  it.each([
    ['br', '.br'],
    ['gzip', '.gz'],
  ])('a hashed script is sent %s-encoded, as the build wrote it, with immutable caching', async (encoding, suffix) => {
    const file = entryScript();
    expect(file).toMatch(/^assets\/.+-[\w-]{8}\.js$/);
    const raw = readFileSync(path.join(WEB_DIST, file));
    const res = await fetch(`${base}/${file}`, { headers: { 'accept-encoding': `${encoding}, identity;q=0.5` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe(encoding);
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    expect(Number(res.headers.get('content-length'))).toBe(readFileSync(path.join(WEB_DIST, file + suffix)).length);
    expect(Number(res.headers.get('content-length'))).toBeLessThan(raw.length / 2);
    // fetch decodes the body: it is the script itself.
    expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true);
  });

  it('prefers brotli when both are accepted; a client that takes neither gets the plain file', async () => {
    const file = entryScript();
    const both = await fetch(`${base}/${file}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(both.headers.get('content-encoding')).toBe('br');
    await both.arrayBuffer();
    const plain = await fetch(`${base}/${file}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await plain.arrayBuffer()).equals(readFileSync(path.join(WEB_DIST, file)))).toBe(true);
  });

  it('index.html (and every console route) is revalidated, never cached as immutable', async () => {
    for (const page of ['/', '/login', '/inbox']) {
      const res = await fetch(`${base}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('a missing asset is still a 404, compressed or not', async () => {
    const res = await fetch(`${base}/assets/no-such-file-12345678.js`, { headers: { 'accept-encoding': 'br' } });
    expect(res.status).toBe(404);
  });
});
