import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db';
import { GENESIS_HASH, hashAuditEntry, type AuditFacts, type AuditKey } from '../domain/audit-chain';
import type { AuditWrite } from '../db/audit';
import { attachments, auditLog, caseAssignments, caseClocks, cases, caseUnits } from '../db/schema';
import type { AttachmentRef } from '../workflows/shared/attachments';
import type { TransitionRecord } from '../workflows/shared/case-snapshot';

/*
 * The SQL of one transition's read model — the case row, its files, assignments, units and clocks —
 * as common table expressions of a single statement, and the statement that writes a transition whole
 * (audit entry included) in one round trip when the workflow's audit anchor is the stream's head.
 */

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);
const list = (parts: Parameters<typeof sql.join>[0]) => sql.join(parts, sql`, `);
const name = (column: PgColumn) => sql.identifier(column.name);
/** A parameter as the column stores it (jsonb serialised, …), cast to the column's type. */
const value = (column: PgColumn, v: unknown) =>
  v === null || v === undefined
    ? sql`null::${sql.raw(column.getSQLType())}`
    : sql`${sql.param(v, column)}::${sql.raw(column.getSQLType())}`;
/** `insert into <table> (<columns>) select <values> from <gate>`: one row, written only when `gate` has one. */
const insertFrom = (table: PgTable, row: [PgColumn, unknown][], gate: SQL) =>
  sql`insert into ${table} (${list(row.map(([c]) => name(c)))}) select ${list(row.map(([c, v]) => value(c, v)))} from ${gate}`;

/**
 * The files an audit entry's `after` lists (as workflows/shared/attachments.ts `withAttachments`
 * wrote them): what the projection binds to the entry.
 */
export function attachmentsOf(after: unknown): AttachmentRef[] {
  const files = (after as { attachments?: unknown } | null | undefined)?.attachments;
  if (!Array.isArray(files)) return [];
  return files.filter(
    (a): a is AttachmentRef =>
      typeof (a as AttachmentRef | null)?.id === 'string' && typeof (a as AttachmentRef).sha256 === 'string',
  );
}

/**
 * CTEs writing the read model of `record`, each row written only when `gate` (a CTE name) has a row:
 * the case row (never over a later transition's), the files the entry carries, and the case's
 * assignments, units and clocks made exactly the snapshot's (rows not in it deleted, the rest
 * inserted or updated — one statement, so no row is touched twice).
 */
export function readModelCtes(record: TransitionRecord, gate: SQL): SQL {
  const s = record.snapshot;
  const row: [PgColumn, unknown][] = [
    [cases.id, s.caseId],
    [cases.process, s.process],
    [cases.title, s.title],
    [cases.status, s.status],
    [cases.currentStep, s.currentStep],
    [cases.level, s.level],
    [cases.unitId, s.unitId],
    [cases.ownerUnitId, s.ownerUnitId],
    [cases.colour, s.colour],
    [cases.deadline, toDate(s.deadline)],
    [cases.caseDeadline, toDate(s.caseDeadline === undefined ? s.deadline : s.caseDeadline)],
    [cases.stepDeadline, toDate(s.stepDeadline ?? null)],
    [cases.clockKind, s.clockKind ?? 'case'],
    [cases.calendarWarnings, s.calendarWarnings],
    [cases.data, s.data],
    [cases.projectedSeq, record.seq],
    [cases.createdAt, new Date(s.createdAt)],
    [cases.updatedAt, new Date(s.updatedAt)],
    [cases.closedAt, toDate(s.closedAt)],
  ];
  const changed = row.map(([c]) => c).filter((c) => c !== cases.id && c !== cases.createdAt);

  const units = new Map([
    [`${s.unitId}|responsible`, { unit_id: s.unitId, relation: 'responsible' }],
    [`${s.ownerUnitId}|owner`, { unit_id: s.ownerUnitId, relation: 'owner' }],
  ]);
  for (const u of s.units) units.set(`${u.unitId}|${u.relation}`, { unit_id: u.unitId, relation: u.relation });
  const assignmentRows = s.assignments.map((a) => ({
    unit_id: a.unitId,
    role: a.role,
    user_id: a.userId ?? '',
    actions: a.actions,
  }));
  const clockRows = s.clocks.map((c) => ({
    key: c.key,
    label: c.label,
    state: c.state,
    level: c.level,
    deadline: c.deadline,
    budget: c.budget,
    consumed: c.consumed,
    fallback_years: c.fallbackYears,
    ledger: c.ledger,
  }));
  const files = attachmentsOf(record.audit.after).map((f) => f.id);
  const id = s.caseId;

  return sql`
    rm_case as (
      ${insertFrom(cases, row, gate)}
      on conflict (${name(cases.id)}) do update set ${list(changed.map((c) => sql`${name(c)} = excluded.${name(c)}`))}
      where ${cases.projectedSeq} < excluded.${name(cases.projectedSeq)}),
    rm_files as (
      update ${attachments} set ${name(attachments.caseId)} = ${id}, ${name(attachments.auditSeq)} = ${record.seq}
      where ${attachments.id} = any(${sql.param(files)}::${sql.raw(attachments.id.getSQLType())}[]) and ${attachments.auditSeq} is null
        and (${attachments.caseId} = ${id} or ${attachments.caseId} is null) and exists (select 1 from ${gate})),
    rm_new_assignments as (
      select distinct on (x.unit_id, x.role, x.user_id) x.unit_id, x.role, x.user_id, x.actions
      from jsonb_to_recordset(${JSON.stringify(assignmentRows)}::jsonb) as x(unit_id text, role text, user_id text, actions jsonb)),
    rm_old_assignments as (
      delete from ${caseAssignments} where ${caseAssignments.caseId} = ${id} and exists (select 1 from ${gate})
        and (unit_id, role, user_id) not in (select unit_id, role, user_id from rm_new_assignments)),
    rm_assignments as (
      insert into ${caseAssignments} (case_id, unit_id, role, user_id, actions)
      select ${id}, n.unit_id, n.role, n.user_id, n.actions from rm_new_assignments n, ${gate}
      on conflict (case_id, unit_id, role, user_id) do update set actions = excluded.actions
      where ${caseAssignments.actions} is distinct from excluded.actions),
    rm_new_units as (
      select distinct x.unit_id, x.relation
      from jsonb_to_recordset(${JSON.stringify([...units.values()])}::jsonb) as x(unit_id text, relation text)),
    rm_old_units as (
      delete from ${caseUnits} where ${caseUnits.caseId} = ${id} and exists (select 1 from ${gate})
        and (unit_id, relation) not in (select unit_id, relation from rm_new_units)),
    rm_units as (
      insert into ${caseUnits} (case_id, unit_id, relation)
      select ${id}, n.unit_id, n.relation from rm_new_units n, ${gate}
      on conflict do nothing),
    rm_new_clocks as (
      select distinct on (x.key) x.key, x.label, x.state, x.level::clock_level as level, x.deadline::timestamptz as deadline,
        x.budget, x.consumed, coalesce(x.fallback_years, '[]'::jsonb) as fallback_years, coalesce(x.ledger, '[]'::jsonb) as ledger
      from jsonb_to_recordset(${JSON.stringify(clockRows)}::jsonb)
        as x(key text, label text, state text, level text, deadline text, budget jsonb, consumed jsonb, fallback_years jsonb, ledger jsonb)),
    rm_old_clocks as (
      delete from ${caseClocks} where ${caseClocks.caseId} = ${id} and exists (select 1 from ${gate})
        and key not in (select key from rm_new_clocks)),
    rm_clocks as (
      insert into ${caseClocks} (case_id, key, label, state, level, deadline, budget, consumed, fallback_years, ledger)
      select ${id}, n.key, n.label, n.state, n.level, n.deadline, n.budget, n.consumed, n.fallback_years, n.ledger
      from rm_new_clocks n, ${gate}
      on conflict (case_id, key) do update set label = excluded.label, state = excluded.state, level = excluded.level,
        deadline = excluded.deadline, budget = excluded.budget, consumed = excluded.consumed,
        fallback_years = excluded.fallback_years, ledger = excluded.ledger)`;
}

