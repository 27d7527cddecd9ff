import type { Db } from '../../db';
import { getMatterVersion, resolveStepUnits } from '../../db/catalogue';
import type { OrgUnit } from '../../db/schema/org';
import { findUnit } from '../../db/units';
import { unknownMaterialViolation } from '../../domain/approval';
import { CHANNELS, type ResolvedStep } from '../../domain/catalogue';
import {
  APPROVAL_STATUSES,
  approvalActionUpdate,
  EXPEDITE_UNITS,
  SUSPENSION_KINDS,
  type ApprovalAction,
  type ApprovalView,
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
import { clockWithLedgerSchema, idParam } from '../schemas';
import { actOnCase } from '../temporal';
import { z } from '../zod';
import { attachmentIdsField, evidenceFiles } from './attachments';
import { loadVisibleCase, overseesOverdueCase } from './cases';
import { actorOf } from './tasks';

const key = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const keys = (description: string) => z.array(key).min(1).max(50).openapi({ description });
const stepRef = { step: key.optional().openapi({ description: '当前环节标识（可选，防止误办下一环节；不符则 409）/ the step you act on; 409 if it is no longer current' }) };
const reason = (description: string) => text(2000).openapi({ description });
const TOWNSHIP_KINDS: readonly OrgUnit['kind'][] = ['township', 'street'];

const createApprovalBody = z
  .strictObject({
    matterCode: text(40).openapi({ description: '事项编码 / matter code', example: 'XK-SMALL-CATERING' }),
    applicant: z.strictObject({
      name: text(100).openapi({ description: '申请人姓名或单位名称 / applicant', example: '李秀英' }),
      idNumber: text(30).optional().openapi({ description: '证件号码（仅存于流程，投影中不保存）/ ID number (kept in the workflow only)' }),
      phone: text(30).optional(),
    }),
    channel: z.enum(CHANNELS).openapi({ description: '申请渠道：窗口 / 村代办员 / 网上 / window, village agent or online' }),
    materials: z.array(key).max(50).openapi({ description: '已提交材料的标识 / keys of the materials handed in' }),
    attachmentIds: attachmentIdsField,
    townshipId: text(100).optional().openapi({ description: '网上申请时必填：受理的乡镇（街道）/ required online: the township or street that handles it', example: 'lk.t01' }),
  })
  .openapi('CreateApproval');

const approvalActionBody = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('notify-missing'), missing: keys('一次性告知：列明全部需补正的材料 / every material to supplement, at once'), note: text(1000).optional() }),
    z.strictObject({ type: z.literal('supplement'), materials: keys('补正（或补齐容缺）的材料 / materials handed in now'), note: text(1000).optional(), attachmentIds: attachmentIdsField }),
    z.strictObject({
      type: z.literal('accept'),
      tolerate: keys('容缺受理：缺少的非关键材料 / missing non-key materials accepted for later').optional(),
      catchUpDays: z.number().int().min(1).max(365).optional().openapi({ description: '容缺补齐期限（工作日，默认=承诺时限）/ catch-up period in working days (default: the promised limit)' }),
      conclude: z
        .strictObject({ result: reason('办理结果 / result'), certificateNo: text(100).optional() })
        .optional()
        .openapi({ description: '即办件：受理并当场办结 / on-the-spot matters: accept and conclude in one action' }),
    }),
    z.strictObject({ type: z.literal('refuse'), reason: reason('不予受理理由 / why the application is not accepted') }),
    z.strictObject({ type: z.literal('approve'), opinion: reason('审批意见 / opinion'), ...stepRef }),
    z.strictObject({ type: z.literal('reject'), reason: reason('不予许可理由 / why the application is refused'), ...stepRef }),
    z.strictObject({ type: z.literal('return'), reason: reason('退回上一环节的理由 / why it goes back a step'), ...stepRef }),
    z.strictObject({ type: z.literal('transfer'), toUser: text(100).openapi({ description: '转交给本单位同角色人员（用户名或用户 ID）/ a colleague with the same role: username or user id' }), reason: text(1000).optional(), ...stepRef }),
    z.strictObject({ type: z.literal('suspend'), kind: z.enum(SUSPENSION_KINDS).openapi({ description: '§45 听证/检验/检测/专家评审 / hearing, inspection, testing, expert review' }), reason: reason('中止计时理由 / why') }),
    z.strictObject({ type: z.literal('resume'), reason: text(1000).optional() }),
    z.strictObject({ type: z.literal('request-extension'), days: z.number().int().min(1).max(30).openapi({ description: '延期工作日数 / working days' }), reason: reason('延期理由 / why') }),
    z.strictObject({ type: z.literal('decide-extension'), approve: z.boolean().openapi({ description: '同意或不同意延期 / approve or deny the pending request' }), reason: text(1000).optional() }),
    z.strictObject({ type: z.literal('urge'), message: reason('催办意见 / what to say to the step holders') }),
    z.strictObject({ type: z.literal('withdraw'), reason: reason('撤回原因 / why the applicant withdraws') }),
    z.strictObject({
      type: z.literal('expedite'),
      budget: z.strictObject({ unit: z.enum(EXPEDITE_UNITS), amount: z.number().positive().max(1000) }).openapi({ description: '特事特办时限（自然时间），如 { unit: "hour", amount: 2 } / natural-time limit' }),
      reason: reason('特事特办理由 / why'),
    }),
    z.strictObject({ type: z.literal('conclude'), result: reason('办理结果 / result'), certificateNo: text(100).optional().openapi({ description: '证照编号（行政许可必填）/ certificate number (required for permits)' }) }),
    z.strictObject({ type: z.literal('rate'), score: z.number().int().min(1).max(5).openapi({ description: '好差评 1–5 分；≤2 分生成整改任务 / 1–5; 2 or less opens a rectification task' }), comment: text(1000).optional() }),
  ])
  .openapi('ApprovalAction');

