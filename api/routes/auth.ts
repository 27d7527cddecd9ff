import { loadPrincipal } from '../auth';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { z } from '../zod';
import { principalSchema } from '../schemas';

/** `devLogin: false` leaves the dev-login route out entirely: not mounted, not documented, its body never read. */
export function registerAuthRoutes(routes: ApiRoutes, opts: { devLogin: boolean }): void {
  if (opts.devLogin) registerDevLogin(routes);

  routes.add({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: '当前用户 / The signed-in user',
    tags: ['auth'],
    access: { roles: 'any' },
    response: { schema: principalSchema, description: '当前用户 / Current user' },
    async handler({ principal }) {
      return principal;
    },
  });
}

function registerDevLogin(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/auth/dev-login',
    operationId: 'devLogin',
    summary: '开发登录：为演示用户签发令牌 / Dev login: issue a token for a seeded user',
    description: '仅在内置默认环境（npm start）或 DEV_LOGIN=on 时存在；生产环境没有此接口。/ Only in the embedded default (npm start) or with DEV_LOGIN=on; absent in production.',
    tags: ['auth'],
    access: 'public',
    body: z.strictObject({ username: z.string().min(1).max(100).openapi({ example: 't01.window' }) }),
    response: {
      schema: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string(), user: principalSchema }),
      description: '令牌 / Token',
    },
    errors: [404],
    async handler({ body, deps }) {
      const principal = await loadPrincipal(deps.database.db, body.username, 'username');
      if (!principal || !deps.auth.issueDevToken) throw new Problem('notFound', { zh: `用户不存在或已停用：${body.username}`, en: `No active user named ${body.username}` }, { code: 'unknown-user' });
      const { token, expiresAt } = await deps.auth.issueDevToken({ id: principal.userId, username: principal.username });
      return { token, tokenType: 'Bearer' as const, expiresAt: expiresAt.toISOString(), user: principal };
    },
  });
}
