import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (the `oidc-provider` library, as certified by the OpenID
 * Foundation) on a free loopback port, standing in for the county's unified identity
 * (统一身份认证). Anyone may sign in with any login name (its development login form: the `login`
 * field, any password); the account's `sub` is that name and so is its `preferred_username`, which
 * the ID token carries as Keycloak's does. Consent is pre-granted, as for a first-party client.
 * `sign` makes tokens with the provider's own key (for the token-rule tests: a missing `exp`, an
 * `iat` in the future), so the API sees them exactly as if the provider had issued them.
 */
export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A JWT signed with the provider's key, `iss` set to the provider; the caller chooses every other claim. */
  sign(claims: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

export const TEST_CLIENT_ID = 'township-console';

/** The production configuration of an app that signs in through `idp` and is reached at `appUrl` (no Temporal behind it). */
export function productionSignInEnv(idp: TestIdentityProvider, appUrl: string): Record<string, string> {
  return {
    APP_ENV: 'production',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    AUTH_ISSUER: idp.issuer,
    AUTH_CLIENT_ID: idp.clientId,
    AUTH_CLIENT_SECRET: idp.clientSecret,
    AUTH_USER_CLAIM: 'preferred_username',
    PUBLIC_URL: appUrl,
  };
}
const TEST_CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

/**
 * Start the provider; `appUrl` is where the app under test runs (its callback and post-logout URLs),
 * `opts.appUrls` more apps it serves. `opts.privateJwk` keeps its signing key across restarts
 * (`npm run cluster` stores one), otherwise a new key is made.
 */
export async function startIdentityProvider(
  appUrl: string,
  opts: { idTokenTtlS?: number; port?: number; appUrls?: string[]; privateJwk?: JWK } = {},
): Promise<TestIdentityProvider> {
  const privateJwk: JWK = opts.privateJwk ?? (await newSigningKey());
  const kid = privateJwk.kid!;
  const privateKey = await importJWK(privateJwk, 'RS256');
  const apps = [appUrl, ...(opts.appUrls ?? [])];

  // Bind first to learn the port: the issuer URL must be known before the provider is built.
  const routed: { callback?: ReturnType<Provider['callback']> } = {};
  const server: Server = createServer((req, res) => void routed.callback?.(req, res));
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: apps.map((a) => `${a}/api/v1/auth/oidc/callback`),
        post_logout_redirect_uris: apps.map((a) => `${a}/login`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [privateJwk] },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
    // Profile claims in the ID token too, as Keycloak puts them there.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, name: id }) }),
    // A first-party client: no consent screen.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['preferred_username', 'name']);
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    ttl: {
      IdToken: opts.idTokenTtlS ?? 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
    },
  });
  routed.callback = provider.callback();

  return {
    issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    sign: (claims) =>
      new SignJWT({ iss: issuer, ...claims }).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An RS256 signing key as a private JWK (with `kid`), for {@link startIdentityProvider}. */
export async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `test-${Date.now().toString(36)}`, alg: 'RS256', use: 'sig' };
}

/** A browser's cookies for one site, enough to walk the provider's redirects with fetch. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * What a person does at the provider, without a browser: open the authorization URL the app sent
 * them to, type `login` (and any password) into the provider's form, follow its redirects, and come
 * back with the URL the provider sends them to (the app's callback, with code and state).
 */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 10; hop += 1) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      body,
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    jar.take(res);
    body = undefined;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== url.origin) return next;
      url = next;
      continue;
    }
    if (res.status === 200 && /\/interaction\/[^/]+$/.test(url.pathname)) {
      await res.text();
      body = new URLSearchParams({ prompt: 'login', login, password: 'any' });
      continue;
    }
    throw new Error(`unexpected answer from the provider at ${url.href}: ${res.status} ${await res.text()}`);
  }
  throw new Error('too many redirects at the provider');
}
