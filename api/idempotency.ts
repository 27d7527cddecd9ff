import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Request } from 'express';
import type { Db } from '../db';
import { builtOnce } from '../db/prepared';
import { idempotencyKeys } from '../db/schema';
import { Problem } from './problem';

/**
 * `Idempotency-Key` on POST requests (the IETF httpapi draft): a client that did not get an answer —
 * a timeout, a dropped connection, a worker restarting — may send the same request again with the
 * same key and gets the first answer, so a case is opened or an action applied once. Keys are per
 * user, kept for {@link KEY_TTL_MS}; only successful answers are kept (a refused request changed
 * nothing and may be retried as it is).
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
/** How long an answer is replayed. */
export const KEY_TTL_MS = 24 * 3_600_000;
/**
 * An attempt still unanswered after this long is taken to have died (with its process, or while the
 * database was away so it could not let go): a retry takes over, keeping its case number. Two
 * attempts running at once are safe anyway — a start reuses the case number and an action its
 * Update id, which the engine carries out once — so this only needs to outlast one attempt (the
 * engine's 30 s answer deadline plus the database work around it).
 */
const STALE_PENDING_MS = 90_000;

export type Replay = { status: number; body: unknown };

export interface IdempotentRun {
  /** The stored answer of an earlier request with this key: send it and do nothing else. */
  replay: Replay | null;
  /** The case number an earlier attempt of this request allocated (see {@link rememberCaseId}). */
  caseId: string | null;
  /** The workflow Update id of this request: the same for every attempt with this key, so the engine carries it out once. */
  updateId: string;
  /** Keep the case number this request allocated, so that a retry opens the same case. */
  rememberCaseId(caseId: string): Promise<void>;
  /** Record the answer of this, the first, request. */
  complete(status: number, body: unknown): Promise<void>;
  /**
   * The request failed: forget the key so that a retry runs again — unless it allocated a case
   * number, which the retry must reuse (the case may already exist in the engine, e.g. after a 503
   * because the engine did not confirm in time): then the key is released to the next attempt.
   */
  abandon(): Promise<void>;
}

/** The key of a request, or null without the header; a malformed key is a 400. */
export function idempotencyKeyOf(req: Request): string | null {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return null;
  if (!KEY_PATTERN.test(key)) {
    throw new Problem(
      'badRequest',
      {
        zh: 'Idempotency-Key 须为 1–200 个可见 ASCII 字符（建议使用 UUID）',
        en: 'Idempotency-Key must be 1–200 visible ASCII characters (a UUID is a good choice)',
      },
      {
        code: 'bad-idempotency-key',
        issues: [{ path: 'header.idempotency-key', message: { zh: '格式不正确', en: 'malformed' } }],
      },
    );
  }
  return key;
}

/** This user's row of this key: the condition of the statements below. */
const keyRow = and(
  eq(idempotencyKeys.userId, sql.placeholder('userId')),
  eq(idempotencyKeys.key, sql.placeholder('key')),
);
/** Claim a new key, or one whose answer has expired (it starts afresh); returns the key when claimed. */
const claimStatement = builtOnce((db) =>
  db
    .insert(idempotencyKeys)
    .values({
      userId: sql.placeholder('userId'),
      key: sql.placeholder('key'),
      request: sql.placeholder('request'),
      requestHash: sql.placeholder('requestHash'),
    })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: {
        request: sql`excluded.${sql.identifier(idempotencyKeys.request.name)}`,
        requestHash: sql`excluded.${sql.identifier(idempotencyKeys.requestHash.name)}`,
        status: null,
        response: null,
        createdAt: sql`now()`,
        completedAt: null,
        caseId: null,
        releasedAt: null,
      },
      setWhere: lt(idempotencyKeys.createdAt, sql.placeholder('expiredBefore')),
    })
    .returning({ key: idempotencyKeys.key })
    .prepare('idempotency_claim'),
);
const earlierStatement = builtOnce((db) =>
  db.select().from(idempotencyKeys).where(keyRow).prepare('idempotency_earlier'),
);
const rememberStatement = builtOnce((db) =>
  db
    .update(idempotencyKeys)
    .set({ caseId: sql`${sql.placeholder('caseId')}` })
    .where(keyRow)
    .prepare('idempotency_remember_case'),
);
const completeStatement = builtOnce((db) =>
  db
    .update(idempotencyKeys)
    .set({
      status: sql`${sql.placeholder('status')}`,
      // Filled with the body as the column stores it (serialised JSON): a bare placeholder would let pg turn an array into a PostgreSQL array.
      response: sql`${sql.placeholder('response')}::jsonb`,
      completedAt: sql`${sql.placeholder('completedAt')}`,
    })
    .where(keyRow)
    .prepare('idempotency_complete'),
);

