import { recordAccess } from '../access-audit';
import { loadPrincipal } from '../auth';
import { endSessionUrl } from '../oidc';
import { closeSession, openSession } from '../session';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { z } from '../zod';
import { principalSchema } from '../schemas';

/** `devLogin: false` leaves the dev-login route out entirely: not mounted, not documented, its body never read. */
export function registerAuthRoutes(routes: ApiRoutes, opts: { devLogin: boolean }): void {
  if (opts.devLogin) registerDevLogin(routes);

  routes.add({
    method: 'get',
    path: '/auth/config',
    operationId: 'getSignInMethods',
    summary: '可用的登录方式 / The sign-in methods this installation offers',
    tags: ['auth'],
    access: 'public',
    response: {
      schema: z.object({
        oidc: z.boolean().openapi({
          description:
            '统一身份认证登录：浏览器打开 /api/v1/auth/oidc/login?returnTo=<页面> / Sign-in through the identity provider: open /api/v1/auth/oidc/login?returnTo=<page>',
        }),
        devLogin: z.boolean(),
      }),
      description: '登录方式 / Sign-in methods',
    },
    async handler({ deps }) {
      return { oidc: deps.auth.oidc !== undefined, devLogin: deps.config.auth.devLogin };
    },
  });

  routes.add({
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    summary: '退出登录：结束控制台会话 / Sign out: end the console session',
    description:
      '清除会话 Cookie；若会话来自统一身份认证且其支持退出，返回 endSessionUrl，浏览器应打开它以退出统一身份认证。/ Clears the session cookie; for a session from the identity provider that supports sign-out, returns endSessionUrl for the browser to open.',
    tags: ['auth'],
    access: 'public',
    response: { schema: z.object({ endSessionUrl: z.string().nullable() }), description: '已退出 / Signed out' },
    async handler({ req, res, deps }) {
      const ended = await closeSession(deps.database.db, deps.config, req, res);
      return { endSessionUrl: ended?.method === 'oidc' ? await endSessionUrl(deps, ended.idToken) : null };
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

function registerDevLogin(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/auth/dev-login',
    operationId: 'devLogin',
    summary: '开发登录：为演示用户签发令牌 / Dev login: issue a token for a seeded user',
    description:
      '仅在内置默认环境（npm start）或 DEV_LOGIN=on 时存在；生产环境没有此接口。/ Only in the embedded default (npm start) or with DEV_LOGIN=on; absent in production.',
    tags: ['auth'],
    access: 'public',
    body: z.strictObject({ username: z.string().min(1).max(100).openapi({ example: 't01.window' }) }),
    response: {
      schema: z.object({
        token: z.string(),
        tokenType: z.literal('Bearer'),
        expiresAt: z.string(),
        user: principalSchema,
      }),
      description: '令牌 / Token',
    },
    errors: [404],
    async handler({ body, deps, req, res }) {
      const principal = await loadPrincipal(deps.database.db, body.username, 'username');
      if (!principal || !deps.auth.issueDevToken) {
        await recordAccess(deps.database.db, req, {
          kind: 'login-failed',
          username: body.username,
          status: 404,
          detail: { code: 'unknown-user' },
        });
        throw new Problem(
          'notFound',
          { zh: `用户不存在或已停用：${body.username}`, en: `No active user named ${body.username}` },
          { code: 'unknown-user' },
        );
      }
      const { token, expiresAt } = await deps.auth.issueDevToken({
        id: principal.userId,
        username: principal.username,
      });
      // The console uses the session cookie; API clients (curl, tests) the token.
      await openSession(deps.database.db, deps.config, res, {
        userId: principal.userId,
        method: 'dev',
        maxAgeS: Math.floor((expiresAt.getTime() - Date.now()) / 1000),
      });
      await recordAccess(deps.database.db, req, {
        kind: 'login',
        principal,
        status: 200,
        detail: { method: 'dev-login' },
      });
      return { token, tokenType: 'Bearer' as const, expiresAt: expiresAt.toISOString(), user: principal };
    },
  });
}
