// botbuilder, botframework-connector and MSAL, loaded with require(). All three are CommonJS: an `import` of one has
// Node read and scan the source of every module its index re-exports to list the names (cjs-module-lexer), a few MiB
// and tens of milliseconds at start-up spent on names require() hands over as they are. MSAL's package also has an
// ES module build, which an `import` would load beside the CommonJS one botframework-connector requires: a second
// MSAL (about 10 MiB) for one class. Types still come from `import type ... from 'botbuilder'`.
import { createRequire } from 'node:module';

type BotBuilder = typeof import('botbuilder', { with: { 'resolution-mode': 'require' } });
type Connector = typeof import('botframework-connector', { with: { 'resolution-mode': 'require' } });
type Msal = typeof import('@azure/msal-node', { with: { 'resolution-mode': 'require' } });

const require = createRequire(import.meta.url);

export const { CallerIdConstants, CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, TeamsActivityHandler, TeamsInfo, TurnContext } = require('botbuilder') as BotBuilder;
export const { AuthenticationConstants, BotFrameworkAuthentication, ConnectorFactory, MsalServiceClientCredentialsFactory } = require('botframework-connector') as Connector;
export const { ConfidentialClientApplication } = require('@azure/msal-node') as Msal;
