import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { cacheVerifiedTokens, VERIFIED_TOKEN_TTL_MS } from '../../api/verified-tokens';

// The cache in front of token verification (api/auth.ts): a token is verified once while it is
// valid, and again in full once its exp, its maximum age or the cache's own limit has passed.
// The token rules themselves, through the real app and a real identity provider: token-rules.test.ts.

const MAX_AGE_S = 3_600;

function verifier(claims: (token: string) => JWTPayload) {
  const calls: string[] = [];
  const verify = async (token: string) => {
    calls.push(token);
    if (token === 'bad') throw new Error('invalid signature');
    return claims(token);
  };
  return { calls, verify };
}

describe('cacheVerifiedTokens', () => {
  it('verifies a valid token once, and a refused one every time', async () => {
    const clock = { now: 1_000_000_000_000 };
    const s = clock.now / 1000;
    const { calls, verify } = verifier(() => ({ sub: 'u1', iat: s, exp: s + 300 }));
    const cached = cacheVerifiedTokens(verify, { maxTokenAgeS: MAX_AGE_S }, () => clock.now);
    expect(await cached('t1')).toMatchObject({ sub: 'u1' });
    expect(await cached('t1')).toMatchObject({ sub: 'u1' });
    expect(calls).toEqual(['t1']);
    await expect(cached('bad')).rejects.toThrow('invalid signature');
    await expect(cached('bad')).rejects.toThrow('invalid signature');
    expect(calls).toEqual(['t1', 'bad', 'bad']);
  });

  it('verifies again once exp, the maximum age or the cache limit has passed', async () => {
    const clock = { now: 1_000_000_000_000 };
    const s = clock.now / 1000;
    const { calls, verify } = verifier((t) =>
      t === 'exp'
        ? { iat: s, exp: s + 10 }
        : t === 'age'
          ? { iat: s - MAX_AGE_S + 5, exp: s + 86_400 }
          : { iat: s, exp: s + 86_400 },
    );
    const cached = cacheVerifiedTokens(verify, { maxTokenAgeS: MAX_AGE_S }, () => clock.now);
    for (const t of ['exp', 'age', 'long']) await cached(t);
    clock.now += 6_000;
    for (const t of ['exp', 'age', 'long']) await cached(t);
    expect(calls).toEqual(['exp', 'age', 'long', 'age']);
    clock.now += 5_000;
    for (const t of ['exp', 'long']) await cached(t);
    expect(calls).toEqual(['exp', 'age', 'long', 'age', 'exp']);
    clock.now += VERIFIED_TOKEN_TTL_MS;
    await cached('long');
    expect(calls.at(-1)).toBe('long');
    expect(calls).toHaveLength(6);
  });

  it('never remembers a token without exp', async () => {
    const { calls, verify } = verifier(() => ({ sub: 'u1' }));
    const cached = cacheVerifiedTokens(verify, { maxTokenAgeS: MAX_AGE_S });
    await cached('t');
    await cached('t');
    expect(calls).toEqual(['t', 't']);
  });
});
