import { Alert, Button, Card, Col, Flex, Form, Input, Row, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import { oidcLoginUrl, useAuth } from '../auth';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { DEMO_USER_GROUPS } from '../demo-users';
import { useI18n } from '../i18n';
import { ROLE_LABEL } from '../labels';

/** Why a sign-in through the identity provider came back to this page (`?signin_error=` from api/oidc.ts). */
const SIGNIN_ERRORS: Record<string, [string, string]> = {
  'unknown-user': [
    '您的统一身份认证账号「{account}」尚未在本系统开通或已停用，请联系本单位系统管理员添加。',
    'Your account "{account}" has not been added to this system or is disabled; ask your administrator to add you.',
  ],
  'token-user-claim-missing': [
    '统一身份认证没有提供用于识别用户的信息，请联系系统管理员检查配置。',
    'The identity provider did not name the user; ask the administrator to check the settings.',
  ],
  'signin-expired': [
    '登录超时或已在其他窗口完成，请重新登录。',
    'The sign-in timed out or was completed elsewhere; please sign in again.',
  ],
  'provider-unavailable': [
    '暂时无法连接统一身份认证，请稍后重试。',
    'The identity provider cannot be reached; try again shortly.',
  ],
  'provider-refused': [
    '统一身份认证未同意本次登录，请重试。',
    'The identity provider did not complete the sign-in; try again.',
  ],
};

interface SignInMethods {
  oidc: boolean;
  devLogin: boolean;
}

export function LoginPage() {
  const { t, pick } = useI18n();
  const { login, user, expired } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const [form] = Form.useForm<{ username: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [methods, setMethods] = useState<SignInMethods>();
  useEffect(() => {
    api.get<SignInMethods>('/auth/config').then(setMethods, (err: unknown) => setError(errorText(err)));
  }, []);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const signinError = params.get('signin_error');
  const signinMessage = signinError
    ? pick(SIGNIN_ERRORS[signinError] ?? ['登录失败，请重试。', 'The sign-in failed; please try again.']).replace(
        '{account}',
        params.get('account') ?? '',
      )
    : undefined;

  if (user) return <Navigate to={from} replace />;
  if (!methods && !error) return <Spin fullscreen />;

  const submit = async (username: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim());
      await navigate(from, { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex justify="center" style={{ minHeight: '100vh', padding: 32, background: '#f0f2f5' }}>
      <Card
        style={{ width: methods?.devLogin ? 960 : 480, alignSelf: 'flex-start' }}
        title={t('appName')}
        extra={<LanguageSwitch />}
      >
        {expired && (
          <Alert
            data-testid="session-expired"
            type="warning"
            showIcon
            title={t('sessionExpired')}
            style={{ marginBottom: 16 }}
          />
        )}
        {signinMessage && (
          <Alert data-testid="signin-error" type="error" showIcon title={signinMessage} style={{ marginBottom: 16 }} />
        )}
        {methods?.oidc && (
          <Button
            id="oidc-login"
            type="primary"
            size="large"
            block
            href={oidcLoginUrl(from)}
            style={{ marginBottom: 16 }}
          >
            {t('oidcLogin')}
          </Button>
        )}
        {methods?.oidc === false && !methods.devLogin && <Alert type="error" showIcon title={t('noSignInMethod')} />}
        {error && !methods && <Alert type="error" showIcon title={error} />}
        {methods?.devLogin && devLoginForm()}
      </Card>
    </Flex>
  );

  function devLoginForm() {
    return (
      <>
        <Typography.Title level={5}>{t('loginTitle')}</Typography.Title>
        <Form form={form} layout="inline" onFinish={(v) => void submit(v.username)} style={{ marginBottom: 16 }}>
          <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('usernameRequired') }]}>
            <Input id="username" placeholder="t01.window" style={{ width: 240 }} autoFocus />
          </Form.Item>
          <Button id="login-submit" type="primary" htmlType="submit" loading={busy}>
            {t('login')}
          </Button>
        </Form>
        {error && methods && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Typography.Paragraph type="secondary">{t('loginHint')}</Typography.Paragraph>
        <Row gutter={[16, 16]}>
          {DEMO_USER_GROUPS.map((g) => (
            <Col span={12} key={g.unit[0]}>
              <Card size="small" title={pick(g.unit)}>
                <Space wrap>
                  {g.users.map((u) => (
                    <Button
                      key={u.username}
                      size="small"
                      disabled={busy}
                      onClick={() => void submit(u.username)}
                      title={u.username}
                    >
                      {pick(ROLE_LABEL[u.role])}
                      {u.leader ? `（${pick(['负责人', 'leader'])}）` : ''} · {u.username}
                    </Button>
                  ))}
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
      </>
    );
  }
}