type ApprovalActionBody = z.infer<typeof approvalActionBody>;

const signatureSchema = z.object({
  unitId: z.string(),
  actorId: z.string(),
  actorName: z.string().nullable(),
  at: z.string(),
  opinion: z.string(),
  signer: z.string().optional().openapi({ description: '按人员会签：所签的会签席位（user:… 或 role:…）/ on a panel: the member signed for' }),
  role: z.string().optional(),
});

const approvalViewSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    statusLabel: z.string(),
    matter: z.object({ code: z.string(), version: z.number().int(), name: z.string(), category: z.string(), kind: z.string(), promisedLimitDays: z.number(), statutoryLimitDays: z.number() }),
    applicant: z.object({ name: z.string(), phone: z.string().nullable(), idNumber: z.string().nullable() }),
    channel: z.enum(CHANNELS),
    townshipId: z.string(),
    submittedBy: z.string(),
    receiptNo: z.string().nullable().openapi({ description: '受理回执号 / acceptance receipt number' }),
    acceptedAt: z.string().nullable(),
    materials: z.object({
      required: z.array(z.object({ key: z.string(), name: z.string(), isKey: z.boolean(), provided: z.boolean() })),
      provided: z.array(z.string()),
      missing: z.array(z.string()),
      notified: z.array(z.string()).nullable(),
      tolerated: z.array(z.string()),
      outstanding: z.array(z.string()),
    }),
    caseDeadline: z.string().nullable().openapi({ description: '承诺期限（特事特办后为其时限）；受理前、中止计时期间和结案后为空 / the promised limit’s deadline (the expedited one once expedited); null before acceptance, while suspended and once closed' }),
    stepDeadline: z.string().nullable().openapi({ description: '当前环节时限 / the current step’s own limit, while it runs' }),
    precheckDeadline: z.string().nullable().openapi({ description: '受理审查期限：逾期未告知视为受理（行政许可法第三十二条）/ end of the pre-check period; silence after it counts as acceptance' }),
    supplementDeadline: z.string().nullable(),
    catchUpDeadline: z.string().nullable(),
    currentStep: z.string().nullable(),
    steps: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        role: z.string(),
        mode: z.string(),
        unitIds: z.array(z.string()),
        limitDays: z.number().nullable(),
        state: z.enum(['pending', 'current', 'done']),
        signatures: z.array(signatureSchema),
        signers: z
          .array(z.object({ key: z.string(), role: z.string(), userId: z.string().nullable(), displayName: z.string().nullable(), signature: signatureSchema.nullable() }))
          .openapi({ description: '按人员会签（评审组）：每位须签署的人员或角色及其签署 / a panel of people or roles who must each sign, with their signatures' }),
        pendingUnitIds: z.array(z.string()),
        transfers: z.record(z.string(), z.object({ userId: z.string(), unitId: z.string(), role: z.string(), displayName: z.string().optional() })),
      }),
    ),
    suspension: z.object({ kind: z.enum(SUSPENSION_KINDS), reason: z.string(), by: z.string(), at: z.string() }).nullable(),
    pendingExtension: z.object({ days: z.number(), reason: z.string(), step: z.string().nullable(), by: z.string(), at: z.string() }).nullable(),
    expedited: z.object({ budget: z.object({ unit: z.string(), amount: z.number() }), reason: z.string(), by: z.string(), at: z.string() }).nullable(),
    urgeCount: z.number().int(),
    conclusion: z.object({ result: z.string(), certificateNo: z.string().nullable(), at: z.string() }).nullable(),
    closeReason: z.string().nullable(),
    handlingUnitId: z.string().nullable(),
    rating: z.object({ score: z.number().int(), comment: z.string().nullable(), by: z.string(), at: z.string(), rectificationCaseId: z.string().nullable() }).nullable(),
    history: z.array(
      z.object({ at: z.string(), actorId: z.string(), actorName: z.string().nullable(), unitId: z.string().nullable(), role: z.string(), action: z.string(), step: z.string().nullable(), opinion: z.string().nullable() }),
    ),
    assignments: z.array(z.object({ unitId: z.string(), role: z.string(), userId: z.string().optional(), actions: z.array(z.string()) })),
    clocks: z.array(clockWithLedgerSchema),
  })
  .openapi('ApprovalView');

