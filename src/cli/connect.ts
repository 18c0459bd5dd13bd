/** `ml-connector connect shopify|zoho-books`: store a working, sealed connection and wire its flows. */
import { CliError, loadEnv, withRuntime } from './context.ts';
import { authorizeUrl as quickbooksAuthorizeUrl } from '../connectors/quickbooks/auth.ts';
import { awaitOAuthRedirect, awaitZohoGrant, connectQuickBooks, connectShipStation, connectShopify, connectWooCommerce, connectZohoBooks } from './connect-flows.ts';
import { findRunningServer } from './instance.ts';

export interface ConnectOptions {
  tenant: string;
  shop?: string;
  token?: string;
  webhookSecret?: string;
  apiBaseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  dc?: string;
  accountsServer?: string;
  organization?: string;
  redirectPort?: string;
  site?: string;
  consumerKey?: string;
  consumerSecret?: string;
  apiKey?: string;
  apiSecret?: string;
  v2ApiKey?: string;
  environment?: string;
  oauthBaseUrl?: string;
  incomeAccount?: string;
}

export async function connectCommand(system: string, options: ConnectOptions, print: (line: string) => void): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL && findRunningServer(env.dataDir)) {
    throw new CliError('`ml-connector serve` is using the embedded database; stop it (Ctrl-C), connect, then start it again.');
  }
  const required = (name: keyof ConnectOptions, flag: string): string => {
    const value = options[name];
    if (!value) throw new CliError(`${flag} is required`, 2);
    return value;
  };
  switch (system) {
    case 'shopify': {
      const shop = required('shop', '--shop <name.myshopify.com>');
      const token = required('token', '--token <Admin API access token>');
      const webhookSecret = required('webhookSecret', '--webhook-secret <app client secret>');
      await withRuntime(env, 'connect', async (rt) => {
        const result = await connectShopify(rt, { tenant: options.tenant, shop, token, webhookSecret, ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}) });
        print(`Connected: ${result.message}`);
        print(`\`ml-connector serve\` subscribes orders/* and customers/* itself, to <public url>/webhooks/${result.connection.id}/${result.connection.webhookKey} (set ML_CONNECTOR_PUBLIC_URL), and subscribes again any topic Shopify removes.`);
      });
      return;
    }
    case 'zoho-books': {
      const clientId = required('clientId', '--client-id');
      const clientSecret = required('clientSecret', '--client-secret');
      const port = Number(options.redirectPort ?? '8765');
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError('--redirect-port needs a number from 0 to 65535', 2);
      const { grant, redirectUri } = await awaitZohoGrant({
        port,
        clientId,
        ...(options.accountsServer ? { accountsServer: options.accountsServer } : { dc: options.dc ?? 'us' }),
        onUrl: (url, redirect) => {
          print(`Register ${redirect} as the redirect URI of your Zoho API console client, then open:\n\n  ${url}\n`);
          print('Waiting for Zoho to redirect back (the code it sends lives two minutes)…');
        },
      });
      await withRuntime(env, 'connect', async (rt) => {
        const result = await connectZohoBooks(rt, { tenant: options.tenant, clientId, clientSecret, redirectUri, grant, ...(options.organization ? { organizationId: options.organization } : {}) });
        print(`Connected: ${result.message}`);
      });
      return;
    }
    case 'woocommerce': {
      const siteUrl = required('site', '--site <https://your-store>');
      const consumerKey = required('consumerKey', '--consumer-key <ck_…>');
      const consumerSecret = required('consumerSecret', '--consumer-secret <cs_…>');
      await withRuntime(env, 'connect', async (rt) => {
        const result = await connectWooCommerce(rt, { tenant: options.tenant, siteUrl, consumerKey, consumerSecret });
        print(`Connected: ${result.message}`);
        print('`ml-connector serve` registers its own webhooks on the store (order.*, customer.*) and checks them every 10 minutes.');
      });
      return;
    }
    case 'shipstation': {
      const apiKey = required('apiKey', '--api-key <V1 API key>');
      const apiSecret = required('apiSecret', '--api-secret <V1 API secret>');
      await withRuntime(env, 'connect', async (rt) => {
        const result = await connectShipStation(rt, { tenant: options.tenant, apiKey, apiSecret, ...(options.v2ApiKey ? { v2ApiKey: options.v2ApiKey } : {}), ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}) });
        print(`Connected: ${result.message}`);
        print('`ml-connector serve` subscribes ORDER_NOTIFY, SHIP_NOTIFY and FULFILLMENT_SHIPPED itself. ShipStation has no API to create customers, so contacts flow one way: into the books.');
      });
      return;
    }
    case 'quickbooks': {
      const clientId = required('clientId', '--client-id');
      const clientSecret = required('clientSecret', '--client-secret');
      const environment = options.environment ?? 'production';
      if (environment !== 'production' && environment !== 'sandbox') throw new CliError('--environment must be production or sandbox', 2);
      const port = Number(options.redirectPort ?? '8765');
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError('--redirect-port needs a number from 0 to 65535', 2);
      const { params, redirectUri } = await awaitOAuthRedirect({
        port,
        provider: 'QuickBooks Online',
        buildUrl: (redirect, state) => quickbooksAuthorizeUrl({ clientId, redirectUri: redirect, state, ...(options.oauthBaseUrl ? { oauthBaseUrl: options.oauthBaseUrl } : {}) }),
        onUrl: (url, redirect) => {
          print(`Register ${redirect} as a redirect URI of your Intuit app, then open:\n\n  ${url}\n`);
          print('Waiting for Intuit to redirect back…');
        },
      });
      const realmId = params.get('realmId');
      if (!realmId) throw new CliError('the redirect named no realmId (the company); start again');
      await withRuntime(env, 'connect', async (rt) => {
        const result = await connectQuickBooks(rt, {
          tenant: options.tenant,
          clientId,
          clientSecret,
          redirectUri,
          code: params.get('code') ?? '',
          realmId,
          environment,
          ...(options.oauthBaseUrl ? { oauthBaseUrl: options.oauthBaseUrl } : {}),
          ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}),
          ...(options.incomeAccount ? { config: { incomeAccountId: options.incomeAccount } } : {}),
        });
        print(`Connected: ${result.message}`);
      });
      return;
    }
    default:
      throw new CliError(`cannot connect "${system}"; choose shopify, woocommerce, shipstation, zoho-books or quickbooks`, 2);
  }
}
