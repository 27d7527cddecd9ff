import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { count } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseNumberCounters, cases } from '../../db/schema';
import { listenHttp } from '../../runtime/api-server';
import { createTestApp, type TestApp } from '../support/app';

// The request boundary: caps on JSON bodies and on slow clients, and text PostgreSQL or the audit
// hash cannot take. None of these need the engine: they are refused before any route runs.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { BODY_MAX_DEPTH: '32', BODY_MAX_KEYS: '2000', BODY_LIMIT_BYTES: '65536' } });
});
afterAll(async () => {
  await t?.close();
});

const auth = async () => ({
  authorization: `Bearer ${await t.tokenFor('t01.supervisor')}`,
  'content-type': 'application/json',
});
const newTask = {
  title: '整改：背街小巷占道经营回潮',
  description: '两周内清理完毕',
  unitId: 'lk.t01.v01',
  budget: { unit: 'workday', amount: 5 },
};

async function nothingWritten(): Promise<void> {
  const [c] = await t.tdb.db.select({ n: count() }).from(cases);
  const [n] = await t.tdb.db.select({ n: count() }).from(caseNumberCounters);
  expect({ cases: c!.n, counters: n!.n }).toEqual({ cases: 0, counters: 0 });
}

describe('JSON body caps', () => {
  it('a body nested 10,000 levels is a 400 problem naming the depth cap, not a 500', async () => {
    const deep = `{"title":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send(deep);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'body-too-deep', maxDepth: 32 });
    expect(res.body.i18n['zh-CN'].detail).toContain('嵌套过深');
    // Refused before authentication too: an anonymous deep body is no more expensive.
    const anonymous = await request(t.app).post('/api/v1/tasks').set('content-type', 'application/json').send(deep);
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.code).toBe('body-too-deep');
    await nothingWritten();
  });

  it('a body just inside the depth cap reaches validation', async () => {
    // depth 32 counting the body itself: the title holds 31 levels of arrays.
    const res = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send(`{"title":${'['.repeat(31)}${']'.repeat(31)}}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
  });

  it('more keys and array items than the cap is a 413 problem', async () => {
    const many = { ...newTask, extra: Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i])) };
    const res = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send(many);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(413);
    expect(res.body).toMatchObject({ code: 'body-too-many-keys', maxKeys: 2000 });
    const items = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send({ ...newTask, extra: Array.from({ length: 2500 }, () => 0) });
    expect(items.status).toBe(413);
    await nothingWritten();
  });

  it('a body over the byte limit is a 413 problem', async () => {
    const res = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send({ ...newTask, description: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'body-too-large', limit: 65536 });
  });
});

describe('text that cannot be stored', () => {
  it('a lone surrogate in a field is a 400 naming the field, in Chinese and English', async () => {
    const body = JSON.stringify({ ...newTask, title: 'TITLE' }).replace('TITLE', '\\ud83d 督办');
    const res = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('ill-formed-text');
    expect(res.body.issues).toEqual([
      expect.objectContaining({
        path: 'body.title',
        message: expect.stringContaining('代理项'),
        message_en: expect.stringContaining('lone UTF-16 surrogate'),
      }),
    ]);
    expect(res.body.i18n.en.detail).toContain('body.title');
    // A low surrogate alone, and one hidden in a key, are refused the same way; a real pair is fine.
    const low = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send(
        JSON.stringify({ ...newTask, budget: { unit: 'workday', amount: 5, note: 'N' } }).replace('"N"', '"\\udc00"'),
      );
    expect(low.status).toBe(400);
    expect(low.body.issues).toEqual([expect.objectContaining({ path: 'body.budget.note' })]);
    const key = await request(t.app)
      .post('/api/v1/tasks')
      .set(await auth())
      .send(JSON.stringify({ ...newTask, K: 1 }).replace('"K"', '"\\ud800x"'));
    expect(key.status).toBe(400);
    expect(key.body.code).toBe('ill-formed-text');
    await nothingWritten();
    // Counted for operators.
    const metrics = await request(t.app).get('/metrics');
    expect(metrics.text).toMatch(/unstorable_input_refused_total\{stage="request"\} 3/);
  });
});

describe('slow clients', () => {
  let server: Server;
  beforeAll(async () => {
    server = await listenHttp(t.app, {
      ...t.config.http,
      port: 0,
      host: '127.0.0.1',
      headersTimeoutMs: 500,
      requestTimeoutMs: 1000,
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a body sent a byte at a time is cut off at the request timeout', async () => {
    const { port } = server.address() as AddressInfo;
    const token = await t.tokenFor('t01.supervisor');
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    const closed = new Promise<number>((resolve) => {
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    socket.write(
      `POST /api/v1/tasks HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n`,
    );
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, 100);
    try {
      const elapsed = await Promise.race([
        closed,
        new Promise<number>((resolve) => setTimeout(() => resolve(-1), 30_000)),
      ]);
      expect(elapsed, 'the server should close a connection whose body never finishes').toBeGreaterThan(0);
      // Cut at about a second; the bound is generous for a loaded machine.
      expect(elapsed).toBeLessThan(15_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  });

  it('a request sent promptly on the same server is answered as usual', async () => {
    const { port } = server.address() as AddressInfo;
    const res = await request(`http://127.0.0.1:${port}`).get('/healthz');
    expect(res.status).toBe(200);
  });
});
