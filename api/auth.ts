import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Request } from 'express';
import { eq, sql, type SQL } from 'drizzle-orm';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { DEV_ISSUER, type Config } from '../config';
import type { Db } from '../db';
import { builtOnce } from '../db/prepared';
import { orgUnits, users, type OrgUnitKind, type Role } from '../db/schema/org';
import type { AppDeps } from './deps';
import { oidcConfiguration } from './oidc-configuration';
import { sessionUserId } from './session';
import { cacheVerifiedTokens } from './verified-tokens';
import { issuerKeys, unauthenticated, verifyUnderRules } from './token-rules';
import type { Configuration as OidcConfiguration } from 'openid-client';

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
  /** Verify a bearer token under the token rules (signature, issuer, audience, exp, iat); throws a 401 Problem. */
  verify(token: string): Promise<JWTPayload>;
  /** Issue a token for a user; only present when dev login is on. */
  issueDevToken?: (user: { id: string; username: string }) => Promise<{ token: string; expiresAt: Date }>;
  /** Public keys, served at /.well-known/jwks.json in dev mode so other tools can verify. */
  publicJwks?: { keys: JWK[] };
  /** The identity provider's client configuration for console sign-in (api/oidc.ts); absent without AUTH_CLIENT_ID. */
  oidc?: () => Promise<OidcConfiguration>;
}

const DEV_ALG = 'ES256';
const DEV_TOKEN_TTL_S = 12 * 3600;

async function loadOrCreateDevKey(file: string | null): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALG, { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const pair = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: DEV_ALG },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: DEV_ALG, use: 'sig' },
  };
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(pair), { mode: 0o600 });
  }
  return pair;
}

/**
 * Tokens are always verified against a JWKS: the configured issuer's (any OIDC provider), and, when
 * dev login is on, a local key pair kept in the data folder that signs dev-login tokens (its own
 * issuer, `township-cases-dev`; a token is checked against the dev key only when it names that key).
 */
