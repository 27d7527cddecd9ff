import { Timeline, Typography } from 'antd';
import { useUnitName } from '../auth';
import { useI18n } from '../i18n';
import { actionLabel } from '../labels';
import { usePersonName, useReadable } from '../names';
import { formatTime } from './sla';

/** One step of a case's history as every process reports it (办理记录). */
export interface HistoryItem {
  at: string;
  action: string;
  actor: string;
  unitId?: string | null;
  /** Shown after the action, e.g. the level an incident was at. */
  tag?: string;
  note?: string | null;
}

/** A case's history (办理记录): when, what, who (and their unit), and what they said. */
export function HistoryTimeline({ items }: { items: HistoryItem[] }) {
  const { t, pick } = useI18n();
  const unitName = useUnitName();
  const person = usePersonName();
  const readable = useReadable();
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('history')}
      </Typography.Title>
      <Timeline
        items={items.map((h) => ({
          title: formatTime(h.at),
          content: (
            <>
              <b>{pick(actionLabel(h.action))}</b>
              {h.tag ? ` · ${h.tag}` : ''} · {person(h.actor)}
              {h.unitId ? `（${unitName(h.unitId)}）` : ''}
              {h.note ? `：${readable(h.note)}` : ''}
            </>
          ),
        }))}
      />
    </>
  );
}
