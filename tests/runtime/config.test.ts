import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { loadAuditKey } from '../../runtime/audit-key';
import { resolveTemporalBinary } from '../../runtime/temporal-binaries';
import { defaultMaxCachedWorkflows } from '../../worker/create-worker';

describe('config', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({}, { embedded: true });
    expect(c.http.port).toBe(3000);
    expect(c.db.url).toBeUndefined();
    expect(c.temporal.address).toBeUndefined();
    expect(c.auth.devLogin).toBe(true);
    expect(c.calendarFallback).toBe('refuse');
  });

  const issuesOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain('配置错误');
      return (err as ConfigError).issues.join('\n');
    }
    throw new Error('expected a ConfigError');
  };

  it('sizes the worker cache from its heap unless WORKER_MAX_CACHED_WORKFLOWS says otherwise', () => {
    expect(loadConfig({}).temporal.maxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).temporal.maxCachedWorkflows).toBe(500);
    expect(issuesOf({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toContain('WORKER_MAX_CACHED_WORKFLOWS');
    // 3 MiB per cached workflow above a 512 MiB reserve (a 4 GiB heap keeps 1,210), never below 100.
    expect(defaultMaxCachedWorkflows(4144)).toBe(1210);
    expect(defaultMaxCachedWorkflows(600)).toBe(100);
  });

  it('lists every malformed setting at once', () => {
    const issues = issuesOf({ PORT: 'eighty', CALENDAR_FALLBACK: 'guess', DATABASE_URL: 'not a url' });
    for (const key of ['PORT', 'CALENDAR_FALLBACK', 'DATABASE_URL']) expect(issues).toContain(key);
  });

  it('reads the dev server’s SQLite pragmas as a comma-separated list and refuses a malformed one', () => {
    expect(loadConfig({}).temporal.devSqlitePragmas).toEqual(['journal_mode=wal']);
    expect(
      loadConfig({ TEMPORAL_DEV_SQLITE_PRAGMAS: 'journal_mode=wal, synchronous=normal' }).temporal.devSqlitePragmas,
    ).toEqual(['journal_mode=wal', 'synchronous=normal']);
    expect(issuesOf({ TEMPORAL_DEV_SQLITE_PRAGMAS: 'journal_mode; drop table' })).toContain(
      'TEMPORAL_DEV_SQLITE_PRAGMAS',
    );
  });

  it('lists every setting production requires', () => {
    const issues = issuesOf({ APP_ENV: 'production' });
    for (const key of [
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'AUTH_ISSUER',
      'AUTH_CLIENT_ID',
      'AUDIT_HMAC_KEY',
      'TEMPORAL_CODEC_KEYS',
    ])
      expect(issues).toContain(key);
    expect(issues).toContain('生产环境');
  });

  it('reads payload codec keys as keyId:hex pairs, the first encrypting, and refuses a malformed one', () => {
    const a = 'ab'.repeat(32);
    const b = 'CD'.repeat(32);
    expect(loadConfig({ TEMPORAL_CODEC_KEYS: `k2:${a}, k1:${b}` }).temporal.codec.keys).toEqual([
      { id: 'k2', key: a },
      { id: 'k1', key: b.toLowerCase() },
    ]);
    expect(loadConfig({}).temporal.codec).toEqual({
      keys: undefined,
      keyFile: expect.stringMatching(/temporal-codec\.key$/),
    });
    expect(issuesOf({ TEMPORAL_CODEC_KEYS: 'k1:short' })).toContain('TEMPORAL_CODEC_KEYS');
    expect(issuesOf({ TEMPORAL_CODEC_KEYS: a })).toContain('TEMPORAL_CODEC_KEYS');
  });

  it('turns dev login off in production', () => {
    const c = loadConfig({
      APP_ENV: 'production',
      DATABASE_URL: 'postgresql://u:p@db/x',
      TEMPORAL_ADDRESS: 'temporal:7233',
      AUTH_ISSUER: 'https://idp',
      AUTH_CLIENT_ID: 'township-console',
      AUDIT_HMAC_KEY: 'k'.repeat(32),
      TEMPORAL_CODEC_KEYS: `k1:${'ab'.repeat(32)}`,
    });
    expect(c.auth.devLogin).toBe(false);
  });
});

describe('Temporal binary resolution order', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bins-'));
  const make = (sub: string) => {
    const file = path.join(dir, sub, 'temporal');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    return file;
  };
  const explicit = make('explicit');
  const onPath = make('path');
  const tools = make('tools');

  it('explicit path → PATH → tools folder → SDK download', () => {
    expect(
      resolveTemporalBinary('temporal', {
        explicitPath: explicit,
        systemPath: path.dirname(onPath),
        toolsDir: path.dirname(tools),
      }),
    ).toEqual({ executable: { type: 'existing-path', path: explicit }, source: 'env' });
    expect(
      resolveTemporalBinary('temporal', { systemPath: path.dirname(onPath), toolsDir: path.dirname(tools) }).source,
    ).toBe('path');
    expect(resolveTemporalBinary('temporal', { systemPath: '/nonexistent', toolsDir: path.dirname(tools) })).toEqual({
      executable: { type: 'existing-path', path: tools },
      source: 'tools',
    });
    expect(resolveTemporalBinary('temporal', { systemPath: '', toolsDir: '/nonexistent' })).toEqual({
      executable: { type: 'cached-download' },
      source: 'download',
    });
  });

  it('refuses an explicit path that is not executable', () => {
    expect(() => resolveTemporalBinary('temporal', { explicitPath: path.join(dir, 'missing') })).toThrow(
      /not executable/,
    );
  });
});

describe('the audit signing key', () => {
  it('comes from AUDIT_HMAC_KEY, or is generated once and kept in the data folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-key-'));
    const embedded = loadConfig({ DATA_DIR: dir }).audit;
    expect(embedded.hmacKey).toBeUndefined();
    const first = loadAuditKey(embedded);
    const again = loadAuditKey(embedded);
    expect(again.sign('h')).toBe(first.sign('h'));
    expect(statSync(embedded.keyFile).mode & 0o777).toBe(0o600);
    const configured = loadAuditKey(loadConfig({ DATA_DIR: dir, AUDIT_HMAC_KEY: 'x'.repeat(32) }).audit);
    expect(configured.sign('h')).not.toBe(first.sign('h'));
    expect(configured.verify('h', configured.sign('h'))).toBe(true);
    expect(configured.verify('h', first.sign('h'))).toBe(false);
  });

  it('refuses a short AUDIT_HMAC_KEY', () => {
    expect(() => loadConfig({ AUDIT_HMAC_KEY: 'short' })).toThrow(/AUDIT_HMAC_KEY/);
  });
});
