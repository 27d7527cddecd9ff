import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Request } from 'express';
import { eq, isNull, or } from 'drizzle-orm';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { Config } from '../config';
import type { Db } from '../db';
import { orgUnits, users, type OrgUnitKind, type Role } from '../db/schema/org';
import type { AppDeps } from './deps';
import { Problem } from './problem';

/** The caller of a request, resolved from the token's subject to a seeded or provisioned user. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  unitPath: string;
  unitKind: OrgUnitKind;
  isLeader: boolean;
  /** The caller's unit is the one root of the org tree (the county), so its subtree is everything. */
  unitIsSoleRoot: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set once the request's bearer token is verified (api/route.ts); read by logs, audit and limits. */
    principal?: Principal;
  }
}

export interface Authenticator {
  /** Verify a bearer token and return its subject. */
  verify(token: string): Promise<{ subject: string }>;
  /** Issue a token for a user; only present when dev login is on. */
  issueDevToken?: (userId: string) => Promise<{ token: string; expiresAt: Date }>;
  /** Public keys, served at /.well-known/jwks.json in dev mode so other tools can verify. */
  publicJwks?: { keys: JWK[] };
}

const DEV_ALG = 'ES256';
const DEV_TOKEN_TTL_S = 12 * 3600;

async function loadOrCreateDevKey(file: string | null): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALG, { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const pair = { privateJwk: { ...(await exportJWK(privateKey)), kid, alg: DEV_ALG }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: DEV_ALG, use: 'sig' } };
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(pair), { mode: 0o600 });
  }
  return pair;
}

/**
 * Tokens are always verified against a JWKS: the configured issuer's (any OIDC provider) in
 * production, or a local key pair kept in the data folder in the embedded default, which also
 * signs dev-login tokens.
 */
export async function createAuthenticator(config: Config, opts: { persistKey?: boolean } = {}): Promise<Authenticator> {
  const { issuer, audience, jwksUrl } = config.auth;
  if (jwksUrl) {
    const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(jwksUrl));
    return {
      async verify(token) {
        const { payload } = await jwtVerify(token, keys, { issuer, audience });
        return { subject: String(payload.sub ?? payload.preferred_username ?? '') };
      },
    };
  }
  if (!config.auth.devLogin) throw new Error('production requires AUTH_JWKS_URL');
  const pair = await loadOrCreateDevKey(opts.persistKey === false ? null : path.join(config.dataDir, 'dev-auth-key.json'));
  const keys = createLocalJWKSet({ keys: [pair.publicJwk] });
  const signingKey = await importJWK(pair.privateJwk, DEV_ALG);
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, keys, { issuer, audience });
      return { subject: String(payload.sub ?? '') };
    },
    async issueDevToken(userId) {
      const expiresAt = new Date(Date.now() + DEV_TOKEN_TTL_S * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: DEV_ALG, kid: pair.publicJwk.kid })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(signingKey);
      return { token, expiresAt };
    },
    publicJwks: { keys: [pair.publicJwk] },
  };
}

/** Load a principal by user id or username; null when unknown or inactive. */
export async function loadPrincipal(db: Db, subject: string): Promise<Principal | null> {
  const rows = await db
    .select({ user: users, unit: orgUnits })
    .from(users)
    .innerJoin(orgUnits, eq(users.unitId, orgUnits.id))
    .where(or(eq(users.id, subject), eq(users.username, subject)))
    .limit(1);
  const row = rows[0];
  if (!row || !row.user.active) return null;
  const roots = row.unit.parentId === null ? await db.select({ id: orgUnits.id }).from(orgUnits).where(isNull(orgUnits.parentId)).limit(2) : [];
  return {
    userId: row.user.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role,
    unitId: row.unit.id,
    unitPath: row.unit.path,
    unitKind: row.unit.kind,
    isLeader: row.user.isLeader,
    unitIsSoleRoot: roots.length === 1,
  };
}

const unauthenticated = (zh: string, en: string) => new Problem('unauthenticated', { zh, en }, { code: 'unauthenticated' });

/** Resolve the bearer token of a request to a principal, or throw a 401 Problem. */
export async function authenticate(req: Request, deps: Pick<AppDeps, 'auth' | 'database'>): Promise<Principal> {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('请先登录：缺少 Authorization: Bearer 令牌', 'Sign in first: missing Authorization: Bearer token');
  let subject: string;
  try {
    ({ subject } = await deps.auth.verify(match[1]));
  } catch {
    throw unauthenticated('登录令牌无效或已过期，请重新登录', 'Token is invalid or expired; sign in again');
  }
  const principal = await loadPrincipal(deps.database.db, subject);
  if (!principal) throw unauthenticated('令牌对应的用户不存在或已停用', 'The token’s user does not exist or is disabled');
  return principal;
}
