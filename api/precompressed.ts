import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

/** Encodings the console build writes beside each asset (web/vite.config.ts), best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Hashed file names never change content: a year, and browsers need not revalidate. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves `<dir>/assets/<file>` as its precompressed `.br` or `.gz` sibling when the client accepts
 * it (Content-Encoding, Vary: Accept-Encoding, the original's Content-Type, immutable caching), so
 * the API never compresses the console on a request. The siblings are listed once at start; a
 * request for anything else, or from a client that accepts neither, falls through to the plain file.
 */
export function precompressedAssets(dir: string): RequestHandler {
  const assets = path.join(dir, 'assets');
  let names: string[] = [];
  try {
    names = readdirSync(assets);
  } catch {
    // No assets folder: nothing to serve compressed.
  }
  const available = new Set(names);
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.path.startsWith('/assets/')) return next();
    const name = req.path.slice('/assets/'.length);
    if (!ENCODINGS.some((e) => available.has(name + e.suffix))) return next();
    res.vary('Accept-Encoding');
    // Ours first (brotli is smaller), among those the client accepts at all: browsers list gzip before br.
    const encoding = ENCODINGS.find((e) => available.has(name + e.suffix) && req.acceptsEncodings(e.name) === e.name);
    if (!encoding) return next();
    res.type(path.extname(name));
    res.setHeader('Content-Encoding', encoding.name);
    res.sendFile(name + encoding.suffix, { root: assets, maxAge: '1y', immutable: true, dotfiles: 'deny' }, (err) => {
      if (!err || res.headersSent) return;
      res.removeHeader('Content-Encoding');
      next();
    });
  };
}
