import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readPersonRef, type Role } from '../../helpers/person';

import { campaignNotFound } from '../../helpers/campaign';
import { earlierFailed, inTurn, refusedOutright } from '../../helpers/claims';
import { settle } from '../../helpers/settle';
import { createOnce } from '../../helpers/create-once';
import { buildNewPersonBody, NEW_PERSON_REFUSED, newPersonFieldLabel, resolveCustomFields } from '../../helpers/new-person';
import { addedByThisRun, findUserByEmail, isEmailTaken, simplifyUser, userFrom, type ApiUser } from '../../helpers/user';
import { itemError } from '../../helpers/validation';
import { apiPath, type ApiClient } from '../../transport';
import { campaignLocator, newPersonAdditionalFields, personLocator, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { ROLES, SIMPLIFIED_PERSON } from './roles';

/**
 * The referrer who brought a lead: by referral code (what a link or a form carries), From List, ID, or email
 * (docs/referral-factory-api.md, P7).
 */
const referrerOfLead = personLocator('referrer', {
	name: 'referrerId',
	displayName: 'Referrer',
	description: 'The referrer who brought the lead, in the same campaign',
	defaultMode: 'code',
});

function properties(role: Role): INodeProperties[] {
	const { label } = ROLES[role];
	const who = role === 'referrer' ? 'referrer' : 'lead';
	return [
		campaignLocator(`The campaign the ${who} joins`),
		...(role === 'lead' ? [referrerOfLead] : []),
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Nathan',
			description: `First name of the new ${who}`,
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. nathan@example.com',
			description: `Email address of the new ${who}. Referral Factory identifies a person by email within a campaign.`,
		},
		{
			displayName: `If ${label} Exists`,
			name: 'ifExists',
			type: 'options',
			default: 'returnExisting',
			description: 'What to do when this email is already in the campaign, for example when a workflow runs again',
			options: [
				{
					name: 'Return Existing',
					value: 'returnExisting',
					description: 'Output the person already there, with the referral link and code they already have',
				},
				{
					name: 'Update Fields',
					value: 'updateFields',
					description: 'Update their first name and custom fields, then output them',
				},
				{
					name: 'Fail',
					value: 'fail',
					description: 'Stop with an error for this item (or output an error item with Continue On Fail)',
				},
			],
		},
		simplify(SIMPLIFIED_PERSON),
		newPersonAdditionalFields,
	];
}

const IF_EXISTS = ['returnExisting', 'updateFields', 'fail'] as const;
type IfExists = (typeof IF_EXISTS)[number];

interface AddPersonRequest {
	body: IDataObject;
	simplify: boolean;
	ifExists: IfExists;
}

/**
 * The lead's referrer in the API's words: `{field: id|code|email, value}` (docs/referral-factory-api.md, P7), read with
 * the same checks as any person locator (by email: within the lead's campaign).
 */
function readReferrerOfLead(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const ref = readPersonRef(ctx, 'referrerId', 'Referrer', itemIndex);
	if (ref.mode === 'id') return { field: 'id', value: ref.id };
	if (ref.mode === 'code') return { field: 'code', value: ref.code };
	return { field: 'email', value: ref.email };
}

async function updateExisting(this: IExecuteFunctions, client: ApiClient, existing: ApiUser, body: IDataObject, itemIndex: number, deadline: number) {
	const changes: IDataObject = { first_name: body.first_name };
	if (body.meta !== undefined) changes.meta = body.meta;
	const response = await client.request('PUT', apiPath('users', Number(existing.id)), {
		body: changes,
		itemIndex,
		deadline,
		fieldLabel: newPersonFieldLabel,
		refused: NEW_PERSON_REFUSED,
	});
	return userFrom(this.getNode(), response, itemIndex);
}

/**
 * Add for a referrer, or a lead (the same call with `referrer`, docs/referral-factory-api.md, P7): never twice
 * (helpers/create-once.ts). Referral Factory answers a repeated email either with the existing user or with a 422 on
 * `email` (docs/referral-factory-api.md, P10); both end in "If … Exists". Two items of a run with the same email and
 * campaign take turns (helpers/claims.ts): the second finds the first's person there. A person of the other role
 * with this email (a lead, for Add Referrer) is an item error: never returned or updated as this role.
 *
 * The simplified output's `outcome` says what this run did: `created` (also on Retry On Fail, for a person an earlier
 * try of this execution created), `existing` (there before: Return Existing), `updated` (there before: Update
 * Fields), or — only after a lost answer with Return Existing, when nothing tells whether the lost request added
 * them — `unknown`. The person's `signedUpAt` tells a re-run's routing when they joined.
 */
