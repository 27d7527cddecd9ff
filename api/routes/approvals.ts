import type { Db } from '../../db';
import { getMatterVersion, resolveStepUnits } from '../../db/catalogue';
import type { OrgUnit } from '../../db/schema/org';
import { findUnit } from '../../db/units';
import { unknownMaterialViolation } from '../../domain/approval';
import { CHANNELS, type ResolvedStep } from '../../domain/catalogue';
import { approvalActionRequestSchema } from '../../workflows/approval/contract';
import { approvalViewSchema } from '../../workflows/approval/contract-views';
import {
  approvalActionUpdate,
  approvalCase,
  type ApprovalAction,
  type StartApprovalInput,
} from '../../workflows/approval/definitions';
import { recordApplicantRead } from '../access-audit';
import { notFound, refuse, text } from '../admin';
import { loadPrincipal, type Principal } from '../auth';
import { calendarFor, newCaseId, requireDeadlineComputable, startCase } from '../case-start';
import { requireRole, ROLE_LABEL } from '../authz';
import type { AppDeps } from '../deps';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam } from '../schemas';
import { actOnCase } from '../temporal';
import { z } from '../zod';
import { attachmentIdsField, evidenceFiles } from './attachments';
import { loadVisibleCase, overseesOverdueCase } from './cases';
import { actorOf } from './tasks';

const key = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const TOWNSHIP_KINDS: readonly OrgUnit['kind'][] = ['township', 'street'];

const createApprovalBody = z
  .strictObject({
    matterCode: text(40).openapi({ description: '事项编码 / matter code', example: 'XK-SMALL-CATERING' }),
    applicant: z.strictObject({
      name: text(100).openapi({ description: '申请人姓名或单位名称 / applicant', example: '李秀英' }),
      idNumber: text(30)
        .optional()
        .openapi({ description: '证件号码（仅存于流程，投影中不保存）/ ID number (kept in the workflow only)' }),
      phone: text(30).optional(),
    }),
    channel: z
      .enum(CHANNELS)
      .openapi({ description: '申请渠道：窗口 / 村代办员 / 网上 / window, village agent or online' }),
    materials: z.array(key).max(50).openapi({ description: '已提交材料的标识 / keys of the materials handed in' }),
    attachmentIds: attachmentIdsField,
    townshipId: text(100).optional().openapi({
      description: '网上申请时必填：受理的乡镇（街道）/ required online: the township or street that handles it',
      example: 'lk.t01',
    }),
  })
  .openapi('CreateApproval');

type ApprovalActionBody = z.infer<typeof approvalActionRequestSchema>;

type CreateApprovalBody = z.infer<typeof createApprovalBody>;

/**
 * The window that handles an application: a window clerk's own unit, a village agent's township,
 * or (online) the township or street the applicant names.
 */
async function submittingUnit(db: Db, principal: Principal, body: CreateApprovalBody): Promise<OrgUnit> {
  let id: string;
  if (body.channel === 'online') {
    if (!body.townshipId)
      throw new Problem(
        'badRequest',
        {
          zh: '网上申请须指明受理的乡镇（街道）：townshipId',
          en: 'An online application names its township or street: townshipId',
        },
        { code: 'township-required' },
      );
    id = body.townshipId;
  } else {
    requireRole(principal, [body.channel === 'window' ? 'window_staff' : 'agent']);
    id = await ownTownship(db, principal);
    if (body.townshipId && body.townshipId !== id) {
      throw refuse(
        'township-mismatch',
        `窗口和代办申请由您所在的乡镇（${id}）受理，不能指定其他乡镇`,
        `Window and agent applications are handled by your own township (${id})`,
      );
    }
  }
  const unit = await findUnit(db, id);
  if (!unit || !unit.active) throw notFound('unit-not-found', `受理单位不存在或已停用：${id}`, `No active unit ${id}`);
  if (body.channel !== 'window' && !TOWNSHIP_KINDS.includes(unit.kind)) {
    throw refuse('not-a-township', `“${unit.name}”不是乡镇或街道`, `${unit.id} is not a township or street`);
  }
  return unit;
}

