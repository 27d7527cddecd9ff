import { Alert, Button, Card, Col, Flex, Form, Input, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { errorText } from '../api/client';
import { useAuth } from '../auth';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { DEMO_USER_GROUPS } from '../demo-users';
import { useI18n } from '../i18n';
import { ROLE_LABEL } from '../labels';

export function LoginPage() {
  const { t, pick } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<{ username: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

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
      <Card style={{ width: 960, alignSelf: 'flex-start' }} title={t('appName')} extra={<LanguageSwitch />}>
        <Typography.Title level={5}>{t('loginTitle')}</Typography.Title>
        <Form form={form} layout="inline" onFinish={(v) => void submit(v.username)} style={{ marginBottom: 16 }}>
          <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('usernameRequired') }]}>
            <Input id="username" placeholder="t01.window" style={{ width: 240 }} autoFocus />
          </Form.Item>
          <Button id="login-submit" type="primary" htmlType="submit" loading={busy}>
            {t('login')}
          </Button>
        </Form>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Typography.Paragraph type="secondary">{t('loginHint')}</Typography.Paragraph>
        <Row gutter={[16, 16]}>
          {DEMO_USER_GROUPS.map((g) => (
            <Col span={12} key={g.unit[0]}>
              <Card size="small" title={pick(g.unit)}>
                <Space wrap>
                  {g.users.map((u) => (
                    <Button key={u.username} size="small" disabled={busy} onClick={() => void submit(u.username)} title={u.username}>
                      {pick(ROLE_LABEL[u.role])}
                      {u.leader ? `（${pick(['负责人', 'leader'])}）` : ''} · {u.username}
                    </Button>
                  ))}
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
      </Card>
    </Flex>
  );
}
