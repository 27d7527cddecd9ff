import { ROLES, type OrgUnit, type User } from '../../db/schema/org';
import { ROLE_LABEL } from '../authz';
import { KIND_LABEL, ROLE_UNIT_KINDS } from '../routes/org';
import { PHONE, RowReader, USER_CODE, type Cells } from './rows';
import { diff, type Plan, type Snapshot, type Write } from './snapshot';
import type { ImportIssue } from './templates';

/** Check the roster's rows and work out the user writes and the units' principal leaders. */
export function planUsers(
  rows: { row: number; cells: Cells }[],
  db: Snapshot,
  errors: ImportIssue[],
): Pick<Plan, 'users' | 'leaders'> & { seen: Set<string> } {
  const byUsername = new Map([...db.users.values()].map((u) => [u.username, u]));
  type Row = {
    r: RowReader;
    id: string;
    username: string;
    values: Omit<User, 'createdAt' | 'updatedAt' | 'id' | 'username'>;
    principal: boolean;
    existing?: User;
  };
  const parsed: Row[] = [];
  const usernames = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const { row, cells } of rows) {
    const r = new RowReader('users', row, cells, errors);
    const username = r.text('username', {
      required: true,
      max: 64,
      pattern: USER_CODE,
      patternZh: '小写字母、数字和 . _ @ -',
    });
    const idCell = r.text('id', { max: 64, pattern: USER_CODE, patternZh: '小写字母、数字和 . _ @ -' });
    const displayName = r.text('displayName', { required: true, max: 100 });
    const role = r.choice('role', ROLES, ROLE_LABEL, { required: true });
    const unitId = r.text('unitId', { required: true, max: 100 });
    const isLeader = r.flag('isLeader', false);
    const principal = r.flag('principal', false);
    const phone = r.text('phone', { max: 30, pattern: PHONE, patternZh: '电话号码' });
    const active = r.flag('active', true);
    if (
      !username ||
      idCell === undefined ||
      !displayName ||
      !role ||
      !unitId ||
      isLeader === undefined ||
      principal === undefined ||
      phone === undefined ||
      active === undefined
    )
      continue;
    const existing = byUsername.get(username);
    const id = existing?.id ?? idCell ?? `u.${username}`;
    if (existing && idCell && idCell !== existing.id) {
      r.fail(
        'id',
        `用户 ${username} 的编号是 ${existing.id}，编号创建后不可更改`,
        `${username} has the id ${existing.id}; ids cannot change`,
      );
      continue;
    }
    const dupName = usernames.get(username);
    if (dupName !== undefined) {
      r.fail('username', `用户名 ${username} 与第 ${dupName} 行重复`, `username ${username} repeats row ${dupName}`);
      continue;
    }
    const dupId = ids.get(id);
    if (dupId !== undefined) {
      r.fail('id', `用户编号 ${id} 与第 ${dupId} 行重复`, `id ${id} repeats row ${dupId}`);
      continue;
    }
    usernames.set(username, row);
    ids.set(id, row);
    const unit = db.units.get(unitId);
    if (!unit) {
      r.fail(
        'unitId',
        `单位 ${unitId} 不在系统中，请先导入组织机构`,
        `No org unit ${unitId}; import the org tree first`,
      );
      continue;
    }
    if (!unit.active) {
      r.fail('unitId', `单位「${unit.name}」已停用`, `${unitId} is inactive`);
      continue;
    }
    const allowed = ROLE_UNIT_KINDS[role];
    if (allowed && !allowed.includes(unit.kind)) {
      r.fail(
        'role',
        `${ROLE_LABEL[role]}只能属于${allowed.map((k) => KIND_LABEL[k]).join('或')}，「${unit.name}」是${KIND_LABEL[unit.kind]}`,
        `Role ${role} must belong to a ${allowed.join(' or ')}; ${unitId} is a ${unit.kind}`,
      );
      continue;
    }
    if (!existing && db.users.has(id)) {
      r.fail(
        'id',
        `用户编号 ${id} 已属于用户 ${db.users.get(id)!.username}`,
        `The id ${id} belongs to ${db.users.get(id)!.username}`,
      );
      continue;
    }
    if (principal && !active) {
      r.fail('principal', '停用的用户不能是主要负责人', 'An inactive user cannot be the principal leader');
      continue;
    }
    parsed.push({
      r,
      id,
      username,
      principal,
      existing,
      values: { displayName, role, unitId, isLeader, phone, active },
    });
  }
  // Ids and usernames never collide (the database enforces it; say so per row first).
  const names = new Map<string, string>([...byUsername.values()].map((u) => [u.username, u.id]));
  for (const p of parsed) names.set(p.username, p.id);
  const idOwners = new Map<string, string>([...db.users.values()].map((u) => [u.id, u.username]));
  for (const p of parsed) idOwners.set(p.id, p.username);
  const valid = parsed.filter((p) => {
    const idOf = idOwners.get(p.username);
    if (idOf !== undefined && idOf !== p.username)
      return (
        p.r.fail(
          'username',
          `用户名 ${p.username} 与用户 ${idOf} 的编号相同`,
          `The username ${p.username} is the id of ${idOf}`,
        ) ?? false
      );
    const nameOf = names.get(p.id);
    if (nameOf !== undefined && nameOf !== p.id)
      return (
        p.r.fail(
          'id',
          `用户编号 ${p.id} 与用户 ${nameOf} 的用户名相同`,
          `The id ${p.id} is the username of another user`,
        ) ?? false
      );
    return true;
  });

  const usersPlan: Write<User>[] = [];
  for (const p of valid) {
    if (p.existing) {
      const changed = diff(p.existing, p.values);
      if (changed.length > 0)
        usersPlan.push({
          key: p.username,
          before: p.existing,
          values: Object.fromEntries(changed.map((k) => [k, p.values[k as keyof Row['values']]])),
          fields: changed,
        });
    } else {
      usersPlan.push({
        key: p.username,
        before: null,
        values: { id: p.id, username: p.username, ...p.values },
        fields: Object.keys(p.values),
      });
    }
  }

  // Principal leaders: the file's 主要负责人 of a unit; a unit whose current leader the file lists elsewhere or as 否 loses it.
  const principals = new Map<string, Row>();
  for (const p of valid.filter((v) => v.principal)) {
    const other = principals.get(p.values.unitId);
    if (other)
      p.r.fail(
        'principal',
        `单位 ${p.values.unitId} 的主要负责人已在第 ${other.r.row} 行指定`,
        `${p.values.unitId} already has its principal leader on row ${other.r.row}`,
      );
    else principals.set(p.values.unitId, p);
  }
  const listed = new Set(valid.map((p) => p.id));
  const leaders: Write<OrgUnit>[] = [];
  for (const unit of db.units.values()) {
    const next =
      principals.get(unit.id)?.id ?? (unit.leaderUserId && listed.has(unit.leaderUserId) ? null : unit.leaderUserId);
    if (next !== unit.leaderUserId)
      leaders.push({ key: unit.id, before: unit, values: { leaderUserId: next }, fields: ['leaderUserId'] });
  }
  return { users: usersPlan, leaders, seen: new Set(parsed.map((p) => p.username)) };
}
