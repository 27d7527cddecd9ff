import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_KEYS, loadConfig } from '../../config';

/*
 * docker-compose.yml cannot run on these machines (no Docker), so it is checked for what breaks
 * silently: an image that floats, a variable the app does not know (a typo is just ignored), a
 * dependency cycle (compose refuses to start), a Temporal port open to the network (anyone could
 * send an Update as any user), a required secret with a default.
 */
interface Service {
  image?: string;
  build?: unknown;
  ports?: unknown[];
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }> | string[];
  profiles?: string[];
}
const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
const compose = parse(text, { merge: true }) as { name?: string; services: Record<string, Service> };
const services = Object.entries(compose.services);
const dependencies = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));
const APP_SERVICES = ['migrate', 'worker', 'api'];
const KNOWN_KEYS = new Set(ENV_KEYS);
/** Compose-only variables: the databases' passwords (they reach the app inside DATABASE_URL). */
const COMPOSE_ONLY = new Set(['TEMPORAL_DB_PASSWORD', 'APP_DB_PASSWORD']);
/** What an operator would fill in, to check the result passes production's own configuration checks. */
const SAMPLE: Record<string, string> = {
  APP_DB_PASSWORD: 'secret',
  TEMPORAL_CODEC_KEYS: `k1:${'ab'.repeat(32)}`,
  AUTH_ISSUER: 'https://idp.example.gov.cn/realms/county',
  AUTH_CLIENT_ID: 'township-console',
  AUDIT_HMAC_KEY: 'x'.repeat(40),
  PUBLIC_URL: 'https://cases.example.gov.cn',
  CODEC_TOKEN: 'y'.repeat(40),
};

describe('docker-compose.yml', () => {
  it('has no top-level name (Debian’s compose refuses it)', () => {
    expect(compose.name).toBeUndefined();
  });

  it('pins every image to an exact version tag (no latest, no bare name, no floating major)', () => {
    const images = services.filter(([, s]) => s.image).map(([name, s]) => [name, s.image!] as const);
    expect(images.length).toBeGreaterThan(5);
    for (const [name, image] of images) {
      const tag = /^[\w./-]+:([\w.-]+)$/.exec(image)?.[1];
      expect(tag, `${name}: ${image}`).toBeDefined();
      expect(tag, `${name}: ${image}`).not.toBe('latest');
      expect(tag, `${name}: ${image} (pin major.minor at least)`).toMatch(/^v?\d+\.\d+/);
    }
    expect(images.map(([, i]) => i)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^temporalio\/server:/),
        expect.stringMatching(/^temporalio\/admin-tools:/),
      ]),
    );
    expect(text).not.toMatch(/auto-setup|tctl/);
  });

  it('uses only variables the app’s configuration knows, and requires the secrets', () => {
    const referenced = [...text.matchAll(/\$\{(\w+)[:}]/g)].map((m) => m[1]!);
    expect(
      referenced.filter((v) => !KNOWN_KEYS.has(v) && !COMPOSE_ONLY.has(v)),
      'variables that config.ts does not know',
    ).toEqual([]);
    for (const name of APP_SERVICES) {
      const env = compose.services[name]!.environment!;
      expect(env, name).toBeDefined();
      const unknown = Object.keys(env).filter((k) => !KNOWN_KEYS.has(k));
      expect(unknown, `${name} sets variables config.ts does not read`).toEqual([]);
    }
    // Secrets and the identity provider must be given (${VAR:?…}), never defaulted.
    for (const secret of [
      'TEMPORAL_CODEC_KEYS',
      'AUDIT_HMAC_KEY',
      'AUTH_ISSUER',
      'AUTH_CLIENT_ID',
      'PUBLIC_URL',
      'CODEC_TOKEN',
      'APP_DB_PASSWORD',
      'TEMPORAL_DB_PASSWORD',
    ]) {
      expect(text, secret).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
      expect(text, secret).not.toMatch(new RegExp(`\\$\\{${secret}:-`));
    }
    // The app's environment passes production's own checks once those are filled in.
    const filled = Object.fromEntries(
      Object.entries(compose.services.api!.environment!).map(([k, v]) => [
        k,
        String(v).replace(/\$\{(\w+):[?-][^}]*\}/g, (_m, name: string) => SAMPLE[name] ?? ''),
      ]),
    );
    expect(() => loadConfig(filled)).not.toThrow();
  });

  it('starts in an order that exists: dependencies name services and have no cycle', () => {
    const names = new Set(compose.services ? Object.keys(compose.services) : []);
    for (const [name, s] of services)
      for (const d of dependencies(s)) expect(names.has(d), `${name} → ${d}`).toBe(true);
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') throw new Error(`dependency cycle: ${[...path, name].join(' → ')}`);
      state.set(name, 'visiting');
      for (const d of dependencies(compose.services[name]!)) visit(d, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of names) expect(() => visit(name, [])).not.toThrow();
  });

  it('waits for migrations and Temporal before the app runs, and migrates in a one-shot job', () => {
    const completed = (service: string, on: string) =>
      (compose.services[service]!.depends_on as Record<string, { condition: string }>)[on]?.condition;
    expect(completed('api', 'migrate')).toBe('service_completed_successfully');
    expect(completed('worker', 'migrate')).toBe('service_completed_successfully');
    expect(completed('api', 'temporal-namespace')).toBe('service_completed_successfully');
    expect(completed('worker', 'temporal-namespace')).toBe('service_completed_successfully');
    expect(compose.services.migrate).toMatchObject({
      restart: 'no',
      command: expect.arrayContaining(['scripts/migrate.ts']),
    });
  });

  it('publishes no Temporal port: only the API is reachable from outside', () => {
    const temporal = services.filter(([name, s]) => name.startsWith('temporal') || s.image?.startsWith('temporalio/'));
    expect(temporal.length).toBeGreaterThanOrEqual(6);
    for (const [name, s] of temporal) expect(s.ports, name).toBeUndefined();
    expect(services.filter(([, s]) => s.ports).map(([name]) => name)).toEqual(['api']);
  });
});
