import {
  AlertOutlined,
  BellOutlined,
  ApartmentOutlined,
  BookOutlined,
  ControlOutlined,
  CalendarOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  FileAddOutlined,
  FileSearchOutlined,
  InboxOutlined,
  LogoutOutlined,
  NotificationOutlined,
  TrophyOutlined,
  PlusSquareOutlined,
  SoundOutlined,
  UploadOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu, Space, Spin, Tag, Typography, type MenuProps } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import {
  APPLICATION_ROLES,
  BOARD_ROLES,
  loadUnits,
  REPORTER_ROLES,
  TASK_CREATOR_ROLES,
  useAuth,
  useUnitName,
  useUser,
} from '../auth';
import { useI18n } from '../i18n';
import { ROLE_LABEL } from '../labels';
import { LanguageSwitch } from './LanguageSwitch';
import { NoticeBell } from './NoticeBell';
import { useWhistleAccess, WHISTLE_MENU_KEYS, whistleMenuItems } from '../pages/whistles/access';
import { CalendarYearBanner } from '../pages/admin/CalendarBanner';
import { ADMIN_EXTRA_MENU_KEYS, adminExtraMenuItems } from '../pages/admin/menu';

type Item = Required<MenuProps>['items'][number];

export function AppLayout() {
  const user = useUser();
  const { logout } = useAuth();
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const whistles = useWhistleAccess();
  // Summons are answered by county departments and dispatched agencies: everyone working there.
  const [summoned, setSummoned] = useState(user.role === 'dept_liaison');
  useEffect(() => {
    loadUnits().then(
      (m) => setSummoned((s) => s || ['department', 'agency'].includes(m.get(user.unitId)?.kind ?? '')),
      () => undefined,
    );
  }, [user.unitId]);

  // The menu shows what the user's role may use; the server enforces the same rules on every call.
  const items: Item[] = [
    {
      type: 'group',
      label: t('menuWork'),
      children: [
        { key: '/inbox', icon: <InboxOutlined />, label: t('menuInbox') },
        { key: '/notices', icon: <BellOutlined />, label: t('noticeCentre') },
        ...(summoned ? [{ key: '/summons', icon: <NotificationOutlined />, label: t('menuSummons') }] : []),
        ...whistleMenuItems(whistles, pick),
        { key: '/cases', icon: <FileSearchOutlined />, label: t('menuCases') },
        ...(APPLICATION_ROLES.includes(user.role)
          ? [{ key: '/approvals/new', icon: <FileAddOutlined />, label: t('menuNewApproval') }]
          : []),
        ...(REPORTER_ROLES.includes(user.role)
          ? [{ key: '/incidents/new', icon: <EnvironmentOutlined />, label: t('menuReport') }]
          : []),
        ...(TASK_CREATOR_ROLES.includes(user.role)
          ? [{ key: '/tasks/new', icon: <PlusSquareOutlined />, label: t('menuNewTask') }]
          : []),
        ...(BOARD_ROLES.includes(user.role)
          ? [{ key: '/board', icon: <DashboardOutlined />, label: t('menuBoard') }]
          : []),
        { key: '/assessment', icon: <TrophyOutlined />, label: t('menuAssessment') },
      ],
    },
    ...(user.role === 'admin'
      ? [
          {
            type: 'group' as const,
            label: t('menuAdmin'),
            children: [
              { key: '/admin/org', icon: <ApartmentOutlined />, label: t('menuOrg') },
              { key: '/admin/users', icon: <TeamOutlined />, label: t('menuUsers') },
              { key: '/admin/matters', icon: <BookOutlined />, label: t('menuMatters') },
              { key: '/admin/calendar', icon: <CalendarOutlined />, label: t('menuCalendar') },
              { key: '/admin/incident-config', icon: <ControlOutlined />, label: t('menuIncidentConfig') },
              { key: '/admin/summons-config', icon: <SoundOutlined />, label: t('menuSummonsConfig') },
              { key: '/admin/import', icon: <UploadOutlined />, label: t('menuImport') },
              ...adminExtraMenuItems(pick),
            ],
          },
        ]
      : []),
  ];
  const selected = [
    ...WHISTLE_MENU_KEYS,
    ...ADMIN_EXTRA_MENU_KEYS,
    '/admin/org',
    '/admin/users',
    '/admin/matters',
    '/admin/calendar',
    '/admin/incident-config',
    '/admin/summons-config',
    '/admin/import',
    '/tasks/new',
    '/approvals/new',
    '/incidents/new',
    '/board',
    '/inbox',
    '/notices',
    '/cases',
    '/summons',
    '/assessment',
  ].find((k) => pathname.startsWith(k));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={208}
        theme="light"
        breakpoint="lg"
        collapsedWidth={0}
        style={{ borderRight: '1px solid #f0f0f0' }}
      >
        <Space style={{ height: 56, padding: '0 20px', fontWeight: 600 }}>
          <AlertOutlined style={{ color: '#1677ff' }} />
          <span>{t('appName')}</span>
        </Space>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={selected ? [selected] : []}
          onClick={(e) => void navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            gap: 16,
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <NoticeBell />
          <Typography.Text data-testid="current-user" data-username={user.username}>
            {user.displayName}
          </Typography.Text>
          <Tag color="blue">{pick(ROLE_LABEL[user.role])}</Tag>
          <Typography.Text type="secondary">{unitName(user.unitId)}</Typography.Text>
          <LanguageSwitch />
          <Button icon={<LogoutOutlined />} size="small" onClick={() => void logout()}>
            {t('logout')}
          </Button>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <CalendarYearBanner />
          {/* Pages load as their own chunks (web/src/main.tsx); the menu stays while one loads. */}
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
