import { eq, lt } from 'drizzle-orm';
import express, { type Router } from 'express';
import * as oidc from 'openid-client';
import type { Config } from '../config';
import { signInAttempts } from '../db/schema/sessions';
import { principalOfClaims } from './auth';
import type { AppDeps } from './deps';
import { recordAccess } from './access-audit';
import { Problem } from './problem';
import { cookieOptions, hashSecret, newSecret, openSession, readCookie } from './session';

/*
 * Console sign-in through the county's identity provider (统一身份认证): the OpenID Connect
 * authorization code flow with PKCE, run on the server with `openid-client`, so that no token ever
 * reaches the browser (see api/session.ts). GET /api/v1/auth/oidc/login sends the browser to the
 * provider; GET /api/v1/auth/oidc/callback takes the code back, checks state, nonce and the ID
 * token, finds the one user its configured claim names, opens a session and returns the browser to
 * the page it came from. A failure lands on the console's login page with a reason code.
 */

/** Where the provider sends the browser back to (register it with the provider). */
export const callbackUrl = (config: Config) => `${config.publicUrl}/api/v1/auth/oidc/callback`;
/** Where the provider's sign-out sends the browser back to (register it as a post-logout redirect URI). */
export const postLogoutUrl = (config: Config) => `${config.publicUrl}/login`;

const ATTEMPT_COOKIE = 'tc_signin';
const ATTEMPT_PATH = '/api/v1/auth/oidc';
const ATTEMPT_TTL_MS = 10 * 60_000;

/** A path on this site to return to after sign-in; anything else (another site, `//host`) becomes the inbox. */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && !value.startsWith('/api/')
    ? value
    : '/inbox';
}

/** The ID token's issue time under the same rules as bearer tokens: not in the future, not older than the maximum age. */
function checkIssuedAt(claims: oidc.IDToken, auth: Config['auth']): void {
  const now = Math.floor(Date.now() / 1000);
  if (claims.iat > now + auth.clockToleranceS || now - claims.iat > auth.maxTokenAgeS + auth.clockToleranceS) {
    throw new Problem(
      'unauthenticated',
      { zh: '身份令牌的签发时间不合理', en: 'The ID token’s issue time is out of range' },
      { code: 'token-claims-invalid' },
    );
  }
}

/** Mount the sign-in routes (only when AUTH_CLIENT_ID is set). */
export function oidcRouter(deps: AppDeps): Router {
  const router = express.Router();
  const { config } = deps;
  const db = deps.database.db;
  const configuration = deps.auth.oidc;
  const failed = (code: string, account?: string) =>
    `/login?signin_error=${encodeURIComponent(code)}${account ? `&account=${encodeURIComponent(account)}` : ''}`;

  router.get('/login', async (req, res) => {
    let provider: oidc.Configuration;
    try {
      if (!configuration) throw new Error('OIDC is not configured');
      provider = await configuration();
    } catch (err) {
      req.log?.error({ err }, 'identity provider discovery failed');
      return res.redirect(303, failed('provider-unavailable'));
    }
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const attempt = newSecret();
    await db.delete(signInAttempts).where(lt(signInAttempts.expiresAt, new Date()));
    await db.insert(signInAttempts).values({
      idHash: attempt.hash,
      state,
      nonce,
      codeVerifier,
      returnTo: safeReturnTo(req.query.returnTo),
      expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS),
    });
    res.cookie(ATTEMPT_COOKIE, attempt.value, cookieOptions(config, { path: ATTEMPT_PATH, maxAge: ATTEMPT_TTL_MS }));
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: callbackUrl(config),
      scope: config.auth.oidc?.scopes ?? 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return res.redirect(303, url.href);
  });

  router.get('/callback', async (req, res) => {
    const value = readCookie(req, ATTEMPT_COOKIE);
    res.clearCookie(ATTEMPT_COOKIE, cookieOptions(config, { path: ATTEMPT_PATH }));
    const [attempt] = value
      ? await db
          .delete(signInAttempts)
          .where(eq(signInAttempts.idHash, hashSecret(value)))
          .returning()
      : [];
    if (!attempt || attempt.expiresAt.getTime() < Date.now() || !configuration)
      return res.redirect(303, failed('signin-expired'));
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    let claims: oidc.IDToken | undefined;
    try {
      // The callback URL as the provider saw it (behind a proxy, req's own host may differ).
      const current = new URL(req.originalUrl, config.publicUrl);
      tokens = await oidc.authorizationCodeGrant(await configuration(), current, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      checkIssuedAt(claims, config.auth);
    } catch (err) {
      req.log?.warn({ err }, 'sign-in refused');
      const code = err instanceof oidc.AuthorizationResponseError ? 'provider-refused' : 'signin-failed';
      await recordAccess(db, req, { kind: 'login-failed', status: 303, detail: { method: 'oidc', code } });
      return res.redirect(303, failed(code));
    }
    try {
      const principal = await principalOfClaims(db, config.auth, claims);
      await openSession(db, config, res, { userId: principal.userId, method: 'oidc', idToken: tokens.id_token });
      await recordAccess(db, req, { kind: 'login', principal, status: 303, detail: { method: 'oidc' } });
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const account = claims[config.auth.userClaim];
      await recordAccess(db, req, {
        kind: 'login-failed',
        ...(typeof account === 'string' ? { username: account } : {}),
        status: 303,
        detail: { method: 'oidc', code: err.extra.code ?? 'signin-failed' },
      });
      return res.redirect(
        303,
        failed(err.extra.code ?? 'signin-failed', typeof account === 'string' ? account : undefined),
      );
    }
    return res.redirect(303, attempt.returnTo);
  });
  return router;
}

/** The provider's sign-out URL for an ended session, when the provider has an end-session endpoint. */
export async function endSessionUrl(deps: AppDeps, idToken: string | null): Promise<string | null> {
  const provider = await deps.auth.oidc?.().catch(() => null);
  if (!provider?.serverMetadata().end_session_endpoint) return null;
  const params: Record<string, string> = {
    post_logout_redirect_uri: postLogoutUrl(deps.config),
    client_id: provider.clientMetadata().client_id,
  };
  if (idToken) params.id_token_hint = idToken;
  return oidc.buildEndSessionUrl(provider, params).href;
}
