// After a fault run: every case the workload drove — and each of its child cases (a summons'
// parts) — must be complete, with each action in its audit trail exactly once, an intact hash
// chain, and a projection equal to the workflow's own state (its Temporal query); a parent must
// have recorded each child's end exactly once, a child its opening once. All read through the
// API, as a client would.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db';
import type { ApiClient } from './api-client';
import { sleep } from './report';
import { expectedCases, type CaseRecord, type ExpectedCase } from './workload';

const CHECKER = 'lk.supervisor';

export interface CaseCheck {
  caseId: string;
  scenario: string;
  problems: string[];
}

export interface VerifyResult {
  checked: number;
  bad: CaseCheck[];
  /** Cases in the database that no driven case accounts for (a start retried after no answer). */
  untracked: { id: string; status: string; closed: boolean }[];
}

interface Detail {
  status: string;
  level: number | null;
  currentStep: string | null;
  closedAt: string | null;
  live: { status?: string; level?: number } | null;
  liveError?: string;
}

/** The problems of one case (a driven case or one of its parts) against what it should be. */
async function checkOne(client: ApiClient, expected: ExpectedCase): Promise<string[]> {
  const problems: string[] = [];
  const id = expected.caseId;
  const detail = await client.request('GET', `/api/v1/cases/${id}`, { user: CHECKER });
  if (detail.status !== 200) return [`GET case: ${detail.status}`];
  const d = detail.body as Detail;
  if (d.status !== expected.finalStatus)
    problems.push(`projected status ${d.status}, expected ${expected.finalStatus}`);
  if (!d.closedAt) problems.push('not closed');
  if (!d.live) problems.push(`no live state: ${d.liveError ?? '?'}`);
  else {
    if (d.live.status !== d.status) problems.push(`projection status ${d.status} ≠ workflow status ${d.live.status}`);
    if (d.live.level !== undefined && d.live.level !== d.level)
      problems.push(`projection level ${d.level} ≠ workflow level ${d.live.level}`);
  }
  const verdict = await client.request('GET', `/api/v1/cases/${id}/audit/verify`, { user: CHECKER });
  if (verdict.status !== 200 || !(verdict.body as { ok: boolean }).ok)
    problems.push(`audit chain: ${JSON.stringify(verdict.body)}`);
  const audit = await client.request('GET', `/api/v1/cases/${id}/audit`, { user: CHECKER });
  const entries = (audit.body as { seq: number; action: string; actorRole: string | null }[]) ?? [];
  if (!Array.isArray(entries)) problems.push(`audit: ${audit.status}`);
  else {
    const gaps = entries.some((e, i) => e.seq !== i + 1);
    if (gaps) problems.push(`audit sequence not 1..${entries.length}: ${entries.map((e) => e.seq).join(',')}`);
    const human = entries.filter((e) => e.actorRole !== 'system').map((e) => e.action);
    if (JSON.stringify(human) !== JSON.stringify(expected.audit))
      problems.push(`actions ${human.join(' ')} ≠ expected ${expected.audit.join(' ')}`);
    for (const [action, times] of Object.entries(expected.system)) {
      const found = entries.filter((e) => e.actorRole === 'system' && e.action === action).length;
      if (found !== times) problems.push(`system action ${action} ×${found}, expected ×${times}`);
    }
  }
  return problems;
}

/** A driven case and every child case it consists of; a child's problems name the child. */
async function checkCase(client: ApiClient, record: CaseRecord): Promise<CaseCheck> {
  const problems: string[] = [];
  for (const expected of expectedCases(record.scenario, record.caseId)) {
    const found = await checkOne(client, expected);
    problems.push(...(expected.caseId === record.caseId ? found : found.map((p) => `${expected.caseId}: ${p}`)));
  }
  return { caseId: record.caseId, scenario: record.scenario.name, problems };
}

/**
 * Check every driven case and its child cases (with `parallel` checks at a time), and list the
 * cases in the database created since `since` that no driven case accounts for.
 */
export async function verifyCases(
  client: ApiClient,
  db: Db,
  records: CaseRecord[],
  since: Date,
  parallel = 8,
): Promise<VerifyResult> {
  const bad: CaseCheck[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < records.length; i = next++) {
        const check = await checkCase(client, records[i]!);
        if (check.problems.length) bad.push(check);
      }
    }),
  );
  const known = new Set(records.flatMap((r) => expectedCases(r.scenario, r.caseId).map((c) => c.caseId)));
  const rows = await db.execute<{ id: string; status: string; closed: boolean }>(
    sql`select id, status, closed_at is not null as closed from cases where created_at >= ${since.toISOString()}`,
  );
  const untracked = rows.rows.filter((r) => !known.has(r.id));
  return { checked: records.length, bad, untracked };
}

/** Wait until `probe` holds (polling), or throw after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 500,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
