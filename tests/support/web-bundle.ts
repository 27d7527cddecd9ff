import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The built console (`vite build web`; `npm test` builds it before the suite, as the e2e tests need). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** One chunk of vite's build manifest (dist/.vite/manifest.json), keyed by source path or `_<chunk>`. */
interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  isEntry?: boolean;
  isDynamicEntry?: boolean;
}
export type Manifest = Record<string, ManifestChunk>;

export function readManifest(dist = WEB_DIST): Manifest {
  const file = path.join(dist, '.vite', 'manifest.json');
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: run \`npm test\` (it builds the console) or \`node_modules/.bin/vite build web\` first`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/**
 * The JavaScript files a browser loads to show a route: the HTML entry's and the route's page
 * module's chunks with everything they import statically, transitively (dynamic imports — other
 * pages, ECharts — are left out: they load only when used). `modules` are manifest keys such as
 * `src/pages/LoginPage.tsx`; the entry (`index.html`) is always included.
 */
export function routeScripts(manifest: Manifest, modules: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    const chunk = manifest[key];
    if (!chunk)
      throw new Error(
        `${key} is not in the build manifest (keys: ${Object.keys(manifest)
          .filter((k) => !k.startsWith('_'))
          .join(', ')})`,
      );
    seen.add(key);
    chunk.imports?.forEach(visit);
  };
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
  if (!entry) throw new Error('the build manifest has no entry');
  [entry, ...modules].forEach(visit);
  return [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'));
}

export interface Weight {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
}

/**
 * Bytes of `files` (paths inside dist) as sent: raw, and compressed the way the server sends them —
 * the precompressed `.gz`/`.br` beside each file when the build wrote them, else compressed here.
 */
export function weigh(files: readonly string[], dist = WEB_DIST): Weight {
  const w: Weight = { files: files.length, raw: 0, gzip: 0, brotli: 0 };
  for (const name of files) {
    const file = path.join(dist, name);
    const data = readFileSync(file);
    w.raw += data.length;
    w.gzip += existsSync(`${file}.gz`) ? readFileSync(`${file}.gz`).length : gzipSync(data, { level: 9 }).length;
    w.brotli += existsSync(`${file}.br`)
      ? readFileSync(`${file}.br`).length
      : brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return w;
}
