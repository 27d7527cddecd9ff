import fc from 'fast-check';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { asc, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadPrincipal } from '../../api/auth';
import { actorOf } from '../../api/routes/tasks';
import { verifyStream } from '../../db/audit';
import { auditLog, cases } from '../../db/schema';
import { unstorableReason } from '../../domain/text';
import { approvalActionUpdate } from '../../workflows/approval/definitions';
import { incidentActionUpdate } from '../../workflows/incident/definitions';
import { taskActionUpdate } from '../../workflows/task/definitions';
import { useTestSystem } from '../support/system';

// Any string, in any text field of any start or action, either takes effect or is refused with a
// problem answer (never a 5xx, never the 30 s engine deadline), and no case is left half-applied:
// afterwards every case accepts a normal action and its audit chain verifies, its read model
// at the last transition written. Strings are drawn from all of Unicode, lone surrogates and NUL
// included.
const t = useTestSystem('unstorable-text', { nextYearCalendar: true });

type Body = Record<string, unknown>;
const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

const CATERING_MATERIALS = [
  'business-licence',
  'operator-id',
  'premises-layout',
  'food-safety-rules',
  'health-certificates',
];
const TASK = {
  title: '整改：占道经营回潮',
  description: '清理并建立台账',
  unitId: 'lk.t01.v01',
  budget: { unit: 'workday', amount: 5 },
};
const APPLICATION = {
  matterCode: 'XK-SMALL-CATERING',
  applicant: { name: '李秀英', idNumber: '410225198801011234', phone: '13800000000' },
  channel: 'window',
  materials: CATERING_MATERIALS,
};
const INCIDENT = {
  source: 'patrol',
  categoryCode: 'city-appearance',
  gridId: 'lk.t01.v01.g01',
  title: '占道经营',
  description: '主街早市摊点占道',
  location: { address: '城关镇胡寨村主街' },
  attachments: ['photo:1'],
};
const WHISTLE = {
  title: '废品收购站占道堆放',
  description: '涉及多部门',
  reasonCode: 'multi-department',
  urgency: 'urgent',
  complexity: 'complex',
  unitIds: ['lk.dept.jtys', 'lk.dept.nync'],
};

/**
 * One request shape: who sends it where, with a valid body whose string leaves the property
 * replaces one at a time. A `final` action would close the case, so it only gets strings that
 * cannot be stored (it must be refused, naming the field); the others get any string.
 */
interface Probe {
  name: string;
  as: string;
  path: (ids: CaseIds) => string;
  body: Body;
  final?: boolean;
}
interface CaseIds {
  task: string;
  approval: string;
  incident: string;
  summons: string;
}

const action = (process: string, key: keyof CaseIds) => (ids: CaseIds) => `/api/v1/${process}/${ids[key]}/actions`;
const PROBES: Probe[] = [
  { name: 'start task', as: 't01.supervisor', path: () => '/api/v1/tasks', body: TASK },
  {
    name: 'task urge',
    as: 't01.supervisor',
    path: action('tasks', 'task'),
    body: { type: 'urge', message: '请尽快整改' },
  },
  {
    name: 'task extend',
    as: 't01.supervisor',
    path: action('tasks', 'task'),
    body: { type: 'extend', amount: 1, reason: '天气原因' },
  },
  {
    name: 'task pause',
    as: 't01.supervisor',
    path: action('tasks', 'task'),
    body: { type: 'pause', reason: '等待检测' },
  },
  {
    name: 'task resume',
    as: 't01.supervisor',
    path: action('tasks', 'task'),
    body: { type: 'resume', reason: '检测完成' },
  },
  {
    name: 'task complete',
    as: 't01.v01.handler',
    path: action('tasks', 'task'),
    body: { type: 'complete', result: '已清理' },
    final: true,
  },
  { name: 'start approval', as: 't01.window', path: () => '/api/v1/approvals', body: APPLICATION },
  {
    name: 'approval urge',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'urge', message: '申请人来电询问' },
  },
  {
    name: 'approval notify-missing',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'notify-missing', missing: ['operator-id'], note: '请补正' },
  },
  {
    name: 'approval supplement',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'supplement', materials: ['operator-id'], note: '已补正' },
  },
  {
    name: 'approval approve',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'approve', opinion: '材料齐全' },
  },
  {
    name: 'approval request-extension',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'request-extension', days: 1, reason: '需现场核查' },
  },
  {
    name: 'approval withdraw',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'withdraw', reason: '不再申请' },
    final: true,
  },
  {
    name: 'approval refuse',
    as: 't01.window',
    path: action('approvals', 'approval'),
    body: { type: 'refuse', reason: '不属于受理范围' },
    final: true,
  },
  { name: 'start incident', as: 't01.v01.g01.grid', path: () => '/api/v1/incidents', body: INCIDENT },
  {
    name: 'incident urge',
    as: 't01.supervisor',
    path: action('incidents', 'incident'),
    body: { type: 'urge', message: '请尽快处置' },
  },
  {
    name: 'incident sign',
    as: 't01.v01.handler',
    path: action('incidents', 'incident'),
    body: { type: 'sign', note: '已签收' },
  },
  {
    name: 'incident extend',
    as: 't01.v01.handler',
    path: action('incidents', 'incident'),
    body: { type: 'extend', amount: 1, reason: '需协调' },
  },
  {
    name: 'incident escalate',
    as: 't01.v01.handler',
    path: action('incidents', 'incident'),
    body: { type: 'escalate', reason: '村级无法处置' },
  },
  {
    name: 'incident resolve',
    as: 't01.v01.handler',
    path: action('incidents', 'incident'),
    body: { type: 'resolve', result: '已清理', evidence: ['photo:2'], noPhotoReason: '照片已线下存档' },
    final: true,
  },
  { name: 'start summons', as: 't01.dispatcher', path: () => '/api/v1/summons', body: WHISTLE },
  {
    name: 'summons reject',
    as: 't01.leader',
    path: action('summons', 'summons'),
    body: { type: 'reject', reason: '乡镇可自行协调' },
    final: true,
  },
];

