import { sql, type Query, type SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../db';
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
/**
 * A parameter of the statement, filled when it runs: `$n`, cast to `column`'s type when there is one
 * (its value stored as the column stores it: see {@link stored}). The statements below are built
 * once from these and run with their values: building a dozen CTEs from the schema on every write
 * was a good part of the worker's time per action.
 */
const slot = (key: string, column?: PgColumn) =>
  column ? sql`${sql.placeholder(key)}::${sql.raw(column.getSQLType())}` : sql`${sql.placeholder(key)}`;
/** A value as `column` stores it (jsonb serialised, arrays as literals, …); null stays SQL null. */
const stored = (column: PgColumn, v: unknown) => (v === null || v === undefined ? null : column.mapToDriverValue(v));
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

type Row<T> = [PgColumn, (from: T) => unknown][];
/** `insert into <table> (<columns>) select <slots> from <gate>`: one row, written only when `gate` has one. */
const insertFrom = <T>(table: PgTable, prefix: string, row: Row<T>, gate: SQL) =>
  sql`insert into ${table} (${list(row.map(([c]) => name(c)))}) select ${list(row.map(([c]) => slot(`${prefix}.${c.name}`, c)))} from ${gate}`;
/** The values of `insertFrom`'s slots for one row taken `from`. */
const rowValues = <T>(prefix: string, row: Row<T>, from: T, into: Record<string, unknown>) => {
  for (const [c, value] of row) into[`${prefix}.${c.name}`] = stored(c, value(from));
};

/** The case row of a transition. */
const CASE_ROW: Row<TransitionRecord> = [
  [cases.id, (r) => r.snapshot.caseId],
  [cases.process, (r) => r.snapshot.process],
  [cases.title, (r) => r.snapshot.title],
  [cases.status, (r) => r.snapshot.status],
  [cases.currentStep, (r) => r.snapshot.currentStep],
  [cases.level, (r) => r.snapshot.level],
  [cases.unitId, (r) => r.snapshot.unitId],
  [cases.ownerUnitId, (r) => r.snapshot.ownerUnitId],
  [cases.colour, (r) => r.snapshot.colour],
  [cases.deadline, (r) => toDate(r.snapshot.deadline)],
  [cases.caseDeadline, ({ snapshot: s }) => toDate(s.caseDeadline === undefined ? s.deadline : s.caseDeadline)],
  [cases.stepDeadline, (r) => toDate(r.snapshot.stepDeadline ?? null)],
  [cases.clockKind, (r) => r.snapshot.clockKind ?? 'case'],
  [cases.calendarWarnings, (r) => r.snapshot.calendarWarnings],
  [cases.data, (r) => r.snapshot.data],
  [cases.projectedSeq, (r) => r.seq],
  [cases.createdAt, (r) => new Date(r.snapshot.createdAt)],
  [cases.updatedAt, (r) => new Date(r.snapshot.updatedAt)],
  [cases.closedAt, (r) => toDate(r.snapshot.closedAt)],
];

/** The values of {@link readModelCtes}' slots for `record`. */
function readModelValues(record: TransitionRecord, into: Record<string, unknown>): void {
  const s = record.snapshot;
  rowValues('case', CASE_ROW, record, into);
  const units = new Map([
    [`${s.unitId}|responsible`, { unit_id: s.unitId, relation: 'responsible' }],
    [`${s.ownerUnitId}|owner`, { unit_id: s.ownerUnitId, relation: 'owner' }],
  ]);
  for (const u of s.units) units.set(`${u.unitId}|${u.relation}`, { unit_id: u.unitId, relation: u.relation });
  into['rm.caseId'] = s.caseId;
  into['rm.seq'] = record.seq;
  into['rm.files'] = attachmentsOf(record.audit.after).map((f) => f.id);
  into['rm.assignments'] = JSON.stringify(
    s.assignments.map((a) => ({ unit_id: a.unitId, role: a.role, user_id: a.userId ?? '', actions: a.actions })),
  );
  into['rm.units'] = JSON.stringify([...units.values()]);
  into['rm.clocks'] = JSON.stringify(
    s.clocks.map((c) => ({
      key: c.key,
      label: c.label,
      state: c.state,
      level: c.level,
      deadline: c.deadline,
      budget: c.budget,
      consumed: c.consumed,
      fallback_years: c.fallbackYears,
      ledger: c.ledger,
    })),
  );
}

/**
 * CTEs writing the read model of a transition (its values: {@link readModelValues}), each row
 * written only when `gate` (a CTE name) has a row: the case row (never over a later transition's),
 * the files the entry carries, and the case's assignments, units and clocks made exactly the
 * snapshot's (rows not in it deleted, the rest inserted or updated — one statement, so no row is
 * touched twice).
 */
function readModelCtes(gate: SQL): SQL {
  const changed = CASE_ROW.map(([c]) => c).filter((c) => c !== cases.id && c !== cases.createdAt);
  const id = slot('rm.caseId', cases.id);
  const seq = slot('rm.seq', attachments.auditSeq);

  return sql`
    rm_case as (
      ${insertFrom(cases, 'case', CASE_ROW, gate)}
      on conflict (${name(cases.id)}) do update set ${list(changed.map((c) => sql`${name(c)} = excluded.${name(c)}`))}
      where ${cases.projectedSeq} < excluded.${name(cases.projectedSeq)}),
    rm_files as (
      update ${attachments} set ${name(attachments.caseId)} = ${id}, ${name(attachments.auditSeq)} = ${seq}
      where ${attachments.id} = any(${slot('rm.files')}::${sql.raw(attachments.id.getSQLType())}[]) and ${attachments.auditSeq} is null
        and (${attachments.caseId} = ${id} or ${attachments.caseId} is null) and exists (select 1 from ${gate})),
    rm_new_assignments as (
      select distinct on (x.unit_id, x.role, x.user_id) x.unit_id, x.role, x.user_id, x.actions
      from jsonb_to_recordset(${slot('rm.assignments')}::jsonb) as x(unit_id text, role text, user_id text, actions jsonb)),
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
      from jsonb_to_recordset(${slot('rm.units')}::jsonb) as x(unit_id text, relation text)),
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
      from jsonb_to_recordset(${slot('rm.clocks')}::jsonb)
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

const dialect = new PgDialect();
/** Build `statement` once, on first use; run it with `values` for its slots on `db` (a pool or a transaction). */
function compiled(statement: () => SQL) {
  let query: Query | undefined;
  return <Result>(db: Db | Tx, values: Record<string, unknown>) => {
    query ??= dialect.sqlToQuery(statement());
    return db._.session
      .prepareQuery<{ execute: { rows: Result[] } } & PreparedQueryConfig>(query, undefined, undefined, false)
      .execute(values);
  };
}

const readModelStatement = compiled(() => sql`with go as (select 1), ${readModelCtes(sql.raw('go'))} select 1`);

/** Write the read model of `record` (in the caller's transaction, after its audit entry). */
export async function writeReadModel(tx: Tx, record: TransitionRecord): Promise<void> {
  const values: Record<string, unknown> = {};
  readModelValues(record, values);
  await readModelStatement(tx, values);
}

interface AuditRowOf {
  entry: AuditFacts;
  prevHash: string;
  hash: string;
  mac: string | null;
}
/** The audit entry's row. */
const AUDIT_ROW: Row<AuditRowOf> = [
  [auditLog.streamId, (a) => a.entry.streamId],
  [auditLog.seq, (a) => a.entry.seq],
  [auditLog.actorId, (a) => a.entry.actorId],
  [auditLog.actorUnitId, (a) => a.entry.actorUnitId],
  [auditLog.actorRole, (a) => a.entry.actorRole],
  [auditLog.action, (a) => a.entry.action],
  [auditLog.reason, (a) => a.entry.reason],
  [auditLog.before, (a) => a.entry.before],
  [auditLog.after, (a) => a.entry.after],
  [auditLog.at, (a) => a.entry.at],
  [auditLog.prevHash, (a) => a.prevHash],
  [auditLog.hash, (a) => a.hash],
  [auditLog.mac, (a) => a.mac],
];

const anchoredStatement = compiled(
  () => sql`
    with head as (
      select ${auditLog.seq} as seq, ${auditLog.hash} as hash from ${auditLog}
      where ${auditLog.streamId} = ${slot('anchor.streamId', auditLog.streamId)} order by ${auditLog.seq} desc limit 1),
    at_anchor as (
      select 1 where (select seq from head) is not distinct from ${slot('anchor.seq')}::int
        and (select hash from head) is not distinct from ${slot('anchor.hash')}::text),
    written as (
      ${insertFrom(auditLog, 'audit', AUDIT_ROW, sql.raw('at_anchor'))}
      on conflict (${name(auditLog.streamId)}, ${name(auditLog.seq)}) do nothing
      returning ${auditLog.seq}),
    ${readModelCtes(sql.raw('written'))}
    select (select count(*) from written)::int as applied`,
);

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
  const values: Record<string, unknown> = {
    'anchor.streamId': streamId,
    'anchor.seq': prev.seq === 0 ? null : prev.seq,
    'anchor.hash': prev.seq === 0 ? null : prevHash,
  };
  rowValues('audit', AUDIT_ROW, { entry, prevHash, hash, mac: key ? key.sign(hash) : null }, values);
  readModelValues(record, values);
  const { rows } = await anchoredStatement<{ applied: number }>(db, values);
  return rows[0]?.applied === 1 ? { applied: true, seq: record.seq, hash } : null;
}
