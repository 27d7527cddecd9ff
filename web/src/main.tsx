import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, StrictMode, Suspense, type ComponentType, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { APPLICATION_ROLES, AuthProvider, BOARD_ROLES, REPORTER_ROLES, TASK_CREATOR_ROLES, useAuth } from './auth';
import { I18nProvider, useI18n } from './i18n';
import { useReducedMotion } from './motion';
import { WHISTLE_ROLES, WHISTLE_VIEWER_ROLES } from './pages/whistles/access';
import type { Role } from './api/types';

// Every page is its own chunk, loaded when its route is first opened: the login page does not carry
// the console (ECharts goes only with the board). vite's manifest lists each route's chunks (tests/web/bundle-size.test.ts).
function lazyPage<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}
const AppLayout = lazyPage(() => import('./components/AppLayout'), 'AppLayout');
const CalendarPage = lazyPage(() => import('./pages/admin/CalendarPage'), 'CalendarPage');
const ImportPage = lazyPage(() => import('./pages/admin/ImportPage'), 'ImportPage');
const IncidentConfigPage = lazyPage(() => import('./pages/admin/IncidentConfigPage'), 'IncidentConfigPage');
const MatterEditorPage = lazyPage(() => import('./pages/admin/MatterEditorPage'), 'MatterEditorPage');
const MattersPage = lazyPage(() => import('./pages/admin/MattersPage'), 'MattersPage');
const OrgPage = lazyPage(() => import('./pages/admin/OrgPage'), 'OrgPage');
const SummonsConfigPage = lazyPage(() => import('./pages/admin/SummonsConfigPage'), 'SummonsConfigPage');
const UsersPage = lazyPage(() => import('./pages/admin/UsersPage'), 'UsersPage');
const AdminAuditPage = lazyPage(() => import('./pages/admin/AdminAuditPage'), 'AdminAuditPage');
const PayrollPage = lazyPage(() => import('./pages/admin/PayrollPage'), 'PayrollPage');
const SecondmentsPage = lazyPage(() => import('./pages/admin/SecondmentsPage'), 'SecondmentsPage');
const BoardPage = lazyPage(() => import('./pages/BoardPage'), 'BoardPage');
const CaseListPage = lazyPage(() => import('./pages/CaseListPage'), 'CaseListPage');
const CasePage = lazyPage(() => import('./pages/CasePage'), 'CasePage');
const InboxPage = lazyPage(() => import('./pages/InboxPage'), 'InboxPage');
const LoginPage = lazyPage(() => import('./pages/LoginPage'), 'LoginPage');
const NewApprovalPage = lazyPage(() => import('./pages/NewApprovalPage'), 'NewApprovalPage');
const NewTaskPage = lazyPage(() => import('./pages/NewTaskPage'), 'NewTaskPage');
const NoticesPage = lazyPage(() => import('./pages/NoticesPage'), 'NoticesPage');
const ReportIncidentPage = lazyPage(() => import('./pages/ReportIncidentPage'), 'ReportIncidentPage');
const SummonsInboxPage = lazyPage(() => import('./pages/SummonsInboxPage'), 'SummonsInboxPage');
const WhistleDetailPage = lazyPage(() => import('./pages/whistles/WhistleDetailPage'), 'WhistleDetailPage');
const WhistleFormPage = lazyPage(() => import('./pages/whistles/WhistleFormPage'), 'WhistleFormPage');
const WhistleListPage = lazyPage(() => import('./pages/whistles/WhistleListPage'), 'WhistleListPage');
const AssessmentCyclePage = lazyPage(() => import('./pages/AssessmentPages'), 'AssessmentCyclePage');
const AssessmentCyclesPage = lazyPage(() => import('./pages/AssessmentPages'), 'AssessmentCyclesPage');
const MobileLayout = lazyPage(() => import('./mobile/MobileLayout'), 'MobileLayout');
const MobileHome = lazyPage(() => import('./mobile/MobilePages'), 'MobileHome');
const MobileReport = lazyPage(() => import('./mobile/MobileReport'), 'MobileReport');
const MobileMine = lazyPage(() => import('./mobile/MobilePages'), 'MobileMine');
const MobileCase = lazyPage(() => import('./mobile/MobilePages'), 'MobileCase');
const MobileSummons = lazyPage(() => import('./mobile/MobilePages'), 'MobileSummons');