export async function createAuthenticator(config: Config, opts: { persistKey?: boolean } = {}): Promise<Authenticator> {
  const { auth } = config;
  const external = auth.issuer !== DEV_ISSUER || auth.jwksUrl || !auth.devLogin ? issuerKeys(auth) : null;
  const oidc = oidcConfiguration(config);
  if (!auth.devLogin)
    return { verify: cacheVerifiedTokens((token) => verifyUnderRules(token, external!, auth), auth), oidc };
  const pair = await loadOrCreateDevKey(
    opts.persistKey === false ? null : path.join(config.dataDir, 'dev-auth-key.json'),
  );
  const devKeys = createLocalJWKSet({ keys: [pair.publicJwk] });
  const devRules = { ...auth, issuer: DEV_ISSUER };
  const signingKey = await importJWK(pair.privateJwk, DEV_ALG);
  const isDevToken = (token: string) => {
    try {
      return decodeProtectedHeader(token).kid === pair.publicJwk.kid;
    } catch {
      return false;
    }
  };
  return {
    verify: cacheVerifiedTokens(
      (token) =>
        external && !isDevToken(token)
          ? verifyUnderRules(token, external, auth)
          : verifyUnderRules(token, devKeys, devRules),
      auth,
    ),
    async issueDevToken(user) {
      const expiresAt = new Date(Date.now() + Math.min(DEV_TOKEN_TTL_S, auth.maxTokenAgeS) * 1000);
      const token = await new SignJWT({ preferred_username: user.username })
        .setProtectedHeader({ alg: DEV_ALG, kid: pair.publicJwk.kid })
        .setSubject(user.id)
        .setIssuer(DEV_ISSUER)
        .setAudience(auth.audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(signingKey);
      return { token, expiresAt };
    },
    publicJwks: { keys: [pair.publicJwk] },
    oidc,
  };
}

/** How a user is looked up: by id, by username, or (for people typing either, e.g. a transfer) by whichever matches. */
export type UserKey = 'id' | 'username' | 'id-or-username';

const principalWhere: Record<UserKey, SQL> = {
  id: sql`${users.id} = ${sql.placeholder('value')}`,
  username: sql`${users.username} = ${sql.placeholder('value')}`,
  'id-or-username': sql`(${users.id} = ${sql.placeholder('value')} or ${users.username} = ${sql.placeholder('value')})`,
};
/** The principal's user and unit, and whether that unit is the org tree's one root (the county). */
const preparePrincipal = (db: Db, by: UserKey) =>
  db
    .select({
      user: users,
      unit: orgUnits,
      soleRoot: sql<boolean>`${orgUnits.parentId} is null and (select count(*) from (select 1 from ${orgUnits} r where r.parent_id is null limit 2) roots) = 1`,
    })
    .from(users)
    .innerJoin(orgUnits, eq(users.unitId, orgUnits.id))
    .where(principalWhere[by])
    .prepare(`principal_by_${by.replaceAll('-', '_')}`);
const principalStatement: Record<UserKey, (db: Db) => ReturnType<typeof preparePrincipal>> = {
  id: builtOnce((db) => preparePrincipal(db, 'id')),
  username: builtOnce((db) => preparePrincipal(db, 'username')),
  'id-or-username': builtOnce((db) => preparePrincipal(db, 'id-or-username')),
};

/**
 * Load a principal; null when unknown or inactive. Ids and usernames never collide (the database
 * refuses a username equal to another user's id, migration 0010), so even `id-or-username` names at
 * most one user.
 */
export async function loadPrincipal(db: Db, value: string, by: UserKey = 'id'): Promise<Principal | null> {
  const rows = await principalStatement[by](db).execute({ value });
  if (rows.length > 1) throw new Error(`${value} names ${rows.length} users`);
  const row = rows[0];
  if (!row || !row.user.active) return null;
  return {
    userId: row.user.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role,
    unitId: row.unit.id,
    unitPath: row.unit.path,
    unitKind: row.unit.kind,
    isLeader: row.user.isLeader,
    unitIsSoleRoot: row.soleRoot,
  };
}

/**
 * The one user a verified token (or ID token) names: the configured claim must be a non-empty
 * string and equal exactly one active user's id or username (by configuration, never either).
 */
export async function principalOfClaims(db: Db, auth: Config['auth'], claims: JWTPayload): Promise<Principal> {
  const value = claims[auth.userClaim];
  if (typeof value !== 'string' || value === '') {
    throw unauthenticated(
      'token-user-claim-missing',
      `登录令牌中没有用于识别用户的声明「${auth.userClaim}」，请联系管理员检查统一身份认证配置`,
      `The token has no "${auth.userClaim}" claim to identify the user; ask the administrator to check the identity provider settings`,
    );
  }
  const principal = await loadPrincipal(db, value, auth.userField);
  if (!principal) {
    throw unauthenticated(
      'unknown-user',
      `统一身份认证账号「${value}」尚未在本系统开通或已停用，请联系本单位系统管理员添加`,
      `The account "${value}" has not been added to this system or is disabled; ask your administrator to add you`,
    );
  }
  return principal;
}

/**
 * Resolve a request to a principal — by its bearer token (API clients), else by its console
 * session cookie (api/session.ts) — or throw a 401 Problem.
 */
export async function authenticate(
  req: Request,
  deps: Pick<AppDeps, 'auth' | 'database' | 'config'>,
): Promise<Principal> {
  const db = deps.database.db;
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1])
      throw unauthenticated(
        'unauthenticated',
        '请先登录：Authorization 须为 Bearer 令牌',
        'Sign in first: Authorization must be a Bearer token',
      );
    return principalOfClaims(db, deps.config.auth, await deps.auth.verify(match[1]));
  }
  const userId = await sessionUserId(req, db, deps.config);
  if (userId === null)
    throw unauthenticated(
      'unauthenticated',
      '请先登录',
      'Sign in first: no session and no Authorization: Bearer token',
    );
  const principal = await loadPrincipal(db, userId);
  if (!principal)
    throw unauthenticated(
      'unknown-user',
      '账号已停用，请联系本单位系统管理员',
      'Your account is disabled; ask your administrator',
    );
  return principal;
}
