import { Tag, Typography } from 'antd';
import type { ClockLevel } from '../api/types';
import { useNow } from '../hooks';
import { useI18n } from '../i18n';
import { COLOUR_LABEL, COLOUR_TAG } from '../labels';

export function ColourTag({ colour }: { colour: ClockLevel }) {
  const { pick } = useI18n();
  return (
    <Tag color={COLOUR_TAG[colour]} data-colour={colour}>
      {pick(COLOUR_LABEL[colour])}
    </Tag>
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2天 03:04:05` style: days, then hours:minutes:seconds. */
export function formatSpan(ms: number, days: (n: number) => string): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const hms = `${pad(Math.floor((s % 86_400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return d > 0 ? `${days(d)} ${hms}` : hms;
}

/** A countdown to `deadline` that ticks every second and turns red once the deadline has passed. */
export function Countdown({ deadline, stopped }: { deadline: string | null; stopped?: boolean }) {
  const now = useNow();
  const { t } = useI18n();
  if (!deadline) return <Typography.Text type="secondary">—</Typography.Text>;
  if (stopped) return <Typography.Text type="secondary">{formatTime(deadline)}</Typography.Text>;
  const left = Date.parse(deadline) - now;
  const span = formatSpan(left, (n) => t('days', { n }));
  return (
    <Typography.Text type={left < 0 ? 'danger' : undefined} strong={left < 0} className="countdown" style={{ fontVariantNumeric: 'tabular-nums' }}>
      {left < 0 ? t('late', { t: span }) : t('left', { t: span })}
    </Typography.Text>
  );
}

const SHANGHAI_MS = 8 * 3_600_000;

/** `YYYY-MM-DD HH:mm:ss` in Beijing time (China has no daylight saving: UTC+8 all year). */
function shanghai(ms: number): string {
  return new Date(ms + SHANGHAI_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** An instant in Beijing time, as clerks read it. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? shanghai(Date.parse(iso)) : '—';
}

/** A deadline in Beijing time; one at midnight reads as 24:00 of the day before (行政许可法 §82 style). */
export function formatDeadline(iso: string | null | undefined): string {
  if (!iso) return '—';
  const text = shanghai(Date.parse(iso));
  if (!text.endsWith(' 00:00:00')) return text.slice(0, 16);
  return `${shanghai(Date.parse(iso) - 1).slice(0, 10)} 24:00`;
}
