import * as oidc from 'openid-client';
import type { Config } from '../config';

/**
 * The provider's configuration from its discovery document, fetched on first use (and again after
 * a failure, so an identity provider that was down at boot does not need an API restart). Plain
 * HTTP is allowed only for a provider on this machine (tests, a local trial).
 */
export function oidcConfiguration(config: Config): (() => Promise<oidc.Configuration>) | undefined {
  const settings = config.auth.oidc;
  if (!settings) return undefined;
  const issuer = new URL(config.auth.issuer);
  const loopbackHttp = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  const metadata: Partial<oidc.ClientMetadata> = {
    client_id: settings.clientId,
    [oidc.clockTolerance]: config.auth.clockToleranceS,
  };
  const clientAuth = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None();
  let pending: Promise<oidc.Configuration> | null = null;
  return () =>
    (pending ??= oidc
      .discovery(
        issuer,
        settings.clientId,
        metadata,
        clientAuth,
        loopbackHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        pending = null;
        throw err;
      }));
}
