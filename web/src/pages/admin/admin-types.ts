// Response shapes of the administration endpoints this console's admin pages use (org moves, the
// admin audit log, secondments, payroll), taken from the server's own types where it exports them.
import type { PowerCategory, PowerSource, Role } from '../../../../db/schema/org';
import type { SecondmentStatus } from '../../../../domain/secondment';

export type { PowerCategory, PowerSource, SecondmentStatus };

/** [简体中文, English] (as ./common's Label). */
type Label = readonly [string, string];

/** One entry of an `admin:*` audit stream (GET /admin-audit). */
export interface AdminAuditEntry {
  streamId: string;
  seq: number;
  at: string;
  actorId: string;
  actorName: string | null;
  actorUnitId: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  before: unknown;
  after: unknown;
}

export interface AdminAuditPage {
  items: AdminAuditEntry[];
  page: number;
  pageSize: number;
  total: number;
  streams: { streamId: string; entries: number }[];
}

/** A secondment (GET /secondments, POST /secondments, POST /secondments/{id}/end). */
export interface Secondment {
  id: string;
  userId: string;
  username: string;
  name: string;
  origin: { inSystem: boolean; unitId: string | null; name: string | null; role: string | null };
  hostUnitId: string;
  hostUnitName: string;
  startDate: string;
  plannedEndDate: string;
  status: SecondmentStatus;
  statusLabel: string;
  endDate: string | null;
  endReason: string | null;
  endedBy: string | null;
  endCycleId: string | null;
  createdBy: string;
  createdAt: string;
}

/** GET /users/{id}/secondments. */
export interface PersonSecondments {
  userId: string;
  name: string;
  unitId: string;
  role: Role;
  active: boolean;
  bar: { until: string; cycleId: string } | null;
  secondments: Secondment[];
  outcomes: { caseId: string; effect: string; effectLabel: string; total: number; gradeLabel: string; decidedAt: string; barUntil: string | null; taskCaseId: string | null; note: string }[];
}

/** GET /payroll/grid-pay-grades. */
export interface PayGrades {
  townshipId: string;
  townshipName: string;
  month: string;
  items: { userId: string; username: string; name: string; unitId: string; unitName: string; total: number; gradeLabel: string; payGrade: string; caseId: string }[];
}

export const POWER_CATEGORY_LABEL: Record<PowerCategory, Label> = {
  penalty: ['行政处罚', 'Penalty'],
  public_service: ['公共服务', 'Public service'],
  permit: ['行政许可', 'Permit'],
  confirmation: ['行政确认', 'Confirmation'],
  supervision: ['行政监督', 'Supervision'],
  coercion: ['行政强制', 'Coercion'],
  inspection: ['行政检查', 'Inspection'],
  other: ['其他', 'Other'],
};

export const POWER_SOURCE_LABEL: Record<PowerSource, Label> = {
  own: ['法定', 'Own'],
  delegated: ['赋权', 'Delegated'],
};

export const SECONDMENT_STATUS_LABEL: Record<SecondmentStatus, Label> = {
  active: ['选派中', 'Active'],
  ended: ['已结束', 'Ended'],
  returned: ['已退回原单位', 'Returned'],
  converted: ['已转为乡镇在编', 'Converted'],
};