/** The township a window clerk works in (their unit) or a village agent serves (their village's township). */
async function ownTownship(db: Db, principal: Principal): Promise<string> {
  return principal.role === 'agent'
    ? ((await findUnit(db, principal.unitId))?.parentId ?? principal.unitId)
    : principal.unitId;
}

/**
 * Who may file an online application and so become its applicant (withdraw, supplement, rate):
 * a window clerk or village agent keying it in for a resident of their own township, or a county
 * department applying for a matter whose chain opens with that department's own application
 * (职责准入: "县级职能部门提出书面申请"). The model has no citizen role; any other staff member would
 * be filing in a resident's name, so is refused.
 */
async function requireOnlineApplicant(
  db: Db,
  principal: Principal,
  township: OrgUnit,
  steps: readonly ResolvedStep[],
): Promise<void> {
  if (
    (principal.role === 'window_staff' || principal.role === 'agent') &&
    (await ownTownship(db, principal)) === township.id
  )
    return;
  if (principal.role === 'dept_liaison' && steps[0]?.unitIds.includes(principal.unitId)) return;
  throw new Problem(
    'forbidden',
    {
      zh: `${ROLE_LABEL[principal.role]}不能以申请人身份网上申请${township.name}的事项：网上申请只能由本乡镇的窗口人员、村代办员代为提交，或由县直部门申请以本部门为首个环节的事项`,
      en: `A ${principal.role} may not file an online application with ${township.id} as its applicant: only that township's window clerks and village agents (on a resident's behalf), or a county department for a matter whose first step is its own`,
    },
    { code: 'online-applicant-forbidden' },
  );
}

const STEP_ACTION_TYPES: ReadonlySet<string> = new Set(['approve', 'reject', 'return', 'transfer']);
const projectedSteps = z.object({ steps: z.array(z.object({ key: z.string(), state: z.string() })) });

/**
 * The step the caller saw: the current step of the projection when the request arrived (or the one
 * the caller names). Binding a step action to it turns a concurrent second approval into a 409
 * even when the next step is held by the same people.
 */
function stepSeen(data: unknown): string | undefined {
  const parsed = projectedSteps.safeParse(data);
  return parsed.success ? parsed.data.steps.find((s) => s.state === 'current')?.key : undefined;
}

/**
 * Turn the request body into the workflow's action: bind step actions to the step seen, resolve a
 * transfer's user. (A bad rating's rectification task is numbered by the workflow, once the rating
 * is accepted, so refused ratings use up no numbers.)
 */
async function workflowAction(deps: AppDeps, input: ApprovalActionBody, projection: unknown): Promise<ApprovalAction> {
  const db = deps.database.db;
  const body =
    STEP_ACTION_TYPES.has(input.type) && !('step' in input && input.step)
      ? { ...input, step: stepSeen(projection) }
      : input;
  if (body.type === 'transfer') {
    const { toUser, ...rest } = body;
    const to = await loadPrincipal(db, toUser, 'id-or-username');
    if (!to) throw refuse('unknown-user', `转交对象不存在或已停用：${toUser}`, `No active user ${toUser}`);
    return { ...rest, to: { userId: to.userId, unitId: to.unitId, role: to.role, displayName: to.displayName } };
  }
  return body;
}