export function addPerson(role: Role) {
	const { resource, label, apiType } = ROLES[role];
	const other = ROLES[role === 'referrer' ? 'lead' : 'referrer'];
	return defineOperation({
		resource,
		operation: 'add',
		properties: properties(role),
		prepare(itemIndex): AddPersonRequest {
			const ifExists = this.getNodeParameter('ifExists', itemIndex, 'returnExisting') as IfExists;
			if (!IF_EXISTS.includes(ifExists)) {
				throw itemError(this, itemIndex, `'If ${label} Exists' cannot be "${String(ifExists)}"`, 'Choose Return Existing, Update Fields or Fail.');
			}
			const body = buildNewPersonBody(this, itemIndex);
			if (role === 'lead') body.referrer = readReferrerOfLead(this, itemIndex);
			return {
				body,
				simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
				ifExists,
			};
		},
		async execute({ client, itemIndex, memory, request }) {
			const { ifExists } = request;
			const deadline = client.deadline();
			const body = await resolveCustomFields(client, request.body, apiType as 'person_referring' | 'person_invited', { itemIndex, deadline });
			const campaignId = Number(body.campaign_id);
			const email = String(body.email);
			const record = `person:${campaignId}:${email.toLowerCase()}`;
			type Added = { user: ApiUser; outcome: 'created' | 'existing' | 'updated' | 'unknown' };
			const find = async () => await findUserByEmail(client, campaignId, email, { itemIndex, deadline });
			/** The person found under this email must be of this role: a lead is never returned as a referrer. */
			const ofRole = (user: ApiUser): ApiUser => {
				if (typeof user.type === 'string' && user.type !== apiType) {
					throw itemError(
						this,
						itemIndex,
						`${email} is a ${other.resource} in campaign ${campaignId}, not a ${role}`,
						`An email is one person in a campaign, and this one is a ${other.resource}: nothing was changed. Use ${other.label} → Get for them, or add the ${role} with another email.`,
					);
				}
				return user;
			};
			/**
			 * What an earlier try of this execution noted (Retry On Fail): `created`, or `sent@<ms>` — an add sent at that
			 * time whose answer never said, to be judged by the person's own date like any lost answer.
			 */
			const mine = memory.recall(record);
			const created = (user: ApiUser): Added => {
				memory.note(record, 'created');
				return { user: ofRole(user), outcome: 'created' };
			};
			const whenExists = async (existing: ApiUser): Promise<Added> => {
				ofRole(existing);
				// Created by an earlier try of this execution: still this execution's work.
				if (mine === 'created') return created(existing);
				if (mine?.startsWith('sent@')) {
					const judged = addedByThisRun(existing, Number(mine.slice(5)));
					if (judged === 'created') return created(existing);
					if (judged === undefined) return { user: existing, outcome: 'unknown' };
				}
				// There before this execution: nothing of it to remember.
				memory.note(record, undefined);
				if (ifExists === 'fail') {
					throw itemError(
						this,
						itemIndex,
						`${email} is already ${role === 'referrer' ? 'a referrer in' : 'in'} campaign ${campaignId}`,
						`Set 'If ${label} Exists' to 'Return Existing' to get their referral link and code instead.`,
					);
				}
				if (ifExists === 'updateFields') return { user: await updateExisting.call(this, client, existing, body, itemIndex, deadline), outcome: 'updated' };
				return { user: existing, outcome: 'existing' };
			};

			const added = await inTurn<Added>(client, record, itemIndex, async (earlier) => {
				if (earlier && !earlier.ok) throw earlierFailed(client, `${email} (campaign ${campaignId})`, earlier, itemIndex);
				// An earlier item of this run added or found them: this one finds them there.
				if (earlier?.ok) return await whenExists(earlier.value.user);
				// Only "Update Fields" and "Fail" need to know beforehand ("Return Existing" outputs the person either way),
				// and a retry of an execution that sent an add.
				const lookedFirst = ifExists !== 'returnExisting' || mine !== undefined;
				if (lookedFirst) {
					const existing = await find();
					if (existing) return await whenExists(existing);
				}
				let attempts = 0;
				const { outcome, record: sent, afterLostAnswer, sentAt, foundNothing } = await createOnce(client, {
					itemIndex,
					deadline,
					send: async () => {
						// Noted as it first leaves, so that a retry of the execution knows it may have been done: after a look-up
						// that found nobody, whoever is there later is this execution's; else the person's date will tell.
						const first = ++attempts === 1;
						if (first) memory.note(record, lookedFirst ? 'created' : `sent@${Date.now()}`);
						const posted = await settle(
							client.requestWithStatus('POST', '/users', {
								body,
								itemIndex,
								deadline,
								idempotent: false,
								notFound: campaignNotFound(campaignId),
								fieldLabel: newPersonFieldLabel,
								refused: NEW_PERSON_REFUSED,
							}),
						);
						if (!posted.ok) {
							// The first request refused outright (a 4xx): nothing was added by it.
							if (first && refusedOutright(posted.error)) memory.note(record, mine);
							throw posted.error;
						}
						const { status, body: response } = posted.value;
						// 201: added now. 200: the person was there already, Referral Factory's answer to a repeated email
						// (INFERRED from v1, which answered with the same user: docs/referral-factory-api.md, P10).
						return { user: userFrom(this.getNode(), response, itemIndex), existed: status === 200 };
					},
					find: async () => {
						const user = await find();
						// Nobody there after this execution sent: whoever comes is its own.
						if (!user) memory.note(record, 'created');
						return user && { user, existed: false };
					},
					isDuplicate: isEmailTaken,
				});
				if (!afterLostAnswer) return outcome === 'existing' || sent.existed ? await whenExists(sent.user) : created(sent.user);
				// An answer was lost. A look-up since found nobody: whatever is there now is this run's. With Update
				// Fields and Fail the look-up before sending found nobody, so they are this run's too. Else the person's
				// own date tells, where it can.
				if (foundNothing || lookedFirst) return created(sent.user);
				const judged = addedByThisRun(sent.user, sentAt);
				if (judged === 'existing') return await whenExists(sent.user);
				if (judged === 'created') return created(sent.user);
				return { user: ofRole(sent.user), outcome: 'unknown' };
			});
			// Simplified, the person says what this run did, so a re-run or a repeat buyer can be routed differently.
			return request.simplify ? { ...simplifyUser(added.user), outcome: added.outcome } : added.user;
		},
	});
}
