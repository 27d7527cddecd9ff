import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import { Problem } from './problem';

/* How a bearer token is checked, whoever signed it, and what a clerk is told when it is refused (api/auth.ts uses these). */

export const unauthenticated = (code: string, zh: string, en: string) =>
  new Problem('unauthenticated', { zh, en }, { code });

/**
 * The token rules, whoever signed the token: `exp` is required; a token whose `iat` is older than
 * the maximum token age is refused even if its `exp` is far away (jose requires `iat` once a maximum
 * age is set), and so is one whose `iat` lies in the future; both beyond the clock tolerance.
 */
export async function verifyUnderRules(
  token: string,
  keys: JWTVerifyGetKey,
  auth: Config['auth'],
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: auth.issuer,
      audience: auth.audience,
      requiredClaims: ['exp'],
      maxTokenAge: auth.maxTokenAgeS,
      clockTolerance: auth.clockToleranceS,
    });
    return payload;
  } catch (err) {
    throw tokenProblem(err);
  }
}

function tokenProblem(err: unknown): Problem {
  if (err instanceof joseErrors.JWTExpired) {
    return err.claim === 'iat'
      ? unauthenticated(
          'token-too-old',
          '登录令牌签发时间过久，请重新登录',
          'The token was issued too long ago; sign in again',
        )
      : unauthenticated('token-expired', '登录已过期，请重新登录', 'The sign-in has expired; sign in again');
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'exp')
      return unauthenticated(
        'token-claims-invalid',
        '登录令牌缺少过期时间（exp），不予接受',
        'The token has no expiry (exp) and is not accepted',
      );
    if (err.claim === 'iat' && err.reason === 'missing')
      return unauthenticated(
        'token-claims-invalid',
        '登录令牌缺少签发时间（iat），不予接受',
        'The token has no issue time (iat) and is not accepted',
      );
    if (err.claim === 'iat')
      return unauthenticated(
        'token-claims-invalid',
        '登录令牌的签发时间（iat）在未来，请检查身份认证服务器的时钟',
        'The token’s issue time (iat) lies in the future; check the identity provider’s clock',
      );
    if (err.claim === 'nbf')
      return unauthenticated('token-claims-invalid', '登录令牌尚未生效（nbf）', 'The token is not valid yet (nbf)');
    return unauthenticated(
      'token-claims-invalid',
      `登录令牌的声明（${err.claim}）不符合本系统的配置`,
      `The token’s ${err.claim} claim does not match this system’s configuration`,
    );
  }
  return unauthenticated('token-invalid', '登录令牌无效，请重新登录', 'The token is invalid; sign in again');
}

/** The issuer's JWKS: the configured URL, or the `jwks_uri` of its discovery document (fetched once, again after a failure). */
export function issuerKeys(auth: Config['auth']): JWTVerifyGetKey {
  if (auth.jwksUrl) return createRemoteJWKSet(new URL(auth.jwksUrl));
  let keys: Promise<JWTVerifyGetKey> | null = null;
  const discover = async () => {
    const res = await fetch(new URL(`${auth.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`));
    if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
    const { jwks_uri: uri } = (await res.json()) as { jwks_uri?: unknown };
    if (typeof uri !== 'string') throw new Error('OIDC discovery has no jwks_uri');
    return createRemoteJWKSet(new URL(uri));
  };
  return async (header, token) => {
    keys ??= discover().catch((err: unknown) => {
      keys = null;
      throw err;
    });
    return (await keys)(header, token);
  };
}
