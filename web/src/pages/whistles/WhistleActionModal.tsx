import { Alert, App, Form, Input, Modal, Radio, Select } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, errorText } from '../../api/client';
import type { PartActionType, Rating, SummonsActionBody, SummonsPartActionBody } from '../../api/types';
import { useI18n } from '../../i18n';
import { PART_ACTION_LABEL, RATING_LABEL } from '../../labels';
import type { Label } from '../../processes/types';
import { fill, LIMITS, W } from './text';

type Values = Record<string, unknown>;

/** What a form may offer besides its own fields (the units a ruling may re-summon). */
export interface FormContext {
  resummonOptions: { value: string; label: string }[];
}

/** One action's form: its fields (validated with the API's limits) and the request body built from them. */
export interface ActionForm<B> {
  label: Label;
  primary?: boolean;
  danger?: boolean;
  fields: (ctx: FormContext) => ReactNode;
  toBody: (values: Values) => B;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const optional = <K extends string>(key: K, v: unknown): Partial<Record<K, string>> => {
  const s = text(v);
  return s === undefined ? {} : ({ [key]: s } as Record<K, string>);
};

function TextField({
  name,
  label,
  max,
  required,
  rows = 3,
}: {
  name: string;
  label: Label;
  max: number;
  required?: boolean;
  rows?: number;
}) {
  const { pick } = useI18n();
  return (
    <Form.Item
      name={name}
      label={pick(label)}
      rules={[
        ...(required
          ? [{ required: true, whitespace: true, message: fill(pick(W.required), { f: pick(label) }) }]
          : []),
        { max },
      ]}
    >
      <Input.TextArea rows={rows} maxLength={max} showCount data-field={name} />
    </Form.Item>
  );
}

const RATINGS: readonly Rating[] = ['satisfied', 'basic', 'unsatisfied'];

/** 满意 / 基本满意 / 不满意; an optional rating may be left out (暂不评价), and its comment goes with it. */
function RatingFields({ required, label }: { required?: boolean; label: Label }) {
  const { pick, lang } = useI18n();
  const options = [
    ...RATINGS.map((r) => ({ value: r as string, label: pick(RATING_LABEL[r]) })),
    ...(required ? [] : [{ value: '', label: lang === 'en' ? 'Not now' : '暂不评价' }]),
  ];
  return (
    <>
      <Form.Item
        name="rating"
        label={pick(label)}
        initialValue={required ? undefined : ''}
        rules={required ? [{ required: true, message: fill(pick(W.required), { f: pick(label) }) }] : []}
      >
        <Radio.Group optionType="button" buttonStyle="solid" options={options} data-field="rating" />
      </Form.Item>
      <Form.Item noStyle dependencies={['rating']}>
        {({ getFieldValue }) =>
          getFieldValue('rating') ? (
            <TextField name="comment" label={W.ratingComment} max={LIMITS.note} rows={2} />
          ) : null
        }
      </Form.Item>
    </>
  );
}

const rated = (v: Values): { rating?: Rating; comment?: string } =>
  v.rating ? { rating: v.rating as Rating, ...optional('comment', v.comment) } : {};

/** The whistle's own actions (POST /summons/:id/actions; `summonsActionBody`). */
export const SUMMONS_FORMS: Record<SummonsActionBody['type'], ActionForm<SummonsActionBody>> = {
  approve: {
    label: ['批准吹哨', 'Approve'],
    primary: true,
    fields: () => <TextField name="note" label={W.approveNote} max={LIMITS.note} />,
    toBody: (v) => ({ type: 'approve', ...optional('note', v.note) }),
  },
  reject: {
    label: ['不予批准', 'Reject'],
    danger: true,
    fields: () => <TextField name="reason" label={W.rejectReason} max={LIMITS.note} required />,
    toBody: (v) => ({ type: 'reject', reason: text(v.reason) ?? '' }),
  },
  close: {
    label: ['办结', 'Close'],
    primary: true,
    fields: () => <TextField name="summary" label={W.closeSummary} max={LIMITS.summary} rows={4} required />,
    toBody: (v) => ({ type: 'close', summary: text(v.summary) ?? '' }),
  },
};

/** The township's and the county command centre's actions on a unit's part (`partActionBody`). */
export type TownshipPartAction = Extract<PartActionType, 'accept' | 'send-back' | 'rate' | 'withdraw' | 'rule'>;

export const PART_FORMS: Record<TownshipPartAction, ActionForm<SummonsPartActionBody>> = {
  accept: {
    label: PART_ACTION_LABEL.accept,
    primary: true,
    fields: () => (
      <>
        <TextField name="note" label={W.acceptNote} max={LIMITS.note} rows={2} />
        <RatingFields label={W.ratingOptional} />
      </>
    ),
    toBody: (v) => ({ type: 'accept', ...optional('note', v.note), ...rated(v) }),
  },
  'send-back': {
    label: PART_ACTION_LABEL['send-back'],
    danger: true,
    fields: () => <TextField name="reason" label={W.sendBackReason} max={LIMITS.note} required />,
    toBody: (v) => ({ type: 'send-back', reason: text(v.reason) ?? '' }),
  },
  rate: {
    label: PART_ACTION_LABEL.rate,
    primary: true,
    fields: () => <RatingFields label={W.rating} required />,
    toBody: (v) => ({ type: 'rate', rating: v.rating as Rating, ...optional('comment', v.comment) }),
  },
  withdraw: {
    label: PART_ACTION_LABEL.withdraw,
    danger: true,
    fields: () => (
      <>
        <TextField name="reason" label={W.withdrawReason} max={LIMITS.note} required />
        <RatingFields label={W.ratingOptional} />
      </>
    ),
    toBody: (v) => ({ type: 'withdraw', reason: text(v.reason) ?? '', ...rated(v) }),
  },
  rule: {
    label: PART_ACTION_LABEL.rule,
    primary: true,
    fields: (ctx) => <RulingFields ctx={ctx} />,
    toBody: (v) => ({
      type: 'rule',
      upheld: v.upheld === true,
      note: text(v.note) ?? '',
      ...(v.upheld === true ? optional('resummonUnitId', v.resummonUnitId) : {}),
    }),
  },
};

/** A ruling: upheld or not, why, and (only when upheld) the unit to re-summon instead. */
function RulingFields({ ctx }: { ctx: FormContext }) {
  const { pick } = useI18n();
  return (
    <>
      <Form.Item
        name="upheld"
        label={pick(W.ruling)}
        rules={[{ required: true, message: fill(pick(W.required), { f: pick(W.ruling) }) }]}
      >
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          data-field="upheld"
          options={[
            { value: true, label: pick(W.upheld) },
            { value: false, label: pick(W.notUpheld) },
          ]}
        />
      </Form.Item>
      <TextField name="note" label={W.ruleNote} max={LIMITS.note} required />
      <Form.Item noStyle dependencies={['upheld']}>
        {({ getFieldValue }) =>
          getFieldValue('upheld') === true ? (
            <Form.Item name="resummonUnitId" label={pick(W.resummonUnit)}>
              <Select
                id="resummon-unit"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={ctx.resummonOptions}
              />
            </Form.Item>
          ) : null
        }
      </Form.Item>
    </>
  );
}

/**
 * One action's form in a modal: sends the body to `path`; a refusal shows the server's own words
 * (problem+json `detail`, in the console's language) in the modal and changes nothing.
 */
export function WhistleActionModal<B>({
  spec,
  path,
  ctx,
  onClose,
  onDone,
}: {
  spec: ActionForm<B>;
  path: string;
  ctx: FormContext;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      await api.post(path, spec.toBody(values));
      void message.success(`${pick(spec.label)}：${t('done')}`);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={pick(spec.label)}
      okText={t('submit')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ danger: spec.danger, 'data-testid': 'action-submit' }}
    >
      <Form form={form} layout="vertical" preserve={false}>
        {spec.fields(ctx)}
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="action-error" />}
    </Modal>
  );
}