/**
 * Claim `key` for this request, or find what an earlier request with it did. The same key with a
 * different request is a 422; the same request still running elsewhere is a 409 to retry later.
 */
export async function claimIdempotencyKey(db: Db, userId: string, key: string, req: Request): Promise<IdempotentRun> {
  const request = `${req.method} ${req.baseUrl}${req.path}`;
  const requestHash = createHash('sha256')
    .update(canonicalize({ request, body: req.body ?? null }) ?? '')
    .digest('hex');
  const mine = () => and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  const now = Date.now();
  // One round trip: a new key is claimed, and so is one whose answer has expired (it starts afresh).
  const claimed = await claimStatement(db).execute({
    userId,
    key,
    request,
    requestHash,
    expiredBefore: new Date(now - KEY_TTL_MS),
  });
  const updateId = `idem-${createHash('sha256').update(`${userId}\n${key}`).digest('hex').slice(0, 40)}`;
  const run = (caseId: string | null): IdempotentRun => {
    let allocated = caseId;
    return {
      replay: null,
      caseId,
      updateId,
      rememberCaseId: async (id) => {
        allocated = id;
        await rememberStatement(db).execute({ userId, key, caseId: id });
      },
      complete: async (status, body) => {
        await completeStatement(db).execute({
          userId,
          key,
          status,
          response: idempotencyKeys.response.mapToDriverValue(body),
          completedAt: new Date(),
        });
      },
      abandon: async () => {
        if (allocated) await db.update(idempotencyKeys).set({ releasedAt: new Date() }).where(mine());
        else await db.delete(idempotencyKeys).where(mine());
      },
    };
  };
  if (claimed.length) return run(null);

  const [earlier] = await earlierStatement(db).execute({ userId, key });
  if (!earlier) return claimIdempotencyKey(db, userId, key, req); // deleted in between: claim again
  if (earlier.requestHash !== requestHash) {
    throw new Problem(
      'ruleRefused',
      {
        zh: `该 Idempotency-Key 已用于另一个请求（${earlier.request}）；新的请求请使用新的键`,
        en: `This Idempotency-Key was already used for a different request (${earlier.request}); use a new key for a new request`,
      },
      { code: 'idempotency-key-reused' },
    );
  }
  const stale = lt(idempotencyKeys.createdAt, new Date(now - STALE_PENDING_MS));
  if (
    earlier.status === null &&
    (earlier.releasedAt !== null || earlier.createdAt.getTime() < now - STALE_PENDING_MS)
  ) {
    // The earlier attempt let go without an answer, or died: this one takes over (one taker only), with its case number.
    const [taken] = await db
      .update(idempotencyKeys)
      .set({ releasedAt: null, createdAt: new Date(now) })
      .where(and(mine(), isNull(idempotencyKeys.status), or(isNotNull(idempotencyKeys.releasedAt), stale)))
      .returning({ caseId: idempotencyKeys.caseId });
    if (taken) return run(taken.caseId);
  }
  if (earlier.status === null) {
    throw new Problem(
      'conflict',
      {
        zh: '同一请求仍在处理中，请稍后用同一个键重试',
        en: 'The same request is still being processed; retry with the same key shortly',
      },
      { code: 'request-in-progress' },
    );
  }
  return { ...run(earlier.caseId), replay: { status: earlier.status!, body: earlier.response } };
}
