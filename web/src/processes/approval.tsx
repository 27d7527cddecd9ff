import { Descriptions, Steps, Table, Tag, Typography } from 'antd';
import { HistoryTimeline } from '../components/HistoryTimeline';
import type { ApprovalView, CaseDetail, SuspensionKind } from '../api/types';
import { useUnitName } from '../auth';
import { formatDeadline, formatTime } from '../components/sla';
import { useI18n } from '../i18n';
import { ROLE_LABEL } from '../labels';
import type { ActionSpec, FieldSpec, Label, Option, ProcessModule } from './types';

// Approval cases (POST /approvals/:id/actions; the body union approvalActionBody in api/routes/approvals.ts).
// Text limits below are the API's: reasons and opinions 2000, notes 1000, certificate numbers 100.

const live = (detail: CaseDetail) => (detail.process === 'approval' ? detail.live : null);
const text = (name: string, label: Label, required = true, max = 2000): FieldSpec => ({
  name,
  label,
  kind: 'textarea',
  max,
  required,
});
const materialOptions =
  (pickKeys: (v: ApprovalView) => string[]) =>
  (detail: CaseDetail): Option[] => {
    const view = live(detail);
    if (!view) return [];
    const keys = new Set(pickKeys(view));
    return view.materials.required
      .filter((m) => keys.has(m.key))
      .map((m) => ({ value: m.key, label: [m.name, m.name] as const }));
  };
const isInstant = (detail: CaseDetail) => live(detail)?.matter.kind === 'instant';
/** Step actions name the step the user saw, so acting on a page that is out of date is a 409, not an action on the next step. */
const onStep = (values: Record<string, unknown>, detail: CaseDetail | undefined) => {
  const step = detail && live(detail)?.steps.find((s) => s.state === 'current')?.key;
  return step ? { ...values, step } : values;
};

export const SUSPENSION_LABEL: Record<SuspensionKind, Label> = {
  hearing: ['听证', 'Hearing'],
  inspection: ['检验', 'Inspection'],
  testing: ['检测', 'Testing'],
  'expert-review': ['专家评审', 'Expert review'],
};

