/**
 * `npm run probe -- --base-url URL --token TOKEN [--json FILE]`: is your Referral Factory account like the sandbox?
 *
 * Sends only reads (campaigns, a page of users, one user by code, two searches, the reward lists, the n8n endpoints'
 * lists, one person that is not there) and checks each assumption the node relies on against the answers: one line
 * per assumption, CONFIRMED (as the sandbox answers by default), DIFFERS (with the evidence: the node may cope, the
 * line says how) or UNKNOWN (a read cannot tell, or the account has no data to tell by). The JSON report holds the
 * same lines and never the token: attach it to a bug report. An answer the probe does not expect is a DIFFERS line,
 * never a crash. Exit 0 when it ran, whatever it found; 1 when it could not reach Referral Factory or the token was
 * refused; 2 for a wrong command line. The assumptions are described in docs/referral-factory-api.md.
 */
import { writeFileSync } from 'node:fs';

export type Status = 'CONFIRMED' | 'DIFFERS' | 'UNKNOWN';

export interface Finding {
	id: string;
	assumption: string;
	status: Status;
	evidence: string;
}

export interface ProbeReport {
	probedAt: string;
	baseUrl: string;
	/** Whether the probe could reach Referral Factory and the token was accepted. */
	ran: boolean;
	findings: Finding[];
	summary: Record<Status, number>;
}

interface Answer {
	status: number;
	headers: Headers;
	body: unknown;
	text: string;
}

class Unreachable extends Error {}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const show = (value: unknown, max = 160): string => {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return text.length > max ? `${text.slice(0, max)}…` : text;
};
const keysOf = (value: unknown) => (isObject(value) ? `keys ${Object.keys(value).join(', ') || '(none)'}` : Array.isArray(value) ? 'a list' : `${value === '' ? 'an empty body' : typeof value}`);

