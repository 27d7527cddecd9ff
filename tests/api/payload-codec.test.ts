import { randomBytes, randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, payloadToJson } from '../../runtime/payload-codec';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp } from '../support/app';
import { createDevEnvironment } from '../support/temporal';

/*
 * Personal data stays out of Temporal: with the deployment's payload codec on the API's client and
 * the worker, an applicant's ID number is nowhere in the case's history as Temporal stores it; an
 * operator holding the codec token (or a county admin) reads it through /codec/decode, nobody else.
 */
const ID_NUMBER = '410225198801011234';
const CODEC_TOKEN = randomBytes(24).toString('hex');
const UI_ORIGIN = 'http://localhost:8233';
const K1 = randomBytes(32);
const codec = new AesGcmPayloadCodec([
  { id: 'k2', key: randomBytes(32) },
  { id: 'k1', key: K1 },
]);

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** Every string and byte string in a history, as text: what anyone reading Temporal's database sees. */
function visibleText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) visibleText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) visibleText(v, out);
  return out;
}

/** Every payload in a history (objects with `data` and `metadata.encoding`). */
function payloadsOf(
  value: unknown,
  out: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }[] = [],
) {
  if (Array.isArray(value)) for (const v of value) payloadsOf(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const o = value as { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };
    if (o.data instanceof Uint8Array && o.metadata?.encoding) out.push(o);
    else for (const v of Object.values(value)) payloadsOf(v, out);
  }
  return out;
}

