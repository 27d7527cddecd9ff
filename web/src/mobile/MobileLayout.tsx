import { ArrowLeftOutlined } from '@ant-design/icons';
import { useEffect, type CSSProperties, type ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { M } from './text';

/** Sizes for a 390 px wide phone: touch targets of at least 48 px, text at 16 px (no zoom on focus in iOS). */
export const mobile = {
  page: {
    maxWidth: 480,
    margin: '0 auto',
    minHeight: '100vh',
    background: '#f5f6f8',
    fontSize: 16,
  } satisfies CSSProperties,
  body: { padding: 12, paddingBottom: 88 } satisfies CSSProperties,
  card: {
    background: '#fff',
    borderRadius: 12,
    padding: 14,
    marginBottom: 12,
    boxShadow: '0 1px 2px rgba(0,0,0,.06)',
  } satisfies CSSProperties,
  big: { height: 52, fontSize: 17, borderRadius: 10 } satisfies CSSProperties,
  label: { display: 'block', fontWeight: 600, margin: '14px 0 6px' } satisfies CSSProperties,
  muted: { color: '#777', fontSize: 14 } satisfies CSSProperties,
};

/** The /m section: a plain header with back, title and language switch; a bottom bar of the user's main pages. */
export function MobileLayout() {
  const { t, lang, setLang, pick } = useI18n();
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const home = pathname === '/m' || pathname === '/m/';
  // Edge to edge on a phone (the browser's default 8 px body margin would frame the page).
  useEffect(() => {
    const before = document.body.style.margin;
    document.body.style.margin = '0';
    return () => {
      document.body.style.margin = before;
    };
  }, []);
  const tabs: { to: string; label: readonly [string, string] }[] =
    user?.role === 'grid_worker'
      ? [
          { to: '/m/report', label: M.report },
          { to: '/m/mine', label: M.mine },
          { to: '/m', label: M.todo },
        ]
      : user?.role === 'dept_liaison'
        ? [
            { to: '/m/summons', label: M.summons },
            { to: '/m', label: M.todo },
          ]
        : [{ to: '/m', label: M.todo }];
  return (
    <div style={mobile.page}>
      <header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 10,
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          height: 52,
          padding: '0 8px',
          background: '#1677ff',
          color: '#fff',
        }}
      >
        {home ? (
          <span style={{ width: 44 }} />
        ) : (
          <button
            type="button"
            aria-label={t('back')}
            onClick={() => void navigate(-1)}
            style={{ width: 44, height: 44, background: 'none', border: 'none', color: '#fff', fontSize: 20 }}
          >
            <ArrowLeftOutlined />
          </button>
        )}
        <strong style={{ flex: 1, fontSize: 17, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
          {pick(M.appName)}
        </strong>
        <button
          type="button"
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          style={{
            height: 44,
            minWidth: 44,
            background: 'none',
            border: '1px solid rgba(255,255,255,.6)',
            borderRadius: 8,
            color: '#fff',
            fontSize: 14,
          }}
          data-testid="m-lang"
        >
          {lang === 'zh' ? 'EN' : '中文'}
        </button>
      </header>
      <main style={mobile.body}>
        <Outlet />
        <div style={{ ...mobile.muted, textAlign: 'center', marginTop: 24 }}>
          {user?.displayName} · <Link to="/inbox">{pick(M.desktop)}</Link> ·{' '}
          <a href="/login" onClick={(e) => (e.preventDefault(), void logout())}>
            {t('logout')}
          </a>
        </div>
      </main>
      <nav
        style={{
          position: 'fixed',
          bottom: 0,
          left: 0,
          right: 0,
          display: 'flex',
          background: '#fff',
          borderTop: '1px solid #e5e5e5',
          paddingBottom: 'env(safe-area-inset-bottom)',
        }}
      >
        {tabs.map((tab) => (
          <TabLink key={tab.to} to={tab.to} active={pathname === tab.to}>
            {pick(tab.label)}
          </TabLink>
        ))}
      </nav>
    </div>
  );
}

function TabLink({ to, active, children }: { to: string; active: boolean; children: ReactNode }) {
  return (
    <Link
      to={to}
      style={{
        flex: 1,
        height: 60,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        fontSize: 16,
        fontWeight: active ? 700 : 400,
        color: active ? '#1677ff' : '#333',
      }}
    >
      {children}
    </Link>
  );
}