type CreateApprovalBody = z.infer<typeof createApprovalBody>;

/**
 * The window that handles an application: a window clerk's own unit, a village agent's township,
 * or (online) the township or street the applicant names.
 */
async function submittingUnit(db: Db, principal: Principal, body: CreateApprovalBody): Promise<OrgUnit> {
  let id: string;
  if (body.channel === 'online') {
    if (!body.townshipId) throw new Problem('badRequest', { zh: '网上申请须指明受理的乡镇（街道）：townshipId', en: 'An online application names its township or street: townshipId' }, { code: 'township-required' });
    id = body.townshipId;
  } else {
    requireRole(principal, [body.channel === 'window' ? 'window_staff' : 'agent']);
    id = await ownTownship(db, principal);
    if (body.townshipId && body.townshipId !== id) {
      throw refuse('township-mismatch', `窗口和代办申请由您所在的乡镇（${id}）受理，不能指定其他乡镇`, `Window and agent applications are handled by your own township (${id})`);
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
  return principal.role === 'agent' ? ((await findUnit(db, principal.unitId))?.parentId ?? principal.unitId) : principal.unitId;
}

/**
 * Who may file an online application and so become its applicant (withdraw, supplement, rate):
 * a window clerk or village agent keying it in for a resident of their own township, or a county
 * department applying for a matter whose chain opens with that department's own application
 * (职责准入: "县级职能部门提出书面申请"). The model has no citizen role; any other staff member would
 * be filing in a resident's name, so is refused.
 */
async function requireOnlineApplicant(db: Db, principal: Principal, township: OrgUnit, steps: readonly ResolvedStep[]): Promise<void> {
  if ((principal.role === 'window_staff' || principal.role === 'agent') && (await ownTownship(db, principal)) === township.id) return;
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
  const body = STEP_ACTION_TYPES.has(input.type) && !('step' in input && input.step) ? { ...input, step: stepSeen(projection) } : input;
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
      if (!matter) throw notFound('matter-not-found', `事项不存在或已停用：${body.matterCode}`, `No active matter ${body.matterCode}`);
      const def = matter.definition;
      if (!def.channels.includes(body.channel)) {
        throw refuse('channel-not-allowed', `事项“${def.name}”不能通过该渠道申请（可用：${def.channels.join('、')}）`, `${def.code} cannot be applied for via ${body.channel} (allowed: ${def.channels.join(', ')})`);
      }
      const unknown = unknownMaterialViolation(def.materials, body.materials);
      if (unknown) throw refuse(unknown.code, unknown.zh, unknown.en);
      const resolved = await resolveStepUnits(db, def, unit.id);
      if (!resolved.ok) throw refuse(resolved.violation.code, resolved.violation.zh, resolved.violation.en);
      if (body.channel === 'online') await requireOnlineApplicant(db, principal, unit, resolved.steps);
      const calendar = await calendarFor(deps, unit);
      const now = Date.now();
      if (def.kind === 'promise') requireDeadlineComputable(calendar, { unit: 'workday', amount: def.promisedLimitDays }, now);
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
      return startCase<ApprovalView>(deps, 'approvalWorkflow', caseId, input);
    },
  });

  routes.add({
    method: 'post',
    path: '/approvals/:id/actions',
    operationId: 'actOnApproval',
    summary: '办理审批案件：受理、审批、退回、转交、中止、延期、催办、撤回、特事特办、办结、评价 / Act on an approval case',
    description:
      '一个接口，按 type 区分动作。被拒绝的操作不改变案件：403 非本环节办理人，409 状态不符、非当前环节或已办理，422 业务规则不允许。/ One endpoint with a typed action union; a refused action changes nothing: 403 not yours, 409 wrong state or already decided, 422 refused by a rule.',
    tags: ['approvals'],
    access: { roles: 'any' },
    params: idParam,
    body: approvalActionBody,
    response: { schema: approvalViewSchema, description: '办理后的案件 / The case after the action' },
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps, idempotency, req }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      if (row.process !== 'approval') throw notFound('case-not-found', `不是审批案件：${params.id}`, `${params.id} is not an approval case`);
      // Scans handed in with a 补正 (supplement) travel as files in its audit entry.
      const { attachmentIds, ...input } = body as ApprovalActionBody & { attachmentIds?: string[] };
      const files = await evidenceFiles(deps, principal, row.id, attachmentIds);
      const base = await workflowAction(deps, input as ApprovalActionBody, row.data);
      const action = files && base.type === 'supplement' ? { ...base, files } : base;
      const oversight = body.type === 'urge' && (await overseesOverdueCase(deps, principal, row));
      const view = await actOnCase(deps.temporal, params.id, approvalActionUpdate, { actor: actorOf(principal), action, ...(oversight ? { oversight } : {}) }, idempotency?.updateId);
      // The answer shows the applicant's phone and masked ID number to the actor: audited like a read
      // (the action has taken effect, so a failed audit write is logged rather than answered as a failure).
      await recordApplicantRead(deps.database.db, req, params.id, view).catch((err: unknown) => req.log?.error({ err }, 'access audit not written'));
      return view;
    },
  });
}
