import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { since } from './generation';
import type { Activities } from '../../activities';

const OPTIONS = {
  startToCloseTimeout: '30 seconds',
  // PostgreSQL may be away for a while: keep retrying. Only a write that can never succeed is
  // raised non-retryable (ProjectionRejected, activities/projection-guard.ts) and undone by the workflow.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
} as const;

const remoteActivities = proxyActivities<Activities>(OPTIONS);
const localActivities = proxyLocalActivities<Activities>(OPTIONS);

/** Since this patch `sendNotices` runs as a local activity; older histories replay their scheduled activity. */
export const LOCAL_NOTICES_PATCH = 'notices-local-activity';

/**
 * The activities every case workflow uses, with the shared retry policy. `sendNotices` (store the
 * notices, idempotent per case, key and unit, then try delivery once — a failed delivery is left
 * to the outbox sweep) runs as a local activity: a 督办 or an urge then costs no second workflow
 * task and no round trip through the server's activity queue, which is what limited how many
 * deadlines a minute the worker could escalate (`bench:timers`).
 */
export const caseActivities: Activities = new Proxy(remoteActivities, {
  get(target, name, receiver) {
    if (name !== 'sendNotices') return Reflect.get(target, name, receiver) as unknown;
    const send: Activities['sendNotices'] = (requests) =>
      (since(LOCAL_NOTICES_PATCH) ? localActivities : target).sendNotices(requests);
    return send;
  },
});

/** Since this patch the projection writes below run as local activities; older histories replay their scheduled activities. */
export const LOCAL_PROJECTION_PATCH = 'projection-local-activities';

type ProjectionWrites = Pick<
  Activities,
  | 'recordTransition'
  | 'recordIncidentFacts'
  | 'recordSummonsFacts'
  | 'recordSummonsPartFacts'
  | 'recordAssessmentTransition'
>;

const writer = (): ProjectionWrites => (since(LOCAL_PROJECTION_PATCH) ? localActivities : remoteActivities);

/**
 * The writes of the read model (case envelope, audit, statistics facts) that every action awaits
 * before it answers. As local activities they run in the worker that runs the workflow task, with
 * no round trip through the server's activity queue: an action's answer waits for one workflow
 * task instead of three. They are idempotent by the transition's sequence number, so a retry after
 * a worker crash writes nothing twice. Notices (SMS) and calendar reads stay regular activities.
 */
export const projectionActivities: ProjectionWrites = {
  recordTransition: (record) => writer().recordTransition(record),
  recordIncidentFacts: (facts) => writer().recordIncidentFacts(facts),
  recordSummonsFacts: (facts) => writer().recordSummonsFacts(facts),
  recordSummonsPartFacts: (facts) => writer().recordSummonsPartFacts(facts),
  recordAssessmentTransition: (input) => writer().recordAssessmentTransition(input),
};
