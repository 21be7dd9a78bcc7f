import { randomBytes } from 'node:crypto';

import type { IDataObject, IHookFunctions, IHttpRequestMethods, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { parseCampaignId } from '../ReferralFactory/helpers/campaign';
import { settle } from '../ReferralFactory/helpers/settle';
import { apiPath, ApiClient, isObject, unwrapData } from '../ReferralFactory/transport';
import { EVENTS, type TriggerEvent } from './description';

/**
 * Registration with Referral Factory's n8n endpoints (docs/referral-factory-api.md, N2), as the vendor's own
 * trigger does it: `POST /webhooks {url, event, campaign_id, sources?}` → `{webhook: {id}}`, removed with
 * `DELETE /webhooks/{id}`; for a reward, `PUT /rewards/{reward_id} {url, event, reward_id}`, removed with
 * `DELETE /rewards/{reward_id}`. What was registered lives in the node's static data: the registration's id, the
 * reward, and the settings it was made for.
 *
 * n8n runs `checkExists` and `create` on the first activation only (not on a restart), and `delete` on unpublish
 * only (not on shutdown): a registration outlives restarts, which is what keeps the trigger working. `checkExists`
 * says yes only for a registration made for the current settings and URL; otherwise `create` first removes the
 * one made for earlier settings, so that a changed campaign or event never leaves a registration behind.
 *
 * Testing the trigger in the editor (Execute step, "Listening for test event") registers the test URL the same way
 * (mode `manual`) and removes it after the test. n8n gives the test a static data of its own (empty), so it never
 * sees, removes or replaces the production registration's entry; for a campaign event Referral Factory keeps each
 * registration apart. A reward has one webhook (`PUT` replaces it), so a test for the reward a published workflow
 * listens for is refused (`publishedFor`) rather than take production's webhook.
 *
 * Each registration's URL carries a secret of its own in the query string (`?secret=…`, made at random when it is
 * registered and kept beside its id): Referral Factory signs nothing (docs/referral-factory-api.md, N6), so this is how
 * a delivery proves it comes from the registration. The webhook refuses a delivery without it (`deliveryAllowed`).
 */

interface Wanted {
	method: IHttpRequestMethods;
	path: string;
	body: IDataObject;
	/** The settings and URL a registration is for, compared by checkExists. */
	signature: string;
	rewardId?: string;
}

interface Registered {
	registrationId?: string;
	rewardId?: string;
	registeredFor?: string;
	/** The URL registered, without its secret: tells the test registration from the production one when n8n removes one. */
	url?: string;
	/** The secret in the registered URL's query string. */
	secret?: string;
}

/** The query parameter that carries a registration's secret. */
export const SECRET_PARAMETER = 'secret';

/**
 * The header of the question a test registration asks the workflow's production URL before it replaces a reward's
 * webhook: "is this workflow published, and for which reward?" (see `publishedFor`). Only the production webhook
 * answers it, with no execution started.
 */
export const PROBE_HEADER = 'x-referral-factory-probe';

/** n8n's path segments for a webhook's test and production URLs (its defaults). */
const TEST_SEGMENT = '/webhook-test/';
const PRODUCTION_SEGMENT = '/webhook/';

/**
 * The reward the published workflow's own production registration listens for, asked of the production URL itself:
 * n8n gives a test registration an empty static data and an inactive workflow, so nothing else can tell a test that
 * the workflow is published. Undefined when it is not (n8n answers 404), or when it cannot be told (n8n's webhook
 * paths renamed, n8n unable to reach its own URL).
 */
async function publishedFor(ctx: IHookFunctions, testUrl: string): Promise<string | undefined> {
	if (!testUrl.includes(TEST_SEGMENT)) return undefined;
	const productionUrl = testUrl.replace(TEST_SEGMENT, PRODUCTION_SEGMENT);
	const answer = await ctx.helpers
		.httpRequest({ method: 'POST', url: productionUrl, headers: { [PROBE_HEADER]: '1' }, body: {}, json: true, timeout: 5_000 })
		.then(
			(body: unknown) => body as { published?: unknown; rewardId?: unknown } | undefined,
			// Not published (n8n's 404), or no way to tell: the test goes on as before.
			(): undefined => undefined,
		);
	return answer?.published === true && answer.rewardId !== undefined && answer.rewardId !== null ? String(answer.rewardId) : undefined;
}

/** Where this call's registration lives: the node's static data (production) or its `test` entry. */
function slotFor(ctx: IHookFunctions, data: IDataObject, purpose: 'create' | 'delete'): Registered & IDataObject {
	if (purpose === 'create') {
		if (ctx.getMode() !== 'manual') return data;
		if (!isObject(data.test)) data.test = {};
		return data.test as Registered & IDataObject;
	}
	// n8n removes a test registration in mode `internal`, like a production one: the URL tells them apart.
	const url = ctx.getNodeWebhookUrl('default');
	return isObject(data.test) && data.test.url === url ? (data.test as Registered & IDataObject) : data;
}

const KEYS = ['registrationId', 'rewardId', 'registeredFor', 'url', 'secret'];

/** Forgets a registration: the production one's keys, or the whole test entry. */
function forget(data: IDataObject, slot: IDataObject): void {
	if (slot === data) for (const key of KEYS) delete data[key];
	else delete data.test;
}

const apiEvent = (ctx: IHookFunctions) => EVENTS[ctx.getNodeParameter('event', 'userJoined') as TriggerEvent] ?? 'user.join';

function settingsError(node: INode, message: string, description: string): NodeOperationError {
	return new NodeOperationError(node, message, { description });
}

/** What the current settings register, checked before anything is sent. */
function wanted(ctx: IHookFunctions): Wanted {
	const node = ctx.getNode();
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw settingsError(node, 'n8n gave the trigger no webhook URL', 'Check that n8n’s WEBHOOK_URL (or host and port) is set.');
	const event = apiEvent(ctx);
	if (event === 'reward_issued') {
		const rewardId = String(ctx.getNodeParameter('rewardId', '') ?? '').trim();
		if (!rewardId) throw settingsError(node, "'Campaign Reward Name or ID' is empty", 'Pick the campaign reward whose issuing should start the workflow.');
		return { method: 'PUT', path: apiPath('rewards', rewardId), body: { url, event, reward_id: rewardId }, signature: JSON.stringify([url, event, rewardId]), rewardId };
	}
	const campaignId = parseCampaignId(ctx.getNodeParameter('campaignId', '', { extractValue: true }));
	if (campaignId === undefined) throw settingsError(node, "'Campaign' is empty or not a campaign ID", 'Pick the campaign from the list, or enter its ID (a whole number).');
	const body: IDataObject = { url, event, campaign_id: campaignId };
	// No source picked means every source: `create` sends every source Referral Factory lists (everySource).
	const sources = event === 'user.join' ? ((ctx.getNodeParameter('sources', []) as unknown[]) ?? []).map(String).sort() : [];
	if (sources.length > 0) body.sources = sources;
	return { method: 'POST', path: '/webhooks', body, signature: JSON.stringify([url, event, campaignId, body.sources ?? []]) };
}

/**
 * The entries of a list from the n8n endpoints: `{<key>: [{id, name}]}`, under `data`, or bare
 * (docs/referral-factory-api.md, N1); an entry without an id is left out, and one without a name is named by its id.
 */
export function n8nEntries(body: unknown, key: string): Array<{ id: string; name: string }> {
	const entries = (isObject(body) && Array.isArray(body[key]) ? body[key] : unwrapData(body)) as unknown;
	return (Array.isArray(entries) ? entries : []).flatMap((entry) =>
		isObject(entry) && entry.id !== undefined && entry.id !== null ? [{ id: String(entry.id), name: String(entry.name ?? entry.id) }] : [],
	);
}

/**
 * Every user source Referral Factory lists (`GET /api/n8n/user-sources`), for a join trigger with none picked: what an
 * absent or empty `sources` means is not documented (docs/referral-factory-api.md, N8), and the vendor's trigger always
 * sends some, so everyone is asked for by name. Undefined (the key left out) when the list is empty or unreadable.
 */
async function everySource(client: ApiClient): Promise<string[] | undefined> {
	const listed = await settle(client.request<unknown>('GET', '/user-sources', { surface: 'n8n', idempotent: true }));
	const ids = listed.ok ? n8nEntries(listed.value, 'sources').map((entry) => entry.id) : [];
	return ids.length > 0 ? ids.sort() : undefined;
}

/** The registration's id in the answer: `{webhook: {id}}`, or `data.id` or `id` (docs/referral-factory-api.md, N2). */
function idIn(response: unknown): string | undefined {
	const body = (response ?? {}) as { webhook?: { id?: unknown }; data?: { id?: unknown }; id?: unknown };
	const id = body.webhook?.id ?? body.data?.id ?? body.id;
	return id === undefined || id === null || id === '' ? undefined : String(id);
}

const isNotFound = (error: unknown) => error instanceof NodeApiError && String(error.httpCode) === '404';

function failed(ctx: IHookFunctions, doing: string, error: unknown): NodeApiError {
	const cause = error instanceof NodeApiError ? error : undefined;
	const workflow = ctx.getWorkflow().name;
	return new NodeApiError(ctx.getNode(), { message: String((error as Error)?.message ?? error) } as JsonObject, {
		message: `Could not ${doing}${workflow ? ` for workflow "${workflow}"` : ''}: ${cause?.message ?? String((error as Error)?.message ?? error)}`,
		description: cause?.description ?? 'Check the Referral Factory credential and try again.',
		httpCode: cause?.httpCode ?? undefined,
	});
}

/** Removes what the static data says was registered; one that is gone already is not an error. */
async function unregister(ctx: IHookFunctions, client: ApiClient, registered: Registered): Promise<void> {
	const path = registered.rewardId !== undefined ? apiPath('rewards', registered.rewardId) : registered.registrationId !== undefined ? apiPath('webhooks', registered.registrationId) : undefined;
	if (path === undefined) return;
	const outcome = await client.request('DELETE', path, { surface: 'n8n' }).then(
		() => undefined,
		(error: unknown) => error,
	);
	if (outcome !== undefined && !isNotFound(outcome)) {
		throw failed(ctx, 'remove the trigger’s registration from Referral Factory', outcome);
	}
}


export const registration = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		if (this.getNodeParameter('setup', 'automatic') !== 'automatic') return true;
		const slot = slotFor(this, this.getWorkflowStaticData('node'), 'create');
		if (slot.registrationId === undefined && slot.rewardId === undefined) return false;
		return slot.registeredFor === wanted(this).signature;
	},

	async create(this: IHookFunctions): Promise<boolean> {
		if (this.getNodeParameter('setup', 'automatic') !== 'automatic') return true;
		const target = wanted(this);
		// Referral Factory keeps one webhook per reward: a test registration for the reward the published workflow
		// listens for would take it from production, and removing the test's would leave production with none.
		if (this.getMode() === 'manual' && target.rewardId !== undefined && (await publishedFor(this, String(target.body.url))) === target.rewardId) {
			throw settingsError(
				this.getNode(),
				`This workflow is published: issued rewards of reward ${target.rewardId} already start its executions`,
				'Referral Factory keeps one webhook per reward, so listening for a test event here would take it from the published workflow. See the deliveries in the workflow’s Executions; to try a change, unpublish first, or test a copy of the workflow with another reward.',
			);
		}
		const client = await ApiClient.create(this);
		const data = this.getWorkflowStaticData('node');
		const registered = slotFor(this, data, 'create');
		await unregister(this, client, registered);
		for (const key of KEYS) delete registered[key];
		if (target.body.event === 'user.join' && target.body.sources === undefined) target.body.sources = await everySource(client);
		const secret = randomBytes(24).toString('base64url');
		const url = new URL(String(target.body.url));
		url.searchParams.set(SECRET_PARAMETER, secret);
		// POST is not resent after an ambiguous failure (it could register twice); the PUT for a reward replaces.
		const response = await client
			.request(target.method, target.path, {
				surface: 'n8n',
				body: { ...target.body, url: url.toString() },
				idempotent: target.method === 'PUT',
				notFound: target.rewardId
					? { message: `Referral Factory has no reward ${target.rewardId}`, description: 'Pick the reward again from the list.' }
					: { message: `Referral Factory has no campaign ${String(target.body.campaign_id)}`, description: 'Pick the campaign again from the list.' },
			})
			.then(
				(answer) => ({ answer }),
				(error: unknown) => ({ error }),
			);
		if ('error' in response) throw failed(this, 'register the trigger with Referral Factory', response.error);
		const id = idIn(response.answer);
		if (id === undefined && target.rewardId === undefined) {
			throw new NodeApiError(this.getNode(), { body: (response.answer ?? null) as JsonObject } as JsonObject, {
				message: 'Referral Factory registered the trigger but did not say under which ID',
				description: 'The registration cannot be removed automatically. Remove it in Referral Factory if events arrive twice.',
			});
		}
		if (id !== undefined) registered.registrationId = id;
		if (target.rewardId !== undefined) registered.rewardId = target.rewardId;
		registered.registeredFor = target.signature;
		registered.url = String(target.body.url);
		registered.secret = secret;
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const data = this.getWorkflowStaticData('node');
		const slot = slotFor(this, data, 'delete');
		if (slot.registrationId === undefined && slot.rewardId === undefined) return true;
		await unregister(this, await ApiClient.create(this), slot);
		forget(data, slot);
		return true;
	},
};

/**
 * Whether a delivery to an automatically registered trigger may start the workflow: its `secret` query parameter
 * must be the secret of the production or the test registration (compared by `same`, in constant time). A
 * registration made before secrets were added (0.2: an id stored without one) still delivers without it until the
 * workflow is published again; a trigger with no registration at all accepts nothing.
 */
export function deliveryAllowed(data: IDataObject, given: unknown, same: (given: unknown, expected: string) => boolean): boolean {
	const slots = [data, isObject(data.test) ? data.test : {}] as Registered[];
	const secrets = slots.map((slot) => slot.secret).filter((secret): secret is string => typeof secret === 'string' && secret !== '');
	if (secrets.length > 0) return secrets.some((secret) => same(given, secret));
	return slots.some((slot) => slot.registrationId !== undefined || slot.rewardId !== undefined);
}
