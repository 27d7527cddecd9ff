import { and, asc, count, eq, inArray, or } from 'drizzle-orm';
import { orgUnits, users } from '../../../db/schema/org';
import { recordPhoneRead } from '../../access-audit';
import { ADMIN_ONLY, conflict, refuse, text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { idParam, pageOf, pageQuery, roleSchema } from '../../schemas';
import { z } from '../../zod';
import { clearable, userCode, phone, reason, boolQuery, patchBody, userSchema } from './schemas';
import { view, one, must, filterEq, filterContains, adminWrite, activeUnit } from './helpers';
import { checkRoleFits, usersVisibleTo, userNotFound } from './checks';

export function registerUserRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary:
      '用户列表（管理员看全部，指挥/督查/考核看本辖区，其他人看本单位）/ Users: all for admins, the subtree for dispatchers, supervisors and assessors, the own unit for others',
    tags: ['org'],
    access: { roles: 'any' },
    query: z.strictObject({
      unitId: text(100).optional(),
      role: roleSchema.optional(),
      q: text(100).optional().openapi({ description: '用户名或姓名包含 / Username or name contains' }),
      active: boolQuery.optional(),
      ...pageQuery,
    }),
    response: { schema: pageOf(userSchema, 'UserPage'), description: '分页结果 / A page of users' },
    async handler({ query, principal, deps, req }) {
      const db = deps.database.db;
      const where = and(
        usersVisibleTo(principal),
        filterEq(users.unitId, query.unitId),
        filterEq(users.role, query.role),
        filterContains(query.q, users.username, users.displayName),
        filterEq(users.active, query.active),
      );
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(users)
          .where(where)
          .orderBy(asc(users.username))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(users).where(where),
      ]);
      await recordPhoneRead(db, req, 'users', rows);
      return { items: rows.map(view), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
    },
  });

  routes.add({
    method: 'get',
    path: '/people',
    operationId: 'lookUpPeople',
    summary:
      '按用户 ID 查姓名（办理记录、审计、经办人显示用）/ Names of users by id, for histories, audit trails and assignees',
    description:
      '任何登录用户可查，只返回姓名、单位与角色（不含电话等）；未知 ID 不返回。/ Any signed-in user; names, unit and role only; unknown ids are left out.',
    tags: ['org'],
    access: { roles: 'any' },
    query: z.strictObject({
      ids: text(8000).openapi({
        description: '逗号分隔的用户 ID（至多 200 个）/ comma-separated user ids (up to 200)',
        example: 'u.lk.t01.leader,u.lk.t01.window',
      }),
    }),
    response: {
      schema: z
        .array(z.object({ id: z.string(), displayName: z.string(), unitId: z.string(), role: roleSchema }))
        .openapi('PersonNames'),
      description: '姓名 / Names',
    },
    async handler({ query, deps }) {
      const ids = [
        ...new Set(
          query.ids
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
      ].slice(0, 200);
      if (ids.length === 0) return [];
      return deps.database.db
        .select({ id: users.id, displayName: users.displayName, unitId: users.unitId, role: users.role })
        .from(users)
        .where(inArray(users.id, ids));
    },
  });

  routes.add({
    method: 'get',
    path: '/users/:id',
    operationId: 'getUser',
    summary: '用户详情（同列表的可见范围）/ One user, within the same scope as the list',
    tags: ['org'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: userSchema, description: '用户 / User' },
    errors: [404],
    async handler({ params, principal, deps, req }) {
      const [row] = await deps.database.db
        .select()
        .from(users)
        .where(and(eq(users.id, params.id), usersVisibleTo(principal)));
      const user = must(row, () => userNotFound(params.id));
      await recordPhoneRead(deps.database.db, req, user.id, [user]);
      return view(user);
    },
  });

  routes.add({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: '新建用户（角色须与单位类型相符）/ Create a user (the role must fit the unit kind)',
    description:
      '网格员只能在网格；村代办员只能在村/社区；窗口人员在乡镇/街道或县级部门；部门联络员在县直部门或派驻机构。/ ' +
      'grid_worker only at a grid; agent only at a village or community; window_staff at a township, street or county department; dept_liaison at a department or agency.',
    tags: ['org'],
    access: ADMIN_ONLY,
    body: z.strictObject({
      id: userCode.optional().openapi({ description: '缺省为 u.<username> / Defaults to u.<username>' }),
      username: userCode,
      displayName: text(100),
      role: roleSchema,
      unitId: text(100),
      isLeader: z.boolean().optional(),
      phone: clearable(phone),
      ...reason,
    }),
    response: { status: 201, schema: userSchema, description: '新用户 / The new user' },
    errors: [409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.user.create', async (tx, fields) => {
        const id = fields.id ?? `u.${fields.username}`;
        const taken = await tx
          .select({ username: users.username })
          .from(users)
          .where(or(eq(users.id, id), eq(users.username, fields.username)));
        if (taken.some((t) => t.username === fields.username))
          throw conflict(
            'username-taken',
            `用户名已被使用：${fields.username}`,
            `The username ${fields.username} is already taken`,
          );
        if (taken.length > 0)
          throw conflict('user-id-taken', `用户编号已存在：${id}`, `A user with id ${id} already exists`);
        checkRoleFits(fields.role, await activeUnit(tx, fields.unitId, 'unitId'));
        return {
          before: null,
          after: one(
            await tx
              .insert(users)
              .values({ ...fields, id })
              .returning(),
          ),
        };
      }),
  });

  routes.add({
    method: 'patch',
    path: '/users/:id',
    operationId: 'updateUser',
    summary: '修改用户（角色和单位会重新校验）/ Update a user (role and unit are checked again)',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: patchBody({
      displayName: text(100),
      role: roleSchema,
      unitId: text(100),
      isLeader: z.boolean(),
      phone: clearable(phone),
      active: z.boolean(),
    }),
    response: { schema: userSchema, description: '修改后的用户 / The updated user' },
    errors: [404, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.user.update', async (tx, changes) => {
        const [before] = await tx.select().from(users).where(eq(users.id, ctx.params.id));
        if (!before) throw userNotFound(ctx.params.id);
        const role = changes.role ?? before.role;
        const unitId = changes.unitId ?? before.unitId;
        const leaving = changes.active === false || unitId !== before.unitId;
        if (before.id === ctx.principal.userId && (changes.active === false || role !== before.role)) {
          throw refuse(
            'self-lockout',
            '不能停用自己的账号或更改自己的角色，请由另一位管理员操作',
            'You cannot deactivate your own account or change your own role; ask another administrator',
          );
        }
        if (changes.role || changes.unitId || changes.active)
          checkRoleFits(role, await activeUnit(tx, unitId, 'unitId'));
        const [led] = leaving
          ? await tx.select().from(orgUnits).where(eq(orgUnits.leaderUserId, before.id)).limit(1)
          : [];
        if (led)
          throw refuse(
            'user-is-unit-leader',
            `该用户是单位「${led.name}」的负责人，请先更换负责人`,
            `This user leads ${led.id}; name another leader first`,
          );
        return { before, after: one(await tx.update(users).set(changes).where(eq(users.id, before.id)).returning()) };
      }),
  });
}
