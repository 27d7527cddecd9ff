import type { ReactNode } from 'react';
import { mobile } from './MobileLayout';

/** A card of a mobile page. */
export function Section({ title, children, testId }: { title?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section style={mobile.card} data-testid={testId}>
      {title && <h3 style={{ margin: '0 0 8px', fontSize: 17 }}>{title}</h3>}
      {children}
    </section>
  );
}
