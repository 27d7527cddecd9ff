import type { Role } from './api/types';

/**
 * Demo accounts of the seeded county (db/seed/demo-county.ts), grouped as a clerk would look for
 * them. Any other seeded username can be typed in. (A public `GET /auth/dev-users`, available only
 * while dev login is on, would let the server supply this list.)
 */
export const DEMO_USER_GROUPS: readonly {
  unit: readonly [string, string];
  users: readonly { username: string; role: Role; leader?: boolean }[];
}[] = [
  {
    unit: ['兰考县（县级）', 'Lankao County'],
    users: [
      { username: 'admin', role: 'admin' },
      { username: 'lk.supervisor', role: 'supervisor' },
      { username: 'lk.leader', role: 'supervisor', leader: true },
      { username: 'lk.assessor', role: 'assessor' },
      { username: 'zhzx.dispatcher', role: 'dispatcher' },
      { username: 'zwfw.window', role: 'window_staff' },
    ],
  },
  {
    unit: ['城关镇', 'Chengguan Town'],
    users: [
      { username: 't01.window', role: 'window_staff' },
      { username: 't01.approver', role: 'approver' },
      { username: 't01.supervisor', role: 'supervisor' },
      { username: 't01.leader', role: 'supervisor', leader: true },
      { username: 't01.dispatcher', role: 'dispatcher' },
      { username: 't01.handler', role: 'handler' },
      { username: 't01.assessor', role: 'assessor' },
    ],
  },
  {
    unit: ['城关镇胡寨村', 'Huzhai Village'],
    users: [
      { username: 't01.v01.handler', role: 'handler' },
      { username: 't01.v01.leader', role: 'handler', leader: true },
      { username: 't01.v01.agent', role: 'agent' },
      { username: 't01.v01.g01.grid', role: 'grid_worker' },
    ],
  },
  {
    unit: ['东坝头镇', 'Dongbatou Town'],
    users: [
      { username: 't02.window', role: 'window_staff' },
      { username: 't02.supervisor', role: 'supervisor' },
      { username: 't02.handler', role: 'handler' },
    ],
  },
  {
    unit: ['县直部门 / 派驻机构', 'Departments / agencies'],
    users: [
      { username: 'scjg.liaison', role: 'dept_liaison' },
      { username: 'scjg.approver', role: 'approver' },
      { username: 'zrzy.liaison', role: 'dept_liaison' },
      { username: 't01.scjgs.liaison', role: 'dept_liaison' },
    ],
  },
];
