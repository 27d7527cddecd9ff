import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { OrgUnit, TaskView } from '../api/types';
import { loadUnits, useUser } from '../auth';
import { useLoad, useSubmit } from '../hooks';
import { useI18n } from '../i18n';
import { DURATION_UNITS, durationUnitLabel, unitKindLabel } from '../labels';

interface TaskForm {
  title: string;
  description: string;
  unitId: string;
  budget: { unit: string; amount: number };
}

interface TreeNode {
  value: string;
  title: string;
  children: TreeNode[];
}

/** Units in the supervisor's subtree as a tree (the API refuses units outside it). */
function subtree(
  units: Map<string, OrgUnit>,
  rootId: string,
  lang: 'zh' | 'en',
  pick: (l: readonly [string, string]) => string,
): TreeNode[] {
  const root = units.get(rootId);
  if (!root) return [];
  const nodes = new Map<string, TreeNode>();
  const inside = [...units.values()].filter(
    (u) => u.active && (u.path === root.path || u.path.startsWith(`${root.path}/`)),
  );
  for (const u of inside)
    nodes.set(u.id, {
      value: u.id,
      title: `${(lang === 'en' ? u.nameEn : u.name) ?? u.name}（${pick(unitKindLabel(u.kind))}）`,
      children: [],
    });
  for (const u of inside) if (u.id !== root.id && u.parentId) nodes.get(u.parentId)?.children.push(nodes.get(u.id)!);
  return [nodes.get(root.id)!];
}

export function NewTaskPage() {
  const { t, pick, lang } = useI18n();
  const user = useUser();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<TaskForm>();
  const units = useLoad(loadUnits, []);
  const tree = useMemo(
    () => (units.data ? subtree(units.data, user.unitId, lang, pick) : []),
    [units.data, user.unitId, lang, pick],
  );
  const { busy, error, submit } = useSubmit(
    (values: TaskForm) =>
      api.post<TaskView>('/tasks', { ...values, title: values.title.trim(), description: values.description.trim() }),
    (task) => {
      void message.success(t('taskCreated', { id: task.caseId }));
      return navigate(`/cases/${task.caseId}`);
    },
  );

  return (
    <Card title={t('menuNewTask')} style={{ maxWidth: 760 }}>
      <Form<TaskForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ budget: { unit: 'workday', amount: 5 } }}
      >
        <Form.Item name="title" label={t('taskTitle')} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input id="task-title" maxLength={200} placeholder="整改：背街小巷占道经营回潮" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('taskDescription')}
          rules={[{ required: true, whitespace: true, max: 4000 }]}
        >
          <Input.TextArea id="task-description" rows={4} maxLength={4000} showCount />
        </Form.Item>
        <Form.Item name="unitId" label={t('taskUnit')} rules={[{ required: true }]}>
          <TreeSelect
            id="task-unit"
            treeData={tree}
            showSearch
            treeNodeFilterProp="title"
            treeDefaultExpandAll={false}
            treeDefaultExpandedKeys={[user.unitId]}
            placeholder="lk.t01.v01"
            loading={units.loading}
          />
        </Form.Item>
        <Form.Item label={t('taskBudget')} required>
          <Space.Compact>
            <Form.Item
              name={['budget', 'amount']}
              noStyle
              rules={[{ required: true, type: 'number', min: 0.01, max: 100000 }]}
            >
              <InputNumber id="task-amount" min={0.01} step={1} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name={['budget', 'unit']} noStyle>
              <Select
                id="task-budget-unit"
                style={{ width: 140 }}
                options={DURATION_UNITS.map((u) => ({ value: u, label: pick(durationUnitLabel(u)) }))}
              />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}
