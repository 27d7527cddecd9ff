import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, setUnauthenticatedHandler } from './api/client';
import type { LoginResult, OrgUnit, Principal, Role } from './api/types';
import { useI18n } from './i18n';

interface Auth {
  user: Principal | null;
  /** True while the session (if any) is being checked with GET /me. */
  checking: boolean;
  /** The session ended while the user was working (401): the login page says "请重新登录". */
  expired: boolean;
  /** Dev login (only where the server offers it). */
  login: (username: string) => Promise<Principal>;
  /** End the session; signs out of the identity provider too when the session came from it. */
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

/** Where the console starts a sign-in through the identity provider, returning to `returnTo` afterwards. */
export const oidcLoginUrl = (returnTo: string) => `/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`;

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Principal | null>(null);
  const [checking, setChecking] = useState(true);
  const [expired, setExpired] = useState(false);
  const signedIn = useRef(false);
  const signedInAs = useCallback((p: Principal | null) => {
    signedIn.current = p !== null;
    setUser(p);
    if (p) setExpired(false);
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      if (!signedIn.current) return;
      setExpired(true);
      signedInAs(null);
    });
    api
      .get<Principal>('/me')
      .then(signedInAs, () => signedInAs(null))
      .finally(() => setChecking(false));
  }, [signedInAs]);
  const login = useCallback(
    async (username: string) => {
      const res = await api.post<LoginResult>('/auth/dev-login', { username });
      signedInAs(res.user);
      return res.user;
    },
    [signedInAs],
  );
  const logout = useCallback(async () => {
    const res = await api
      .post<{ endSessionUrl: string | null }>('/auth/logout', {})
      .catch(() => ({ endSessionUrl: null }));
    signedInAs(null);
    if (res.endSessionUrl) window.location.assign(res.endSessionUrl);
  }, [signedInAs]);
  const value = useMemo(() => ({ user, checking, expired, login, logout }), [user, checking, expired, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only for pages behind the login guard. */
export function useUser(): Principal {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

/** Roles that watch the SLA board for their subtree (DOMAIN §1). */
export const BOARD_ROLES: readonly Role[] = ['supervisor', 'dispatcher', 'assessor', 'admin'];
/** Roles that may open rectification tasks (POST /tasks). */
export const TASK_CREATOR_ROLES: readonly Role[] = ['supervisor', 'admin'];
/** Roles that take applications (POST /approvals at a window or a village service point). */
export const APPLICATION_ROLES: readonly Role[] = ['window_staff', 'agent'];
/** Roles that report incidents (POST /incidents). */
export const REPORTER_ROLES: readonly Role[] = ['grid_worker', 'dispatcher'];

// The org tree is small (a county: a few hundred units) and read by nearly every page: load it once.
let unitsPromise: Promise<Map<string, OrgUnit>> | null = null;
export function loadUnits(): Promise<Map<string, OrgUnit>> {
  unitsPromise ??= api.get<OrgUnit[]>('/org-units').then(
    (list) => new Map(list.map((u) => [u.id, u])),
    (err: unknown) => {
      unitsPromise = null;
      throw err;
    },
  );
  return unitsPromise;
}

/** Forget the loaded tree after an admin changed it: the next {@link loadUnits} reads it again. */
export function forgetUnits(): void {
  unitsPromise = null;
}

/** Unit id → name (Chinese or English), falling back to the id until the tree has loaded. */
export function useUnitName(): (id: string | null | undefined) => string {
  const [units, setUnits] = useState<Map<string, OrgUnit>>();
  const { user } = useAuth();
  const { lang } = useI18n();
  useEffect(() => {
    if (user) loadUnits().then(setUnits, () => undefined);
  }, [user]);
  return useCallback(
    (id) => {
      if (!id) return '—';
      const unit = units?.get(id);
      return (lang === 'en' ? unit?.nameEn : unit?.name) ?? unit?.name ?? id;
    },
    [units, lang],
  );
}
