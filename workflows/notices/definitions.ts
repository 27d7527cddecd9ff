/** Prefix of the id of the one notice-delivery sweeper per task queue (`notice-delivery-<queue>`, started idempotently: worker/notice-delivery.ts). */
export const NOTICE_DELIVERY_WORKFLOW_ID = 'notice-delivery';

export interface NoticeDeliveryInput {
  /** Pause between sweeps of the outbox. */
  intervalMs: number;
  /** Notices tried per sweep. */
  batch: number;
}

export const DEFAULT_NOTICE_DELIVERY: NoticeDeliveryInput = { intervalMs: 30_000, batch: 100 };
