// Managed login's settings from the template: the hosted domain, the app clients' OAuth settings
// and the identity providers.
import type { ClientConfig } from '../config';
import type { Json, JsonObject, Stack } from '../template';

export interface OAuthClient {
  client: ClientConfig;
  oauthEnabled: boolean;
  callbackUrls: string[];
  logoutUrls: string[];
  flows: string[];
  scopes: string[];
  providers: string[];
}

export interface IdentityProviderConfig {
  name: string;
  type: string;
  clientId: string;
  clientSecret: string;
  authorizeScopes: string[];
  /** Pool attribute -> provider attribute. */
  attributeMapping: Record<string, string>;
}

export interface ManagedLoginConfig {
  domainPrefix: string;
  clients: Map<string, OAuthClient>;
  providers: IdentityProviderConfig[];
}

const strs = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

/** Managed login exists only where the template gives the pool a domain, as in AWS. */
export function managedLoginConfig(stack: Stack, clients: ClientConfig[]): ManagedLoginConfig | null {
  const resources = Object.values(stack.resources);
  const domain = resources.find((r) => r.type === 'AWS::Cognito::UserPoolDomain');
  if (!domain) return null;
  const byId = new Map<string, OAuthClient>();
  for (const r of resources) {
    if (r.type !== 'AWS::Cognito::UserPoolClient') continue;
    const client = clients.find((c) => c.id === r.physicalId);
    if (!client) continue;
    const p = r.properties;
    byId.set(client.id, {
      client,
      oauthEnabled: p.AllowedOAuthFlowsUserPoolClient === true || p.AllowedOAuthFlowsUserPoolClient === 'true',
      callbackUrls: strs(p.CallbackURLs),
      logoutUrls: strs(p.LogoutURLs),
      flows: strs(p.AllowedOAuthFlows),
      scopes: strs(p.AllowedOAuthScopes),
      providers: strs(p.SupportedIdentityProviders),
    });
  }
  const providers = resources
    .filter((r) => r.type === 'AWS::Cognito::UserPoolIdentityProvider')
    .map((r): IdentityProviderConfig => {
      const details = obj(r.properties.ProviderDetails);
      const mapping = obj(r.properties.AttributeMapping);
      return {
        name: String(r.properties.ProviderName ?? r.physicalId),
        type: String(r.properties.ProviderType ?? ''),
        clientId: String(details.client_id ?? ''),
        clientSecret: String(details.client_secret ?? ''),
        authorizeScopes: String(details.authorize_scopes ?? '')
          .split(/[\s,]+/)
          .filter(Boolean),
        attributeMapping: Object.fromEntries(Object.entries(mapping).map(([k, v]) => [k, String(v)])),
      };
    });
  return { domainPrefix: String(domain.properties.Domain ?? domain.physicalId), clients: byId, providers };
}
