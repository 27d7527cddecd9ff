import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Tooltip } from 'antd';
import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';

const changed = new Set<() => void>();
/** Tell every bell on the page to count again (after marking a notice read). */
export function notifyNoticesChanged(): void {
  for (const f of changed) f();
}

/** The bell in the header: unread notices to my unit or to me, polled; a click opens the notice centre. */
export function NoticeBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const count = useLoad(() => api.get<{ unread: number }>('/notices/unread-count'), [], 15_000);
  const { reload } = count;
  useEffect(() => {
    changed.add(reload);
    return () => void changed.delete(reload);
  }, [reload]);
  const n = count.data?.unread ?? 0;
  return (
    <Tooltip title={t('noticeCentre')}>
      <Badge count={n} size="small" overflowCount={99} data-testid="notice-bell-count" data-count={n}>
        <Button
          type="text"
          shape="circle"
          icon={<BellOutlined />}
          data-testid="notice-bell"
          aria-label={t('noticeCentre')}
          onClick={() => void navigate('/notices')}
        />
      </Badge>
    </Tooltip>
  );
}
