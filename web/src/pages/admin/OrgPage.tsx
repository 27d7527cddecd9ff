import { Alert, Button, Card, Col, Descriptions, Empty, Row, Table, Tag, Tree, type GetRef } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { OrgUnit, PowerListItem } from '../../api/types';
import { forgetUnits, loadUnits } from '../../auth';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { unitKindLabel } from '../../labels';
import { POWER_CATEGORY_LABEL, POWER_SOURCE_LABEL, type PowerCategory, type PowerSource } from './admin-types';
import { UnitPicker } from './common';
import {
  PowerItemModal,
  UnitActions,
  UnitActiveModal,
  UnitCreateModal,
  UnitEditModal,
  UnitMoveModal,
} from './OrgAdmin';

interface Node {
  key: string;
  title: string;
  children: Node[];
}

export function OrgPage() {
  const { t, pick, lang } = useI18n();
  const units = useLoad(loadUnits, []);
  const [selected, setSelected] = useState<string>();
  const tree = useMemo(() => {
    const nodes = new Map<string, Node>();
    const roots: Node[] = [];
    for (const u of units.data?.values() ?? [])
      nodes.set(u.id, {
        key: u.id,
        title: `${(lang === 'en' ? u.nameEn : u.name) ?? u.name} · ${pick(unitKindLabel(u.kind))}`,
        children: [],
      });
    for (const u of units.data?.values() ?? [])
      (u.parentId ? nodes.get(u.parentId)?.children : roots)?.push(nodes.get(u.id)!);
    return roots;
  }, [units.data, lang, pick]);
  const unit: OrgUnit | undefined = selected ? units.data?.get(selected) : undefined;
  const [expanded, setExpanded] = useState<string[]>(['lk']);
  // Bumped after each saved change to the tree, so the unit finder reads the changed tree.
  const [saves, setSaves] = useState(0);
  // The tree is virtual: scroll a unit chosen in the finder into view once its branch is open.
  const treeRef = useRef<GetRef<typeof Tree>>(null);
  useEffect(() => {
    if (selected) treeRef.current?.scrollTo({ key: selected, align: 'top' });
  }, [selected, expanded]);
  /** Select a unit found by name: open the branches above it so the tree shows it. */
  const reveal = (id: string | undefined) => {
    const found = id ? units.data?.get(id) : undefined;
    setSelected(found?.id);
    if (found) setExpanded((e) => [...new Set([...e, ...found.path.split('/').slice(0, -1)])]);
  };
  const isTownship = unit?.kind === 'township' || unit?.kind === 'street';
  const powers = useLoad(
    () => (isTownship && unit ? api.get<PowerListItem[]>(`/org-units/${unit.id}/power-list`) : Promise.resolve([])),
    [unit?.id],
  );
  // The open editor: a unit form, or a power-list item (null: a new one).
  const [editing, setEditing] = useState<'child' | 'edit' | 'move' | 'active' | { item: PowerListItem | null }>();
  const closeEditor = (saved: boolean) => {
    const was = editing;
    setEditing(undefined);
    if (!saved) return;
    if (typeof was === 'object') return powers.reload();
    forgetUnits();
    units.reload();
    setSaves((n) => n + 1);
    if (was === 'child' && unit) setExpanded((e) => [...e, unit.id]);
  };

  return (
    <Row gutter={16}>
      <Col span={10}>
        <Card
          title={t('menuOrg')}
          size="small"
          extra={
            <UnitPicker
              key={saves}
              placeholder={pick(['按名称或编码查找单位', 'Find a unit by name or code'])}
              id="unit-find"
              style={{ width: 260 }}
              value={selected}
              onChange={(v) => reveal(v as string | undefined)}
            />
          }
        >
          {units.error && <Alert type="error" showIcon title={units.error} />}
          {tree.length > 0 && (
            <Tree
              ref={treeRef}
              treeData={tree}
              expandedKeys={expanded}
              onExpand={(keys) => setExpanded(keys as string[])}
              selectedKeys={selected ? [selected] : []}
              onSelect={(keys) => setSelected(keys[0] as string | undefined)}
              height={640}
            />
          )}
        </Card>
      </Col>
      <Col span={14}>
        <Card
          title={unit ? ((lang === 'en' ? unit.nameEn : unit.name) ?? unit.name) : t('selectUnit')}
          size="small"
          extra={unit && <UnitActions unit={unit} open={setEditing} />}
          data-testid="unit-detail"
        >
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
                <Descriptions.Item label={t('active')}>
                  {unit.active ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>}
                </Descriptions.Item>
              </Descriptions>
              {isTownship && (
                <Table<PowerListItem>
                  style={{ marginTop: 16 }}
                  data-testid="power-list"
                  title={() => (
                    <>
                      {`${t('powerList')}（${powers.data?.length ?? 0}）`}
                      <Button
                        size="small"
                        style={{ float: 'right' }}
                        data-testid="power-add"
                        onClick={() => setEditing({ item: null })}
                      >
                        {pick(['新增事项', 'Add item'])}
                      </Button>
                    </>
                  )}
                  size="small"
                  rowKey="id"
                  loading={powers.loading}
                  dataSource={powers.data ?? []}
                  pagination={{ pageSize: 10 }}
                  columns={[
                    { title: t('matterCode'), dataIndex: 'code', width: 90 },
                    { title: t('name'), dataIndex: 'name' },
                    {
                      title: t('category'),
                      dataIndex: 'category',
                      width: 110,
                      render: (c: PowerCategory) => pick(POWER_CATEGORY_LABEL[c] ?? [c, c]),
                    },
                    {
                      title: t('source'),
                      dataIndex: 'source',
                      width: 90,
                      render: (c: PowerSource) => pick(POWER_SOURCE_LABEL[c] ?? [c, c]),
                    },
                    { title: t('legalBasis'), dataIndex: 'legalBasis', ellipsis: true },
                    {
                      title: t('active'),
                      dataIndex: 'active',
                      width: 70,
                      render: (v: boolean) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>),
                    },
                    {
                      title: '',
                      key: 'edit',
                      width: 70,
                      render: (_: unknown, item: PowerListItem) => (
                        <Button
                          type="link"
                          size="small"
                          data-testid={`power-edit-${item.code}`}
                          onClick={() => setEditing({ item })}
                        >
                          {pick(['编辑', 'Edit'])}
                        </Button>
                      ),
                    },
                  ]}
                />
              )}
            </>
          )}
        </Card>
      </Col>
      {unit && editing === 'child' && <UnitCreateModal parent={unit} onClose={closeEditor} />}
      {unit && editing === 'edit' && <UnitEditModal unit={unit} onClose={closeEditor} />}
      {unit && editing === 'move' && <UnitMoveModal unit={unit} onClose={closeEditor} />}
      {unit && editing === 'active' && <UnitActiveModal unit={unit} onClose={closeEditor} />}
      {unit && typeof editing === 'object' && (
        <PowerItemModal unitId={unit.id} item={editing.item ?? undefined} onClose={closeEditor} />
      )}
    </Row>
  );
}
