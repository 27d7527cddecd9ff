import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { Problem } from './problem';

// The file of an upload route (api/route.ts): a raw body, or one file of a multipart form.

/** Parse one file of a multipart form into memory; a file over `maxBytes` is a 413, a malformed form a 400. */
export function multipartFile(field: string, maxBytes: number): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 20, parts: 21 },
    defParamCharset: 'utf8',
  }).single(field);
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
        const mb = Math.round((maxBytes / 1_048_576) * 10) / 10;
        return next(
          new Problem(
            'tooLarge',
            { zh: `文件过大：单个文件不得超过 ${mb} MB`, en: `File too large: at most ${mb} MB per file` },
            { code: 'file-too-large', limit: maxBytes },
          ),
        );
      }
      const message = err instanceof Error ? err.message : String(err);
      next(
        new Problem(
          'badRequest',
          { zh: `上传内容有误：${message}`, en: `Malformed upload: ${message}` },
          { code: 'bad-upload' },
        ),
      );
    });
  };
}

export function formFile(req: Request, field: string): Express.Multer.File {
  if (!req.file)
    throw new Problem(
      'badRequest',
      { zh: `请在表单字段 ${field} 中上传一个文件`, en: `Upload one file in the form field ${field}` },
      { code: 'file-required' },
    );
  return req.file;
}

/** The bytes of an upload route's body; a missing file or another content type is a 400. */
export function uploadedFile(req: Request, contentTypes: readonly string[]): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw new Problem(
      'badRequest',
      {
        zh: `请上传文件（Content-Type 须为 ${contentTypes.join(' 或 ')}）`,
        en: `Upload a file (Content-Type ${contentTypes.join(' or ')})`,
      },
      { code: 'file-required' },
    );
  }
  return req.body;
}
