import { EnvironmentOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Segmented, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, errorText } from '../api/client';
import type { IncidentView } from '../api/types';
import { useUser } from '../auth';
import { AttachmentPicker } from '../components/Attachments';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { mobile } from './MobileLayout';
import { Section } from './Section';
import { M } from './text';

type Coded = { code: string; name: string; active?: boolean };

/** 随手拍上报: a grid worker reports from the scene — photos from the camera, location text (GPS if given). */
export function MobileReport() {
  const { pick, lang } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const config = useLoad(() => api.get<{ categories: Coded[]; urgencies: Coded[] }>('/incident-config'), []);
  const [form, setForm] = useState({
    title: '',
    description: '',
    categoryCode: '',
    urgencyCode: 'normal',
    address: '',
  });
  const [coords, setCoords] = useState<{ lat: number; lng: number }>();
  const [gps, setGps] = useState<'idle' | 'busy' | 'done' | 'failed'>('idle');
  const [photos, setPhotos] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const locate = () => {
    if (!navigator.geolocation) return setGps('failed');
    setGps('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setCoords({ lat: Math.round(p.coords.latitude * 1e6) / 1e6, lng: Math.round(p.coords.longitude * 1e6) / 1e6 });
        setGps('done');
      },
      () => setGps('failed'),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };
  const missing = [
    [form.title, M.title],
    [form.description, M.description],
    [form.categoryCode, M.category],
    [form.address, M.location],
  ].filter(([v]) => !(v as string).trim());
  const submit = async () => {
    if (missing.length)
      return setError(
        `${pick(M.required)}${missing.map(([, l]) => pick(l as readonly [string, string])).join(lang === 'zh' ? '、' : ', ')}`,
      );
    setBusy(true);
    setError(undefined);
    try {
      const view = await api.post<IncidentView>('/incidents', {
        source: 'photo',
        gridId: user.unitId,
        title: form.title.trim(),
        description: form.description.trim(),
        categoryCode: form.categoryCode,
        urgencyCode: form.urgencyCode,
        location: { address: form.address.trim(), ...coords },
        attachmentIds: photos,
      });
      void message.success(`${pick(M.reported)} ${view.caseId}`);
      void navigate(`/m/cases/${encodeURIComponent(view.caseId)}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const categories = config.data?.categories.filter((c) => c.active !== false) ?? [];
  const urgencies = config.data?.urgencies ?? [
    { code: 'normal', name: '一般' },
    { code: 'urgent', name: '紧急' },
    { code: 'critical', name: '特急' },
  ];
  return (
    <Section title={pick(M.reportTitle)} testId="m-report">
      <label style={mobile.label}>{pick(M.photos)}</label>
      <AttachmentPicker caseId={null} capture value={photos} onChange={setPhotos} label={pick(M.takePhoto)} />
      <label style={mobile.label} htmlFor="m-title">
        {pick(M.title)}
      </label>
      <Input
        id="m-title"
        size="large"
        maxLength={200}
        value={form.title}
        onChange={(e) => set('title')(e.target.value)}
      />
      <label style={mobile.label} htmlFor="m-description">
        {pick(M.description)}
      </label>
      <Input.TextArea
        id="m-description"
        rows={3}
        maxLength={4000}
        value={form.description}
        onChange={(e) => set('description')(e.target.value)}
        style={{ fontSize: 16 }}
      />
      <label style={mobile.label}>{pick(M.category)}</label>
      <Select
        id="m-category"
        size="large"
        style={{ width: '100%' }}
        loading={!config.data}
        value={form.categoryCode || undefined}
        onChange={set('categoryCode')}
        options={categories.map((c) => ({ value: c.code, label: c.name }))}
      />
      <label style={mobile.label}>{pick(M.urgency)}</label>
      <Segmented
        block
        size="large"
        value={form.urgencyCode}
        onChange={(v) => set('urgencyCode')(String(v))}
        options={urgencies.map((u) => ({ value: u.code, label: u.name }))}
      />
      <label style={mobile.label} htmlFor="m-address">
        {pick(M.location)}
      </label>
      <Input
        id="m-address"
        size="large"
        maxLength={500}
        placeholder={pick(M.locationPlaceholder)}
        value={form.address}
        onChange={(e) => set('address')(e.target.value)}
      />
      <Button
        style={{ marginTop: 8, height: 44 }}
        icon={<EnvironmentOutlined />}
        loading={gps === 'busy'}
        onClick={locate}
      >
        {pick(M.useGps)}
      </Button>{' '}
      {gps === 'done' && coords && (
        <span style={mobile.muted}>
          {pick(M.gpsDone)} {coords.lat}, {coords.lng}
        </span>
      )}
      {gps === 'failed' && <span style={{ ...mobile.muted, color: '#d4380d' }}>{pick(M.gpsFailed)}</span>}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid="m-error" />}
      <Button
        type="primary"
        block
        style={{ ...mobile.big, marginTop: 16 }}
        loading={busy}
        onClick={() => void submit()}
        data-testid="m-submit-report"
      >
        {pick(M.submitReport)}
      </Button>
    </Section>
  );
}

/** 我的上报: the incidents I reported (the cases my grid sees), newest first. */
