import { Tag, Typography } from 'antd';
import type { ClockLevel } from '../api/types';
import { useNow } from '../hooks';
import { currentLang, useI18n } from '../i18n';
import { COLOUR_LABEL, COLOUR_TAG } from '../labels';

export function ColourTag({ colour }: { colour: ClockLevel }) {
  const { pick } = useI18n();
  return (
    <Tag color={COLOUR_TAG[colour]} data-colour={colour}>
      {pick(COLOUR_LABEL[colour])}
    </Tag>
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A span as people say it: `2 天 3 小时`, `1 小时 59 分 30 秒`, `25 分 7 秒` (`2 d 3 h`… in English).
 * Whole days drop the seconds: nobody counts seconds over days.
 */
export function humanSpan(ms: number, lang: 'zh' | 'en' = currentLang()): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  const m = Math.floor((abs % HOUR) / MINUTE);
  const s = Math.floor((abs % MINUTE) / 1000);
  const zh = lang === 'zh';
  const part = (n: number, z: string, e: string) => (zh ? `${n} ${z}` : `${n} ${e}`);
  if (d > 0) return [part(d, '天', 'd'), ...(h ? [part(h, '小时', 'h')] : [])].join(' ');
  if (h > 0) return [part(h, '小时', 'h'), part(m, '分', 'min'), part(s, '秒', 's')].join(' ');
  return [part(m, '分', 'min'), part(s, '秒', 's')].join(' ');
}

/** An amount of a duration unit, rounded as people say it: `3.5 个工作日`, `2 小时 5 分`, never `4124.1 分钟`. */
export function humanAmount(amount: number, unit: string, lang: 'zh' | 'en' = currentLang()): string {
  const natural: Record<string, number> = { minute: MINUTE, hour: HOUR, day: DAY };
  if (natural[unit]) {
    const ms = Math.round((amount * natural[unit]) / MINUTE) * MINUTE;
    if (ms < MINUTE) return lang === 'zh' ? '不到 1 分钟' : 'under a minute';
    return humanSpan(ms, lang)
      .replace(/ 0 (秒|s)$/, '')
      .replace(/ 0 (分|min)$/, '');
  }
  const rounded = Math.round(amount * 10) / 10;
  return lang === 'zh'
    ? `${rounded} ${unit === 'workhour' ? '个工作小时' : '个工作日'}`
    : `${rounded} working ${unit === 'workhour' ? 'hours' : 'days'}`;
}

/** A countdown to `deadline` that ticks every second and turns red once the deadline has passed. */
export function Countdown({ deadline, stopped }: { deadline: string | null; stopped?: boolean }) {
  const now = useNow();
  const { t } = useI18n();
  if (!deadline) return <Typography.Text type="secondary">—</Typography.Text>;
  // A stopped or paused clock has no time left to count: say so (its deadline is shown beside it).
  if (stopped) return <Typography.Text type="secondary">{t('clockNotRunning')}</Typography.Text>;
  const left = Date.parse(deadline) - now;
  const span = humanSpan(left);
  return (
    <Typography.Text
      type={left < 0 ? 'danger' : undefined}
      strong={left < 0}
      className="countdown"
      data-left={Math.round(left / 1000)}
      style={{ fontVariantNumeric: 'tabular-nums' }}
    >
      {left < 0 ? t('late', { t: span }) : t('left', { t: span })}
    </Typography.Text>
  );
}

const SHANGHAI_MS = 8 * 3_600_000;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12月5日 09:30` in Beijing time (China has no daylight saving: UTC+8 all year), the year only when not this year. */
function shanghai(ms: number, lang: 'zh' | 'en'): string {
  const d = new Date(ms + SHANGHAI_MS);
  const thisYear = new Date(Date.now() + SHANGHAI_MS).getUTCFullYear();
  const hm = d.toISOString().slice(11, 16);
  const y = d.getUTCFullYear();
  if (lang === 'en') return `${MONTHS_EN[d.getUTCMonth()]} ${d.getUTCDate()}${y === thisYear ? '' : ` ${y}`}, ${hm}`;
  return `${y === thisYear ? '' : `${y}年`}${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hm}`;
}

/** An instant in Beijing time, as clerks read it: `12月5日 09:30`. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? shanghai(Date.parse(iso), currentLang()) : '—';
}

/** A deadline in Beijing time; one at midnight reads as 24:00 of the day before (行政许可法 §82 style). */
export function formatDeadline(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  const text = shanghai(ms, currentLang());
  if (!text.endsWith(' 00:00') || new Date(ms + SHANGHAI_MS).getUTCSeconds() !== 0) return text;
  return shanghai(ms - 60_000, currentLang()).replace(/23:59$/, '24:00');
}