export function registerApprovalRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/approvals',
    operationId: 'submitApproval',
    summary: '提交审批申请（窗口 / 村代办 / 网上）/ Submit an application for a matter',
    description:
      '按事项当前版本建立审批案件（SP- 编号），环节单位在提交时确定。窗口人员的受理乡镇为其所在单位，村代办员为其村所属乡镇，网上申请须指明乡镇。/ Starts an approval case on the matter’s current version; step units are resolved now.',
    tags: ['approvals'],
    access: { roles: 'any' },
    body: createApprovalBody,
    response: { status: 201, schema: approvalViewSchema, description: '已提交 / Submitted' },
    errors: [404, 409, 422, 503],
    async handler({ body, principal, deps, idempotency }) {
      const db = deps.database.db;
      const unit = await submittingUnit(db, principal, body);
      const matter = await getMatterVersion(db, body.matterCode);
      if (!matter)
        throw notFound(
          'matter-not-found',
          `事项不存在或已停用：${body.matterCode}`,
          `No active matter ${body.matterCode}`,
        );
      const def = matter.definition;
      if (!def.channels.includes(body.channel)) {
        throw refuse(
          'channel-not-allowed',
          `事项“${def.name}”不能通过该渠道申请（可用：${def.channels.join('、')}）`,
          `${def.code} cannot be applied for via ${body.channel} (allowed: ${def.channels.join(', ')})`,
        );
      }
      const unknown = unknownMaterialViolation(def.materials, body.materials);
      if (unknown) throw refuse(unknown.code, unknown.zh, unknown.en);
      const resolved = await resolveStepUnits(db, def, unit.id);
      if (!resolved.ok) throw refuse(resolved.violation.code, resolved.violation.zh, resolved.violation.en);
      if (body.channel === 'online') await requireOnlineApplicant(db, principal, unit, resolved.steps);
      const calendar = await calendarFor(deps, unit);
      const now = Date.now();
      if (def.kind === 'promise')
        requireDeadlineComputable(calendar, { unit: 'workday', amount: def.promisedLimitDays }, now);
      const files = await evidenceFiles(deps, principal, null, body.attachmentIds);
      const caseId = await newCaseId({ deps, idempotency }, 'approval', now);
      const input: StartApprovalInput = {
        caseId,
        matter,
        steps: resolved.steps,
        applicant: body.applicant,
        channel: body.channel,
        submittedBy: actorOf(principal),
        townshipId: unit.id,
        // The county (root of the org tree) supervises: extensions, 特事特办, rectification of bad ratings.
        supervisingUnitId: unit.path.split('/')[0] ?? unit.id,
        materials: body.materials,
        ...(files ? { files } : {}),
        calendar,
      };
      return startCase(deps, approvalCase, caseId, input);
    },
  });

  routes.add({
    method: 'post',
    path: '/approvals/:id/actions',
    operationId: 'actOnApproval',
    summary:
      '办理审批案件：受理、审批、退回、转交、中止、延期、催办、撤回、特事特办、办结、评价 / Act on an approval case',
    description:
      '一个接口，按 type 区分动作。被拒绝的操作不改变案件：403 非本环节办理人，409 状态不符、非当前环节或已办理，422 业务规则不允许。/ One endpoint with a typed action union; a refused action changes nothing: 403 not yours, 409 wrong state or already decided, 422 refused by a rule.',
    tags: ['approvals'],
    access: { roles: 'any' },
    params: idParam,
    body: approvalActionRequestSchema,
    response: { schema: approvalViewSchema, description: '办理后的案件 / The case after the action' },
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps, idempotency, req, alongsideAnswer }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      if (row.process !== 'approval')
        throw notFound('case-not-found', `不是审批案件：${params.id}`, `${params.id} is not an approval case`);
      // Scans handed in with a 补正 (supplement) travel as files in its audit entry.
      const { attachmentIds, ...input } = body as ApprovalActionBody & { attachmentIds?: string[] };
      const files = await evidenceFiles(deps, principal, row.id, attachmentIds);
      const base = await workflowAction(deps, input as ApprovalActionBody, row.data);
      const action = files && base.type === 'supplement' ? { ...base, files } : base;
      const oversight = body.type === 'urge' && (await overseesOverdueCase(deps, principal, row));
      const view = await actOnCase(
        deps.temporal,
        params.id,
        approvalActionUpdate,
        { actor: actorOf(principal), action, ...(oversight ? { oversight } : {}) },
        idempotency?.updateId,
      );
      // The answer shows the applicant's phone and masked ID number to the actor: audited like a read,
      // written while the idempotent answer is stored (the action has taken effect, so a failed audit
      // write is logged rather than answered as a failure).
      alongsideAnswer(
        recordApplicantRead(deps.database.db, req, params.id, view).catch((err: unknown) =>
          req.log?.error({ err }, 'access audit not written'),
        ),
      );
      return view;
    },
  });
}
