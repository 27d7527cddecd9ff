import { Button, Form, Input, Select, Space, Typography } from 'antd';
import { api } from '../../api/client';
import type { OrgUnit, PowerListItem, UnitKind } from '../../api/types';
import { useI18n } from '../../i18n';
import { unitKindLabel } from '../../labels';
import { POWER_CATEGORY_LABEL, POWER_SOURCE_LABEL } from './admin-types';
import { ConfigModal, UnitPicker, type Label } from './common';

/*
 * The org tree's write side in the console (组织机构管理): a unit's children, name, place in the tree
 * and open/closed state, and a township's power list (权责清单). Each form sends one audited API
 * write (api/routes/org.ts) with its reason; the server checks the tree rules and its refusal is
 * shown in the form (nothing is changed until it accepts).
 */

/** The kinds of unit that may sit directly under a unit of each kind (DOMAIN §2, api/routes/org.ts). */
const CHILD_KINDS: Record<UnitKind, readonly UnitKind[]> = {
  county: ['township', 'street', 'department'],
  township: ['village', 'community', 'agency'],
  street: ['village', 'community', 'agency'],
  village: ['grid'],
  community: ['grid'],
  grid: [],
  department: [],
  agency: [],
};

/** The kinds a unit of `kind` may be moved under. */
export const parentKindsOf = (kind: UnitKind): UnitKind[] =>
  (Object.keys(CHILD_KINDS) as UnitKind[]).filter((k) => CHILD_KINDS[k].includes(kind));
export const childKindsOf = (kind: UnitKind): readonly UnitKind[] => CHILD_KINDS[kind];

const required = (pick: (l: Label) => string, l: Label) => [{ required: true, whitespace: true, message: pick(l) }];

type Done = (saved: boolean) => void;

export function UnitCreateModal({ parent, onClose }: { parent: OrgUnit; onClose: Done }) {
  const { pick } = useI18n();
  const kinds = CHILD_KINDS[parent.kind];
  return (
    <ConfigModal<{ id: string; kind: UnitKind; name: string; nameEn?: string; departmentId?: string }>
      title={pick([`在「${parent.name}」下新建单位`, `New unit under ${parent.nameEn ?? parent.name}`])}
      formName="unit_new"
      initialValues={{ kind: kinds[0], id: `${parent.id}.` }}
      save={({ nameEn, departmentId, ...v }) =>
        api.post('/org-units', {
          ...v,
          parentId: parent.id,
          ...(nameEn ? { nameEn } : {}),
          ...(departmentId ? { departmentId } : {}),
        })
      }
      onClose={onClose}
    >
      <Form.Item name="kind" label={pick(['类型', 'Kind'])} rules={[{ required: true }]}>
        <Select options={kinds.map((k) => ({ value: k, label: pick(unitKindLabel(k)) }))} />
      </Form.Item>
      <Form.Item
        name="id"
        label={pick(['单位编码', 'Unit code'])}
        extra={pick(['小写字母和数字，以点分段，如 lk.t01.v04', 'Lowercase dotted code, e.g. lk.t01.v04'])}
        rules={required(pick, ['请填写编码', 'Enter a code'])}
      >
        <Input />
      </Form.Item>
      <Form.Item name="name" label={pick(['名称', 'Name'])} rules={required(pick, ['请填写名称', 'Enter a name'])}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="nameEn" label={pick(['英文名称（可选）', 'English name (optional)'])}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.kind !== b.kind}>
        {({ getFieldValue }) =>
          getFieldValue('kind') === 'agency' && (
            <Form.Item
              name="departmentId"
              label={pick(['所属县直部门', 'Owning department'])}
              rules={[{ required: true, message: pick(['请选择所属部门', 'Pick the department']) }]}
            >
              <UnitPicker kinds={['department']} />
            </Form.Item>
          )
        }
      </Form.Item>
    </ConfigModal>
  );
}

export function UnitEditModal({ unit, onClose }: { unit: OrgUnit; onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<{ name: string; nameEn?: string | null; regionCode?: string | null }>
      title={pick([`修改单位「${unit.name}」`, `Edit ${unit.nameEn ?? unit.name}`])}
      formName="unit_edit"
      initialValues={{ name: unit.name, nameEn: unit.nameEn, regionCode: unit.regionCode }}
      save={({ name, nameEn, regionCode, reason }) =>
        api.patch(`/org-units/${unit.id}`, { name, nameEn: nameEn || null, regionCode: regionCode || null, reason })
      }
      onClose={onClose}
    >
      <Form.Item name="name" label={pick(['名称', 'Name'])} rules={required(pick, ['请填写名称', 'Enter a name'])}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="nameEn" label={pick(['英文名称', 'English name'])}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="regionCode" label={pick(['行政区划代码', 'Region code'])}>
        <Input maxLength={20} />
      </Form.Item>
    </ConfigModal>
  );
}