/** Pages behind the login; `roles` hides a page from roles the server would refuse anyway. */
function Guard({ children, roles }: { children: ReactNode; roles?: readonly Role[] }) {
  const { user, checking } = useAuth();
  const location = useLocation();
  if (checking) return <Spin fullscreen />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (roles && !roles.includes(user.role)) return <Navigate to="/inbox" replace />;
  return children;
}

function Root() {
  const { lang } = useI18n();
  const reducedMotion = useReducedMotion();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{ token: { borderRadius: 4, motion: !reducedMotion } }}
      componentSize="middle"
    >
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <Suspense fallback={<Spin fullscreen />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route
                  path="/m"
                  element={
                    <Guard>
                      <MobileLayout />
                    </Guard>
                  }
                >
                  <Route index element={<MobileHome />} />
                  <Route
                    path="report"
                    element={
                      <Guard roles={REPORTER_ROLES}>
                        <MobileReport />
                      </Guard>
                    }
                  />
                  <Route path="mine" element={<MobileMine />} />
                  <Route path="cases/:id" element={<MobileCase />} />
                  <Route path="summons" element={<MobileSummons />} />
                </Route>
                <Route
                  element={
                    <Guard>
                      <AppLayout />
                    </Guard>
                  }
                >
                  <Route index element={<Navigate to="/inbox" replace />} />
                  <Route path="inbox" element={<InboxPage />} />
                  <Route path="notices" element={<NoticesPage />} />
                  <Route path="cases" element={<CaseListPage />} />
                  <Route path="cases/:id" element={<CasePage />} />
                  <Route
                    path="tasks/new"
                    element={
                      <Guard roles={TASK_CREATOR_ROLES}>
                        <NewTaskPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="approvals/new"
                    element={
                      <Guard roles={APPLICATION_ROLES}>
                        <NewApprovalPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="incidents/new"
                    element={
                      <Guard roles={REPORTER_ROLES}>
                        <ReportIncidentPage />
                      </Guard>
                    }
                  />
                  <Route path="summons" element={<SummonsInboxPage />} />
                  <Route
                    path="whistles"
                    element={
                      <Guard roles={WHISTLE_VIEWER_ROLES}>
                        <WhistleListPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="whistles/new"
                    element={
                      <Guard roles={WHISTLE_ROLES}>
                        <WhistleFormPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="whistles/:id"
                    element={
                      <Guard roles={WHISTLE_VIEWER_ROLES}>
                        <WhistleDetailPage />
                      </Guard>
                    }
                  />
                  <Route path="assessment" element={<AssessmentCyclesPage />} />
                  <Route path="assessment/:id" element={<AssessmentCyclePage />} />
                  <Route
                    path="board"
                    element={
                      <Guard roles={BOARD_ROLES}>
                        <BoardPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/org"
                    element={
                      <Guard roles={['admin']}>
                        <OrgPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/users"
                    element={
                      <Guard roles={['admin']}>
                        <UsersPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/matters"
                    element={
                      <Guard roles={['admin']}>
                        <MattersPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/calendar"
                    element={
                      <Guard roles={['admin']}>
                        <CalendarPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/matters/new"
                    element={
                      <Guard roles={['admin']}>
                        <MatterEditorPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/matters/:code/edit"
                    element={
                      <Guard roles={['admin']}>
                        <MatterEditorPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/incident-config"
                    element={
                      <Guard roles={['admin']}>
                        <IncidentConfigPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/summons-config"
                    element={
                      <Guard roles={['admin']}>
                        <SummonsConfigPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/import"
                    element={
                      <Guard roles={['admin']}>
                        <ImportPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/secondments"
                    element={
                      <Guard roles={['admin']}>
                        <SecondmentsPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/payroll"
                    element={
                      <Guard roles={['admin']}>
                        <PayrollPage />
                      </Guard>
                    }
                  />
                  <Route
                    path="admin/audit"
                    element={
                      <Guard roles={['admin']}>
                        <AdminAuditPage />
                      </Guard>
                    }
                  />
                  <Route path="*" element={<Navigate to="/inbox" replace />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

document.documentElement.lang = localStorage.getItem('tc.lang') === 'en' ? 'en' : 'zh-CN';
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <Root />
    </I18nProvider>
  </StrictMode>,
);
