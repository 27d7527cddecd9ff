import type { Request, RequestHandler } from 'express';
import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { builtOnce } from '../db/prepared';
import { timeStage } from '../runtime/stage-timing';
import { accessAudit, type AccessKind } from '../db/schema/access-audit';
import type { Principal } from './auth';

export interface AccessEntry {
  kind: AccessKind;
  /** Who, when known: the signed-in principal, or only the username a sign-in named. */
  principal?: Principal;
  username?: string;
  status: number;
  subject?: string;
  detail?: Record<string, unknown>;
}

const ENTRY_COLUMNS = [
  'kind',
  'userId',
  'username',
  'role',
  'unitId',
  'ip',
  'method',
  'path',
  'status',
  'requestId',
  'subject',
  'detail',
] as const;
type EntryRow = { [K in (typeof ENTRY_COLUMNS)[number]]: (typeof accessAudit.$inferInsert)[K] };
/** The insert of one entry, built once; its values are filled in per request (a placeholder per column of the list). */
const insertEntry = builtOnce((db) =>
  db
    .insert(accessAudit)
    .values(Object.fromEntries(ENTRY_COLUMNS.map((c) => [c, sql.placeholder(c)])) as unknown as EntryRow)
    .prepare('access_audit_insert'),
);

/** Write one access-audit entry for a request (who, from where, what, the answer). */
export async function recordAccess(db: Db, req: Request, entry: AccessEntry): Promise<void> {
  const p = entry.principal ?? req.principal;
  const row: EntryRow = {
    kind: entry.kind,
    userId: p?.userId ?? null,
    username: entry.username ?? p?.username ?? null,
    role: p?.role ?? null,
    unitId: p?.unitId ?? null,
    ip: req.ip ?? null,
    method: req.method,
    path: req.originalUrl.slice(0, 500),
    status: entry.status,
    requestId: req.id === undefined ? null : String(req.id),
    subject: entry.subject ?? null,
    detail: entry.detail ?? {},
  };
  await timeStage('api.access-audit', () => insertEntry(db).execute(row));
}

/**
 * Every 401 and 403 answer, whichever part of the app refused it, is audited once it is sent (the
 * problem code comes from `res.locals.problemCode`, set by api/problem.ts). A failed write is logged,
 * not turned into an error for a request that has already been answered.
 */
export function auditRefusals(db: Db): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode !== 401 && res.statusCode !== 403) return;
      const code = (res.locals as { problemCode?: unknown }).problemCode;
      recordAccess(db, req, {
        kind: res.statusCode === 401 ? 'unauthenticated' : 'forbidden',
        status: res.statusCode,
        detail: typeof code === 'string' ? { code } : {},
      }).catch((err: unknown) => req.log?.error({ err }, 'access audit not written'));
    });
    next();
  };
}

const applicantData = (data: unknown) =>
  (data as { applicant?: { name?: unknown; phone?: unknown; idNumber?: unknown } } | null)?.applicant;

/**
 * Audit a read of an approval case's applicant (name, phone, masked ID number): which case, which
 * fields, and which (masked) ID number the caller saw. Nothing is written for a case without them.
 */
export async function recordApplicantRead(db: Db, req: Request, caseId: string, data: unknown): Promise<void> {
  const applicant = applicantData(data);
  if (!applicant) return;
  const fields = (['name', 'phone', 'idNumber'] as const).filter(
    (f) => typeof applicant[f] === 'string' && applicant[f] !== '',
  );
  if (!fields.length) return;
  const idNumber = typeof applicant.idNumber === 'string' ? applicant.idNumber : null;
  await recordAccess(db, req, {
    kind: 'personal-data-read',
    status: 200,
    subject: caseId,
    detail: { fields: fields.map((f) => `applicant.${f}`), ...(idNumber ? { idNumber } : {}) },
  });
}

/** Audit a read of staff phone numbers: which users' numbers the caller saw. */
export async function recordPhoneRead(
  db: Db,
  req: Request,
  subject: string,
  rows: readonly { id: string; phone: string | null }[],
): Promise<void> {
  const userIds = rows.filter((r) => r.phone).map((r) => r.id);
  if (!userIds.length) return;
  await recordAccess(db, req, {
    kind: 'personal-data-read',
    status: 200,
    subject,
    detail: { fields: ['phone'], userIds },
  });
}
