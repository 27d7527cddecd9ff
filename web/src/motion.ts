import { useSyncExternalStore } from 'react';

// Its own module, not hooks.ts: the console's entry imports it, and hooks.ts starts the countdown
// ticker when loaded, which the login page has no use for.
const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

/**
 * Whether the user asked the system for less motion (an OS accessibility setting): the console then
 * opens dialogs, drawers and menus without animation.
 */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(
    (listener) => {
      const query = window.matchMedia(REDUCED_MOTION);
      query.addEventListener('change', listener);
      return () => query.removeEventListener('change', listener);
    },
    () => window.matchMedia(REDUCED_MOTION).matches,
  );
}
