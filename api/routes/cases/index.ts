import type { ApiRoutes } from '../../route';
import { registerCaseReadRoutes } from './cases';
import { registerNoticeRoutes } from './notices';

export { caseEnvelopeSchema, auditVerdictSchema } from './schemas';
export { caseVisibleTo, loadVisibleCase, overseesOverdueCase } from './access';

export function registerCaseRoutes(routes: ApiRoutes): void {
  registerCaseReadRoutes(routes);
  registerNoticeRoutes(routes);
}