/** The paths of every string leaf of `body` (discriminators and codes included: a code is text too). */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function withLeaf(body: Body, path: (string | number)[], text: string): Body {
  const copy = structuredClone(body);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = text;
  return copy;
}

/** Strings from all of Unicode (any code point, graphemes), storable ones and ones with lone surrogates or NUL. */
const codePoint = fc
  .integer({ min: 1, max: 0x10ffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));
const badUnit = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constant('\u0000'),
);
const storableText = fc.string({
  unit: fc.oneof(codePoint, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  maxLength: 40,
});
const unstorableText = fc
  .tuple(storableText, badUnit, fc.string({ unit: fc.oneof(codePoint, badUnit), maxLength: 20 }))
  .map(([a, bad, b]) => a + bad + b)
  .filter((s) => unstorableReason(s) !== null);
const anyText = fc.oneof({ weight: 3, arbitrary: storableText }, { weight: 2, arbitrary: unstorableText });

const ACCEPTED = [200, 201];
const REFUSED = [400, 403, 404, 409, 422];

describe('arbitrary text in every field', () => {
  it('never breaks a case: each request takes effect or is refused, and every case stays consistent', async () => {
    const created = async (path: string, as: string, body: Body) => {
      const res = await api()
        .post(path)
        .set(await auth(as))
        .send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.caseId as string;
    };
    const ids: CaseIds = {
      task: await created('/api/v1/tasks', 't01.supervisor', TASK),
      approval: await created('/api/v1/approvals', 't01.window', APPLICATION),
      incident: await created('/api/v1/incidents', 't01.v01.g01.grid', INCIDENT),
      summons: await created('/api/v1/summons', 't01.dispatcher', WHISTLE),
    };
    const accepted = await api()
      .post(`/api/v1/approvals/${ids.approval}/actions`)
      .set(await auth('t01.window'))
      .send({ type: 'accept' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const targets = PROBES.flatMap((probe) => stringLeaves(probe.body).map((leaf) => ({ probe, leaf })));
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...targets)
          .chain((target) =>
            fc.record({ target: fc.constant(target), text: target.probe.final ? unstorableText : anyText }),
          ),
        async ({ target: { probe, leaf }, text }) => {
          seen.add(probe.name);
          // Sent as raw JSON: JSON.stringify writes a lone surrogate as its \u escape, as a client would.
          const body = JSON.stringify(withLeaf(probe.body, leaf, text));
          const res = await api()
            .post(probe.path(ids))
            .set(await auth(probe.as))
            .set('content-type', 'application/json')
            .send(body);
          expect(
            [...ACCEPTED, ...REFUSED],
            `${probe.name} ${leaf.join('.')}: ${res.status} ${JSON.stringify(res.body)}`,
          ).toContain(res.status);
          if (res.status >= 400) expect(res.headers['content-type']).toMatch(/problem\+json/);
          if (unstorableReason(text)) {
            expect(res.status, `${probe.name} ${leaf.join('.')}`).toBe(400);
            expect(['ill-formed-text', 'nul-character']).toContain(res.body.code);
            expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(['body', ...leaf].join('.'));
          }
        },
      ),
      { numRuns: 120, seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    expect(seen.size).toBeGreaterThan(PROBES.length / 3);

    // The same strings sent straight to the engine, past the API's check: a transition that
    // cannot be stored is refused at once and undone; nothing else changes.
    // A paused task cannot be urged: resume it (if the property paused it) so the engine has work to do.
    await api()
      .post(`/api/v1/tasks/${ids.task}/actions`)
      .set(await auth('t01.supervisor'))
      .send({ type: 'resume' });
    let undone = 0;
    const actor = async (username: string) => actorOf((await loadPrincipal(t.tdb.db, username, 'username'))!);
    const direct: { name: string; send: (text: string) => Promise<unknown> }[] = [
      {
        name: 'task urge',
        send: async (text) =>
          t.deps.temporal.workflow.getHandle(ids.task).executeUpdate(taskActionUpdate, {
            args: [{ actor: await actor('t01.supervisor'), action: { type: 'urge', message: text } }],
          }),
      },
      {
        name: 'task extend',
        send: async (text) =>
          t.deps.temporal.workflow.getHandle(ids.task).executeUpdate(taskActionUpdate, {
            args: [{ actor: await actor('t01.supervisor'), action: { type: 'extend', amount: 1, reason: text } }],
          }),
      },
      {
        name: 'approval urge',
        send: async (text) =>
          t.deps.temporal.workflow.getHandle(ids.approval).executeUpdate(approvalActionUpdate, {
            args: [{ actor: await actor('t01.window'), action: { type: 'urge', message: text } }],
          }),
      },
      {
        name: 'incident urge',
        send: async (text) =>
          t.deps.temporal.workflow.getHandle(ids.incident).executeUpdate(incidentActionUpdate, {
            args: [{ actor: await actor('t01.supervisor'), action: { type: 'urge', message: text } }],
          }),
      },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...direct), anyText, async ({ name, send }, text) => {
        const started = Date.now();
        const outcome = await t.deps.temporal
          .withDeadline(Date.now() + 25_000, () => send(text))
          .then(
            () => 'applied',
            (err: unknown) => err,
          );
        expect(Date.now() - started, name).toBeLessThan(25_000);
        if (outcome === 'applied') {
          expect(unstorableReason(text), `${name} applied an unstorable text`).toBeNull();
          return;
        }
        expect(outcome, `${name}: ${String(outcome)}`).toBeInstanceOf(WorkflowUpdateFailedError);
        const failure = (outcome as WorkflowUpdateFailedError).cause as ApplicationFailure;
        expect(['RuleRefused', 'InvalidState', 'Forbidden']).toContain(failure.type);
        const code = (failure.details?.[0] as { code?: string } | undefined)?.code;
        // Refused for its text only when the text is unstorable (otherwise by the case's state or the actor).
        if (code === 'action-not-recordable') {
          expect(unstorableReason(text), name).not.toBeNull();
          undone += 1;
        }
      }),
      { numRuns: 30, seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    expect(undone, 'some unstorable texts reached the engine and were undone').toBeGreaterThan(0);

    // Every case still takes a normal action…
    const normal: [string, string, Body][] = [
      ['t01.supervisor', `/api/v1/tasks/${ids.task}/actions`, { type: 'urge', message: '请尽快整改' }],
      ['t01.window', `/api/v1/approvals/${ids.approval}/actions`, { type: 'urge', message: '申请人来电询问' }],
      ['t01.supervisor', `/api/v1/incidents/${ids.incident}/actions`, { type: 'urge', message: '请尽快处置' }],
      ['t01.leader', `/api/v1/summons/${ids.summons}/actions`, { type: 'approve', note: '同意吹哨' }],
    ];
    for (const [as, path, body] of normal) {
      const res = await api()
        .post(path)
        .set(await auth(as))
        .send(body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    // …and every case (those started by the property included) verifies, its read model at its last transition.
    const rows = await t.tdb.db.select({ id: cases.id, projectedSeq: cases.projectedSeq }).from(cases);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      const verdict = await verifyStream(t.tdb.db, row.id);
      expect(verdict, row.id).toMatchObject({ ok: true });
      const audit = await t.tdb.db
        .select({ seq: auditLog.seq })
        .from(auditLog)
        .where(eq(auditLog.streamId, row.id))
        .orderBy(asc(auditLog.seq));
      expect(row.projectedSeq, row.id).toBe(audit.at(-1)!.seq);
    }
  });
});
