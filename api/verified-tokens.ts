import type { JWTPayload } from 'jose';

/** How long a verified token is taken on trust at most: a key withdrawn from the issuer's JWKS is refused after this. */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Remember tokens whose signature and claims were verified, so the next request with the same
 * token skips the signature check (an ECDSA verification, about 1 ms of the API's CPU per request,
 * bench:throughput, issue 19). The same bytes verify the same way, so what can change is time: an
 * entry lasts until the token's `exp`, until its `iat` plus the maximum token age, or for
 * {@link VERIFIED_TOKEN_TTL_MS}, whichever comes first, and is then verified again in full (with the
 * clock tolerance). Refusals are never remembered. Who the token names is still looked up on every
 * request: this spares the signature, not the authorisation.
 */
export function cacheVerifiedTokens(
  verify: (token: string) => Promise<JWTPayload>,
  rules: { maxTokenAgeS: number },
  now: () => number = Date.now,
): (token: string) => Promise<JWTPayload> {
  const verified = new Map<string, { payload: JWTPayload; until: number }>();
  return async (token) => {
    const at = now();
    const hit = verified.get(token);
    if (hit && at < hit.until) return hit.payload;
    if (hit) verified.delete(token);
    const payload = await verify(token);
    const bounds = [at + VERIFIED_TOKEN_TTL_MS];
    if (typeof payload.exp === 'number') bounds.push(payload.exp * 1000);
    if (typeof payload.iat === 'number') bounds.push((payload.iat + rules.maxTokenAgeS) * 1000);
    const until = Math.min(...bounds);
    if (typeof payload.exp === 'number' && until > at) {
      if (verified.size >= MAX_ENTRIES) verified.delete(verified.keys().next().value!);
      verified.set(token, { payload: Object.freeze({ ...payload }), until });
    }
    return payload;
  };
}