const ACTIONS: Record<string, ActionSpec> = {
  accept: {
    label: ['受理', 'Accept'],
    primary: true,
    fields: [
      {
        name: 'tolerate',
        label: ['容缺受理：暂缺的非关键材料', 'Accept with these non-key materials missing'],
        kind: 'multi',
        options: materialOptions((v) => v.materials.required.filter((m) => !m.isKey && !m.provided).map((m) => m.key)),
        when: (d) => !isInstant(d),
      },
      {
        name: 'catchUpDays',
        label: ['容缺补齐期限（工作日，默认为承诺时限）', 'Catch-up period (working days)'],
        kind: 'number',
        min: 1,
        max: 365,
        integer: true,
        when: (d) => !isInstant(d),
      },
      { ...text('result', ['办理结果（即办件当场办结）', 'Result (on-the-spot matter)']), when: isInstant },
      { name: 'certificateNo', label: ['证照编号', 'Certificate no.'], kind: 'text', max: 100, when: isInstant },
    ],
    toBody: ({ result, certificateNo, ...rest }, detail) =>
      detail && isInstant(detail) ? { conclude: { result, ...(certificateNo ? { certificateNo } : {}) } } : rest,
  },
  'notify-missing': {
    label: ['一次性告知', 'One-time notice'],
    fields: [
      {
        name: 'missing',
        label: ['需补正的全部材料', 'Every material to supplement'],
        kind: 'multi',
        required: true,
        options: materialOptions((v) => v.materials.required.map((m) => m.key)),
      },
      text('note', ['说明', 'Note'], false, 1000),
    ],
  },
  supplement: {
    label: ['补正材料', 'Supplement'],
    fields: [
      {
        name: 'materials',
        label: ['本次补交的材料', 'Materials handed in now'],
        kind: 'multi',
        required: true,
        options: materialOptions((v) => [...v.materials.missing, ...v.materials.outstanding]),
      },
      text('note', ['说明', 'Note'], false, 1000),
    ],
  },
  refuse: { label: ['不予受理', 'Refuse'], danger: true, fields: [text('reason', ['不予受理理由', 'Reason'])] },
  approve: {
    label: ['审批同意', 'Approve'],
    primary: true,
    fields: [{ ...text('opinion', ['审批意见', 'Opinion']), initial: '同意' }],
    toBody: onStep,
  },
  reject: {
    label: ['不予许可', 'Reject'],
    danger: true,
    fields: [text('reason', ['不予许可理由', 'Reason'])],
    toBody: onStep,
  },
  return: { label: ['退回上一环节', 'Return'], fields: [text('reason', ['退回理由', 'Reason'])], toBody: onStep },
  transfer: {
    label: ['转交', 'Transfer'],
    fields: [
      {
        name: 'toUser',
        label: ['转交给（本单位同角色人员的用户名）', 'To (username of a colleague with the same role)'],
        kind: 'text',
        max: 100,
        required: true,
      },
      text('reason', ['说明', 'Note'], false, 1000),
    ],
    toBody: onStep,
  },
  suspend: {
    label: ['中止计时', 'Suspend'],
    fields: [
      {
        name: 'kind',
        label: ['中止事由（行政许可法第45条）', 'Ground (§45)'],
        kind: 'select',
        required: true,
        options: Object.entries(SUSPENSION_LABEL).map(([value, label]) => ({ value, label })),
      },
      text('reason', ['说明', 'Reason']),
    ],
  },
  resume: { label: ['恢复计时', 'Resume'], fields: [text('reason', ['说明', 'Note'], false, 1000)] },
  'request-extension': {
    label: ['申请延期', 'Request extension'],
    fields: [
      {
        name: 'days',
        label: ['延期工作日数', 'Working days'],
        kind: 'number',
        min: 1,
        max: 30,
        integer: true,
        required: true,
      },
      text('reason', ['延期理由', 'Reason']),
    ],
  },
  'decide-extension': {
    label: ['审批延期', 'Decide extension'],
    fields: [
      { name: 'approve', label: ['同意延期', 'Approve'], kind: 'switch', initial: true },
      text('reason', ['意见', 'Note'], false, 1000),
    ],
  },
  urge: {
    label: ['催办', 'Urge'],
    fields: [{ ...text('message', ['催办意见', 'Message']), initial: '请抓紧办理，按承诺时限办结。' }],
  },
  withdraw: { label: ['撤回申请', 'Withdraw'], danger: true, fields: [text('reason', ['撤回原因', 'Reason'])] },
  expedite: {
    label: ['特事特办', 'Expedite'],
    fields: [
      {
        name: 'amount',
        label: ['特事特办时限', 'Time limit'],
        kind: 'number',
        min: 0.01,
        max: 1000,
        required: true,
        initial: 1,
      },
      {
        name: 'unit',
        label: ['时间单位', 'Unit'],
        kind: 'select',
        required: true,
        initial: 'hour',
        options: [
          { value: 'minute', label: ['分钟', 'minutes'] },
          { value: 'hour', label: ['小时', 'hours'] },
          { value: 'day', label: ['自然日', 'days'] },
        ],
      },
      text('reason', ['特事特办理由', 'Reason']),
    ],
    toBody: ({ amount, unit, reason }) => ({ budget: { unit, amount }, reason }),
  },
  conclude: {
    label: ['办结', 'Conclude'],
    primary: true,
    fields: [
      { ...text('result', ['办理结果', 'Result']), initial: '准予许可' },
      {
        name: 'certificateNo',
        label: ['证照编号（行政许可必填）', 'Certificate no. (required for permits)'],
        kind: 'text',
        max: 100,
      },
    ],
  },
  rate: {
    label: ['评价', 'Rate'],
    fields: [
      {
        name: 'score',
        label: ['好差评（1–5 分，2 分及以下生成整改任务）', 'Score 1–5 (2 or less opens a rectification task)'],
        kind: 'number',
        min: 1,
        max: 5,
        integer: true,
        required: true,
        initial: 5,
      },
      text('comment', ['评价内容', 'Comment'], false, 1000),
    ],
  },
};

const STATE_STATUS = { done: 'finish', current: 'process', pending: 'wait' } as const;

