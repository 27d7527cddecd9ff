// Where `npm run cluster` (scripts/cluster.ts) keeps everything, and what it tells others about the
// running cluster: `npm run test:cluster` (tests/cluster/) reads the state file to find it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TEMPORAL_SERVER_VERSION = '1.32.2';
/** The Go toolchain the module proxy serves for it (v1.32 needs Go ≥ 1.26.10). */
export const GO_TOOLCHAIN = 'go1.27.3';

/** Ports of the topology; the Temporal ones sit apart from the dev server's 7233/8233 so both can run. */
export const PORTS = {
  postgres: 54339,
  frontend: 17233,
  frontendHttp: 17243,
  history: 17234,
  matching: 17235,
  temporalWorker: 17239,
  membership: { frontend: 16933, history: 16934, matching: 16935, worker: 16939 },
  idp: 14000,
  apis: [13101, 13102],
} as const;

export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export function clusterPaths(dir = path.join(ROOT, '.data-cluster')) {
  const tools = path.join(ROOT, '.tools', 'temporal-cluster', TEMPORAL_SERVER_VERSION);
  return {
    dir,
    tools,
    serverBin: path.join(tools, 'bin', 'server'),
    sqlBin: path.join(tools, 'bin', 'sql'),
    schemaDir: path.join(tools, 'schema'),
    postgresDir: path.join(dir, 'postgres'),
    temporalConfig: path.join(dir, 'temporal.yaml'),
    appDataDir: path.join(dir, 'app'),
    logs: path.join(dir, 'logs'),
    secrets: path.join(dir, 'secrets.json'),
    state: path.join(dir, 'cluster.json'),
    control: path.join(dir, 'control.json'),
  };
}

/** Generated once per cluster folder; the same for every process (and every restart). */
export interface ClusterSecrets {
  auditHmacKey: string;
  /** TEMPORAL_CODEC_KEYS */
  codecKeys: string;
  codecToken: string;
  /** The trial identity provider's signing key (its tokens stay valid across restarts; the test signs with it). */
  idpKey: JWK;
}

/** Written by scripts/cluster.ts as processes come and go. */
export interface ClusterState {
  ready: boolean;
  temporalAddress: string;
  databaseUrl: string;
  issuer: string;
  audience: string;
  apiUrls: string[];
  /** Process name → OS pid of what runs now (absent while it is down). */
  pids: Record<string, number | undefined>;
  /** Process name → how many times it was (re)started. */
  starts: Record<string, number>;
}

/** The names `control.json` pauses (`{"paused": ["worker-2"]}`): the supervisor stops them and keeps them down until unpaused. */
export interface ClusterControl {
  paused: string[];
}

export function readJson<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}
