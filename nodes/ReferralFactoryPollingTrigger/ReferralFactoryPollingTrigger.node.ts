import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { parseCampaignId } from '../ReferralFactory/helpers/campaign';
import { deliveryKey, RecentKeys } from '../ReferralFactory/helpers/deliveries';
import { REWARD_TYPES, type RewardType } from '../ReferralFactory/helpers/reward/fields';
import { readRecipients } from '../ReferralFactory/helpers/reward/recipients';
import { simplifyReward } from '../ReferralFactory/helpers/reward/simplify';
import { isQualified, type ApiUser } from '../ReferralFactory/helpers/user';
import { searchCampaigns } from '../ReferralFactory/methods/listSearch';
import { ApiClient, ListReader } from '../ReferralFactory/transport';
import { deliveryItem, subjectOf } from '../ReferralFactoryTrigger/payload';
import { EVENT_OF, POLL_EVENT_NAMES, properties, type PollEvent } from './description';
import { idOf, timeOf, type IdMark, type OpenList, type Scan, type TimeMark } from './scan';
import { scanById } from './scan-by-id';
import { scanByTime } from './scan-by-time';

/** One list the event is read from, and how its records are judged. */
interface Source {
	key: string;
	open: OpenList;
	by: 'id' | 'time';
	time?: (record: IDataObject) => unknown;
	/** Whether a record is one of the event's (the API's filters are INFERRED, so each record is checked again: P6). */
	keep: (record: IDataObject) => boolean;
	rewardType?: RewardType;
}

interface Marks {
	/** The settings the marks were made for: other settings start afresh. */
	settings?: string;
	marks?: Record<string, IdMark | TimeMark>;
}

const PEOPLE: Record<string, { type: string; qualified?: true }> = {
	newReferrer: { type: 'person_referring' },
	newLead: { type: 'person_invited' },
	leadQualified: { type: 'person_invited', qualified: true },
};

/**
 * The sort a check asks for to read a list newest first (the reference says lists can be ordered, not how:
 * docs/referral-factory-api.md, A14): `sort` in a search's body. Whether it works is judged on every answer.
 */
const sortBy = (field: string, direction: 'desc' | 'asc' | undefined) => (direction ? { sort: [{ field, direction }] } : {});

function sources(client: ApiClient, event: PollEvent, campaignId: number | undefined, types: RewardType[]): Source[] {
	const inCampaign = (record: IDataObject) => campaignId === undefined || String(record.campaign_id) === String(campaignId);
	const people = PEOPLE[event];
	if (people) {
		const filters: IDataObject[] = [{ field: 'type', value: people.type, operator: '=' }];
		if (campaignId !== undefined) filters.push({ field: 'campaign_id', value: String(campaignId), operator: '=' });
		if (people.qualified) filters.push({ field: 'qualified', value: 'true', operator: '=' });
		const field = people.qualified ? 'qualified_at' : 'id';
		// POST /users/search (docs/referral-factory-api.md, P6): a search changes nothing, so it is retried like a GET.
		const open: OpenList = (sort) =>
			new ListReader<IDataObject>(client, 'POST', '/users/search', {
				idempotent: true,
				body: { filters: { value: filters, operator: 'AND' }, ...sortBy(field, sort) },
			});
		const keep = (record: IDataObject) =>
			record.type === people.type && inCampaign(record) && (!people.qualified || isQualified(record as ApiUser));
		return [
			people.qualified
				? { key: event, open, by: 'time', time: (record) => record.qualified_at, keep }
				: { key: event, open, by: 'id', keep },
		];
	}
	const state = event === 'rewardDue' ? 'due' : 'issued';
	// GET /rewards/{due|issued}/{type}, or sorted through its search (docs/referral-factory-api.md, R1); a reward carries
	// no campaign, its recipient does.
	return types.map((type) => ({
		key: `${event}:${type}`,
		open: (sort?: 'desc' | 'asc') =>
			sort
				? new ListReader<IDataObject>(client, 'POST', `/rewards/${state}/${type}/search`, {
						idempotent: true,
						body: { filters: { value: [], operator: 'AND' }, ...sortBy(state === 'due' ? 'id' : 'issued_at', sort) },
					})
				: new ListReader<IDataObject>(client, 'GET', `/rewards/${state}/${type}`),
		by: state === 'due' ? ('id' as const) : ('time' as const),
		time: (record: IDataObject) => record.issued_at,
		keep: () => true,
		rewardType: type,
	}));
}

async function scan(source: Source, mark: IdMark | TimeMark | undefined): Promise<Scan<IdMark | TimeMark>> {
	return source.by === 'id'
		? await scanById(source.open, mark as IdMark | undefined)
		: await scanByTime(source.open, mark as TimeMark | undefined, source.time!, source.keep);
}