describe('payload encryption', () => {
  let env: TestWorkflowEnvironment;
  let t: TestApp;
  let plainApp: ReturnType<typeof createApp>;
  let codecApp: ReturnType<typeof createApp>;
  let workers: Worker[] = [];
  let running: Promise<void>[] = [];
  let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;

  beforeAll(async () => {
    [env, workflowBundle] = await Promise.all([createDevEnvironment(), bundleWorkflows()]);
    const codecClient = new Client({
      connection: env.connection,
      namespace: 'default',
      dataConverter: { payloadCodecs: [codec] },
    });
    const plainQueue = `codec-plain-${randomUUID()}`;
    const codecQueue = `codec-${randomUUID()}`;
    t = await createTestApp({
      temporal: env.client,
      env: { TEMPORAL_TASK_QUEUE: plainQueue, CODEC_TOKEN, CODEC_CORS_ORIGINS: UI_ORIGIN },
    });
    plainApp = t.app;
    codecApp = createApp({
      ...t.deps,
      metrics: new Registry(),
      temporal: codecClient,
      config: { ...t.config, temporal: { ...t.config.temporal, taskQueue: codecQueue } },
      payloadCodec: codec,
    });
    const activities = (client: Client) =>
      createActivities({ db: t.tdb.db, temporal: client, auditKey: t.deps.auditKey });
    workers = [
      await createWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue: plainQueue,
        activities: activities(env.client),
        workflowBundle,
      }),
      await createWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue: codecQueue,
        activities: activities(codecClient),
        workflowBundle,
        dataConverter: { payloadCodecs: [codec] },
      }),
    ];
    running = workers.map((w) => w.run());
  });
  afterAll(async () => {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
    await t?.close();
    await env?.teardown();
  });

  async function submitApproval(app: ReturnType<typeof createApp>): Promise<string> {
    const res = await request(app)
      .post('/api/v1/approvals')
      .set('authorization', `Bearer ${await t.tokenFor('t01.window')}`)
      .send({
        applicant: { name: '李秀英', idNumber: ID_NUMBER, phone: '13800000000' },
        matterCode: 'JB-ELDER-CARD',
        channel: 'window',
        materials: ['id-card', 'photo'],
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.caseId as string;
  }

  /** The history as Temporal stores it, read with a client that has no codec. */
  const rawHistory = (id: string): Promise<History> => env.client.workflow.getHandle(id).fetchHistory();

  it('keeps the applicant ID number out of the stored history, and the case still works', async () => {
    // Without the codec the ID number is in the history in clear: this is what the codec fixes.
    const plainId = await submitApproval(plainApp);
    expect(visibleText(await rawHistory(plainId)).join('\n')).toContain(ID_NUMBER);

    const id = await submitApproval(codecApp);
    const history = await rawHistory(id);
    const text = visibleText(history).join('\n');
    expect(text).not.toContain(ID_NUMBER);
    expect(text).not.toContain('李秀英');
    expect(text).not.toContain('13800000000');
    const payloads = payloadsOf(history);
    const plain = payloads.filter((p) => Buffer.from(p.metadata!.encoding!).toString() !== ENCRYPTED_ENCODING);
    expect(payloads.length - plain.length).toBeGreaterThan(0);
    // What the SDK itself writes stays readable for the server: patch markers and their search
    // attribute (TemporalChangeVersion), and a local activity marker's bookkeeping (its result is encrypted).
    for (const p of plain) {
      const value = JSON.parse(Buffer.from(p.data!).toString()) as Record<string, unknown> | string[];
      const bookkeeping =
        p.metadata!.type !== undefined ||
        (!Array.isArray(value) && (('id' in value && 'deprecated' in value) || 'activity_type' in value));
      expect(bookkeeping, JSON.stringify(value)).toBe(true);
    }

    // Through the API (its client decrypts) the case reads as always, the ID number masked.
    const seen = await request(codecApp)
      .get(`/api/v1/cases/${id}`)
      .set('authorization', `Bearer ${await t.tokenFor('t01.supervisor')}`);
    expect(seen.status).toBe(200);
    expect(seen.body.live.applicant).toEqual({ name: '李秀英', phone: '13800000000', idNumber: '4102**********1234' });

    // An encrypted history replays with the codec (a deploy of the worker reads running cases).
    await expect(
      Worker.runReplayHistory({ workflowBundle, dataConverter: { payloadCodecs: [codec] } }, history, id),
    ).resolves.toBeUndefined();
  });

  it('decodes for the operator token and county admins only, with CORS for the Temporal UI', async () => {
    const id = await submitApproval(codecApp);
    const body = { payloads: payloadsOf(await rawHistory(id)).map((p) => payloadToJson(p)) };
    const decode = () =>
      request(codecApp).post('/codec/decode').set('x-namespace', 'default').set('origin', UI_ORIGIN).send(body);

    const byToken = await decode().set('authorization', `Bearer ${CODEC_TOKEN}`);
    expect(byToken.status, JSON.stringify(byToken.body)).toBe(200);
    expect(byToken.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    const decoded = (byToken.body as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(decoded.map((p) => Buffer.from(p.data, 'base64').toString()).join('\n')).toContain(ID_NUMBER);
    expect(decoded.every((p) => Buffer.from(p.metadata.encoding!, 'base64').toString() !== ENCRYPTED_ENCODING)).toBe(
      true,
    );

    const byAdmin = await decode().set('authorization', `Bearer ${await t.tokenFor('admin')}`);
    expect(byAdmin.status).toBe(200);

    // Encode answers what decode reads back.
    const encoded = await request(codecApp)
      .post('/codec/encode')
      .set('authorization', `Bearer ${CODEC_TOKEN}`)
      .send({ payloads: decoded });
    expect(encoded.status).toBe(200);
    const again = await decode().set('authorization', `Bearer ${CODEC_TOKEN}`).send(encoded.body);
    expect(again.body).toEqual(byToken.body);

    // Everyone else is refused, and learns nothing.
    const anonymous = await decode();
    expect(anonymous.status).toBe(401);
    const wrongToken = await decode().set('authorization', `Bearer ${randomBytes(24).toString('hex')}`);
    expect(wrongToken.status).toBe(401);
    const supervisor = await decode().set('authorization', `Bearer ${await t.tokenFor('t01.supervisor')}`);
    expect(supervisor.status).toBe(403);
    expect(supervisor.body).toMatchObject({ code: 'codec-forbidden' });
    for (const refused of [anonymous, wrongToken, supervisor])
      expect(JSON.stringify(refused.body)).not.toContain(ID_NUMBER);

    // The browser's preflight from the UI's origin is allowed; another origin gets no CORS grant.
    const preflight = await request(codecApp)
      .options('/codec/decode')
      .set('origin', UI_ORIGIN)
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type,x-namespace,authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('x-namespace');
    const elsewhere = await request(codecApp)
      .options('/codec/decode')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();

    // Each decode is in the access audit (personal data was read).
    const audit = await request(codecApp)
      .get('/api/v1/access-audit')
      .query({ kind: 'personal-data-read', subject: 'temporal-history' })
      .set('authorization', `Bearer ${await t.tokenFor('lk.auditor')}`);
    expect(audit.status).toBe(200);
    expect((audit.body as { total: number }).total).toBeGreaterThanOrEqual(3);

    // Without the codec in the app (as in tests and tools), there is no endpoint at all.
    expect(
      (await request(plainApp).post('/codec/decode').set('authorization', `Bearer ${CODEC_TOKEN}`).send(body)).status,
    ).toBe(404);
  });

  it('rotates keys: a payload encrypted with an older key still decodes, an unknown key id is refused', async () => {
    const older = new AesGcmPayloadCodec([{ id: 'k1', key: K1 }]);
    const [sealed] = await older.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ idNumber: ID_NUMBER })) },
    ]);
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [opened] = await codec.decode([sealed!]);
    expect(Buffer.from(opened!.data!).toString()).toContain(ID_NUMBER);
    const stranger = new AesGcmPayloadCodec([{ id: 'k9', key: randomBytes(32) }]);
    await expect(stranger.decode([sealed!])).rejects.toThrow(/unknown key id "k1"/);
    // Not encrypted: passed through (histories from before the codec replay unchanged).
    const plain = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') };
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});
