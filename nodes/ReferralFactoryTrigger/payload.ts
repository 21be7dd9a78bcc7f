import type { IDataObject } from 'n8n-workflow';

import { deliveryKey, type Subject } from '../ReferralFactory/helpers/deliveries';
import { simplifyReward } from '../ReferralFactory/helpers/reward/simplify';
import { simplifyUser, type ApiUser } from '../ReferralFactory/helpers/user';
import { isObject } from '../ReferralFactory/transport';

/**
 * One delivery as one output item, in the shape the node's operations give a person (simplifyUser), plus the event,
 * the referrer of a lead, the reward of a reward event, and the whole body under `raw`.
 *
 * No payload schema is published (docs/referral-factory-api.md, N4). Registered deliveries are taken to carry
 * the API's user object, bare or under `user`/`data`, and a reward event the reward under `reward` (INFERRED).
 * Dashboard deliveries carry the fields the user ticked under names they chose (docs/referral-factory-api.md, N5):
 * the usual names are read whatever their case and separators (`Email Address`, `email_address`, `emailAddress`).
 */

/** Names a field goes by, in the compared form (lower case, letters and digits only). */
const ALIASES: Record<keyof ApiUser & string, string[]> = {
	id: ['id', 'userid'],
	url: ['url', 'referrallink', 'referralurl', 'link', 'sharelink', 'referrallinkurl'],
	code: ['code', 'referralcode', 'refcode'],
	first_name: ['firstname', 'name'],
	email: ['email', 'emailaddress', 'mail'],
	campaign_id: ['campaignid', 'campaign'],
	referrer_id: ['referrerid', 'referredby', 'referredbyid'],
	type: ['type', 'usertype'],
	source: ['source', 'usersource'],
	signed_up_at: ['signedupat', 'signupdate', 'createdat'],
	qualified_at: ['qualifiedat'],
	qualified: ['qualified', 'isqualified'],
};

const REFERRER_ALIASES: Record<string, string[]> = {
	referralCode: ['referrercode', 'referredbycode', 'referrerreferralcode'],
	email: ['referreremail', 'referredbyemail'],
	firstName: ['referrerfirstname', 'referrername', 'referredbyname'],
};

const compact = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function pick(fields: Map<string, unknown>, names: string[]): unknown {
	for (const name of names) if (fields.has(name)) return fields.get(name);
	return undefined;
}

/** Numbers that came as text (a form's fields are text) become numbers; anything else stays as it came. */
function numeric(value: unknown): unknown {
	return typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

function qualifiedFrom(value: unknown): boolean | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'boolean') return value;
	return ['1', 'true', 'yes', 'qualified'].includes(String(value).trim().toLowerCase());
}

/** The person in a delivery: `user`, `data`, or the body itself. */
function personIn(body: IDataObject): IDataObject {
	for (const key of ['user', 'data', 'person']) if (isObject(body[key])) return body[key] as IDataObject;
	return body;
}

export function eventOf(body: IDataObject): string | undefined {
	const event = body.event ?? body.event_name ?? body.trigger;
	return typeof event === 'string' && event ? event : undefined;
}

/**
 * What an event is about, for its `deliveryKey`: a reward event's reward (its ID, and when it was issued), else the
 * person (their ID, and when they were qualified for a qualification, when they signed up for a join).
 */
export function subjectOf(event: string | null, person: IDataObject, reward?: IDataObject): Subject {
	if (reward) return { id: reward.id, at: reward.issued_at };
	return { id: person.id, at: event === 'user.qualified' ? person.qualified_at : person.signed_up_at };
}

export function deliveryItem(body: IDataObject, configuredEvent: string | undefined): IDataObject {
	const person = personIn(body);
	const fields = new Map<string, unknown>();
	for (const [key, value] of Object.entries(person)) if (!fields.has(compact(key))) fields.set(compact(key), value);
	const user: ApiUser = {};
	for (const [field, names] of Object.entries(ALIASES)) {
		const value = pick(fields, names);
		if (value !== undefined) (user as IDataObject)[field] = ['id', 'campaign_id', 'referrer_id'].includes(field) ? (numeric(value) as IDataObject[string]) : (value as IDataObject[string]);
	}
	// A referrer given as an object (a lead's delivery may carry its referrer: docs/referral-factory-api.md, N5).
	const referrerObject = isObject(person.referrer) ? person.referrer : undefined;
	if (referrerObject?.id !== undefined && user.referrer_id === undefined) user.referrer_id = numeric(referrerObject.id) as number;
	const event = eventOf(body) ?? configuredEvent ?? null;
	const key = deliveryKey(event, subjectOf(event, user as IDataObject, isObject(body.reward) ? body.reward : undefined), body);
	const qualified = qualifiedFrom(pick(fields, ALIASES.qualified));
	if (user.qualified_at === undefined && qualified !== undefined) user.qualified_at = qualified ? 'yes' : null;
	delete user.qualified;

	const item: IDataObject = { event, deliveryKey: key, ...simplifyUser(user) };
	// Not in the delivery: known from the event when it says (a join is not qualified yet), else unknown.
	if (user.qualified_at === undefined) item.qualified = event === 'user.qualified' ? true : event === 'user.join' ? false : null;
	const referrer: IDataObject = {};
	for (const [name, names] of Object.entries(REFERRER_ALIASES)) {
		const value = pick(fields, names);
		if (value !== undefined) referrer[name] = value as IDataObject[string];
	}
	if (referrerObject) Object.assign(referrer, simplifyUser(referrerObject as ApiUser));
	if (Object.keys(referrer).length > 0) item.referrer = referrer;
	// The same reward shape as Reward → Get Many, Issue and Cancel (helpers/reward.ts simplifyReward); the person
	// delivered with a reward is its recipient when the IDs agree, so their name and email fill the reward's.
	if (isObject(body.reward)) {
		const recipient = user.id !== undefined && String(user.id) === String(body.reward.recipient_id) ? (user as IDataObject) : undefined;
		item.reward = simplifyReward(body.reward, { state: 'issued' }, recipient);
	}
	item.raw = body;
	return item;
}

