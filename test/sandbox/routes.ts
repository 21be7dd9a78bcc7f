/**
 * The sandbox's model of the v2 API: validation, paging, search and the routes, over the store
 * (docs/referral-factory-api.md; where it is silent, the choices made here say INFERRED). server.ts puts HTTP, auth,
 * the rate limit and faults around it.
 */
import type { SandboxConfig } from './server';
import { HttpAnswer } from './http';
import { n8nRoutes } from './n8n-surface';
import { rewardRoutes, type Rewards } from './rewards';
import type { Webhooks } from './webhooks';
import type { Campaign, MetaEntry, Store, User } from './store';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
// Fields a search may filter on (those of the API reference's samples, plus the objects' own:
// docs/referral-factory-api.md, P1, P2, P6, C2).
const USER_FIELDS = ['id', 'campaign_id', 'referrer_id', 'code', 'email', 'first_name', 'type', 'source', 'qualified', 'qualified_at'];
const CAMPAIGN_FIELDS = ['id', 'code', 'name', 'status', 'lang'];

export { HttpAnswer };

export type Errors = Record<string, string[]>;

export function createApi(store: Store, rewards: Rewards, webhooks: Webhooks, config: SandboxConfig, origin: () => string) {
	const fail = (status: number, message: string, errors?: Errors): HttpAnswer => {
		if (config.errorStyle === 'plain') return new HttpAnswer(status, errors ? { message, errors } : { message });
		if (config.errorStyle === 'list') {
			const list = Object.entries(errors ?? {}).flatMap(([field, messages]) => messages.map((m) => ({ field, message: m })));
			return new HttpAnswer(status, errors ? { message, errors: list } : { message });
		}
		const documented: Record<string, unknown> = { code: status, message };
		if (errors) {
			documented.errors = Object.fromEntries(
				Object.entries(errors).map(([field, messages]) => [field, messages.map((m) => ({ field, message: m }))]),
			);
		}
		return new HttpAnswer(status, documented);
	};

	/**
	 * Page and page size, or the 422 Laravel's validation gives for values it refuses (INFERRED: the API documents
	 * `page` from 1 and `per_page` up to 250, not what it answers to other values: docs/referral-factory-api.md, A7).
	 */
	const pageQuery = (query: Record<string, string>, body?: Record<string, unknown>): { page: number; perPage: number } | HttpAnswer => {
		const errors: Errors = {};
		const read = (name: 'page' | 'per_page', fallback: number, max: number) => {
			const raw = body?.[name] ?? query[name];
			if (raw === undefined || raw === '') return fallback;
			const value = Number(raw);
			if (!Number.isInteger(value) || value < 1) errors[name] = [`The ${name.replace('_', ' ')} must be at least 1.`];
			else if (value > max) errors[name] = [`The ${name.replace('_', ' ')} may not be greater than ${max}.`];
			return value;
		};
		const page = read('page', 1, Number.MAX_SAFE_INTEGER);
		const perPage = read('per_page', 25, 250);
		return Object.keys(errors).length > 0 ? fail(422, 'Validation errors in your request', errors) : { page, perPage };
	};

	/**
	 * One page of `all`; only the page's records are presented (`present`), so a page of a long list is cheap. By page
	 * number, or by cursor (the `pagination` switch); a page holds at most `maxPerPage` records whatever was asked.
	 */
	const paginate = <T>(path: string, all: T[], query: Record<string, string>, body?: Record<string, unknown>, present: (record: T) => unknown = (record) => record, sorted = false) => {
		const asked = pageQuery(query, body);
		if (asked instanceof HttpAnswer) return asked;
		const perPage = Math.min(asked.perPage, config.maxPerPage);
		const newest = !sorted && config.listOrder === 'newest';
		if (newest) all = [...all].reverse();
		const scrambled = !sorted && config.listOrder === 'scrambled';
		if (scrambled) {
			const place = (record: T) => (Number((record as { id?: unknown }).id) * 7919) % 10007;
			all = [...all].sort((a, b) => place(a) - place(b));
		}
		if (config.pagination === 'cursor') return cursorPage(path, all, query, perPage, present, sorted || scrambled ? undefined : newest);
		const { page } = asked;
		const lastPage = Math.max(1, Math.ceil(all.length / perPage));
		const link = (p: number) => `${origin()}/api/v2${path}?page=${p}&per_page=${perPage}`;
		const from = (page - 1) * perPage;
		const data = all.slice(from, from + perPage).map(present);
		// The switch drops parts of the envelope (INFERRED: docs/referral-factory-api.md, A6), so each way a client may
		// find the end is tested.
		const envelope = config.envelope;
		if (envelope === 'bare') return new HttpAnswer(200, { data });
		if (envelope === 'list') return new HttpAnswer(200, data);
		if (envelope === 'simple') {
			return new HttpAnswer(200, { data, meta: { current_page: page, from: data.length ? from + 1 : null, path: `${origin()}/api/v2${path}`, per_page: perPage, to: data.length ? from + data.length : null } });
		}
		return new HttpAnswer(200, {
			data,
			links: envelope === 'meta' ? undefined : {
				first: link(1),
				last: link(lastPage),
				prev: page > 1 ? link(page - 1) : null,
				next: page < lastPage ? link(page + 1) : null,
			},
			meta: envelope === 'links' ? undefined : {
				current_page: page,
				from: data.length ? from + 1 : null,
				last_page: lastPage,
				path: `${origin()}/api/v2${path}`,
				per_page: perPage,
				to: data.length ? from + data.length : null,
				total: all.length,
			},
		});
	};

	/**
	 * Laravel's cursor paginator (`cursorPaginate`): `page` is ignored; the cursor is base64 of the last record's ID and a
	 * direction, opaque to a client; the envelope has no page count or total. A record deleted since the cursor was made
	 * moves nothing: the next page starts after its ID, in the list's order.
	 */
	const cursorPage = <T>(path: string, all: T[], query: Record<string, string>, perPage: number, present: (record: T) => unknown, newest: boolean | undefined) => {
		const idOf = (record: T) => Number((record as { id?: unknown }).id);
		let after: number | undefined;
		if (query.cursor) {
			try {
				after = Number((JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as { id?: unknown }).id);
			} catch {
				after = NaN;
			}
			if (!Number.isFinite(after)) return fail(422, 'Validation errors in your request', { cursor: ['The cursor is invalid.'] });
		}
		// After the cursor's record; when it is gone, after where its ID would be (lists in ID order; a sorted list starts again).
		const at = after === undefined ? -1 : all.findIndex((record) => idOf(record) === after);
		const start =
			after === undefined ? 0 : at >= 0 ? at + 1 : newest === undefined ? 0 : all.findIndex((record) => (newest ? idOf(record) < after! : idOf(record) > after!));
		const rest = start < 0 ? [] : all.slice(start);
		const records = rest.slice(0, perPage);
		const more = rest.length > perPage;
		const cursor = more ? Buffer.from(JSON.stringify({ id: idOf(records[records.length - 1]), _pointsToNextItems: true })).toString('base64url') : null;
		const link = (c: string | null) => (c === null ? null : `${origin()}/api/v2${path}?cursor=${c}&per_page=${perPage}`);
		const data = records.map(present);
		const envelope = config.envelope;
		if (envelope === 'bare') return new HttpAnswer(200, { data });
		if (envelope === 'list') return new HttpAnswer(200, data);
		return new HttpAnswer(200, {
			data,
			links: envelope === 'meta' ? undefined : { first: null, last: null, prev: null, next: link(cursor) },
			meta: envelope === 'links' ? undefined : { path: `${origin()}/api/v2${path}`, per_page: perPage, next_cursor: cursor, prev_cursor: null },
		});
	};

	/**
	 * The search filter seen in working code (docs/referral-factory-api.md, P6):
	 * `{filters: {value: [{field, value, operator}], operator: 'AND'|'OR'}}`. A filter it cannot read is refused with
	 * 422 (INFERRED: operators beyond =, != and like are not published), never answered with everything.
	 * `searchIgnores` names fields whose filters are dropped, as an API might.
	 */
	const searchFilter = (body: Record<string, unknown>, fields: string[]): ((record: Record<string, unknown>) => boolean) | HttpAnswer => {
		const filters = body.filters as { value?: unknown; operator?: unknown } | undefined;
		const errors: Errors = {};
		if (!filters || typeof filters !== 'object' || !Array.isArray(filters.value)) {
			return fail(422, 'Validation errors in your request', { filters: ['The filters field must be an object with a value list.'] });
		}
		const group = String(filters.operator ?? 'AND').toUpperCase();
		if (group !== 'AND' && group !== 'OR') errors['filters.operator'] = ['The selected filters.operator is invalid.'];
		const rules = filters.value as Array<Record<string, unknown>>;
		rules.forEach((rule, i) => {
			if (!rule || typeof rule !== 'object' || !fields.includes(String(rule.field))) {
				errors[`filters.value.${i}.field`] = [`The selected filters.value.${i}.field is invalid.`];
			}
			if (!['=', '!=', 'like', undefined].includes(rule?.operator as string | undefined)) {
				errors[`filters.value.${i}.operator`] = [`The selected filters.value.${i}.operator is invalid.`];
			}
		});
		if (Object.keys(errors).length > 0) return fail(422, 'Validation errors in your request', errors);
		const applied = rules.filter((rule) => !config.searchIgnores.includes(String(rule.field)));
		return (record) => {
			if (applied.length === 0) return true;
			const results = applied.map(({ field, value, operator }) => {
				// `qualified` is read from `qualified_at`, as v1's boolean was (INFERRED: v2 documents only the date).
				const raw = field === 'qualified' && 'qualified_at' in record ? record.qualified_at !== null : record[String(field)];
				const actual = String(raw ?? '').toLowerCase();
				const wanted = String(value ?? '').toLowerCase();
				if (operator === '!=') return actual !== wanted;
				if (operator === 'like') return actual.includes(wanted.replace(/%/g, ''));
				return actual === wanted;
			});
			return group === 'OR' ? results.some(Boolean) : results.every(Boolean);
		};
	};

	/**
	 * `sort: [{field, direction}]` in a search's body (INFERRED: docs/referral-factory-api.md, A14), as the `sorting`
	 * switch says: ignored, refused, or applied (nulls last, then by ID the same way). Records are sorted as the search
	 * sees them (`view`), before paging.
	 */
	const sortBy = <T>(body: Record<string, unknown>, fields: string[], records: T[], view: (record: T) => Record<string, unknown>): T[] | HttpAnswer => {
		if (body.sort === undefined || config.sorting === 'ignored') return records;
		const rules = Array.isArray(body.sort) ? (body.sort as Array<Record<string, unknown>>) : [];
		const bad = rules.length === 0 || rules.some((rule) => !fields.includes(String(rule?.field)) || !['asc', 'desc'].includes(String(rule?.direction ?? 'asc').toLowerCase()));
		if (config.sorting === 'refused' || bad) return fail(422, 'Validation errors in your request', { sort: ['The selected sort is invalid.'] });
		const { field, direction } = rules[0] as { field: string; direction?: string };
		const sign = String(direction ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
		const value = (record: T) => {
			const raw = view(record)[field];
			return raw === null || raw === undefined ? undefined : typeof raw === 'number' ? raw : String(raw);
		};
		return [...records].sort((a, b) => {
			const [x, y] = [value(a), value(b)];
			if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
			const compared = x < y ? -1 : x > y ? 1 : Number(view(a).id) - Number(view(b).id);
			return sign * compared;
		});
	};

	const search = <T extends object>(path: string, all: T[], fields: string[], query: Record<string, string>, body: Record<string, unknown>, present: (record: T) => unknown) => {
		const filter = searchFilter(body, fields);
		if (filter instanceof HttpAnswer) return filter;
		const sorted = sortBy(body, fields, all.filter((record) => filter(record as Record<string, unknown>)), (record) => record as Record<string, unknown>);
		if (sorted instanceof HttpAnswer) return sorted;
		// A sorted answer is in the order asked for, whatever the list's own order.
		return paginate(path, sorted, query, body, present, config.sorting === 'honoured' && body.sort !== undefined);
	};

	const validateCreate = (body: Record<string, unknown>): { errors: Errors; campaign?: Campaign; referrer?: User } => {
		const errors: Errors = {};
		const add = (f: string, m: string) => (errors[f] ??= []).push(m);
		const text = (f: string, label: string) => {
			const v = body[f];
			if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) add(f, `The ${label} field is required.`);
			else if (typeof v !== 'string') add(f, `The ${label} must be a string.`);
			else if (v.length > 255) add(f, `The ${label} may not be greater than 255 characters.`);
		};
		if (body.campaign_id === undefined || body.campaign_id === null || body.campaign_id === '') {
			add('campaign_id', 'The campaign id field is required.');
		} else if (!Number.isInteger(Number(body.campaign_id)) || typeof body.campaign_id === 'boolean') {
			add('campaign_id', 'The campaign id must be an integer.');
		}
		text('first_name', 'first name');
		text('email', 'email');
		if (typeof body.email === 'string' && !errors.email && !EMAIL.test(body.email)) {
			add('email', 'The email must be a valid email address.');
		}
		for (const flag of ['notify', 'promotion']) {
			if (body[flag] !== undefined && typeof body[flag] !== 'boolean') add(flag, `The ${flag} field must be true or false.`);
		}
		if (body.meta !== undefined && !Array.isArray(body.meta)) add('meta', 'The meta must be an array.');
		// A lead: `referrer: {field: id|code|email, value}` (docs/referral-factory-api.md, P7); the referrer must be in
		// the same campaign (INFERRED).
		let referrer: User | undefined;
		if (body.referrer !== undefined) {
			const ref = body.referrer as { field?: unknown; value?: unknown } | null;
			const field = String(ref?.field ?? '');
			if (!ref || typeof ref !== 'object' || !['id', 'code', 'email'].includes(field)) {
				add('referrer.field', 'The selected referrer.field is invalid.');
			} else {
				const value = String(ref.value ?? '');
				referrer = store.users.find(
					(u) =>
						u.type === 'person_referring' &&
						String(u.campaign_id) === String(Number(body.campaign_id)) &&
						(field === 'id' ? String(u.id) === value : field === 'code' ? u.code === value : u.email === value.toLowerCase()),
				);
				if (!referrer) add('referrer', 'The selected referrer is invalid.');
			}
		}
		const campaign = errors.campaign_id ? undefined : store.findCampaign(String(Number(body.campaign_id)));
		if (campaign && Array.isArray(body.meta)) {
			const labels = new Map(campaign.fields.person_referring.map((f) => [f.label.toLowerCase(), f]));
			(body.meta as Array<Record<string, unknown>>).forEach((entry, i) => {
				if (typeof entry?.field !== 'string' || !labels.has(entry.field.toLowerCase())) {
					add(`meta.${i}.field`, `The selected meta.${i}.field is invalid.`);
				}
			});
		}
		// Required custom fields are enforced here (INFERRED: the campaign form marks them `required`,
		// docs/referral-factory-api.md, C3).
		if (campaign && !errors.meta) {
			const given = new Set(
				(Array.isArray(body.meta) ? (body.meta as MetaEntry[]) : [])
					.filter((m) => m && String(m.value ?? '').trim() !== '')
					.map((m) => String(m.field).toLowerCase()),
			);
			for (const f of campaign.fields.person_referring) {
				if (f.required && !['first name', 'email'].includes(f.label.toLowerCase()) && !given.has(f.label.toLowerCase())) {
					add('meta', `The ${f.label} field is required.`);
				}
			}
		}
		return { errors, campaign, referrer };
	};

	/** PUT /users/qualification (docs/referral-factory-api.md, P12): by id, code, or email with campaign_id. */
	const qualify = (json: Record<string, unknown>): HttpAnswer => {
		if (typeof json.qualified !== 'boolean') {
			return fail(422, 'Validation errors in your request', { qualified: ['The qualified field must be true or false.'] });
		}
		let user;
		if (json.id !== undefined) user = store.users.find((u) => String(u.id) === String(json.id));
		else if (json.code !== undefined) user = store.users.find((u) => u.code === String(json.code));
		else if (json.email !== undefined && json.campaign_id !== undefined) user = store.findUserByEmail(Number(json.campaign_id), String(json.email));
		else return fail(422, 'Validation errors in your request', { id: ['The id field is required when code / email are not present.'] });
		if (!user) return fail(404, 'User not found.');
		const before = user.qualified_at;
		user.qualified_at = json.qualified ? (user.qualified_at ?? store.now()) : null;
		// Qualifying twice is a no-op (v1 measured: docs/referral-factory-api.md, P13): rewards come with the change.
		if (before === null && user.qualified_at !== null) {
			rewards.qualified(user);
			webhooks.userEvent('user.qualified', store.present(user));
		}
		if (before !== null && user.qualified_at === null) rewards.unqualified(user);
		return new HttpAnswer(200, { data: store.present(user), message: 'User qualification updated successfully.' });
	};

	/**
	 * `with=user.analytics` / `with=campaign.analytics` (docs/referral-factory-api.md, P15): the figures, counted from the
	 * store, as numbers, as text, or left out (`analytics` switch).
	 */
	const asked = (query: Record<string, string>, relation: string) => String(query.with ?? '').split(',').map((w) => w.trim()).includes(relation);
	const figures = (counts: Record<string, number>) =>
		config.analytics === 'text' ? Object.fromEntries(Object.entries(counts).map(([key, value]) => [key, String(value)])) : counts;
	const userAnalytics = (user: User) => {
		const leads = store.users.filter((other) => other.referrer_id === user.id);
		const qualified = leads.filter((other) => other.qualified_at !== null).length;
		// The sandbox counts no link visits: a referrer has reached the people who joined through them.
		return figures({ reach: leads.length, referrals: leads.length, qualified_referrals: qualified });
	};
	const campaignAnalytics = (campaign: Campaign) => {
		const people = store.users.filter((user) => user.campaign_id === campaign.id);
		const leads = people.filter((user) => user.referrer_id !== null);
		return figures({
			reach: leads.length,
			users: people.length,
			referrals: leads.length,
			qualified_referrals: leads.filter((user) => user.qualified_at !== null).length,
		});
	};
	const presentUser = (query: Record<string, string>) => (user: User) =>
		asked(query, 'user.analytics') && config.analytics !== 'absent' ? { ...store.present(user), analytics: userAnalytics(user) } : store.present(user);
	const presentCampaign = (query: Record<string, string>) => (campaign: Campaign) =>
		asked(query, 'campaign.analytics') && config.analytics !== 'absent'
			? { ...store.presentCampaign(campaign), analytics: campaignAnalytics(campaign) }
			: store.presentCampaign(campaign);

	const api = (method: string, path: string, query: Record<string, string>, body: unknown): HttpAnswer => {
		const json = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
		const route = (allowed: string[], handle: () => HttpAnswer) =>
			allowed.includes(method) ? handle() : fail(405, 'Method Not Allowed -- You tried to access a resource with an invalid method.');

		if (segments[0] === 'campaigns' && segments.length === 1) {
			return route(['GET'], () => paginate('/campaigns', store.campaigns, query, undefined, presentCampaign(query)));
		}
		if (segments[0] === 'campaigns' && segments[1] === 'search' && segments.length === 2) {
			return route(['POST'], () =>
				search('/campaigns/search', store.campaigns, CAMPAIGN_FIELDS, query, json, presentCampaign(query)),
			);
		}
		if (segments[0] === 'campaigns' && segments.length === 2) {
			return route(['GET'], () => {
				const campaign = store.findCampaign(segments[1]);
				return campaign ? new HttpAnswer(200, { data: presentCampaign(query)(campaign) }) : fail(404, 'Campaign not found.');
			});
		}
		if (segments[0] === 'users' && segments.length === 1) {
			return route(['GET', 'POST'], () => {
				if (method === 'GET') return paginate('/users', store.users, query, undefined, presentUser(query));
				const { errors, campaign, referrer } = validateCreate(json);
				if (Object.keys(errors).length > 0) return fail(422, 'Validation errors in your request', errors);
				if (!campaign) return fail(404, 'Campaign not found.');
				const email = String(json.email).trim();
				const existing = config.duplicates === 'allow' ? undefined : store.findUserByEmail(campaign.id, email);
				if (existing) {
					if (config.duplicates === 'reject') {
						return fail(422, 'Validation errors in your request', { email: ['The email has already been taken.'] });
					}
					return new HttpAnswer(200, { data: store.present(existing), message: 'User already exists.' });
				}
				const user = store.createUser({
					campaign,
					firstName: String(json.first_name).trim(),
					email,
					meta: Array.isArray(json.meta) ? (json.meta as MetaEntry[]).map((m) => ({ field: m.field, value: m.value })) : [],
					promotion: json.promotion === true,
					referrer,
				});
				webhooks.userEvent('user.join', store.present(user));
				return new HttpAnswer(201, { data: store.present(user), message: 'User created successfully.' });
			});
		}
		if (segments[0] === 'users' && segments[1] === 'search' && segments.length === 2) {
			return route(['POST'], () => search('/users/search', store.users, USER_FIELDS, query, json, presentUser(query)));
		}
		if (segments[0] === 'users' && segments[1] === 'qualification' && segments.length === 2) {
			return route(['PUT'], () => qualify(json));
		}
		if (segments[0] === 'users' && segments.length === 2) {
			return route(['GET', 'PUT', 'DELETE'], () => {
				const user = method === 'GET' ? store.findUser(segments[1]) : store.users.find((u) => String(u.id) === segments[1]);
				if (!user) return fail(404, 'User not found.');
				if (method === 'GET') return new HttpAnswer(200, { data: presentUser(query)(user) });
				// v2's answer is not documented; v1 answered with a message (INFERRED 200 {message}:
				// docs/referral-factory-api.md, P14).
				if (method === 'DELETE') {
					store.deleteUser(user);
					return new HttpAnswer(200, { message: 'User deleted successfully.' });
				}
				const errors: Errors = {};
				if (json.first_name !== undefined && (typeof json.first_name !== 'string' || !json.first_name.trim())) {
					errors.first_name = ['The first name must be a string.'];
				}
				if (json.email !== undefined && (typeof json.email !== 'string' || !EMAIL.test(json.email))) {
					errors.email = ['The email must be a valid email address.'];
				}
				if (json.meta !== undefined && !Array.isArray(json.meta)) errors.meta = ['The meta must be an array.'];
				if (typeof json.email === 'string' && !errors.email) {
					const other = store.findUserByEmail(user.campaign_id, json.email);
					if (other && other !== user) errors.email = ['The email has already been taken.'];
				}
				if (Object.keys(errors).length > 0) return fail(422, 'Validation errors in your request', errors);
				store.updateUser(user, {
					firstName: typeof json.first_name === 'string' ? json.first_name.trim() : undefined,
					email: typeof json.email === 'string' ? json.email.trim() : undefined,
					meta: Array.isArray(json.meta) ? (json.meta as MetaEntry[]) : undefined,
				});
				return new HttpAnswer(200, { data: store.present(user), message: 'User updated successfully.' });
			});
		}
		if (segments[0] === 'rewards') return rewardRoute(method, segments, query, json);
		if (segments[0] === 'n8n') return n8nRoute(method, segments.slice(1), json);
		return fail(404, 'Not Found -- The specified resource could not be found.');
	};

	// A reward record as the lists show it, with its recipient as an object when the switch says so.
	rewards.date = (stored) => store.date(stored);
	rewards.recipientOf = (id) => {
		if (config.rewardRecipient === 'id') return undefined;
		const user = store.users.find((u) => u.id === id);
		return user && { key: config.rewardRecipient, person: { id: user.id, first_name: user.first_name, email: user.email } };
	};
	const rewardRoute = rewardRoutes(rewards, () => config, fail, paginate, search, (reward) => {
		const recipient = store.users.find((u) => u.id === reward.recipient_id);
		webhooks.rewardIssued(rewards.present(reward), recipient && store.present(recipient));
	});
	const n8nRoute = n8nRoutes(store, rewards, webhooks, qualify, fail, () => config.n8nAnswer);

	return { api, fail };
}
