import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { Problem, problemHandler } from '../../api/problem';
import type { Principal } from '../../api/auth';
import { createRateLimiters } from '../../api/security';

/*
 * The per-address limit on refused tokens counts requests answered 401, not requests in flight: a
 * county's clerks all come through one reverse proxy, and 500 cases driven at once while the worker
 * restarts (bench/fault/worker-kill.ts) kept hundreds of slow requests open from one address, which
 * the limiter used to refuse as "too many invalid tokens" without a single 401.
 */
describe('what the rate limits count', () => {
  it('lets any number of slow requests through at once, and refuses an address only after its limit of 401s', async () => {
    const limits = createRateLimiters({ windowMs: 600_000, authPerIp: 0, authFailuresPerIp: 4, writesPerUser: 0 });
    const inFlight = 12;
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.use(limits.authFailuresPerIp);
    app.get('/slow', async (_req, res) => {
      arrived += 1;
      if (arrived === inFlight) release();
      await allArrived; // every request is in flight at once before any is answered
      res.json({ ok: true });
    });
    app.get('/refused', (_req, res) => void res.status(401).json({ refused: true }));
    app.use(problemHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const slow = await Promise.all(Array.from({ length: inFlight }, () => fetch(`${base}/slow`)));
      expect(slow.map((r) => r.status)).toEqual(Array(inFlight).fill(200));

      for (let i = 0; i < 4; i += 1) expect((await fetch(`${base}/refused`)).status).toBe(401);
      const limited = await fetch(`${base}/slow`, { headers: { 'accept-language': 'zh-CN' } });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(600);
      expect(((await limited.json()) as { detail: string }).detail).toContain('无效令牌过多');
    } finally {
      server.close();
    }
  });

  it('writes per user: changes the system could not take (5xx) and retries of one change do not use up the budget, refused input does', async () => {
    const limits = createRateLimiters({ windowMs: 600_000, authPerIp: 0, authFailuresPerIp: 0, writesPerUser: 3 });
    const app = express();
    app.post('/changes/:status', async (req, res, next) => {
      try {
        req.principal = { userId: 'u.lk.t01.window' } as Principal;
        await limits.writesPerUser(req, res);
        const status = Number(req.params.status);
        // A retried Idempotency-Key, answered as api/route.ts answers it: a replay, or 409 while still running.
        if (req.query.repeat && status === 409)
          throw new Problem(
            'conflict',
            { zh: '同一请求仍在处理中', en: 'still running' },
            { code: 'request-in-progress' },
          );
        if (req.query.repeat) res.set('idempotent-replayed', 'true');
        res.status(status).json({});
      } catch (err) {
        next(err);
      }
    });
    app.use(problemHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const post = (status: number, repeat = false) =>
      fetch(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/changes/${status}${repeat ? '?repeat=1' : ''}`,
        {
          method: 'POST',
        },
      );
    try {
      // A clerk retrying through a database outage…
      for (let i = 0; i < 10; i += 1) expect((await post(503)).status).toBe(503);
      // …or retrying one change with its Idempotency-Key (answered again, or 409 while still running)…
      for (let i = 0; i < 10; i += 1) expect((await post(409, true)).status).toBe(409);
      for (let i = 0; i < 10; i += 1) expect((await post(200, true)).status).toBe(200);
      // …still has the whole budget afterwards; answered changes, accepted or refused, count.
      expect((await post(200)).status).toBe(200);
      expect((await post(400)).status).toBe(400);
      expect((await post(200)).status).toBe(200);
      const limited = await post(200);
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { detail: string }).detail).toContain('提交过于频繁');
    } finally {
      server.close();
    }
  });
});
