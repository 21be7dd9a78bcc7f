import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { parseCampaignId } from '../ReferralFactory/helpers/campaign';
import { recipientsOf, REWARD_TYPES, simplifyReward, type RewardType } from '../ReferralFactory/helpers/reward';
import { isQualified, type ApiUser } from '../ReferralFactory/helpers/user';
import { searchCampaigns } from '../ReferralFactory/methods/listSearch';
import { ApiClient, MAX_PAGE_SIZE, requestPage } from '../ReferralFactory/transport';
import { deliveryItem } from '../ReferralFactoryTrigger/payload';
import { EVENT_OF, POLL_EVENT_NAMES, properties, type PollEvent } from './description';
import { idOf, scanById, scanByTime, timeOf, type IdMark, type ReadPage, type ScanResult, type TimeMark } from './scan';

/** One list the event is read from, and how its records are judged. */
interface Source {
	key: string;
	read: ReadPage;
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

function sources(client: ApiClient, event: PollEvent, campaignId: number | undefined, types: RewardType[]): Source[] {
	const inCampaign = (record: IDataObject) => campaignId === undefined || String(record.campaign_id) === String(campaignId);
	const people = PEOPLE[event];
	if (people) {
		const filters: IDataObject[] = [{ field: 'type', value: people.type, operator: '=' }];
		if (campaignId !== undefined) filters.push({ field: 'campaign_id', value: String(campaignId), operator: '=' });
		if (people.qualified) filters.push({ field: 'qualified', value: 'true', operator: '=' });
		// POST /users/search (docs/referral-factory-api.md, P6): a search changes nothing, so it is retried like a GET.
		const read: ReadPage = async (page) =>
			await requestPage<IDataObject>(client, 'POST', '/users/search', page, MAX_PAGE_SIZE, {
				idempotent: true,
				body: { filters: { value: filters, operator: 'AND' } },
			});
		const keep = (record: IDataObject) =>
			record.type === people.type && inCampaign(record) && (!people.qualified || isQualified(record as ApiUser));
		return [
			people.qualified
				? { key: event, read, by: 'time', time: (record) => record.qualified_at, keep }
				: { key: event, read, by: 'id', keep },
		];
	}
	const state = event === 'rewardDue' ? 'due' : 'issued';
	// GET /rewards/{due|issued}/{type} (docs/referral-factory-api.md, R1); a reward carries no campaign, its recipient does.
	return types.map((type) => ({
		key: `${event}:${type}`,
		read: async (page: number) => await requestPage<IDataObject>(client, 'GET', `/rewards/${state}/${type}`, page, MAX_PAGE_SIZE),
		by: state === 'due' ? ('id' as const) : ('time' as const),
		time: (record: IDataObject) => record.issued_at,
		keep: () => true,
		rewardType: type,
	}));
}

async function scan(source: Source, mark: IdMark | TimeMark | undefined): Promise<ScanResult<IdMark | TimeMark>> {
	return source.by === 'id'
		? await scanById(source.read, mark as IdMark | undefined)
		: await scanByTime(source.read, mark as TimeMark | undefined, source.time!, source.keep);
}

/** Which of two records came later, as the event orders them. */
function newer(source: Source, a: IDataObject, b: IDataObject): boolean {
	if (source.by === 'time') {
		const [at, bt] = [timeOf(source.time!(a)) ?? -Infinity, timeOf(source.time!(b)) ?? -Infinity];
		if (at !== bt) return at > bt;
	}
	return (idOf(a) ?? -Infinity) > (idOf(b) ?? -Infinity);
}

/** The records as the webhook trigger's items (payload.ts deliveryItem), rewards with their recipient. */
async function itemsFor(
	client: ApiClient,
	event: PollEvent,
	campaignId: number | undefined,
	picked: Array<{ source: Source; record: IDataObject }>,
): Promise<INodeExecutionData[]> {
	const name = EVENT_OF[event];
	if (PEOPLE[event]) {
		return picked.map(({ record }) => ({ json: { ...deliveryItem({ ...record, event: name }, name), raw: record } }));
	}
	const recipients = await recipientsOf(client, picked.map(({ record }) => record), { itemIndex: 0, deadline: client.deadline() });
	const items: INodeExecutionData[] = [];
	for (const { source, record } of picked) {
		const recipient = recipients.get(String(record.recipient_id));
		// A reward carries no campaign: its recipient's says (a recipient deleted since cannot tell, and is left out).
		if (campaignId !== undefined && String(recipient?.campaign_id) !== String(campaignId)) continue;
		const json = deliveryItem({ event: name, user: (recipient ?? {}) as IDataObject, reward: record }, name);
		json.reward = simplifyReward(record, { type: source.rewardType, state: event === 'rewardDue' ? 'due' : 'issued' }, recipient as IDataObject | undefined);
		json.raw = { reward: record, recipient: (recipient ?? null) as IDataObject | null };
		items.push({ json });
	}
	return items;
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

	const found: Array<{ source: Source; record: IDataObject }> = [];
	let latest: { source: Source; record: IDataObject } | undefined;
	const nextMarks: Record<string, IdMark | TimeMark> = {};
	for (const source of lists) {
		const result = await scan(source, manual ? undefined : marks[source.key]);
		nextMarks[source.key] = result.mark;
		for (const record of result.fresh) if (source.keep(record)) found.push({ source, record });
		for (const record of result.read) {
			if (source.keep(record) && (!latest || newer(source, record, latest.record))) latest = { source, record };
		}
	}
	// Oldest first across the lists too (All Types reads one list per type).
	found.sort((a, b) => (newer(a.source, a.record, b.record) ? 1 : newer(b.source, b.record, a.record) ? -1 : 0));
	const picked = manual ? (latest ? [latest] : []) : found;
	const items = await itemsFor(client, event, campaignId, picked);
	// The marks move only once the items are made: a check that fails (a recipient that cannot be read) is done again.
	if (!manual) {
		data.settings = settings;
		data.marks = nextMarks;
	}
	return items.length > 0 ? [items] : null;
	}
