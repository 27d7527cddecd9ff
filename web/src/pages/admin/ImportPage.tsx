import { Alert, Button, Card, Descriptions, Radio, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, download, errorText } from '../../api/client';
import type { ImportReport } from '../../api/types';
import { useI18n } from '../../i18n';

type Kind = ImportReport['kind'];
const KINDS: { kind: Kind; label: readonly [string, string] }[] = [
  { kind: 'org', label: ['组织机构', 'Org tree'] },
  { kind: 'users', label: ['用户', 'Users'] },
  { kind: 'powers', label: ['权责清单', 'Power lists'] },
];

/**
 * Import of the org tree, users and power lists from the county's spreadsheets: download the
 * template, upload the filled file for a dry run (every bad row listed), then apply the same file.
 */
export function ImportPage() {
  const { t, pick } = useI18n();
  const [kind, setKind] = useState<Kind>('org');
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<ImportReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (mode: 'dry-run' | 'apply') => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      setReport(await api.upload<ImportReport>(`/import/${kind}`, file, { mode }));
    } catch (err) {
      setError(errorText(err));
      const problem = (err as { problem?: { report?: ImportReport } }).problem;
      if (problem?.report) setReport(problem.report);
    } finally {
      setBusy(false);
    }
  };
  const choose = (k: Kind) => {
    setKind(k);
    setFile(undefined);
    setReport(undefined);
  };
  const save = (what: 'template' | 'export', format: 'xlsx' | 'csv') =>
    download(`/import/${kind}/${what}.${format}`, `${kind}-${what}.${format}`).catch((err: unknown) =>
      setError(errorText(err)),
    );
  const clean = report && report.kind === kind && !report.applied && report.errors.length === 0;

  return (
    <Card title={t('menuImport')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('importHint')}</Typography.Paragraph>
        <Radio.Group
          value={kind}
          onChange={(e) => choose(e.target.value as Kind)}
          optionType="button"
          options={KINDS.map((k) => ({ value: k.kind, label: pick(k.label) }))}
        />
        <Space wrap>
          <Button onClick={() => void save('template', 'xlsx')}>{t('importTemplate')} XLSX</Button>
          <Button onClick={() => void save('template', 'csv')}>{t('importTemplate')} CSV</Button>
          <Button onClick={() => void save('export', 'xlsx')}>{t('importExport')} XLSX</Button>
        </Space>
        <Space wrap>
          <Upload
            accept=".xlsx,.csv"
            maxCount={1}
            fileList={file ? [{ uid: file.name, name: file.name }] : []}
            beforeUpload={(f) => {
              setFile(f);
              setReport(undefined);
              return false;
            }}
            onRemove={() => setFile(undefined)}
          >
            <Button id="import-file">{t('importChoose')}</Button>
          </Upload>
          <Button id="import-dry-run" disabled={!file} loading={busy} onClick={() => void run('dry-run')}>
            {t('importDryRun')}
          </Button>
          <Button id="import-apply" type="primary" disabled={!clean} loading={busy} onClick={() => void run('apply')}>
            {t('importApply')}
          </Button>
        </Space>
        {error && <Alert type="error" showIcon title={error} />}
        {report && (
          <div data-testid="import-report">
            <Descriptions size="small" bordered column={3}>
              <Descriptions.Item label={t('importResult')}>
                {report.applied ? <Tag color="green">{t('importApplied')}</Tag> : <Tag>{t('importNotApplied')}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('importRows')}>{report.rows}</Descriptions.Item>
              <Descriptions.Item label={t('importErrors')}>{report.errors.length}</Descriptions.Item>
              <Descriptions.Item label={t('importCreated')}>{report.created.length}</Descriptions.Item>
              <Descriptions.Item label={t('importUpdated')}>{report.updated.length}</Descriptions.Item>
              <Descriptions.Item label={t('importUnchanged')}>{report.unchanged}</Descriptions.Item>
            </Descriptions>
            {report.errors.length > 0 && (
              <Table
                size="small"
                rowKey={(e) => `${e.row}-${e.column}-${e.message}`}
                dataSource={report.errors}
                pagination={{ pageSize: 50 }}
                columns={[
                  { title: t('importRow'), dataIndex: 'row', width: 80 },
                  { title: t('importColumn'), dataIndex: 'column', width: 160 },
                  { title: t('importReason'), render: (_, e) => pick([e.message, e.messageEn]) },
                ]}
              />
            )}
            {report.missing.length > 0 && (
              <Alert
                type="info"
                showIcon
                style={{ marginTop: 8 }}
                title={`${t('importMissing')}（${report.missing.length}）`}
                description={report.missing.slice(0, 50).join('、') + (report.missing.length > 50 ? '…' : '')}
              />
            )}
          </div>
        )}
      </Space>
    </Card>
  );
}