export function UnitMoveModal({ unit, onClose }: { unit: OrgUnit; onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<{ parentId: string }>
      title={pick([`调整「${unit.name}」的隶属`, `Move ${unit.nameEn ?? unit.name}`])}
      formName="unit_move"
      initialValues={{}}
      save={(v) => api.post(`/org-units/${unit.id}/move`, v)}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">
        {pick([
          '下级单位随之移动；本单位及下级还有在办案件时不能调整。',
          'Units below it move with it; refused while it or its subtree has open cases.',
        ])}
      </Typography.Paragraph>
      <Form.Item
        name="parentId"
        label={pick(['新的上级单位', 'New parent'])}
        rules={[{ required: true, message: pick(['请选择新的上级单位', 'Pick the new parent']) }]}
      >
        <UnitPicker kinds={parentKindsOf(unit.kind)} />
      </Form.Item>
    </ConfigModal>
  );
}

/** 撤销 (close) an open unit, or 恢复 (reopen) a closed one. */
export function UnitActiveModal({ unit, onClose }: { unit: OrgUnit; onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal
      title={
        unit.active
          ? pick([`撤销单位「${unit.name}」`, `Close ${unit.nameEn ?? unit.name}`])
          : pick([`恢复单位「${unit.name}」`, `Reopen ${unit.nameEn ?? unit.name}`])
      }
      formName="unit_active"
      initialValues={{}}
      save={({ reason }) => api.patch(`/org-units/${unit.id}`, { active: !unit.active, reason })}
      onClose={onClose}
    >
      <Typography.Paragraph type="secondary">
        {unit.active
          ? pick([
              '单位下还有在用下级单位、在用人员或在办案件时不能撤销。',
              'A unit with active child units, active users or open cases cannot be closed.',
            ])
          : pick(['上级单位须为在用状态。', 'Its parent must be open.'])}
      </Typography.Paragraph>
    </ConfigModal>
  );
}

/** Add an item to a township's power list, or edit one. */
export function PowerItemModal({ unitId, item, onClose }: { unitId: string; item?: PowerListItem; onClose: Done }) {
  const { pick } = useI18n();
  return (
    <ConfigModal<{
      code: string;
      name: string;
      category: string;
      source: string;
      legalBasis?: string | null;
      active?: boolean;
    }>
      title={
        item
          ? pick([`修改权责事项 ${item.code}`, `Edit power item ${item.code}`])
          : pick(['新增权责事项', 'New power item'])
      }
      formName="power"
      initialValues={
        item
          ? {
              code: item.code,
              name: item.name,
              category: item.category,
              source: item.source,
              legalBasis: item.legalBasis,
              active: item.active,
            }
          : { category: 'public_service', source: 'own' }
      }
      save={({ code, name, category, source, legalBasis, active, reason }) =>
        item
          ? api.patch(`/power-list/${item.id}`, {
              name,
              category,
              source,
              active,
              legalBasis: legalBasis || null,
              reason,
            })
          : api.post(`/org-units/${unitId}/power-list`, {
              code,
              name,
              category,
              source,
              legalBasis: legalBasis || null,
              reason,
            })
      }
      onClose={onClose}
    >
      <Form.Item name="code" label={pick(['编码', 'Code'])} rules={required(pick, ['请填写编码', 'Enter a code'])}>
        <Input disabled={!!item} maxLength={50} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="name" label={pick(['事项名称', 'Name'])} rules={required(pick, ['请填写名称', 'Enter a name'])}>
        <Input maxLength={300} />
      </Form.Item>
      <Space size="large">
        <Form.Item name="category" label={pick(['类别', 'Category'])}>
          <Select
            style={{ width: 160 }}
            options={Object.entries(POWER_CATEGORY_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
          />
        </Form.Item>
        <Form.Item name="source" label={pick(['来源', 'Source'])}>
          <Select
            style={{ width: 120 }}
            options={Object.entries(POWER_SOURCE_LABEL).map(([value, l]) => ({ value, label: pick(l) }))}
          />
        </Form.Item>
        {item && (
          <Form.Item name="active" label={pick(['状态', 'Status'])}>
            <Select
              style={{ width: 120 }}
              options={[
                { value: true, label: pick(['在用', 'Active']) },
                { value: false, label: pick(['停用', 'Inactive']) },
              ]}
            />
          </Form.Item>
        )}
      </Space>
      <Form.Item name="legalBasis" label={pick(['法律依据', 'Legal basis'])}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
    </ConfigModal>
  );
}

/** The buttons of a selected unit. */
export function UnitActions({
  unit,
  open,
}: {
  unit: OrgUnit;
  open: (what: 'child' | 'edit' | 'move' | 'active') => void;
}) {
  const { pick } = useI18n();
  return (
    <Space size="small" wrap>
      {unit.active && CHILD_KINDS[unit.kind].length > 0 && (
        <Button size="small" data-testid="unit-add-child" onClick={() => open('child')}>
          {pick(['新建下级', 'Add child'])}
        </Button>
      )}
      <Button size="small" data-testid="unit-edit" onClick={() => open('edit')}>
        {pick(['修改', 'Edit'])}
      </Button>
      {unit.kind !== 'county' && unit.active && (
        <Button size="small" data-testid="unit-move" onClick={() => open('move')}>
          {pick(['调整隶属', 'Move'])}
        </Button>
      )}
      {unit.kind !== 'county' && (
        <Button size="small" danger={unit.active} data-testid="unit-active" onClick={() => open('active')}>
          {unit.active ? pick(['撤销', 'Close']) : pick(['恢复', 'Reopen'])}
        </Button>
      )}
    </Space>
  );
}
