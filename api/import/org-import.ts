import { eq as eqId } from 'drizzle-orm';
import type { Db } from '../../db';
import { appendAudit, lockStream } from '../../db/audit';
import {
  orgUnits,
  POWER_CATEGORY_LABELS,
  powerListItems,
  users,
  type OrgUnit,
  type PowerListItem,
  type User,
} from '../../db/schema/org';
import type { Principal } from '../auth';
import { ROLE_LABEL } from '../authz';
import { KIND_LABEL } from '../routes/org';
import { planOrg } from './plan-org';
import { planPowers } from './plan-powers';
import { planUsers } from './plan-users';
import { readRows } from './rows';
import { snapshot, type Plan, type Snapshot, type Write } from './snapshot';
import type { Sheet } from './spreadsheet';
import { SOURCE_LABEL, type ImportIssue, type ImportKind, type ImportReport } from './templates';

/*
 * Import of a county's org tree, staff roster and township power lists (权责清单) from the
 * spreadsheets it already keeps, in the templates of templates.ts. Every row is checked against the file and
 * the database before anything is written; a dry run reports every bad row (row number, column,
 * reason in Chinese and English) and writes nothing. Applying is idempotent: a row that matches the
 * database changes nothing, a changed row updates, and a record the file does not mention is
 * reported as missing, never deleted. Every write is audited in the `admin:org` stream.
 *
 * The templates and the report are in templates.ts, reading rows in rows.ts, the database as the
 * plan sees it in snapshot.ts, and the checks of each kind in plan-org.ts, plan-users.ts and
 * plan-powers.ts.
 */

/** Check every row and work out the writes; nothing is written. */
function plan(kind: ImportKind, sheet: Sheet, db: Snapshot): Plan {
  const errors: ImportIssue[] = [];
  const rows = readRows(kind, sheet, errors);
  if (rows.length === 0)
    errors.push({ row: 2, column: '', message: { zh: '文件中没有数据行', en: 'The file has no data rows' } });
  const empty: Plan = {
    report: { kind, rows: rows.length, errors, created: [], updated: [], unchanged: 0, missing: [] },
    units: [],
    users: [],
    leaders: [],
    powers: [],
  };
  const result =
    kind === 'org'
      ? { ...empty, ...planOrg(rows, db, errors), known: [...db.units.keys()] }
      : kind === 'users'
        ? { ...empty, ...planUsers(rows, db, errors), known: [...db.users.values()].map((u) => u.username) }
        : { ...empty, ...planPowers(rows, db, errors), known: [...db.powers.keys()] };
  const writes: Write<unknown>[] = [...result.units, ...result.users, ...result.powers];
  errors.sort((a, b) => a.row - b.row);
  result.report.created = writes.filter((w) => !w.before).map((w) => w.key);
  result.report.updated = [...writes, ...result.leaders]
    .filter((w) => w.before)
    .map((w) => ({ key: w.key, fields: w.fields }));
  result.report.unchanged = result.seen.size - writes.length;
  result.report.missing = result.known.filter((k) => !result.seen.has(k));
  return result;
}

/** A dry run: the report of what applying the file would do; nothing is written. */
export async function dryRun(db: Db, kind: ImportKind, sheet: Sheet): Promise<ImportReport> {
  return plan(kind, sheet, await snapshot(db)).report;
}

/**
 * Apply a file: checked again inside one transaction on the `admin:org` audit stream (so a
 * concurrent edit cannot slip between check and write); with any bad row nothing is written.
 */
export async function applyImport(db: Db, kind: ImportKind, sheet: Sheet, actor: Principal): Promise<ImportReport> {
  return db.transaction(async (tx) => {
    await lockStream(tx, 'admin:org');
    const p = plan(kind, sheet, await snapshot(tx));
    if (p.report.errors.length > 0) return p.report;
    const at = new Date();
    const audit = (action: string, before: unknown, after: unknown) =>
      appendAudit(tx, {
        streamId: 'admin:org',
        actorId: actor.userId,
        actorUnitId: actor.unitId,
        actorRole: actor.role,
        action,
        reason: `import:${kind}`,
        before,
        after,
        at,
      });
    const view = <T extends { createdAt?: Date; updatedAt?: Date }>(row: T) => {
      const { createdAt: _c, updatedAt: _u, ...rest } = row;
      return rest;
    };
    for (const w of p.units) {
      if (w.before) {
        const [after] = await tx.update(orgUnits).set(w.values).where(eqId(orgUnits.id, w.before.id)).returning();
        await audit('org.import.unit.update', view(w.before), after && view(after));
      } else {
        const [after] = await tx
          .insert(orgUnits)
          .values(w.values as OrgUnit)
          .returning();
        await audit('org.import.unit.create', null, after && view(after));
      }
    }
    for (const w of p.users) {
      if (w.before) {
        const [after] = await tx.update(users).set(w.values).where(eqId(users.id, w.before.id)).returning();
        await audit('org.import.user.update', view(w.before), after && view(after));
      } else {
        const [after] = await tx
          .insert(users)
          .values(w.values as User)
          .returning();
        await audit('org.import.user.create', null, after && view(after));
      }
    }
    for (const w of p.leaders) {
      const [after] = await tx.update(orgUnits).set(w.values).where(eqId(orgUnits.id, w.before!.id)).returning();
      await audit('org.import.unit.update', view(w.before!), after && view(after));
    }
    for (const w of p.powers) {
      if (w.before) {
        const [after] = await tx
          .update(powerListItems)
          .set(w.values)
          .where(eqId(powerListItems.id, w.before.id))
          .returning();
        await audit('org.import.power.update', view(w.before), after && view(after));
      } else {
        const [after] = await tx
          .insert(powerListItems)
          .values(w.values as PowerListItem)
          .returning();
        await audit('org.import.power.create', null, after && view(after));
      }
    }
    return p.report;
  });
}

// ── export in the same templates ─────────────────────────────────────────────────────────────────

const yesNo = (v: boolean) => (v ? '是' : '否');

/** The database's rows in the template's columns (what an import of the same file would leave unchanged). */
export async function exportRows(db: Db, kind: ImportKind): Promise<string[][]> {
  const s = await snapshot(db);
  if (kind === 'org') {
    return [...s.units.values()].map((u) => [
      u.id,
      u.parentId ?? '',
      KIND_LABEL[u.kind],
      u.name,
      u.nameEn ?? '',
      u.departmentId ?? '',
      u.regionCode ?? '',
    ]);
  }
  if (kind === 'users') {
    const leaders = new Set([...s.units.values()].map((u) => u.leaderUserId).filter((x): x is string => !!x));
    const unitPath = (id: string) => s.units.get(id)?.path ?? id;
    return [...s.users.values()]
      .sort((a, b) => unitPath(a.unitId).localeCompare(unitPath(b.unitId)) || a.username.localeCompare(b.username))
      .map((u) => [
        u.username,
        u.id,
        u.displayName,
        ROLE_LABEL[u.role],
        u.unitId,
        yesNo(u.isLeader),
        yesNo(leaders.has(u.id) && s.units.get(u.unitId)?.leaderUserId === u.id),
        u.phone ?? '',
        yesNo(u.active),
      ]);
  }
  return [...s.powers.values()].map((p) => [
    p.unitId,
    p.code,
    p.name,
    POWER_CATEGORY_LABELS[p.category],
    SOURCE_LABEL[p.source],
    p.legalBasis ?? '',
    yesNo(p.active),
  ]);
}
