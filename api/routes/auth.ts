import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/org';
import { recordAccess } from '../access-audit';
import { loadPrincipal } from '../auth';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { z } from '../zod';
import { principalSchema } from '../schemas';

export function registerAuthRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/auth/dev-login',
    operationId: 'devLogin',
    summary: '开发登录：为演示用户签发令牌 / Dev login: issue a token for a seeded user',
    description: '仅在内置默认环境可用，生产配置下拒绝。/ Only in the embedded default; refused in production.',
    tags: ['auth'],
    access: 'public',
    body: z.strictObject({ username: z.string().min(1).max(100).openapi({ example: 't01.window' }) }),
    response: {
      schema: z.object({ token: z.string(), tokenType: z.literal('Bearer'), expiresAt: z.string(), user: principalSchema }),
      description: '令牌 / Token',
    },
    errors: [403, 404],
    async handler({ body, deps, req }) {
      if (!deps.config.auth.devLogin || !deps.auth.issueDevToken) {
        throw new Problem('forbidden', { zh: '生产环境不提供开发登录，请通过统一身份认证登录', en: 'Dev login is disabled in production; sign in through the identity provider' }, { code: 'dev-login-disabled' });
      }
      const [user] = await deps.database.db.select({ id: users.id }).from(users).where(eq(users.username, body.username));
      const principal = user ? await loadPrincipal(deps.database.db, user.id) : null;
      if (!principal) {
        await recordAccess(deps.database.db, req, { kind: 'login-failed', username: body.username, status: 404, detail: { code: 'unknown-user' } });
        throw new Problem('notFound', { zh: `用户不存在或已停用：${body.username}`, en: `No active user named ${body.username}` }, { code: 'unknown-user' });
      }
      const { token, expiresAt } = await deps.auth.issueDevToken(principal.userId);
      await recordAccess(deps.database.db, req, { kind: 'login', principal, status: 200, detail: { method: 'dev-login' } });
      return { token, tokenType: 'Bearer' as const, expiresAt: expiresAt.toISOString(), user: principal };
    },
  });

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
