import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { APPLICATION_ROLES, AuthProvider, BOARD_ROLES, REPORTER_ROLES, TASK_CREATOR_ROLES, useAuth } from './auth';
import { AppLayout } from './components/AppLayout';
import { I18nProvider, useI18n } from './i18n';
import { CalendarPage } from './pages/admin/CalendarPage';
import { ImportPage } from './pages/admin/ImportPage';
import { IncidentConfigPage } from './pages/admin/IncidentConfigPage';
import { MatterEditorPage } from './pages/admin/MatterEditorPage';
import { MattersPage } from './pages/admin/MattersPage';
import { OrgPage } from './pages/admin/OrgPage';
import { SummonsConfigPage } from './pages/admin/SummonsConfigPage';
import { UsersPage } from './pages/admin/UsersPage';
import { AdminAuditPage } from './pages/admin/AdminAuditPage';
import { PayrollPage } from './pages/admin/PayrollPage';
import { SecondmentsPage } from './pages/admin/SecondmentsPage';
import { BoardPage } from './pages/BoardPage';
import { CaseListPage } from './pages/CaseListPage';
import { CasePage } from './pages/CasePage';
import { InboxPage } from './pages/InboxPage';
import { LoginPage } from './pages/LoginPage';
import { NewApprovalPage } from './pages/NewApprovalPage';
import { NewTaskPage } from './pages/NewTaskPage';
import { NoticesPage } from './pages/NoticesPage';
import { ReportIncidentPage } from './pages/ReportIncidentPage';
import { SummonsInboxPage } from './pages/SummonsInboxPage';
import { WHISTLE_ROLES, WHISTLE_VIEWER_ROLES } from './pages/whistles/access';
import { WhistleDetailPage } from './pages/whistles/WhistleDetailPage';
import { WhistleFormPage } from './pages/whistles/WhistleFormPage';
import { WhistleListPage } from './pages/whistles/WhistleListPage';
import { AssessmentCyclePage, AssessmentCyclesPage } from './pages/AssessmentPages';
import type { Role } from './api/types';
import { MobileLayout } from './mobile/MobileLayout';
import { MobileCase, MobileHome, MobileMine, MobileReport, MobileSummons } from './mobile/MobilePages';

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
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { borderRadius: 4 } }} componentSize="middle">
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
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
                <Route path="report" element={<Guard roles={REPORTER_ROLES}><MobileReport /></Guard>} />
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
                <Route path="tasks/new" element={<Guard roles={TASK_CREATOR_ROLES}><NewTaskPage /></Guard>} />
                <Route path="approvals/new" element={<Guard roles={APPLICATION_ROLES}><NewApprovalPage /></Guard>} />
                <Route path="incidents/new" element={<Guard roles={REPORTER_ROLES}><ReportIncidentPage /></Guard>} />
                <Route path="summons" element={<SummonsInboxPage />} />
                <Route path="whistles" element={<Guard roles={WHISTLE_VIEWER_ROLES}><WhistleListPage /></Guard>} />
                <Route path="whistles/new" element={<Guard roles={WHISTLE_ROLES}><WhistleFormPage /></Guard>} />
                <Route path="whistles/:id" element={<Guard roles={WHISTLE_VIEWER_ROLES}><WhistleDetailPage /></Guard>} />
                <Route path="assessment" element={<AssessmentCyclesPage />} />
                <Route path="assessment/:id" element={<AssessmentCyclePage />} />
                <Route path="board" element={<Guard roles={BOARD_ROLES}><BoardPage /></Guard>} />
                <Route path="admin/org" element={<Guard roles={['admin']}><OrgPage /></Guard>} />
                <Route path="admin/users" element={<Guard roles={['admin']}><UsersPage /></Guard>} />
                <Route path="admin/matters" element={<Guard roles={['admin']}><MattersPage /></Guard>} />
                <Route path="admin/calendar" element={<Guard roles={['admin']}><CalendarPage /></Guard>} />
                <Route path="admin/matters/new" element={<Guard roles={['admin']}><MatterEditorPage /></Guard>} />
                <Route path="admin/matters/:code/edit" element={<Guard roles={['admin']}><MatterEditorPage /></Guard>} />
                <Route path="admin/incident-config" element={<Guard roles={['admin']}><IncidentConfigPage /></Guard>} />
                <Route path="admin/summons-config" element={<Guard roles={['admin']}><SummonsConfigPage /></Guard>} />
                <Route path="admin/import" element={<Guard roles={['admin']}><ImportPage /></Guard>} />
                <Route path="admin/secondments" element={<Guard roles={['admin']}><SecondmentsPage /></Guard>} />
                <Route path="admin/payroll" element={<Guard roles={['admin']}><PayrollPage /></Guard>} />
                <Route path="admin/audit" element={<Guard roles={['admin']}><AdminAuditPage /></Guard>} />
                <Route path="*" element={<Navigate to="/inbox" replace />} />
              </Route>
            </Routes>
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
