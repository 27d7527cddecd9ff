import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { CookieOptions, Request, Response } from 'express';
import type { Config } from '../config';
import type { Db } from '../db';
import { sessions } from '../db/schema/sessions';
import { Problem } from './problem';

/*
 * Console sessions. The console never holds a token: signing in (through the county's identity
 * provider, or dev login where it is on) opens a server-side session whose random id travels only in
 * an httpOnly cookie — out of reach of any script on the page, so an injected script cannot carry a
 * credential away — SameSite=Lax (not sent on cross-site POSTs) and Secure when the console is
 * served over HTTPS (then also `__Host-`-prefixed: this host only, path /). The table keeps the id's
 * SHA-256 only. API clients keep using `Authorization: Bearer`.
 */

/** A random id and its SHA-256 (what the database keeps). */
export function newSecret(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashSecret(value) };
}

export const hashSecret = (value: string) => createHash('sha256').update(value).digest('base64url');

const secure = (config: Config) => config.publicUrl.startsWith('https://');

/** The session cookie's name: `__Host-` prefixed when Secure, which browsers only accept from this host on path /. */
export const sessionCookieName = (config: Config) => (secure(config) ? '__Host-tc_session' : 'tc_session');

export function cookieOptions(config: Config, extra: CookieOptions = {}): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: secure(config), path: '/', ...extra };
}

/** One cookie of the request, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eqAt = part.indexOf('=');
    if (eqAt > 0 && part.slice(0, eqAt).trim() === name) return decodeURIComponent(part.slice(eqAt + 1).trim());
  }
  return undefined;
}

/** Open a session for a user and set its cookie; expired sessions are swept on the way. */
export async function openSession(
  db: Db,
  config: Config,
  res: Response,
  opts: { userId: string; method: 'oidc' | 'dev'; idToken?: string; maxAgeS?: number },
): Promise<Date> {
  const maxAgeS = Math.min(opts.maxAgeS ?? config.auth.sessionMaxAgeS, config.auth.sessionMaxAgeS);
  const expiresAt = new Date(Date.now() + maxAgeS * 1000);
  const { value, hash } = newSecret();
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  await db
    .insert(sessions)
    .values({ idHash: hash, userId: opts.userId, method: opts.method, idToken: opts.idToken ?? null, expiresAt });
  res.cookie(sessionCookieName(config), value, cookieOptions(config, { maxAge: maxAgeS * 1000 }));
  return expiresAt;
}

/** End the request's session (if any) and clear its cookie; returns the ended session's ID token for the provider's sign-out. */
export async function closeSession(
  db: Db,
  config: Config,
  req: Request,
  res: Response,
): Promise<{ idToken: string | null; method: 'oidc' | 'dev' } | null> {
  const value = readCookie(req, sessionCookieName(config));
  res.clearCookie(sessionCookieName(config), cookieOptions(config));
  if (!value) return null;
  const [ended] = await db
    .delete(sessions)
    .where(eq(sessions.idHash, hashSecret(value)))
    .returning({ idToken: sessions.idToken, method: sessions.method });
  return ended ?? null;
}

const unauthenticated = (code: string, zh: string, en: string) => new Problem('unauthenticated', { zh, en }, { code });

/**
 * The user id of the request's session cookie, null without one. An ended or expired session is
 * a 401 `session-expired` ("请重新登录"); the console then signs in again and returns to the page.
 * A cookie-authenticated write from another site is refused (SameSite=Lax already keeps the cookie
 * off cross-site POSTs; this also covers sibling subdomains and older browsers).
 */
export async function sessionUserId(req: Request, db: Db, config: Config): Promise<string | null> {
  const value = readCookie(req, sessionCookieName(config));
  if (!value) return null;
  if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && crossSite(req, config)) {
    throw new Problem(
      'forbidden',
      { zh: '拒绝来自其他网站的请求', en: 'Cross-site request refused' },
      { code: 'cross-site-request' },
    );
  }
  const [session] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.idHash, hashSecret(value)));
  if (!session || session.expiresAt.getTime() <= Date.now()) {
    throw unauthenticated(
      'session-expired',
      '登录已过期，请重新登录',
      'Your session has expired; please sign in again',
    );
  }
  return session.userId;
}

function crossSite(req: Request, config: Config): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    const host = new URL(origin).host;
    return host !== req.headers.host && host !== new URL(config.publicUrl).host;
  } catch {
    return true;
  }
}
