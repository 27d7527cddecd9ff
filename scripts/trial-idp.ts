// A trial identity provider for following the README's "Going live" on one machine: the same real
// OpenID Connect provider the tests run (tests/support/oidc-provider.ts, the `oidc-provider`
// library), on http://127.0.0.1:<port>. Anyone may sign in with any login name and any password —
// for trying the go-live steps only, never for a real county.
//   node_modules/.bin/tsx scripts/trial-idp.ts [--port 4000] [--app http://localhost:3000]
import { parseArgs } from 'node:util';
import { startIdentityProvider } from '../tests/support/oidc-provider';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4000' }, app: { type: 'string', default: 'http://localhost:3000' } },
});
const idp = await startIdentityProvider(values.app!.replace(/\/+$/, ''), { port: Number(values.port) });
console.log(`试用身份认证服务已启动 / trial identity provider up (任意用户名、任意密码 / any login, any password)
  AUTH_ISSUER=${idp.issuer}
  AUTH_CLIENT_ID=${idp.clientId}
  AUTH_CLIENT_SECRET=${idp.clientSecret}
  AUTH_USER_CLAIM=preferred_username
  PUBLIC_URL=${values.app}
按 Ctrl-C 停止 / press Ctrl-C to stop`);
const stop = () => void idp.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