/** Which of two records came later, as the event orders them. */
function newer(source: Source, a: IDataObject, b: IDataObject): boolean {
	if (source.by === 'time') {
		const [at, bt] = [timeOf(source.time!(a)) ?? -Infinity, timeOf(source.time!(b)) ?? -Infinity];
		if (at !== bt) return at > bt;
	}
	return (idOf(a) ?? -Infinity) > (idOf(b) ?? -Infinity);
}

/** How many checks a reward waits for its recipient before it starts the workflow without them. */
export const RECIPIENT_ATTEMPTS = 3;

/**
 * Checks that could not read a reward's recipient, by node and reward: bounded, in this process (a restart starts the
 * count again), keyed by workflow, node and reward ID.
 */
const recipientFailures = new Map<string, number>();
const RECIPIENT_FAILURE_ENTRIES = 1000;

/**
 * The records as the webhook trigger's items (payload.ts deliveryItem), rewards with their recipient. A reward whose
 * recipient cannot be read is held back (`held`) for the next check, up to RECIPIENT_ATTEMPTS checks; then it starts
 * the workflow with the recipient empty and a `warning`.
 */
async function itemsFor(
	ctx: IPollFunctions,
	client: ApiClient,
	event: PollEvent,
	campaignId: number | undefined,
	picked: Array<{ source: Source; record: IDataObject }>,
	countFailures: boolean,
): Promise<{ items: INodeExecutionData[]; held: Map<string, Set<number>> }> {
	const name = EVENT_OF[event];
	const held = new Map<string, Set<number>>();
	if (PEOPLE[event]) {
		return { items: picked.map(({ record }) => ({ json: { ...deliveryItem({ ...record, event: name }, name), raw: record } })), held };
	}
	const { found, failed } = await readRecipients(client, picked.map(({ record }) => record), { itemIndex: 0, deadline: client.deadline() });
	const items: INodeExecutionData[] = [];
	const nodeKey = `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	for (const { source, record } of picked) {
		const recipientId = String(record.recipient_id);
		let warning: string | undefined;
		if (failed.has(recipientId)) {
			const key = `${nodeKey}:${source.key}:${String(record.id)}`;
			const attempts = (recipientFailures.get(key) ?? 0) + (countFailures ? 1 : RECIPIENT_ATTEMPTS);
			recipientFailures.delete(key);
			if (attempts < RECIPIENT_ATTEMPTS) {
				recipientFailures.set(key, attempts);
				if (recipientFailures.size > RECIPIENT_FAILURE_ENTRIES) recipientFailures.delete(recipientFailures.keys().next().value!);
				const id = idOf(record);
				if (id !== undefined) held.set(source.key, (held.get(source.key) ?? new Set<number>()).add(id));
				ctx.logger.warn(`Referral Factory Polling Trigger: the recipient ${recipientId} of reward ${String(record.id)} could not be read; the reward waits for the next check`);
				continue;
			}
			warning = `The recipient (ID ${recipientId}) could not be read from Referral Factory in ${RECIPIENT_ATTEMPTS} checks: ${(failed.get(recipientId) as Error)?.message ?? 'no answer'}. The reward starts the workflow without them; look the person up by recipientId.`;
		}
		const recipient = found.get(recipientId);
		// A reward carries no campaign: its recipient's says. A recipient deleted since cannot tell, and is left out; one
		// that could not be read starts the workflow with the warning rather than be dropped without a word.
		if (campaignId !== undefined && warning === undefined && String(recipient?.campaign_id) !== String(campaignId)) continue;
		const json = deliveryItem({ event: name, user: (recipient ?? {}) as IDataObject, reward: record }, name);
		json.reward = simplifyReward(record, { type: source.rewardType, state: event === 'rewardDue' ? 'due' : 'issued' }, recipient as IDataObject | undefined);
		json.raw = { reward: record, recipient: (recipient ?? null) as IDataObject | null };
		if (warning) json.warning = warning;
		items.push({ json });
	}
	return { items, held };
}

export class ReferralFactoryPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Referral Factory Polling Trigger',
		name: 'referralFactoryPollingTrigger',
		icon: {
			light: 'file:../../icons/referralFactory.svg',
			dark: 'file:../../icons/referralFactory.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: `={{${JSON.stringify(POLL_EVENT_NAMES)}[$parameter["event"]]}}`,
		description: 'Starts a workflow with new Referral Factory referrers, leads, qualifications and rewards by checking on a schedule: no public URL needed',
		defaults: {
			name: 'Referral Factory Polling Trigger',
		},
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'referralFactoryPublicApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchCampaigns } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		// A check slower than the schedule must not overlap the next one (both would start the same records).
		const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		if (running.has(key)) return null;
		running.add(key);
		try {
			return await check(this);
		} finally {
			running.delete(key);
		}
	}
}

/** The checks under way in this process, by workflow and node: one entry per polling trigger at most. */
const running = new Set<string>();

/**
 * What each polling trigger started lately, in this process, by `deliveryKey`: a check run again on the same static
 * data (n8n's durable scheduler runs a poll at least once, so sometimes twice; static data is saved only with an
 * execution) starts none of it again. Bounded in triggers, keys and time; keyed by workflow and node.
 */
const started = new RecentKeys({ scopes: 500, keysPerScope: 10_000, forMs: 24 * 3_600_000 });

/** A record's `deliveryKey`, the one its item carries (payload.ts): the event, the record and the event's time. */
function keyOf(event: string, source: Source, record: IDataObject): string {
	return deliveryKey(event, source.rewardType ? subjectOf(event, {}, record) : subjectOf(event, record), record);
}

async function check(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const event = ctx.getNodeParameter('event', 'newReferrer') as PollEvent;
	if (!(event in EVENT_OF)) {
		throw new NodeOperationError(ctx.getNode(), `'Event' cannot be "${String(event)}"`, { description: 'Pick one of the events in the list.' });
	}
	const rawCampaign = ctx.getNodeParameter('campaignId', '', { extractValue: true });
	const campaignId = parseCampaignId(rawCampaign);
	if (campaignId === undefined && String(rawCampaign ?? '').trim() !== '') {
		throw new NodeOperationError(ctx.getNode(), `'Campaign' must be a campaign ID (a whole number), but it is "${String(rawCampaign).slice(0, 50)}"`, {
			description: 'Pick the campaign from the list, enter its ID, or leave it empty for every campaign.',
		});
	}
	const chosenType = event === 'rewardDue' || event === 'rewardIssued' ? (ctx.getNodeParameter('rewardType', 'all') as RewardType | 'all') : 'all';
	if (chosenType !== 'all' && !REWARD_TYPES.includes(chosenType)) {
		throw new NodeOperationError(ctx.getNode(), `'Reward Type' cannot be "${String(chosenType)}"`, { description: 'Choose All Types, Fixed Amount, Commission, Coupon or Custom Reward.' });
	}
	const types = chosenType === 'all' ? [...REWARD_TYPES] : [chosenType];
	const client = await ApiClient.create(ctx);
	const lists = sources(client, event, campaignId, types);
	const manual = ctx.getMode() === 'manual';

	const data = ctx.getWorkflowStaticData('node') as Marks;
	const settings = JSON.stringify([event, campaignId ?? null, types]);
	// Without a mark (the first poll after publishing, or after the settings changed) a list's scan only notes where
	// it stands, and finds nothing new: the first poll starts nothing.
	const marks = !manual && data.settings === settings ? (data.marks ?? {}) : {};
	const scope = JSON.stringify([ctx.getWorkflow().id ?? '', ctx.getNode().id]);
	const name = EVENT_OF[event];

	const found: Array<{ source: Source; record: IDataObject }> = [];
	let latest: { source: Source; record: IDataObject } | undefined;
	const scans: Array<{ source: Source; result: Scan<IdMark | TimeMark> }> = [];
	for (const source of lists) {
		const result = await scan(source, manual ? undefined : marks[source.key]);
		scans.push({ source, result });
		for (const record of result.fresh) if (source.keep(record) && (manual || !started.has(scope, keyOf(name, source, record)))) found.push({ source, record });
		for (const record of result.future) {
			ctx.logger.warn(`Referral Factory Polling Trigger: record ${String(record.id)} is dated ${String(source.time?.(record))}, beyond n8n's clock; it starts the workflow once and does not move the trigger's window`);
		}
		for (const record of result.read) {
			if (source.keep(record) && (!latest || newer(source, record, latest.record))) latest = { source, record };
		}
	}
	// Oldest first across the lists too (All Types reads one list per type).
	found.sort((a, b) => (newer(a.source, a.record, b.record) ? 1 : newer(b.source, b.record, a.record) ? -1 : 0));
	const picked = manual ? (latest ? [latest] : []) : found;
	const { items, held } = await itemsFor(ctx, client, event, campaignId, picked, !manual);
	// The marks move only once the items are made, past everything but what was held back for the next check.
	if (!manual) {
		data.settings = settings;
		data.marks = Object.fromEntries(scans.map(({ source, result }) => [source.key, result.mark(held.get(source.key))]));
		for (const { source, record } of picked) if (!held.get(source.key)?.has(idOf(record) ?? NaN)) started.add(scope, keyOf(name, source, record));
	}
	return items.length > 0 ? [items] : null;
}
