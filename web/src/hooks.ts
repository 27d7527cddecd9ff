import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { errorText } from './api/client';

// One 1-second ticker for every countdown in the console. It always runs (one timer per tab), so a
// countdown that mounts later never starts from a stale time.
const listeners = new Set<() => void>();
let now = Date.now();
setInterval(() => {
  now = Date.now();
  for (const l of listeners) l();
}, 1000);
function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current time, re-rendering every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  status: number | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Load `fetcher()` now, whenever `deps` change, and every `refreshMs` if given. A failed load keeps
 * the last data and reports the server's message.
 */
export function useLoad<T>(fetcher: () => Promise<T>, deps: readonly unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; status?: number; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fetcherRef.current().then(
      (data) => live && setState({ data, loading: false }),
      (err: unknown) =>
        live &&
        setState((s) => ({ ...s, error: errorText(err), status: (err as { status?: number }).status, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (!refreshMs) return;
    const id = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(id);
  }, [refreshMs]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload } as Loaded<T>;
}

/**
 * Submit a form to the API: `busy` while it runs, the server's own words in `error` when it refuses
 * (problem+json `detail`, in the console's language), `after` with the answer when it succeeds.
 */
export function useSubmit<V, R>(
  send: (values: V) => Promise<R>,
  after: (result: R) => unknown,
): { busy: boolean; error: string | undefined; submit: (values: V) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = (values: V) => {
    setBusy(true);
    setError(undefined);
    send(values)
      .then(after, (err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };
  return { busy, error, submit };
}
