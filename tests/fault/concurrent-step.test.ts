// Fault test 4: two users act on the same step at the same moment, 100 times: exactly one succeeds
// each time, the other gets a 409 problem+json, and the loser changes nothing.
import { asc, eq } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestSystem } from '../support/system';
import { auditLog, cases } from '../../db/schema';

const ROUNDS = 100;
/** XK-SMALL-CATERING's `review` and `decide` steps are both held by the two scjg approvers: two rounds per case. */
const RACED_STEPS = ['review', 'decide'] as const;
const RACERS = ['scjg.approver', 'scjg.leader'] as const;
const CATERING_MATERIALS = [
  'business-licence',
  'operator-id',
  'premises-layout',
  'food-safety-rules',
  'health-certificates',
];

const t = useTestSystem('concurrent-step');

type Body = Record<string, unknown>;
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });

async function post(username: string, path: string, body: Body): Promise<request.Response> {
  return request(t.app)
    .post(path)
    .set(await auth(username))
    .send(body);
}

async function ok(username: string, path: string, body: Body): Promise<Body> {
  const res = await post(username, path, body);
  expect(res.status, `${username} ${String(body.type ?? 'submit')}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body as Body;
}

/** A catering permit moved on to its `review` step. */
async function caseAtReview(): Promise<string> {
  const opened = await ok('t01.window', '/api/v1/approvals', {
    matterCode: 'XK-SMALL-CATERING',
    channel: 'window',
    materials: CATERING_MATERIALS,
    applicant: { name: '并发测试' },
  });
  const id = opened.caseId as string;
  const actions = `/api/v1/approvals/${id}/actions`;
  await ok('t01.window', actions, { type: 'accept' });
  await ok('t01.window', actions, { type: 'approve', opinion: '受理审查通过' });
  await ok('scjg.handler', actions, { type: 'approve', opinion: '现场核查通过' });
  return id;
}

/** Everything of a case a refused action must leave as it was: the projection row and the audit trail. */
async function stateOf(id: string) {
  const [row] = await t.tdb.db.select().from(cases).where(eq(cases.id, id));
  const audit = await t.tdb.db
    .select({ seq: auditLog.seq, action: auditLog.action, actorId: auditLog.actorId, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.streamId, id))
    .orderBy(asc(auditLog.seq));
  return { row: row!, audit };
}

describe('two users act on the same step at once', () => {
  it(
    `${ROUNDS} times: exactly one success each time, the other a 409 problem+json that changes nothing`,
    { timeout: 240_000 },
    async () => {
      const ids: string[] = [];
      // Prepare the cases ten at a time; the races themselves run one at a time.
      for (let i = 0; i < ROUNDS / RACED_STEPS.length; i += 10) {
        ids.push(
          ...(await Promise.all(Array.from({ length: Math.min(10, ROUNDS / RACED_STEPS.length - i) }, caseAtReview))),
        );
      }
      await Promise.all(RACERS.map((u) => t.tokenFor(u)));

      const outcomes: { round: number; statuses: number[] }[] = [];
      let round = 0;
      for (const id of ids) {
        for (const [s, step] of RACED_STEPS.entries()) {
          round += 1;
          const before = await stateOf(id);
          // Alternate who fires first, so neither racer is favoured by the order of the calls.
          const order = round % 2 ? RACERS : ([...RACERS].reverse() as (typeof RACERS)[number][]);
          // Each names the step on their screen, as the console does: the contract is "409 if it is no longer current".
          const responses = await Promise.all(
            order.map((u) =>
              post(u, `/api/v1/approvals/${id}/actions`, { type: 'approve', step, opinion: `${u} 同意` }),
            ),
          );
          outcomes.push({ round, statuses: responses.map((r) => r.status) });
          const winners = responses.filter((r) => r.status === 200);
          const losers = responses.filter((r) => r.status !== 200);
          expect(
            winners,
            `round ${round} (${id} ${step}): ${responses.map((r) => `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`).join(' | ')}`,
          ).toHaveLength(1);
          const loser = losers[0]!;
          expect(loser.status).toBe(409);
          expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(loser.body).toMatchObject({
            status: 409,
            type: expect.stringMatching(/^urn:township-cases:problem:/),
            title: expect.any(String),
            detail: expect.any(String),
          });
          expect(['not-current-step', 'already-signed', 'wrong-state']).toContain(loser.body.code);

          // The winner's approval is the only change: one more audit entry, by the winner, at the raced step.
          const winner = order[responses.indexOf(winners[0]!)]!;
          const after = await stateOf(id);
          expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
          expect(after.audit).toHaveLength(before.audit.length + 1);
          expect(after.audit.at(-1)).toMatchObject({ action: 'approval.approve', actorId: `u.lk.${winner}` });
          expect(after.row.projectedSeq).toBe(before.row.projectedSeq + 1);
          const steps = (after.row.data as { steps: { key: string; signatures: { actorId: string }[] }[] }).steps;
          expect(steps.find((x) => x.key === step)!.signatures).toEqual([
            expect.objectContaining({ actorId: `u.lk.${winner}` }),
          ]);
          expect(after.row.currentStep).toBe(s === 0 ? '审批决定' : '办结');
        }
      }
      expect(outcomes).toHaveLength(ROUNDS);
      expect(outcomes.every((o) => o.statuses.filter((x) => x === 200).length === 1)).toBe(true);
    },
  );
});
