/**
 * Which files may be kept as evidence, recognised by their first bytes (magic numbers) rather than
 * by what the client declares: photos (JPEG, PNG, WebP, HEIC from iPhones) and PDF documents.
 */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Declared types that name the same format as one of ours. */
const ALIASES: Record<string, AttachmentType> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/heif': 'image/heic',
  'image/heic-sequence': 'image/heic',
  'image/heif-sequence': 'image/heic',
};

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** The type the bytes are, if it is one we keep. */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b))
    return 'image/png';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp' && HEIC_BRANDS.has(ascii(8, 12))) return 'image/heic';
  if (bytes.length >= 5 && ascii(0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

/** The declared type as one of ours (aliases folded), or null when it is not one we keep. */
export function declaredAttachmentType(declared: string | undefined): AttachmentType | null {
  const t = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  if ((ATTACHMENT_TYPES as readonly string[]).includes(t)) return t as AttachmentType;
  return ALIASES[t] ?? null;
}

export const ATTACHMENT_TYPE_LABEL = 'JPEG、PNG、WebP、HEIC 图片或 PDF / JPEG, PNG, WebP or HEIC images, or PDF';

/** A file name safe to keep and to send back in Content-Disposition: no path, no control characters, at most 200 characters. */
export function cleanFileName(name: string, fallback: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return (base || fallback).slice(0, 200);
}
