import { CameraOutlined, DeleteOutlined, FilePdfOutlined, LoadingOutlined } from '@ant-design/icons';
import { Alert, Image, Space, Typography } from 'antd';
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { ACCEPTED_FILES, attachmentUrl, thumbnailUrl, uploadAttachment, type Attachment } from '../api/attachments';
import { errorText } from '../api/client';
import { useI18n } from '../i18n';

interface Picked {
  id: string;
  name: string;
  contentType: string;
  /** A local preview of a photo (object URL), shown before the action is sent. */
  preview: string | null;
}

const tile: CSSProperties = {
  width: 84,
  height: 84,
  borderRadius: 8,
  objectFit: 'cover',
  border: '1px solid #e5e5e5',
  background: '#fafafa',
};

/**
 * Pick photos (the phone's camera with `capture`) or PDFs, upload each at once, and hold the ids the
 * action will carry (`attachmentIds`). A form control: `value` is the list of ids.
 */
export function AttachmentPicker({
  caseId,
  value,
  onChange,
  capture,
  label,
  testId = 'photo-input',
}: {
  /** The case the files are for; null for a report that will create one. */
  caseId: string | null;
  value?: string[];
  onChange?: (ids: string[]) => void;
  /** Open the rear camera on a phone (`capture="environment"`), photos only. */
  capture?: boolean;
  label?: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const [files, setFiles] = useState<Picked[]>([]);
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const idsRef = useRef<string[]>(value ?? []);
  idsRef.current = value ?? [];
  const previews = useRef<string[]>([]);
  useEffect(() => () => previews.current.forEach((u) => URL.revokeObjectURL(u)), []);

  // A form reset (value cleared) forgets the previews too.
  const shown = files.filter((f) => (value ?? []).includes(f.id));

  const add = async (list: FileList | null) => {
    if (!list?.length) return;
    setError(undefined);
    for (const file of Array.from(list)) {
      setBusy((n) => n + 1);
      try {
        const a: Attachment = await uploadAttachment(caseId, file);
        const preview = a.contentType.startsWith('image/') ? URL.createObjectURL(file) : null;
        if (preview) previews.current.push(preview);
        setFiles((fs) => [...fs, { id: a.id, name: a.name, contentType: a.contentType, preview }]);
        idsRef.current = [...idsRef.current, a.id];
        onChange?.(idsRef.current);
      } catch (err) {
        setError(`${file.name}：${errorText(err)}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
    if (input.current) input.current.value = '';
  };
  const remove = (id: string) => {
    idsRef.current = idsRef.current.filter((x) => x !== id);
    onChange?.(idsRef.current);
  };

  return (
    <div data-testid={`${testId}-box`}>
      <Space wrap size={8}>
        {shown.map((f) => (
          <div key={f.id} style={{ position: 'relative' }} data-testid="picked-file">
            {f.preview ? (
              <img src={f.preview} alt={f.name} style={tile} />
            ) : (
              <div
                style={{
                  ...tile,
                  display: 'flex',
                  flexDirection: 'column',
                  alignItems: 'center',
                  justifyContent: 'center',
                  fontSize: 11,
                  padding: 4,
                  overflow: 'hidden',
                }}
              >
                <FilePdfOutlined style={{ fontSize: 28, color: '#cf1322' }} />
                <span style={{ wordBreak: 'break-all' }}>{f.name}</span>
              </div>
            )}
            <button
              type="button"
              aria-label={t('removeFile')}
              onClick={() => remove(f.id)}
              style={{
                position: 'absolute',
                top: -8,
                right: -8,
                width: 28,
                height: 28,
                borderRadius: 14,
                border: 'none',
                background: 'rgba(0,0,0,.6)',
                color: '#fff',
              }}
            >
              <DeleteOutlined />
            </button>
          </div>
        ))}
        <label
          style={{
            ...tile,
            display: 'flex',
            flexDirection: 'column',
            alignItems: 'center',
            justifyContent: 'center',
            cursor: 'pointer',
            borderStyle: 'dashed',
            color: '#555',
            fontSize: 12,
            textAlign: 'center',
          }}
        >
          {busy > 0 ? <LoadingOutlined style={{ fontSize: 24 }} /> : <CameraOutlined style={{ fontSize: 24 }} />}
          <span style={{ marginTop: 4 }}>{busy > 0 ? t('uploading') : (label ?? t('addPhoto'))}</span>
          <input
            ref={input}
            data-testid={testId}
            type="file"
            multiple
            accept={capture ? 'image/*' : ACCEPTED_FILES}
            {...(capture ? { capture: 'environment' } : {})}
            style={{ display: 'none' }}
            onChange={(e) => void add(e.target.files)}
          />
        </label>
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} data-testid="upload-error" />}
    </div>
  );
}

/** A case's files as thumbnails (tap to enlarge) and PDF links. */
export function AttachmentGallery({
  caseId,
  files,
  size = 84,
}: {
  caseId: string;
  files: readonly Attachment[];
  size?: number;
}) {
  const photos = files.filter((f) => f.thumbnail);
  const others = files.filter((f) => !f.thumbnail);
  if (!files.length) return null;
  return (
    <div data-testid="attachment-gallery">
      <Image.PreviewGroup>
        <Space wrap size={6}>
          {photos.map((f) => (
            <Image
              key={f.id}
              width={size}
              height={size}
              style={{ objectFit: 'cover', borderRadius: 6 }}
              src={thumbnailUrl(caseId, f.id)}
              preview={{ src: attachmentUrl(caseId, f.id) }}
              alt={f.name}
              data-testid="attachment-thumb"
            />
          ))}
        </Space>
      </Image.PreviewGroup>
      {others.map((f) => (
        <div key={f.id}>
          <Typography.Link
            href={attachmentUrl(caseId, f.id)}
            target="_blank"
            rel="noreferrer"
            data-testid="attachment-link"
          >
            <FilePdfOutlined /> {f.name}
          </Typography.Link>
        </div>
      ))}
    </div>
  );
}
