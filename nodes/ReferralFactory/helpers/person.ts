import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiClient } from '../transport';
import { apiPath, isRefusal } from '../transport';
import { settle } from './settle';
import { findUserByEmail, findUsersByEmail, userFrom, type ApiUser } from './user';
import { itemError, requireCampaignId, requireEmail, requireText } from './validation';

/** Which kind of person an operation works on: the API calls them person_referring and person_invited. */
export type Role = 'referrer' | 'lead';

/** The item and its retry deadline; `qs` adds to the read's query (`with=user.analytics`). */
export interface LookupOptions {
	itemIndex: number;
	deadline: number;
	qs?: IDataObject;
}

const API_TYPE: Record<Role, string> = { referrer: 'person_referring', lead: 'person_invited' };

/**
 * A person as the user identified them: by ID (typed, or picked From List), by referral code, or by email — within
 * a campaign when one is given, else in every campaign (and an error if the email is there more than once).
 */
export type PersonRef =
	| { mode: 'id'; id: number }
	| { mode: 'code'; code: string }
	| { mode: 'email'; email: string; campaignId?: number };

/** Reads and checks a person locator (common.descriptions.ts `personLookup`) before anything is sent. */
export function readPersonRef(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): PersonRef {
	const locator = ctx.getNodeParameter(name, itemIndex) as { mode?: unknown; value?: unknown };
	const value = typeof locator?.value === 'number' ? String(locator.value) : locator?.value;
	if (locator?.mode === 'email') {
		const email = requireEmail(ctx, value, itemIndex, label);
		const campaign = ctx.getNodeParameter('campaignId', itemIndex, '', { extractValue: true });
		if (campaign === '' || campaign === undefined || campaign === null) return { mode: 'email', email };
		return { mode: 'email', email, campaignId: requireCampaignId(ctx, campaign, itemIndex, 'Campaign') };
	}
	if (locator?.mode === 'list' && (value === '' || value === undefined || value === null)) {
		throw itemError(ctx, itemIndex, `No ${label.toLowerCase()} is picked in '${label}'`, `Pick one from the list (type a name or an email to search), or switch '${label}' to By ID, By Code or By Email.`);
	}
	const text = requireText(ctx, value, label, itemIndex, locator?.mode === 'code' ? 'ueONFmUp' : '1042');
	if (locator?.mode === 'code') return { mode: 'code', code: text };
	if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) {
		throw itemError(ctx, itemIndex, `'${label}' must be a whole number when given by ID, but it is "${text.slice(0, 50)}"`, `Enter the ${label.toLowerCase()}'s ID, or switch '${label}' to By Code or By Email.`);
	}
	return { mode: 'id', id: Number(text) };
}

function describeRef(role: Role, ref: PersonRef): string {
	if (ref.mode === 'id') return `${role} with ID ${ref.id}`;
	if (ref.mode === 'code') return `${role} with referral code ${ref.code}`;
	return `${role} with email ${ref.email}${ref.campaignId === undefined ? '' : ` in campaign ${ref.campaignId}`}`;
}

/** What a person who is not there is called in an error: "No lead with referral code X was found". */
export function personNotFound(role: Role, ref: PersonRef) {
	return {
		message: `No ${describeRef(role, ref)} was found`,
		description: `Check the ${ref.mode === 'code' ? 'referral code' : ref.mode === 'email' ? (ref.campaignId === undefined ? 'email' : 'email and the campaign') : 'ID'}: Referral Factory has no such person.`,
	};
}

/**
 * Reads the person: GET /users/{id or code} (docs/referral-factory-api.md, P4), or, by email, a search
 * within the campaign (an email is unique only there). A person of the other kind (a lead asked for as a referrer)
 * is refused, so that an operation on a referrer never changes a lead. A record without `type` is accepted (the API
 * documents it, docs/referral-factory-api.md, P1, but tolerance costs nothing here). A person who is not there is
 * `undefined` with `ifMissing: 'undefined'`, else an error: Referral Factory's 404, or (by email, where the API
 * answered an empty search) the node's own, which carries no HTTP code.
 */
async function readPerson(
	client: ApiClient,
	node: INode,
	role: Role,
	ref: PersonRef,
	options: LookupOptions,
	ifMissing: 'error' | 'undefined',
): Promise<ApiUser | undefined> {
	let user: ApiUser | undefined;
	if (ref.mode === 'email') {
		user = ref.campaignId === undefined ? await findOnlyByEmail(client, role, ref.email, options) : await findUserByEmail(client, ref.campaignId, ref.email, options);
		if (!user && ifMissing === 'error') {
			const { message, description } = personNotFound(role, ref);
			throw new NodeOperationError(node, `${message} [item ${options.itemIndex}]`, { description, itemIndex: options.itemIndex });
		}
	} else {
		const identifier = ref.mode === 'id' ? ref.id : ref.code;
		const read = await settle(client.request('GET', apiPath('users', identifier), { ...options, notFound: personNotFound(role, ref) }));
		if (!read.ok) {
			const { error } = read;
			if (ifMissing === 'undefined' && isRefusal(error) && ['404', '410'].includes(String(error.httpCode))) return undefined;
			throw error;
		}
		user = userFrom(node, read.value, options.itemIndex);
	}
	if (user && typeof user.type === 'string' && user.type !== API_TYPE[role]) {
		const other: Role = role === 'referrer' ? 'lead' : 'referrer';
		throw new NodeOperationError(node, `The ${describeRef(role, ref).replace(role, 'person')} is a ${other}, not a ${role} [item ${options.itemIndex}]`, {
			description: `Use the ${other === 'lead' ? 'Lead' : 'Referrer'} resource for this person, or check the identifier.`,
			itemIndex: options.itemIndex,
		});
	}
	return user;
}

/**
 * By email with no campaign given: the person of this role with this email in any campaign. An email is unique
 * only within a campaign, so when it belongs to this role in several, the item fails and says which campaigns.
 * With none of this role, a person of the other role is returned (for readPerson's "is a lead, not a referrer").
 */
async function findOnlyByEmail(client: ApiClient, role: Role, email: string, options: LookupOptions): Promise<ApiUser | undefined> {
	const everyone = await findUsersByEmail(client, email, options);
	const ofRole = everyone.filter((user) => typeof user.type !== 'string' || user.type === API_TYPE[role]);
	if (ofRole.length > 1) {
		const campaigns = ofRole.map((user) => user.campaign_id ?? '?').join(', ');
		throw new NodeOperationError(client.node, `${email} is a ${role} in ${ofRole.length} campaigns (IDs ${campaigns}) [item ${options.itemIndex}]`, {
			description: `Pick the campaign under 'Campaign' (it shows when the ${role} is given by email), or give the ${role} by ID or code.`,
			itemIndex: options.itemIndex,
		});
	}
	return ofRole[0] ?? everyone[0];
}

/** The person, or an error that says they were not found (see `readPerson`). */
export async function fetchPerson(
	client: ApiClient,
	node: INode,
	role: Role,
	ref: PersonRef,
	options: LookupOptions,
): Promise<ApiUser> {
	return (await readPerson(client, node, role, ref, options, 'error')) as ApiUser;
}

/** The person, or undefined when Referral Factory has no such person (see `readPerson`). */
export async function findPerson(
	client: ApiClient,
	node: INode,
	role: Role,
	ref: PersonRef,
	options: LookupOptions,
): Promise<ApiUser | undefined> {
	return await readPerson(client, node, role, ref, options, 'undefined');
}