function ApprovalLive({ detail }: { detail: CaseDetail }) {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const view = live(detail);
  if (!view) return null;
  return (
    <>
      <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('status')}>
          <span data-testid="approval-status">{view.statusLabel}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('matter')}>
          {view.matter.name}（{view.matter.code} v{view.matter.version}）
        </Descriptions.Item>
        <Descriptions.Item label={t('applicant')}>{view.applicant.name}</Descriptions.Item>
        <Descriptions.Item label={t('receiptNo')}>{view.receiptNo ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('limits')}>
          {view.matter.statutoryLimitDays} / {view.matter.promisedLimitDays}
        </Descriptions.Item>
        <Descriptions.Item label={t('caseDeadline')}>
          <span data-testid="case-deadline">{formatDeadline(view.caseDeadline)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('stepDeadline')}>{formatDeadline(view.stepDeadline)}</Descriptions.Item>
        <Descriptions.Item label={t('urgeCount')}>{view.urgeCount}</Descriptions.Item>
        {view.suspension && (
          <Descriptions.Item
            label={t('suspended')}
            span={2}
          >{`${pick(SUSPENSION_LABEL[view.suspension.kind])}：${view.suspension.reason}`}</Descriptions.Item>
        )}
        {view.expedited && (
          <Descriptions.Item
            label={pick(ACTIONS.expedite!.label)}
            span={2}
          >{`${view.expedited.budget.amount} ${view.expedited.budget.unit} · ${view.expedited.reason}`}</Descriptions.Item>
        )}
        {view.conclusion && (
          <Descriptions.Item label={t('result')} span={2}>
            {view.conclusion.result}
            {view.conclusion.certificateNo ? `（${view.conclusion.certificateNo}）` : ''}
          </Descriptions.Item>
        )}
        {view.closeReason && (
          <Descriptions.Item label={t('reason')} span={2}>
            {view.closeReason}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Typography.Title level={5}>{t('steps')}</Typography.Title>
      <Steps
        size="small"
        direction="vertical"
        data-testid="approval-steps"
        items={view.steps.map((s) => ({
          title: s.name,
          status: STATE_STATUS[s.state],
          description: (
            <>
              {s.unitIds.map(unitName).join('、')} ·{' '}
              {pick(ROLE_LABEL[s.role as keyof typeof ROLE_LABEL] ?? [s.role, s.role])}
              {s.limitDays ? ` · ${s.limitDays} ${t('workdays')}` : ''}
              {s.signatures.map((g) => (
                <div key={`${g.actorId}${g.at}`}>
                  ✔ {g.actorName ?? g.actorId}（{formatTime(g.at)}）：{g.opinion}
                </div>
              ))}
              {/* 会签 among people: the panel members who have not signed yet. */}
              {s.signers
                .filter((g) => !g.signature)
                .map((g) => (
                  <div key={g.key} data-testid="panel-pending">
                    ○ {g.displayName ?? pick(ROLE_LABEL[g.role as keyof typeof ROLE_LABEL] ?? [g.role, g.role])}（
                    {t('notSigned')}）
                  </div>
                ))}
            </>
          ),
        }))}
      />
      <Typography.Title level={5}>{t('materials')}</Typography.Title>
      <Table
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={view.materials.required}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          { title: t('keyMaterial'), dataIndex: 'isKey', width: 90, render: (k: boolean) => (k ? t('yes') : t('no')) },
          {
            title: t('status'),
            key: 'state',
            width: 110,
            render: (_v, m) =>
              m.provided ? (
                <Tag color="green">{t('provided')}</Tag>
              ) : view.materials.tolerated.includes(m.key) ? (
                <Tag color="gold">{t('tolerated')}</Tag>
              ) : (
                <Tag color="red">{t('missing')}</Tag>
              ),
          },
        ]}
      />
      <HistoryTimeline
        items={view.history.map((h) => ({
          at: h.at,
          action: h.action,
          actor: h.actorName ?? h.actorId,
          unitId: h.unitId,
          note: h.opinion,
        }))}
      />
    </>
  );
}

export const approvalProcess: ProcessModule = {
  actionPath: (id) => `/approvals/${encodeURIComponent(id)}/actions`,
  actions: ACTIONS,
  LiveView: ApprovalLive,
};
