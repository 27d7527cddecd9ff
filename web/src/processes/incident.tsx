import { Descriptions, Tag } from 'antd';
import { HistoryTimeline } from '../components/HistoryTimeline';
import type { CaseDetail, IncidentSource, Satisfaction } from '../api/types';
import { useUnitName } from '../auth';
import { useI18n } from '../i18n';
import type { ActionSpec, FieldSpec, Label, ProcessModule } from './types';

// Incidents (POST /incidents/:id/actions; the body union incidentActionBody in api/routes/incidents.ts).
// Limits below are the API's: notes and reasons 1000, results 4000, at most 20 evidence references of 500.

const note = (name: string, label: Label, required = true, max = 1000): FieldSpec => ({
  name,
  label,
  kind: 'textarea',
  max,
  required,
});
const evidence = (required: boolean): FieldSpec => ({
  name: 'evidence',
  label: ['其他证据（文书编号等，回车分隔）', 'Other evidence references (press Enter between)'],
  kind: 'tags',
  maxItems: 20,
  maxLength: 500,
  required,
});
const photos = (label: Label): FieldSpec => ({ name: 'attachmentIds', label, kind: 'files' });

export const LEVEL_LABEL: Record<1 | 2 | 3 | 4, Label> = {
  1: ['一级（网格）', 'L1 grid'],
  2: ['二级（村/社区）', 'L2 village'],
  3: ['三级（乡镇/街道）', 'L3 township'],
  4: ['四级（县）', 'L4 county'],
};
export const SOURCE_LABEL: Record<IncidentSource, Label> = {
  patrol: ['网格巡查', 'Patrol'],
  photo: ['随手拍', 'Resident photo'],
  hotline: ['12345 工单', '12345 order'],
  iot: ['视频物联', 'Camera / IoT'],
};
const SATISFACTION_LABEL: Record<Satisfaction, Label> = {
  satisfied: ['满意', 'Satisfied'],
  basic: ['基本满意', 'Fairly satisfied'],
  unsatisfied: ['不满意', 'Unsatisfied'],
};

const ACTIONS: Record<string, ActionSpec> = {
  sign: { label: ['签收', 'Sign for'], primary: true, fields: [note('note', ['签收说明', 'Note'], false)] },
  dispute: {
    label: ['派单异议', 'Dispute'],
    danger: true,
    fields: [
      note('reason', ['异议理由（非本单位职责）', 'Why it is not ours']),
      note('basis', ['异议依据（12345 工单必填）', 'Basis (required for 12345 orders)'], false),
    ],
  },
  dispatch: {
    label: ['派单', 'Dispatch'],
    primary: true,
    fields: [
      { name: 'unitId', label: ['派至单位', 'To unit'], kind: 'unit', required: true },
      note('note', ['派单说明', 'Note'], false),
    ],
  },
  escalate: {
    label: ['上报', 'Escalate'],
    fields: [
      note('reason', ['上报理由（超出本级处置能力）', 'Why it is beyond this level']),
      {
        name: 'toLevel',
        label: ['越级至（仅特急事件）', 'Jump to (critical only)'],
        kind: 'select',
        options: [3, 4].map((l) => ({ value: l, label: LEVEL_LABEL[l as 3 | 4] })),
      },
    ],
  },
  resolve: {
    label: ['办结', 'Resolve'],
    primary: true,
    fields: [
      note('result', ['处置结果', 'Result'], true, 4000),
      photos(['处置后照片（至少一张，或填写无照片原因）', 'After photos (at least one, or the reason below)']),
      { name: 'noPhotoReason', label: ['无法拍照的原因', 'Why there is no photo'], kind: 'text', max: 1000 },
      evidence(false),
    ],
  },
  verify: {
    label: ['核查', 'Verify'],
    primary: true,
    fields: [
      { name: 'passed', label: ['核查通过', 'Passed'], kind: 'switch', initial: true },
      { ...note('note', ['核查意见', 'Finding']), initial: '现场核查属实，已处置到位' },
      photos(['核查照片', 'Photos on site']),
    ],
  },
  callback: {
    label: ['回访', 'Call back'],
    primary: true,
    fields: [
      {
        name: 'satisfaction',
        label: ['满意度', 'Satisfaction'],
        kind: 'select',
        required: true,
        initial: 'satisfied',
        options: Object.entries(SATISFACTION_LABEL).map(([value, label]) => ({ value, label })),
      },
      { name: 'resolved', label: ['问题已解决', 'Solved'], kind: 'switch', initial: true },
      note('note', ['回访记录', 'Note'], false),
    ],
  },
  extend: {
    label: ['延期', 'Extend'],
    fields: [
      {
        name: 'amount',
        label: ['延长时限（与本级时限同单位）', 'Extend by (same unit as the limit)'],
        kind: 'number',
        min: 0.01,
        max: 365,
        required: true,
      },
      note('reason', ['延期理由', 'Reason']),
    ],
  },
  urge: { label: ['督办', 'Urge'], danger: true, fields: [note('message', ['督办意见', 'What to do, by when'])] },
};

function IncidentLive({ detail }: { detail: CaseDetail }) {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const view = detail.process === 'incident' ? detail.live : null;
  if (!view) return null;
  return (
    <>
      <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('status')}>
          <span data-testid="incident-status">{view.statusLabel}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('level')}>
          <Tag color={view.level >= 3 ? 'volcano' : 'blue'}>{pick(LEVEL_LABEL[view.level])}</Tag>
          {view.redCard && <Tag color="red">{t('redCard')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('category')}>
          {view.category.name} · {view.urgency.name}
        </Descriptions.Item>
        <Descriptions.Item label={t('source')}>{pick(SOURCE_LABEL[view.source])}</Descriptions.Item>
        <Descriptions.Item label={t('assignee')}>{unitName(view.assignee.unitId)}</Descriptions.Item>
        <Descriptions.Item label={t('address')}>{view.location.address}</Descriptions.Item>
        <Descriptions.Item label={t('problemDescription')} span={2}>
          {view.description}
        </Descriptions.Item>
        {view.resolution && (
          <Descriptions.Item label={t('result')} span={2}>
            {pick(LEVEL_LABEL[view.resolution.level])} · {view.resolution.result}
            {view.resolution.evidence.length > 0 && `（${view.resolution.evidence.join('、')}）`}
            {view.resolution.noPhotoReason && `（${t('noPhotoReason')}：${view.resolution.noPhotoReason}）`}
          </Descriptions.Item>
        )}
        {view.urgeCount > 0 && <Descriptions.Item label={t('urgeCount')}>{view.urgeCount}</Descriptions.Item>}
        {view.lateUnits.length > 0 && (
          <Descriptions.Item label={t('lateUnits')} span={2}>
            {view.lateUnits.map((l) => `${pick(LEVEL_LABEL[l.level])} ${unitName(l.unitId)}`).join('；')}
          </Descriptions.Item>
        )}
      </Descriptions>
      <HistoryTimeline
        items={view.history.map((h) => ({
          at: h.at,
          action: h.action,
          actor: h.actorId,
          unitId: h.unitId,
          tag: pick(LEVEL_LABEL[h.level]),
          note: h.note,
        }))}
      />
    </>
  );
}

export const incidentProcess: ProcessModule = {
  actionPath: (id) => `/incidents/${encodeURIComponent(id)}/actions`,
  actions: ACTIONS,
  LiveView: IncidentLive,
};
