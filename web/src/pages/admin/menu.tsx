import { AuditOutlined, SolutionOutlined, WalletOutlined } from '@ant-design/icons';
import type { Label } from './common';

/** The administration pages added for user/org administration and secondments: side-menu entries (admins only). */
export function adminExtraMenuItems(pick: (l: Label) => string) {
  return [
    { key: '/admin/secondments', icon: <SolutionOutlined />, label: pick(['选派人员', 'Seconded staff']) },
    { key: '/admin/payroll', icon: <WalletOutlined />, label: pick(['绩效工资核算', 'Payroll grades']) },
    { key: '/admin/audit', icon: <AuditOutlined />, label: pick(['配置变更日志', 'Admin audit log']) },
  ];
}

export const ADMIN_EXTRA_MENU_KEYS = ['/admin/secondments', '/admin/payroll', '/admin/audit'];
