import { createHash, timingSafeEqual } from 'node:crypto';

import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { isSureKey, RecentKeys, REPEAT_WINDOW_MS } from '../ReferralFactory/helpers/deliveries';
import { searchCampaigns } from '../ReferralFactory/methods/listSearch';
import { ApiClient } from '../ReferralFactory/transport';
import { EVENT_NAMES, EVENTS, properties, type TriggerEvent } from './description';
import { deliveryItem, eventOf } from './payload';
import { deliveryAllowed, n8nEntries, PROBE_HEADER, registration, SECRET_PARAMETER } from './registration';

const SECRET_CREDENTIAL = 'referralFactoryWebhookApi';

/** Equal secrets, compared in constant time (digests of equal length, so not even the length leaks). */
function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || !expected) return false;
	const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}

/** A list from the n8n endpoints, to pick from. */
async function n8nList(ctx: ILoadOptionsFunctions, path: string, key: string): Promise<INodePropertyOptions[]> {
	const body = await (await ApiClient.create(ctx)).request<unknown>('GET', path, { surface: 'n8n' });
	return n8nEntries(body, key).map((entry) => ({ name: entry.name, value: entry.id }));
}

/**
 * The deliveries each trigger took lately, in this process (docs/trigger.md, "Repeated deliveries"): by workflow, node
 * and test or production, by `deliveryKey`, for REPEAT_WINDOW_MS.
 */
const taken = new RecentKeys({ scopes: 1_000, keysPerScope: 10_000, forMs: REPEAT_WINDOW_MS.sure });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class ReferralFactoryTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Referral Factory Trigger',
		name: 'referralFactoryTrigger',
		icon: {
			light: 'file:../../icons/referralFactory.svg',
			dark: 'file:../../icons/referralFactory.dark.svg',
		},
		group: ['trigger'],
		// 1.1: Joined Through starts empty (everyone); version 1 keeps its Referred-only default for saved workflows.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{$parameter["setup"] === "dashboard" ? "Dashboard Webhook" : ${JSON.stringify(EVENT_NAMES)}[$parameter["event"]]}}`,
		// n8n's node picker shows one entry for a node and its trigger, with the trigger's description
		// (useActionsGeneration.ts in n8n's editor: `app.description = trigger.description`), so this describes both.
		description: 'Run your referral programme: add referrers and leads, issue rewards, and start workflows when someone joins, a lead is qualified or a reward is issued',
		defaults: {
			name: 'Referral Factory Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'referralFactoryPublicApi',
				required: true,
				// `hide`, not `show`: n8n's editor takes a field that credentials `show` for every value of as the node's
				// authentication and moves it into the credential dialog (getMainAuthField in its nodeTypesUtils.ts), which
				// would take Set Up out of the panel.
				displayOptions: { hide: { setup: ['dashboard'] } },
			},
			{
				name: 'referralFactoryWebhookApi',
				required: true,
				testedBy: 'testWebhookSecret',
				displayOptions: { show: { setup: ['dashboard'], authentication: ['headerSecret'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'referral-factory',
			},
		],
		properties,
	};

	methods = {
		listSearch: { searchCampaigns },
		loadOptions: {
			async getUserSources(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return await n8nList(this, '/user-sources', 'sources');
			},
			async getRewards(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return await n8nList(this, '/rewards', 'rewards');
			},
		},
		credentialTest: {
			/** The secret never leaves n8n, so there is nothing to call: its form is checked. */
			async testWebhookSecret(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const headerName = String(credential.data?.headerName ?? '').trim();
				const secret = String(credential.data?.secret ?? '');
				if (!HEADER_NAME.test(headerName)) {
					return { status: 'Error', message: `"${headerName}" cannot be a header name: use letters, digits and dashes, such as X-Webhook-Secret` };
				}
				if (secret.length < 16) return { status: 'Error', message: 'The secret is shorter than 16 characters: use a long random string' };
				return { status: 'OK', message: 'The header name and secret can be used' };
			},
		},
	};

	webhookMethods = { default: registration };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const answer = (status: number, body: IDataObject) => {
			response.writeHead(status, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		const setup = this.getNodeParameter('setup', 'automatic') as string;

		// A test registration asks whether this workflow is published, and for which reward (registration.ts).
		if (this.getHeaderData()[PROBE_HEADER] !== undefined && this.getMode() !== 'manual') {
			const data = this.getWorkflowStaticData('node');
			answer(200, { published: true, rewardId: setup === 'automatic' ? (data.rewardId ?? null) : null });
			return { noWebhookResponse: true };
		}
		if (setup === 'automatic' && !deliveryAllowed(this.getWorkflowStaticData('node'), (this.getQueryData() as IDataObject)[SECRET_PARAMETER], sameSecret)) {
			answer(401, { message: 'Unauthorized: this URL takes deliveries only from the Referral Factory registration it made' });
			return { noWebhookResponse: true };
		}
		if (setup === 'dashboard' && this.getNodeParameter('authentication', 'none') === 'headerSecret') {
			const credential = await this.getCredentials<{ headerName?: string; secret?: string }>(SECRET_CREDENTIAL);
			const header = this.getHeaderData()[String(credential.headerName ?? '').trim().toLowerCase()];
			if (!sameSecret(Array.isArray(header) ? header[0] : header, String(credential.secret ?? ''))) {
				answer(401, { message: 'Unauthorized: the webhook secret is missing or wrong' });
				return { noWebhookResponse: true };
			}
		}

		const body = this.getBodyData();
		const deliveries = (Array.isArray(body) ? body : [body]).filter((entry): entry is IDataObject => !!entry && typeof entry === 'object');
		const configured = setup === 'automatic' ? EVENTS[this.getNodeParameter('event', 'userJoined') as TriggerEvent] : undefined;
		// A registration made for other settings may still deliver here (n8n never ran `delete` for it): an event
		// other than the one picked starts nothing.
		const wanted = deliveries.filter((delivery) => configured === undefined || (eventOf(delivery) ?? configured) === configured);
		// A delivery this trigger took lately (the same event about the same record, sent again) starts nothing: taken
		// here, with no wait between the look and the note, so copies handled side by side cannot both start.
		// A test listener remembers apart from production, and for seconds only: a user who sends the same test event
		// again means it.
		const testing = this.getMode() === 'manual';
		const scope = JSON.stringify([this.getWorkflow().id ?? '', this.getNode().id, testing ? 'test' : 'production']);
		const items = wanted.map((delivery) => deliveryItem(delivery, configured)).filter((item) => {
			const key = String(item.deliveryKey);
			return taken.claim(scope, key, isSureKey(key) && !testing ? REPEAT_WINDOW_MS.sure : REPEAT_WINDOW_MS.unsure);
		});
		const repeated = wanted.length > items.length;
		answer(200, { received: true, started: items.length > 0, ...(repeated ? { repeated: true } : {}) });
		if (items.length === 0) return { noWebhookResponse: true };
		return { noWebhookResponse: true, workflowData: [items.map((json) => ({ json }))] };
	}
}
