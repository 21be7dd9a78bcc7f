import type { IDataObject } from 'n8n-workflow';

import { earlierFailed, inTurn, noted } from '../../helpers/claims';
import { customFieldName, NEW_PERSON_REFUSED, newPersonFieldLabel, resolveCustomFields, type CustomFields } from '../../helpers/new-person';
import { fetchPerson, readPersonRef, type Role } from '../../helpers/person';
import { simplifyUser, userFrom, type ApiUser } from '../../helpers/user';
import { itemError, requireEmail, requireScalar, requireText } from '../../helpers/validation';
import { apiPath } from '../../transport';
import { customFields, personLookup, simplify } from '../common.descriptions';
import { defineOperation } from '../operation';
import { ROLES, SIMPLIFIED_PERSON } from './roles';

/** Whether the person has every value of the PUT's body already: first name, email and each custom field. */
function hasValues(person: ApiUser, body: IDataObject): boolean {
	const same = (a: unknown, b: unknown) => String(a ?? '').trim() === String(b ?? '').trim();
	if (body.first_name !== undefined && !same(person.first_name, body.first_name)) return false;
	if (body.email !== undefined && !same(String(person.email ?? '').toLowerCase(), String(body.email).toLowerCase())) return false;
	const meta = Array.isArray(person.meta) ? person.meta : [];
	const entries = Array.isArray(body.meta) ? (body.meta as Array<{ field?: unknown; value?: unknown }>) : [];
	return entries.every((entry) =>
		meta.some((had) => String(had?.field ?? '').toLowerCase() === String(entry.field).toLowerCase() && same(had?.value, entry.value)),
	);
}

/**
 * Update for a referrer or a lead: PUT /users/{id} with the fields given (first_name, email, meta; a partial update,
 * INFERRED: docs/referral-factory-api.md, P11). The person is fetched first (to find their ID and check their kind); a
 * PUT is safe to resend. When the person has every given value already (a re-run), nothing is sent:
 * `outcome: 'unchanged'`, else `updated` (also on Retry On Fail, for values an earlier try of this execution wrote).
 * Two items of a run for one person take turns, the second reading the person again (helpers/claims.ts).
 */
export function updatePerson(role: Role) {
	const { resource, locator, label, apiType } = ROLES[role];
	return defineOperation({
		resource,
		operation: 'update',
		properties: [
			...personLookup(locator, label, `The ${role} to update: by ID, by referral code, or by email within a campaign`),
			{
				displayName: 'Update Fields',
				name: 'updateFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					customFields({
						displayName: 'Field Name or ID',
						name: 'label',
						type: 'string',
						default: '',
						placeholder: 'e.g. Last Name',
						description: "The field's name (its label in the campaign form) or its ID",
					}),
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						default: '',
						placeholder: 'e.g. nathan@example.com',
						description: 'A new email address (it must not be taken by someone else in the campaign)',
					},
					{ displayName: 'First Name', name: 'firstName', type: 'string', default: '', placeholder: 'e.g. Nathan' },
				],
			},
			simplify(SIMPLIFIED_PERSON),
		],
		prepare(itemIndex) {
			const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
			const changes: IDataObject = {};
			if (fields.firstName !== undefined) changes.first_name = requireText(this, fields.firstName, 'Update Fields › First Name', itemIndex, 'Nathan');
			if (fields.email !== undefined) changes.email = requireEmail(this, fields.email, itemIndex, 'Update Fields › Email');
			const entries = ((fields.customFields ?? {}) as CustomFields).field ?? [];
			if (entries.length > 0) {
				changes.meta = entries.map((entry, position) => ({
					field: requireText(this, entry.label, customFieldName(position, 'field'), itemIndex, 'Last Name'),
					value: requireScalar(this, entry.value ?? '', customFieldName(position, 'value'), itemIndex),
				}));
			}
			if (Object.keys(changes).length === 0) {
				throw itemError(this, itemIndex, "'Update Fields' is empty: there is nothing to update", `Add at least one field to 'Update Fields' (First Name, Email or Custom Fields).`);
			}
			return {
				ref: readPersonRef(this, locator, label, itemIndex),
				changes,
				simplify: this.getNodeParameter('simplify', itemIndex, true) as boolean,
			};
		},
		async execute({ client, itemIndex, memory, request }) {
			const deadline = client.deadline();
			const lookup = { itemIndex, deadline };
			const found = await fetchPerson(client, this.getNode(), role, request.ref, lookup);
			const kind = apiType as 'person_referring' | 'person_invited';
			const body = await resolveCustomFields(client, { ...request.changes, campaign_id: found.campaign_id }, kind, lookup);
			delete body.campaign_id;
			const record = `person:${String(found.id)}`;
			const { person, outcome } = await inTurn<{ person: ApiUser; outcome: 'updated' | 'unchanged' }>(client, record, itemIndex, async (earlier) => {
				if (earlier && !earlier.ok) throw earlierFailed(client, `${label} ${String(found.id)}`, earlier, itemIndex);
				// After an earlier item of this run wrote the person, they are read again.
				const now = earlier ? await fetchPerson(client, this.getNode(), role, { mode: 'id', id: Number(found.id) }, lookup) : found;
				// Values already there (a re-run, Retry On Fail): nothing is sent.
				if (hasValues(now, body)) return { person: now, outcome: memory.recall(record) === 'updated' ? 'updated' : 'unchanged' };
				// Noted before it is sent: a retry of the execution knows it may have been done (helpers/claims.ts).
				const response = await noted(memory, record, 'updated', async () =>
					await client.request('PUT', apiPath('users', Number(found.id)), {
						body,
						itemIndex,
						deadline,
						fieldLabel: (field) => newPersonFieldLabel(field)?.replace(/^(First Name|Email)$/, 'Update Fields › $1'),
						refused: NEW_PERSON_REFUSED,
					}),
				);
				return { person: userFrom(this.getNode(), response, itemIndex), outcome: 'updated' };
			});
			return request.simplify ? { ...simplifyUser(person), outcome } : person;
		},
	});
}
