/**
 * A restorable copy of a case object's state, so an action whose transition cannot be stored is
 * undone in full. Class instances inside the case (its clocks) are restored in place, because
 * other objects hold them (the clock watch); plain values are deep-copied. Objects marked with
 * `shareInMementos` are never changed in place (calendar data, a built calendar) and are kept by
 * reference, which keeps a memento cheap.
 */
const shared = new WeakSet<object>();

/** Mark `value` as never mutated in place: mementos keep it by reference. */
export function shareInMementos(value: object): void {
  shared.add(value);
}

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';
const isInstance = (v: unknown): v is object => {
  if (!isObject(v) || Array.isArray(v) || v instanceof Map || v instanceof Set || v instanceof Date) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto !== null && proto !== Object.prototype;
};

function copy(value: unknown): unknown {
  if (!isObject(value) || shared.has(value)) return value;
  if (Array.isArray(value)) return value.map(copy);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, copy(v)]));
  if (value instanceof Set) return new Set([...value].map(copy));
  if (value instanceof Date) return new Date(value.getTime());
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = copy(v);
  return out;
}

/** Copy the state of `root` now; the returned function puts it back. */
export function captureState(root: object): () => void {
  const saved: [Record<string, unknown>, [string, unknown][]][] = [];
  const seen = new Set<object>();
  const visit = (obj: object): void => {
    if (seen.has(obj)) return;
    seen.add(obj);
    const props: [string, unknown][] = [];
    for (const [key, value] of Object.entries(obj)) {
      if (isInstance(value) && !shared.has(value)) {
        visit(value);
        props.push([key, value]);
      } else {
        props.push([key, copy(value)]);
      }
    }
    saved.push([obj as Record<string, unknown>, props]);
  };
  visit(root);
  return () => {
    for (const [obj, props] of saved) {
      const keep = new Set(props.map(([k]) => k));
      for (const key of Object.keys(obj)) if (!keep.has(key)) delete obj[key];
      for (const [key, value] of props) obj[key] = value;
    }
  };
}
