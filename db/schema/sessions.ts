import { index, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './org';

/** How a console session was opened: the county's identity provider, or dev login (never in production). */
export const SESSION_METHODS = ['oidc', 'dev'] as const;
export const sessionMethodEnum = pgEnum('session_method', SESSION_METHODS);

/**
 * Console sessions (api/session.ts). The browser holds only a random id in an httpOnly cookie;
 * the table keeps its SHA-256, so reading the table does not let anyone act as the user. `idToken`
 * is kept only as the `id_token_hint` of the provider's sign-out.
 */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    method: sessionMethodEnum('method').notNull(),
    idToken: text('id_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * An OIDC sign-in in progress (authorization code + PKCE): created when the console sends the
 * browser to the provider, used up by the callback. Keyed by the SHA-256 of a random id in a
 * short-lived httpOnly cookie, which binds the callback to the browser that started it.
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    idHash: text('id_hash').primaryKey(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    /** The console page to return to afterwards (a path on this site). */
    returnTo: text('return_to').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sign_in_attempts_expires_idx').on(t.expiresAt)],
);