/**
 * Write `record` — audit entry chained to `prev`, and its read model — in one statement, when `prev`
 * (the workflow's audit anchor: the last entry it wrote) is still the head of the case's stream.
 * Answers null when it is not (or the entry is already there): nothing was written, and the caller
 * takes the path that locks the stream and reads its head.
 */
export async function writeAtAnchor(
  db: Db,
  record: TransitionRecord,
  prev: { seq: number; hash: string | null },
  key?: AuditKey,
): Promise<AuditWrite | null> {
  const streamId = record.snapshot.caseId;
  const entry: AuditFacts = { ...record.audit, streamId, seq: record.seq, at: new Date(record.audit.at) };
  const prevHash = prev.seq === 0 ? GENESIS_HASH : prev.hash!;
  const hash = hashAuditEntry(prevHash, entry);
  const columns: [PgColumn, unknown][] = [
    [auditLog.streamId, streamId],
    [auditLog.seq, entry.seq],
    [auditLog.actorId, entry.actorId],
    [auditLog.actorUnitId, entry.actorUnitId],
    [auditLog.actorRole, entry.actorRole],
    [auditLog.action, entry.action],
    [auditLog.reason, entry.reason],
    [auditLog.before, entry.before],
    [auditLog.after, entry.after],
    [auditLog.at, entry.at],
    [auditLog.prevHash, prevHash],
    [auditLog.hash, hash],
    [auditLog.mac, key ? key.sign(hash) : null],
  ];
  const { rows } = await db.execute<{ applied: number }>(sql`
    with head as (
      select ${auditLog.seq} as seq, ${auditLog.hash} as hash from ${auditLog}
      where ${auditLog.streamId} = ${streamId} order by ${auditLog.seq} desc limit 1),
    at_anchor as (
      select 1 where (select seq from head) is not distinct from ${prev.seq === 0 ? null : prev.seq}::int
        and (select hash from head) is not distinct from ${prev.seq === 0 ? null : prevHash}::text),
    written as (
      ${insertFrom(auditLog, columns, sql.raw('at_anchor'))}
      on conflict (${name(auditLog.streamId)}, ${name(auditLog.seq)}) do nothing
      returning ${auditLog.seq}),
    ${readModelCtes(record, sql.raw('written'))}
    select (select count(*) from written)::int as applied`);
  return rows[0]?.applied === 1 ? { applied: true, seq: record.seq, hash } : null;
}
