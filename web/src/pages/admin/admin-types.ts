// Response shapes of the administration endpoints this console's admin pages use (org moves, the
// admin audit log, secondments, payroll).
import type { components, paths } from '../../api/schema';

export type PowerCategory = components['schemas']['PowerCategory'];
export type PowerSource = components['schemas']['PowerSource'];
export type SecondmentStatus = components['schemas']['Secondment']['status'];

/** [简体中文, English] (as ./common's Label). */
type Label = readonly [string, string];

/** One entry of an `admin:*` audit stream (GET /admin-audit). */
export type AdminAuditEntry = components['schemas']['AdminAuditEntry'];
export type AdminAuditPage = components['schemas']['AdminAuditPage'];

/** A secondment (GET /secondments, POST /secondments, POST /secondments/{id}/end). */
export type Secondment = components['schemas']['Secondment'];

/** GET /users/{id}/secondments. */
export type PersonSecondments =
  paths['/api/v1/users/{id}/secondments']['get']['responses'][200]['content']['application/json'];

/** GET /payroll/grid-pay-grades. */
export type PayGrades =
  paths['/api/v1/payroll/grid-pay-grades']['get']['responses'][200]['content']['application/json'];

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
