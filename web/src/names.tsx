import { useCallback, useEffect, useState } from 'react';
import { api } from './api/client';
import { useUnitName } from './auth';
import { formatTime } from './components/sla';
import { useI18n } from './i18n';
import { readableText } from './labels';

// Names of people by user id (GET /people), asked for in batches and kept for the session: a page
// names the same few people many times (history, audit, assignees).
const known = new Map<string, string | null>();
const wanted = new Set<string>();
const waiting = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;

function flush() {
  timer = undefined;
  const ids = [...wanted].slice(0, 200);
  ids.forEach((id) => wanted.delete(id));
  if (ids.length === 0) return;
  api.get<{ id: string; displayName: string }[]>('/people', { ids: ids.join(',') }).then(
    (people) => {
      for (const id of ids) known.set(id, null);
      for (const p of people) known.set(p.id, p.displayName);
      for (const w of waiting) w();
      if (wanted.size) timer = setTimeout(flush, 0);
    },
    () => ids.forEach((id) => known.delete(id)),
  );
}

function want(id: string) {
  if (known.has(id) || wanted.has(id)) return;
  wanted.add(id);
  timer ??= setTimeout(flush, 20);
}

/** User id → the person's name (`system` → 系统; a name stays a name); an unknown user reads as 其他人员, never as an id. */
export function usePersonName(): (id: string | null | undefined) => string {
  const { pick } = useI18n();
  const [, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    waiting.add(bump);
    return () => void waiting.delete(bump);
  }, []);
  return useCallback(
    (id) => {
      if (!id) return '—';
      if (id === 'system') return pick(['系统', 'System']);
      // Some views already carry a name (an applicant, a signer): only user ids are looked up.
      if (!id.startsWith('u.')) return id;
      const name = known.get(id);
      if (name) return name;
      if (name === undefined) want(id);
      return pick(['其他人员', 'Someone']);
    },
    [pick],
  );
}

/** Engine-written text (history notes, audit reasons, notices) with names, Beijing times and colour names. */
export function useReadable(): (text: string | null | undefined) => string {
  const unit = useUnitName();
  const person = usePersonName();
  const { pick } = useI18n();
  return useCallback(
    (text) =>
      text
        ? readableText(text, {
            unit: (id) => unit(id),
            person: (id) => person(id),
            time: (iso) => formatTime(iso),
            pick,
          })
        : '',
    [unit, person, pick],
  );
}