export async function probe(options: { baseUrl: string; token: string; timeoutMs?: number }): Promise<ProbeReport> {
	const baseUrl = options.baseUrl.replace(/\/+$/, '');
	const origin = `${baseUrl.replace(/\/api\/v\d+$/i, '')}/api/n8n`;
	const findings: Finding[] = [];
	const hide = (text: string) => (options.token.length >= 4 ? text.split(options.token).join('[token]') : text);
	const add = (id: string, assumption: string, status: Status, evidence: string) => findings.push({ id, assumption, status, evidence: hide(evidence) });

	/** One read, paced (a tenth of a second apart: far under 600 a minute), a 429 waited out once. */
	const read = async (method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer> => {
		for (let attempt = 0; ; attempt++) {
			await sleep(100);
			let response: Response;
			try {
				response = await fetch(url, {
					method,
					headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
					body: body ? JSON.stringify(body) : undefined,
					signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
				});
			} catch (error) {
				throw new Unreachable(`${method} ${url.replace(/^https?:\/\//, '')}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
			}
			const text = await response.text().catch(() => '');
			if (response.status === 429 && attempt === 0) {
				const wait = Number(response.headers.get('retry-after'));
				await sleep(Math.min(60, Number.isFinite(wait) && wait > 0 ? wait : 10) * 1000);
				continue;
			}
			let parsed: unknown = text;
			try {
				parsed = text.trim() ? (JSON.parse(text) as unknown) : '';
			} catch {
				// Not JSON: kept as text.
			}
			return { status: response.status, headers: response.headers, body: parsed, text };
		}
	};
	const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => await read(method, `${baseUrl}${path}`, body);
	const ok = (answer: Answer) => answer.status >= 200 && answer.status < 300;
	const list = (answer: Answer): unknown[] | undefined => (isObject(answer.body) && Array.isArray(answer.body.data) ? answer.body.data : Array.isArray(answer.body) ? answer.body : undefined);
	const single = (answer: Answer): Record<string, unknown> | undefined => (isObject(answer.body) ? (isObject(answer.body.data) ? answer.body.data : answer.body) : undefined);

	const report = (ran: boolean): ProbeReport => {
		const summary: Record<Status, number> = { CONFIRMED: 0, DIFFERS: 0, UNKNOWN: 0 };
		for (const finding of findings) summary[finding.status]++;
		return { probedAt: new Date().toISOString(), baseUrl: hide(baseUrl), ran, findings, summary };
	};

	try {
		// Authentication, and the list envelope (docs/referral-factory-api.md, A1, A5–A7).
		const campaigns = await api('GET', '/campaigns?page=1&per_page=2');
		if (campaigns.status === 401 || campaigns.status === 403) {
			add('auth', 'The token is accepted as `Authorization: Bearer …`', 'DIFFERS', `GET /campaigns: ${campaigns.status} ${show(campaigns.body)}`);
			return report(false);
		}
		add('auth', 'The token is accepted as `Authorization: Bearer …`', ok(campaigns) ? 'CONFIRMED' : 'UNKNOWN', `GET /campaigns: ${campaigns.status}`);
		const records = list(campaigns);
		add(
			'list-envelope',
			'A list answer holds its records in `data`',
			records && isObject(campaigns.body) && Array.isArray(campaigns.body.data) ? 'CONFIRMED' : 'DIFFERS',
			records ? (isObject(campaigns.body) ? `data: ${records.length} records` : 'a bare list (the node reads it too)') : `GET /campaigns: ${campaigns.status}, ${keysOf(campaigns.body)}; the node finds no records in this`,
		);
		const links = isObject(campaigns.body) && isObject(campaigns.body.links) && 'next' in campaigns.body.links;
		const meta = isObject(campaigns.body) && isObject(campaigns.body.meta) && 'last_page' in campaigns.body.meta && 'current_page' in campaigns.body.meta;
		add(
			'list-end',
			'A list says where it ends: `links.next` and `meta.current_page`/`last_page`',
			links && meta ? 'CONFIRMED' : 'DIFFERS',
			`links.next ${links ? 'present' : 'absent'}, meta.last_page ${meta ? 'present' : 'absent'}${links && meta ? '' : meta ? '' : links ? ': pages are read one after another' : ': the node stops at a short page'}`,
		);
		if (records === undefined) add('per-page', '`per_page` sets the page size', 'UNKNOWN', 'no records to count');
		else if (records.length > 2) add('per-page', '`per_page` sets the page size', 'DIFFERS', `asked for 2, got ${records.length}: the node may read more than asked for`);
		else add('per-page', '`per_page` sets the page size', records.length === 2 ? 'CONFIRMED' : 'UNKNOWN', `asked for 2, got ${records.length}`);

		// One campaign (docs/referral-factory-api.md, A8, C1, C3).
		const first = records?.find(isObject);
		if (first?.id === undefined) {
			add('single-envelope', 'One record comes wrapped in `data`', 'UNKNOWN', 'no campaign to read');
			add('campaign-fields', "A campaign's form fields have an `id` and a `label`", 'UNKNOWN', 'no campaign to read');
		} else {
			const campaign = await api('GET', `/campaigns/${encodeURIComponent(String(first.id))}`);
			const wrapped = isObject(campaign.body) && isObject(campaign.body.data);
			add('single-envelope', 'One record comes wrapped in `data`', wrapped ? 'CONFIRMED' : 'DIFFERS', wrapped ? `GET /campaigns/${String(first.id)}: data.id ${show(single(campaign)?.id)}` : `GET /campaigns/${String(first.id)}: ${campaign.status}, ${keysOf(campaign.body)}`);
			const fields = single(campaign)?.fields;
			const referring = isObject(fields) && Array.isArray(fields.person_referring) ? (fields.person_referring as unknown[]).filter(isObject) : undefined;
			if (!referring) add('campaign-fields', "A campaign's form fields have an `id` and a `label`", 'DIFFERS', `fields: ${show(fields ?? '(none)')}; custom fields can be given by label only`);
			else {
				const slug = (label: unknown) => String(label ?? '').toLowerCase().replace(/\W+/g, '_');
				const unlike = referring.filter((field) => String(field.id) !== slug(field.label));
				add(
					'campaign-fields',
					"A campaign's form fields have an `id` and a `label` (the sandbox's IDs are the labels in snake case)",
					unlike.length === 0 ? 'CONFIRMED' : 'DIFFERS',
					unlike.length === 0 ? `${referring.length} fields` : `IDs unlike their labels: ${unlike.slice(0, 3).map((field) => `${show(field.id)} = ${show(field.label)}`).join(', ')} (the node maps either to the label)`,
				);
			}
		}

		// People (docs/referral-factory-api.md, P1, P3, P4, A11).
		const users = await api('GET', '/users?page=1&per_page=1');
		const user = list(users)?.find(isObject);
		if (!user) {
			for (const [id, assumption] of [
				['user-object', 'A person has id, code, url, email, campaign_id and type'],
				['user-by-code', 'GET /users/{code} finds a person by referral code'],
				['dates', 'Dates are written as a day (`2024-12-27`), as in the API\'s example'],
				['qualified', 'Qualification is `qualified_at` (a date, or null)'],
				['search-email', 'A search by email and campaign returns only that person'],
			]) {
				add(id, assumption, 'UNKNOWN', `no person in the account to read (GET /users: ${users.status}, ${keysOf(users.body)})`);
			}
		} else {
			const missing = ['id', 'code', 'url', 'email', 'campaign_id', 'type'].filter((key) => user[key] === undefined || user[key] === null);
			const typed = ['person_referring', 'person_invited'].includes(String(user.type));
			add('user-object', 'A person has id, code, url, email, campaign_id and type', missing.length === 0 && typed ? 'CONFIRMED' : 'DIFFERS', missing.length > 0 ? `missing: ${missing.join(', ')}` : typed ? `id ${show(user.id)}, type ${show(user.type)}` : `type ${show(user.type)}`);

			const byCode = user.code === undefined ? undefined : await api('GET', `/users/${encodeURIComponent(String(user.code))}`);
			const found = byCode && single(byCode);
			add(
				'user-by-code',
				'GET /users/{code} finds a person by referral code',
				!byCode ? 'UNKNOWN' : found && String(found.id) === String(user.id) ? 'CONFIRMED' : 'DIFFERS',
				!byCode ? 'the person has no code' : `GET /users/{code}: ${byCode.status}${found ? `, id ${show(found.id)}` : ''}`,
			);

			const signedUp = user.signed_up_at;
			const form = typeof signedUp !== 'string' ? 'none' : /^\d{4}-\d{2}-\d{2}$/.test(signedUp) ? 'day' : /[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(signedUp) ? 'zoned' : /[T ]\d{2}:\d{2}/.test(signedUp) ? 'local' : 'other';
			add(
				'dates',
				"Dates are written as a day (`2024-12-27`), as in the API's example",
				form === 'day' ? 'CONFIRMED' : 'DIFFERS',
				`signed_up_at ${show(signedUp ?? '(none)')}${form === 'zoned' ? ': with a time and zone, so after a lost answer the node can tell whether it added a person' : form === 'local' ? ': a time without a zone (the node allows for any zone)' : form === 'day' ? '' : ': not read as a date; after a lost answer Add says outcome unknown'}`,
			);
			add(
				'qualified',
				'Qualification is `qualified_at` (a date, or null)',
				'qualified_at' in user ? 'CONFIRMED' : 'DIFFERS',
				'qualified_at' in user ? `qualified_at ${show(user.qualified_at)}` : 'qualified' in user ? `a v1-style qualified: ${show(user.qualified)} (the node reads it too)` : 'neither qualified_at nor qualified',
			);

			// Searches (docs/referral-factory-api.md, P6): does the API apply the filters, or must the node check?
			const email = String(user.email ?? '');
			const search = await api('POST', '/users/search?page=1&per_page=25', {
				filters: { value: [{ field: 'email', value: email, operator: '=' }, { field: 'campaign_id', value: String(user.campaign_id ?? ''), operator: '=' }], operator: 'AND' },
			});
			const hits = list(search);
			const others = (hits ?? []).filter((hit) => !isObject(hit) || String(hit.email ?? '').toLowerCase() !== email.toLowerCase());
			add(
				'search-email',
				'A search by email and campaign returns only that person',
				!hits ? 'DIFFERS' : others.length === 0 && hits.length > 0 ? 'CONFIRMED' : 'DIFFERS',
				!hits ? `POST /users/search: ${search.status}, ${keysOf(search.body)}` : others.length > 0 ? `${others.length} of ${hits.length} results have another email: the filter is not applied (the node checks every record, reading more pages)` : `${hits.length} result(s)`,
			);
		}
		const referrers = await api('POST', '/users/search?page=1&per_page=25', { filters: { value: [{ field: 'type', value: 'person_referring', operator: '=' }], operator: 'AND' } });
		const people = list(referrers);
		const wrongType = (people ?? []).filter((hit) => !isObject(hit) || hit.type !== 'person_referring');
		add(
			'search-type',
			'A search by type returns only people of that type',
			!people ? 'DIFFERS' : people.length === 0 ? 'UNKNOWN' : wrongType.length === 0 ? 'CONFIRMED' : 'DIFFERS',
			!people ? `POST /users/search: ${referrers.status}, ${keysOf(referrers.body)}` : people.length === 0 ? 'no referrers to tell by' : wrongType.length > 0 ? `${wrongType.length} of ${people.length} are not referrers: the filter is not applied (the node checks every record)` : `${people.length} referrers`,
		);

		// Rewards (docs/referral-factory-api.md, R1, R2).
		const rewardLists: string[] = [];
		const rewardFields: string[] = [];
		for (const state of ['due', 'issued']) {
			for (const metric of ['amount', 'commission', 'coupon', 'custom']) {
				const answer = await api('GET', `/rewards/${state}/${metric}?page=1&per_page=5`);
				const rewards = list(answer);
				if (!rewards) rewardLists.push(`${state}/${metric}: ${answer.status}, ${keysOf(answer.body)}`);
				for (const reward of rewards ?? []) {
					const missing = ['id', 'reward_id', 'recipient_id'].filter((key) => !isObject(reward) || reward[key] === undefined);
					if (missing.length > 0) rewardFields.push(`${state}/${metric}: a reward without ${missing.join(', ')}`);
				}
			}
		}
		add('reward-lists', 'The due and issued reward lists of each type answer with `data`', rewardLists.length === 0 ? 'CONFIRMED' : 'DIFFERS', rewardLists.length === 0 ? '8 lists read' : rewardLists.slice(0, 3).join('; '));
		add('reward-fields', 'A reward has id, reward_id and recipient_id', rewardFields.length === 0 ? 'CONFIRMED' : 'DIFFERS', rewardFields.length === 0 ? 'every reward read has them' : rewardFields.slice(0, 3).join('; '));

		// Errors (docs/referral-factory-api.md, A9, A10): the body of a 404.
		const missing = await api('GET', '/users/rf-probe-no-such-person');
		const errorBody = isObject(missing.body) ? missing.body : undefined;
		add(
			'error-body',
			'An error answers `{code, message}` as documented',
			missing.status === 404 && errorBody?.message !== undefined && errorBody.code !== undefined ? 'CONFIRMED' : 'DIFFERS',
			`GET /users/rf-probe-no-such-person: ${missing.status}, ${errorBody ? keysOf(errorBody) : show(missing.text || '(empty)')}${missing.status === 404 && errorBody?.message !== undefined ? ' (the node reads the message either way)' : ''}`,
		);

		// Pacing (docs/referral-factory-api.md, A3): the rate-limit headers the node uses when they are there.
		const limit = campaigns.headers.get('x-ratelimit-limit');
		const reset = campaigns.headers.get('x-ratelimit-reset');
		add(
			'rate-limit-headers',
			'No rate-limit headers are sent (none are documented)',
			limit === null && campaigns.headers.get('x-ratelimit-remaining') === null ? 'CONFIRMED' : 'DIFFERS',
			limit === null ? 'none seen' : `X-RateLimit-Limit ${limit}, Reset ${reset ?? '(none)'}${reset && Number(reset) > 1e9 ? ' (a Unix time)' : ''}: the node holds back when Remaining reaches 0`,
		);

		// The n8n endpoints the trigger and Qualify By Coupon use (docs/referral-factory-api.md, N1, N2).
		const n8nList = async (path: string, key: string) => {
			const answer = await read('GET', `${origin}${path}`);
			const entries = isObject(answer.body) && Array.isArray(answer.body[key]) ? (answer.body[key] as unknown[]) : undefined;
			const good = entries !== undefined && entries.every((entry) => isObject(entry) && entry.id !== undefined);
			add(`n8n-${path.slice(1)}`, `GET /api/n8n${path} answers {${key}: [{id, name}]}`, good ? 'CONFIRMED' : 'DIFFERS', good ? `${entries.length} entries` : `${answer.status}, ${keysOf(answer.body)}`);
		};
		const test = await read('GET', `${origin}/test`);
		add('n8n-test', 'The n8n endpoints take the same token (GET /api/n8n/test)', ok(test) ? 'CONFIRMED' : 'DIFFERS', `${test.status}`);
		await n8nList('/campaigns', 'campaigns');
		await n8nList('/user-sources', 'sources');
		await n8nList('/rewards', 'rewards');
	} catch (error) {
		if (error instanceof Unreachable) {
			add('reach', 'Referral Factory answers at the Base URL', 'DIFFERS', error.message);
			return report(findings.some((finding) => finding.id === 'auth' && finding.status !== 'DIFFERS'));
		}
		// An answer the probe could not read at all: that is a finding too, never a crash.
		add('readable', 'Every answer can be read', 'DIFFERS', `the probe stopped on an answer it could not read: ${(error as Error).message}`);
		return report(true);
	}

	// What only a write would show: the probe sends none.
	for (const [id, assumption] of [
		['duplicate-email', 'Adding an email already in the campaign answers with that person (or a 422 on email)'],
		['issue-answer', 'Issuing a reward answers with the reward'],
		['n8n-registration', 'Registering a trigger answers {webhook: {id}}'],
		['deliveries', 'Deliveries carry the person flat beside `event`'],
	]) {
		add(id, assumption, 'UNKNOWN', 'only a write would show this; the probe sends none (the node accepts the other known answers)');
	}
	return report(true);
}

function usage(message: string): never {
	process.stderr.write(`${message}\nUsage: npm run probe -- --base-url https://referral-factory.com/api/v2 --token YOUR_TOKEN [--json report.json]\n`);
	process.exit(2);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const value = (name: string) => {
		const index = args.indexOf(name);
		if (index < 0) return undefined;
		const given = args[index + 1];
		if (given === undefined || given.startsWith('--')) usage(`${name} needs a value.`);
		return given;
	};
	const baseUrl = value('--base-url') ?? 'https://referral-factory.com/api/v2';
	const token = value('--token') ?? process.env.REFERRAL_FACTORY_TOKEN;
	const json = value('--json');
	if (!token) usage('Give the API token with --token (or REFERRAL_FACTORY_TOKEN).');
	if (!/^https?:\/\/\S+$/i.test(baseUrl)) usage(`"${baseUrl}" is not a web address.`);

	const result = await probe({ baseUrl, token });
	process.stdout.write(`Referral Factory contract probe: ${result.baseUrl} (reads only; the token is not shown)\n`);
	for (const finding of result.findings) {
		process.stdout.write(`${finding.status.padEnd(9)} ${finding.id.padEnd(20)} ${finding.assumption}${finding.evidence ? ` — ${finding.evidence}` : ''}\n`);
	}
	const { CONFIRMED, DIFFERS, UNKNOWN } = result.summary;
	process.stdout.write(`${CONFIRMED} confirmed, ${DIFFERS} differ, ${UNKNOWN} unknown.\n`);
	if (json) {
		writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
		process.stdout.write(`Report: ${json}\n`);
	}
	if (!result.ran) {
		process.stderr.write('The probe could not reach Referral Factory, or the token was refused.\n');
		process.exit(1);
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`The probe failed: ${(error as Error).message}\n`);
		process.exit(1);
	});
}
