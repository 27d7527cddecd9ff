import { Alert, Card, Col, Descriptions, Empty, Row, Table, Tag, Tree } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { OrgUnit, PowerListItem } from '../../api/types';
import { loadUnits, useUnitName } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { unitKindLabel } from '../../labels';

interface Node {
  key: string;
  title: string;
  children: Node[];
}

export function OrgPage() {
  const { t, pick, lang } = useI18n();
  const unitName = useUnitName();
  const units = useLoad(loadUnits, []);
  const [selected, setSelected] = useState<string>();
  const tree = useMemo(() => {
    const nodes = new Map<string, Node>();
    const roots: Node[] = [];
    for (const u of units.data?.values() ?? []) nodes.set(u.id, { key: u.id, title: `${(lang === 'en' ? u.nameEn : u.name) ?? u.name} · ${pick(unitKindLabel(u.kind))}`, children: [] });
    for (const u of units.data?.values() ?? []) (u.parentId ? nodes.get(u.parentId)?.children : roots)?.push(nodes.get(u.id)!);
    return roots;
  }, [units.data, lang, pick]);
  const unit: OrgUnit | undefined = selected ? units.data?.get(selected) : undefined;
  const isTownship = unit?.kind === 'township' || unit?.kind === 'street';
  const powers = useLoad(() => (isTownship && unit ? api.get<PowerListItem[]>(`/org-units/${unit.id}/power-list`) : Promise.resolve([])), [unit?.id]);

  return (
    <Row gutter={16}>
      <Col span={10}>
        <Card title={t('menuOrg')} size="small">
          {units.error && <Alert type="error" showIcon title={units.error} />}
          {tree.length > 0 && <Tree treeData={tree} defaultExpandedKeys={['lk']} onSelect={(keys) => setSelected(keys[0] as string | undefined)} height={640} />}
        </Card>
      </Col>
      <Col span={14}>
        <Card title={unit ? unitName(unit.id) : t('selectUnit')} size="small">
          {!unit ? (
            <Empty />
          ) : (
            <>
              <Descriptions size="small" column={2} bordered>
                <Descriptions.Item label="ID">{unit.id}</Descriptions.Item>
                <Descriptions.Item label={t('kind')}>{pick(unitKindLabel(unit.kind))}</Descriptions.Item>
                <Descriptions.Item label={t('name')}>{unit.name}</Descriptions.Item>
                <Descriptions.Item label="English">{unit.nameEn ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('path')} span={2}>
                  {unit.path}
                </Descriptions.Item>
                <Descriptions.Item label={t('leader')}>{unit.leaderUserId ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('active')}>{unit.active ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>}</Descriptions.Item>
              </Descriptions>
              {isTownship && (
                <Table<PowerListItem>
                  style={{ marginTop: 16 }}
                  title={() => `${t('powerList')}（${powers.data?.length ?? 0}）`}
                  size="small"
                  rowKey="id"
                  loading={powers.loading}
                  dataSource={powers.data ?? []}
                  pagination={{ pageSize: 10 }}
                  columns={[
                    { title: t('matterCode'), dataIndex: 'code', width: 90 },
                    { title: t('name'), dataIndex: 'name' },
                    { title: t('category'), dataIndex: 'category', width: 110 },
                    { title: t('source'), dataIndex: 'source', width: 90 },
                    { title: t('legalBasis'), dataIndex: 'legalBasis', ellipsis: true },
                  ]}
                />
              )}
            </>
          )}
        </Card>
      </Col>
    </Row>
  );
}
