import { Descriptions } from 'antd';
import { HistoryTimeline } from '../components/HistoryTimeline';
import type { CaseDetail } from '../api/types';
import { useI18n } from '../i18n';
import { statusLabel } from '../labels';
import type { ProcessModule } from './types';

const reason = (required: boolean) => ({
  name: 'reason',
  label: ['原因', 'Reason'] as const,
  kind: 'textarea' as const,
  max: 1000,
  required,
});

function TaskLive({ detail }: { detail: CaseDetail }) {
  const { t, pick } = useI18n();
  const live = detail.process === 'task' ? detail.live : null;
  if (!live) return null;
  return (
    <>
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('status')}>{pick(statusLabel(live.status))}</Descriptions.Item>
        <Descriptions.Item label={t('urgeCount')}>{live.urgeCount}</Descriptions.Item>
        <Descriptions.Item label={t('taskDescription')} span={2}>
          {live.description}
        </Descriptions.Item>
        {live.result && (
          <Descriptions.Item label={t('result')} span={2}>
            {live.result}
          </Descriptions.Item>
        )}
      </Descriptions>
      <HistoryTimeline
        items={live.history.map((h) => ({ at: h.at, action: h.action, actor: h.actorId, note: h.note }))}
      />
    </>
  );
}

/** Rectification tasks (POST /tasks/:id/actions; api/routes/tasks.ts taskActionBody). */
export const taskProcess: ProcessModule = {
  actionPath: (id) => `/tasks/${encodeURIComponent(id)}/actions`,
  actions: {
    complete: {
      label: ['办结', 'Complete'],
      primary: true,
      fields: [{ name: 'result', label: ['办理结果', 'Result'], kind: 'textarea', max: 4000, required: true }],
    },
    urge: {
      label: ['督办', 'Urge'],
      fields: [
        {
          name: 'message',
          label: ['督办意见', 'Urging message'],
          kind: 'textarea',
          max: 1000,
          required: true,
          initial: '请抓紧办理，按期反馈整改情况。',
        },
      ],
    },
    extend: {
      label: ['延期', 'Extend'],
      fields: [
        {
          name: 'amount',
          label: ['延长时限（与原时限同单位）', 'Extend by (same unit as the budget)'],
          kind: 'number',
          min: 0.01,
          max: 365,
          required: true,
        },
        reason(true),
      ],
    },
    pause: {
      label: ['暂停计时', 'Pause'],
      fields: [
        { ...reason(true), label: ['暂停原因（如听证、检测、专家评审）', 'Why (hearing, testing, expert review…)'] },
      ],
    },
    resume: { label: ['恢复计时', 'Resume'], fields: [reason(false)] },
  },
  LiveView: TaskLive,
};
