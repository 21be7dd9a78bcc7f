/**
 * `REFERRAL_FACTORY_TOKEN=… npm run probe -- [--base-url URL] [--json FILE]`: is your Referral Factory account like the
 * sandbox?
 *
 * The token is read from the environment variable REFERRAL_FACTORY_TOKEN or, when that is not set and the probe runs in
 * a terminal, asked for without being shown. It is never taken as an argument: npm prints a script's arguments before
 * running it, so `--token` is refused (exit 2) without being repeated.
 *
 * Sends only reads (GET, and POST to `…/search` only), a tenth of a second apart: campaigns, a page of 250 referrers
 * and the pages after a first one, one person by code, a few searches (one sorted), the reward lists, the n8n
 * endpoints' lists, one person that is not there. It checks each assumption the node relies on against the answers:
 * one line per assumption, starting with its status:
 * - CONFIRMED: as the sandbox answers by default (its default is what docs/referral-factory-api.md describes);
 * - DIFFERS: not so; the evidence says what was seen and what the node does about it;
 * - UNKNOWN: a read cannot tell, or the account has too little data to tell by. A line never confirms from nothing read.
 * Each line names the node behaviour the assumption affects. The JSON report holds the same lines and never the token:
 * attach it to a bug report. Every piece of evidence has the token taken out before it is cut to length (`evidenceWriter`,
 * the one place evidence is made). An answer the probe does not expect is a DIFFERS line, never a crash. Exit 0 when it
 * ran, whatever it found; 1 when it could not reach Referral Factory or the token was refused; 2 for a wrong command line.
 * The assumptions are described in docs/referral-factory-api.md.
 */
import { writeFileSync } from 'node:fs';

import { FIRST_PAGE, pageRef, parsePage, refFromLink, type PageRef } from '../nodes/ReferralFactory/transport/pages';

export type Status = 'CONFIRMED' | 'DIFFERS' | 'UNKNOWN';

export interface Finding {
	id: string;
	assumption: string;
	/** The node behaviour that relies on the assumption. */
	affects: string;
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

type Order = 'oldest' | 'newest' | 'none';

class Unreachable extends Error {}

/** How long a value quoted in evidence may be, and a whole piece of evidence. */
export const SHOWN = 160;
export const EVIDENCE_MAX = 600;

/** The page size the node asks for (the API's documented maximum: docs/referral-factory-api.md, A7). */
const PAGE_SIZE = 250;

/** A small page, to tell page 2 from page 1 in a short list. */
const SMALL_PAGE = 2;

const SEARCH_PAGE = 25;

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const keysOf = (value: unknown) => (isObject(value) ? `keys ${Object.keys(value).join(', ') || '(none)'}` : Array.isArray(value) ? 'a list' : `${value === '' ? 'an empty body' : typeof value}`);

/**
 * Takes the token out of a text: the token as given, as JSON writes it, as a URL writes it, and (for a token of 12
 * characters or more) any run of 8 or more of its first characters, so an answer that cut the token short itself does
 * not show its start either.
 */
export function redactor(token: string): (text: string) => string {
	if (!token) return (text) => text;
	const forms = [...new Set([token, JSON.stringify(token).slice(1, -1), encodeURIComponent(token)])].sort((a, b) => b.length - a.length);
	const head = token.length >= 12 ? token.slice(0, 8) : undefined;
	return (text) => {
		let out = text;
		for (const form of forms) out = out.split(form).join('[token]');
		if (head === undefined) return out;
		for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, at + '[token]'.length)) {
			let end = at + head.length;
			while (end < out.length && end - at < token.length && out[end] === token[end - at]) end++;
			out = `${out.slice(0, at)}[token]${out.slice(end)}`;
		}
		return out;
	};
}

/**
 * The one place evidence is made. `show` quotes a value (an answer's body, a field): as text, the token taken out, and
 * only then cut to `max` characters, so a cut can never leave part of the token behind. `finish` does the same to a
 * whole piece of evidence.
 */
export function evidenceWriter(token: string) {
	const redact = redactor(token);
	const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
	const show = (value: unknown, max = SHOWN): string => cut(redact(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))), max);
	const finish = (evidence: string): string => cut(redact(evidence), EVIDENCE_MAX);
	return { redact, show, finish };
}

/** The order of a list of IDs, or undefined when fewer than two cannot tell. */
function orderOf(ids: number[]): Order | undefined {
	if (ids.length < 2) return undefined;
	if (ids.every((id, i) => i === 0 || ids[i - 1] < id)) return 'oldest';
	if (ids.every((id, i) => i === 0 || ids[i - 1] > id)) return 'newest';
	return 'none';
}

const idsOf = (records: unknown[]) =>
	records.map((record) => (isObject(record) ? Number(record.id) : NaN)).filter((id) => Number.isSafeInteger(id));

/** What marks a record as the same as another: its ID, or the record itself. */
const keyOf = (record: unknown) => (isObject(record) && (typeof record.id === 'number' || typeof record.id === 'string') ? `id ${String(record.id)}` : JSON.stringify(record));

const idList = (records: unknown[]) => {
	const ids = records.map((record) => (isObject(record) ? String(record.id) : '?'));
	return ids.length > 6 ? `${ids.slice(0, 3).join(', ')} … ${ids.slice(-2).join(', ')}` : ids.join(', ');
};

/** How an answer says its list pages: by page number, by a cursor, or nothing says. */
function pagingOf(body: unknown): { how: 'numbered' | 'cursor'; marker: string } | undefined {
	if (!isObject(body)) return undefined;
	const links = isObject(body.links) ? body.links : undefined;
	const meta = isObject(body.meta) ? body.meta : undefined;
	const next = typeof links?.next === 'string' ? refFromLink(links.next) : undefined;
	if (next?.query.cursor !== undefined) return { how: 'cursor', marker: 'links.next with cursor=' };
	if (meta && 'next_cursor' in meta) return { how: 'cursor', marker: 'meta.next_cursor' };
	if (meta && ('current_page' in meta || 'last_page' in meta)) return { how: 'numbered', marker: 'meta.current_page/last_page' };
	if (next?.page !== undefined) return { how: 'numbered', marker: 'links.next with page=' };
	return undefined;
}

/** A 4xx other than 401/403/408/429: the API does not take the request as sent (as the polling trigger judges a sort: A14). */
const isRefusal = (status: number) => status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);

const describeRef = (ref: PageRef) => (ref.query.cursor !== undefined ? "the next link's cursor" : Object.entries(ref.query).map(([key, value]) => `${key}=${value}`).join('&'));

// The node behaviours each assumption affects (named as the node's settings name them).
const EVERY_LIST = "every list read past its first page: Get Many's Return All, the look-ups of Add, Issue and Cancel, the pickers, the polling trigger";
const TRIGGER_CHECK = "the polling trigger's check (how few requests a quiet check takes)";
const BY_EMAIL = "By Email, Add's If Exists check and its look-up after a lost answer";

export async function probe(options: { baseUrl: string; token: string; timeoutMs?: number }): Promise<ProbeReport> {
	const baseUrl = options.baseUrl.replace(/\/+$/, '');
	const origin = `${baseUrl.replace(/\/api\/v\d+$/i, '')}/api/n8n`;
	const findings: Finding[] = [];
	const { show, finish } = evidenceWriter(options.token);
	const add = (id: string, assumption: string, affects: string, status: Status, evidence: string) =>
		findings.push({ id, assumption, affects, status, evidence: finish(evidence) });

	/** One read, paced (a tenth of a second apart: far under 600 a minute), a 429 waited out once. */
	const read = async (method: 'GET' | 'POST', url: string, body?: unknown): Promise<Answer> => {
		// Reads only: a POST goes to a search and nowhere else.
		if (method === 'POST' && !new URL(url).pathname.endsWith('/search')) throw new Error(`the probe sends reads only, not POST ${new URL(url).pathname}`);
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
				// fetch puts the reason (ECONNREFUSED, a certificate) in `cause`; read it by shape, not by class (another realm's Error).
				const cause = (error as { cause?: { message?: unknown } }).cause;
				throw new Unreachable(`${method} ${url.replace(/^https?:\/\//, '')}: ${typeof cause?.message === 'string' ? cause.message : (error as Error).message}`);
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
	/** A page of a list, asked for the way the node asks (`per_page`, then the page's own query: a page number or a cursor). */
	const page = async (method: 'GET' | 'POST', path: string, size: number, ref: PageRef, body?: unknown) =>
		await api(method, `${path}?${new URLSearchParams({ per_page: String(size), ...ref.query }).toString()}`, body);
	const ok = (answer: Answer) => answer.status >= 200 && answer.status < 300;
	const list = (answer: Answer): unknown[] | undefined => (isObject(answer.body) && Array.isArray(answer.body.data) ? answer.body.data : Array.isArray(answer.body) ? answer.body : undefined);
	const single = (answer: Answer): Record<string, unknown> | undefined => (isObject(answer.body) ? (isObject(answer.body.data) ? answer.body.data : answer.body) : undefined);
	const status = (what: string, answer: Answer) => `${what}: ${answer.status}, ${ok(answer) ? keysOf(answer.body) : show(answer.text || '(empty)')}`;

	const report = (ran: boolean): ProbeReport => {
		const summary: Record<Status, number> = { CONFIRMED: 0, DIFFERS: 0, UNKNOWN: 0 };
		for (const finding of findings) summary[finding.status]++;
		return { probedAt: new Date().toISOString(), baseUrl: show(baseUrl, 300), ran, findings, summary };
	};

	/**
	 * Page 2 of a list against page 1, with a small page size: page 1, then the answer's own next page (read as the
	 * node reads it: `parsePage`), or `page=2` when page 1 is full and no next page is given.
	 */
	const secondPage = async (method: 'GET' | 'POST', path: string, body?: unknown, first?: Answer): Promise<{ status: Status; evidence: string; byNumber?: boolean }> => {
		const label = `${method} ${path}`;
		const one = first ?? (await page(method, path, SMALL_PAGE, FIRST_PAGE, body));
		const items = list(one);
		if (!ok(one) || !items) return { status: 'UNKNOWN', evidence: `${status(label, one)}: no list to page` };
		if (items.length === 0) return { status: 'UNKNOWN', evidence: `${label}: no records, one page only` };
		const parsed = parsePage(one.body, FIRST_PAGE);
		let next = parsed.next;
		const saidLast = next === undefined;
		if (next === undefined) {
			if (items.length < SMALL_PAGE) return { status: 'UNKNOWN', evidence: `${label}: ${items.length} record(s), one page only` };
			next = pageRef(2);
		}
		const two = await page(method, path, SMALL_PAGE, next, body);
		const where = describeRef(next);
		const items2 = list(two);
		if (!ok(two) || !items2) {
			return saidLast
				? { status: 'UNKNOWN', evidence: `${label}: page 1 said it was the last (${status(where, two)}), one page only` }
				: { status: 'DIFFERS', evidence: `${label}, the next page (${where}): ${two.status}, ${ok(two) ? keysOf(two.body) : show(two.text || '(empty)')}: the node stops the read with that error` };
		}
		if (items2.length === 0) return { status: 'UNKNOWN', evidence: `${label}: the page after page 1 (${where}) is empty, one page only` };
		const onFirst = new Set(items.map(keyOf));
		const repeated = items2.filter((record) => onFirst.has(keyOf(record)));
		if (repeated.length === items2.length) {
			return {
				status: 'DIFFERS',
				evidence: `${label}: ${where} repeats page 1 (IDs ${idList(items2)}): the API ignores it; the node stops the read with an error naming the endpoint rather than read the same page again`,
			};
		}
		if (repeated.length > 0) {
			return { status: 'DIFFERS', evidence: `${label}: ${repeated.length} of the ${items2.length} records at ${where} were on page 1: the node returns each record once, but the list does not page as expected` };
		}
		if (saidLast) {
			return { status: 'DIFFERS', evidence: `${label}: page 1 said it was the last, yet page=2 holds other records (IDs ${idList(items2)}): the node believes the answer and would stop after page 1` };
		}
		return { status: 'CONFIRMED', evidence: `${label}?per_page=${SMALL_PAGE}: page 1 IDs ${idList(items)}, then ${where}: IDs ${idList(items2)}`, byNumber: next.page !== undefined && pagingOf(one.body) === undefined };
	};

	try {
		// Authentication, and the list envelope (docs/referral-factory-api.md, A1, A5, A6).
		const campaigns = await page('GET', '/campaigns', SMALL_PAGE, FIRST_PAGE);
		if (campaigns.status === 401 || campaigns.status === 403) {
			add('auth', 'The token is accepted as `Authorization: Bearer …`', 'every operation and the credential test', 'DIFFERS', `GET /campaigns: ${campaigns.status} ${show(campaigns.body)}`);
			return report(false);
		}
		add('auth', 'The token is accepted as `Authorization: Bearer …`', 'every operation and the credential test', ok(campaigns) ? 'CONFIRMED' : 'UNKNOWN', `GET /campaigns: ${campaigns.status}`);
		const records = list(campaigns);
		add(
			'list-envelope',
			'A list answer holds its records in `data`',
			'every list the node reads',
			records && isObject(campaigns.body) && Array.isArray(campaigns.body.data) ? 'CONFIRMED' : 'DIFFERS',
			records ? (isObject(campaigns.body) ? `data: ${records.length} records` : 'a bare list (the node reads it too)') : `GET /campaigns: ${campaigns.status}, ${keysOf(campaigns.body)}; the node finds no records in this`,
		);
		const envelope = isObject(campaigns.body) ? campaigns.body : {};
		const links = isObject(envelope.links) && 'next' in envelope.links;
		const meta = isObject(envelope.meta) && (('last_page' in envelope.meta && 'current_page' in envelope.meta) || 'next_cursor' in envelope.meta);
		add(
			'list-end',
			'A list says where it goes on in both `links.next` and `meta` (`current_page`/`last_page`, or `next_cursor`)',
			EVERY_LIST,
			links && meta ? 'CONFIRMED' : 'DIFFERS',
			`links.next ${links ? 'present' : 'absent'}, meta ${meta ? 'present' : 'absent'}${links && meta ? '' : links ? ': the node follows links.next (Return All reads pages one after another)' : meta ? ': the node reads the end from meta' : ': nothing says where the list ends; the node reads on while pages come back as full as the fullest before, and stops at a shorter or empty one'}`,
		);

		// Page size, and the list's order (A7, A12, A13): the page of referrers the node asks for, 250 at a time.
		const referrersFilter = { filters: { value: [{ field: 'type', value: 'person_referring', operator: '=' }], operator: 'AND' } };
		const big = await page('POST', '/users/search', PAGE_SIZE, FIRST_PAGE, referrersFilter);
		const bigItems = list(big);
		const bigPage = parsePage<unknown>(big.body, FIRST_PAGE);
		const servedMeta = bigPage.perPage;
		// Whether more records exist after this page: the answer's own markers, or (with none) the next page read.
		let more: boolean | undefined = bigPage.next !== undefined && !bigPage.guessed ? true : bigPage.next === undefined ? false : undefined;
		let orderRecords = bigItems ?? [];
		let moreEvidence = '';
		if (more === undefined && bigItems && bigItems.length < PAGE_SIZE && servedMeta === undefined) {
			const after = await page('POST', '/users/search', PAGE_SIZE, bigPage.next!, referrersFilter);
			const afterItems = list(after) ?? [];
			const onFirst = new Set(bigItems.map(keyOf));
			const fresh = afterItems.filter((record) => !onFirst.has(keyOf(record)));
			more = afterItems.length === 0 ? false : fresh.length === afterItems.length ? true : undefined;
			if (more) orderRecords = [...bigItems, ...afterItems];
			moreEvidence = afterItems.length === 0 ? ', page 2 empty' : more ? `, page 2 holds ${afterItems.length} more` : ', page 2 repeats page 1';
		}
		const perPage = (statusOf: Status, evidence: string) =>
			add('per-page', '`per_page=250` gives pages of 250 (the documented maximum)', "how many requests a list costs: Get Many's Return All, the look-ups, the polling trigger", statusOf, evidence);
		const asked = `POST /users/search?per_page=${PAGE_SIZE}`;
		if (!ok(big)) perPage('DIFFERS', `${status(asked, big)}: the node asks for ${PAGE_SIZE}`);
		else if (!bigItems) perPage('UNKNOWN', `${asked}: ${keysOf(big.body)}, no records to count`);
		else {
			const got = `${asked}: ${bigItems.length} records${servedMeta === undefined ? '' : `, meta.per_page ${servedMeta}`}${moreEvidence}`;
			const fewer = (size: number) => `${got}: pages hold ${size}; the node reads on page after page (it trusts the answer's markers over a page's length), so a list costs ${Math.ceil(PAGE_SIZE / size)}× the requests`;
			if (bigItems.length > PAGE_SIZE) perPage('DIFFERS', `${got}: more than asked for; the node takes them all`);
			else if (servedMeta !== undefined) perPage(servedMeta === PAGE_SIZE ? 'CONFIRMED' : 'DIFFERS', servedMeta === PAGE_SIZE ? got : servedMeta < PAGE_SIZE ? fewer(servedMeta) : `${got}: more than asked for`);
			else if (bigItems.length === PAGE_SIZE) perPage('CONFIRMED', got);
			else if (more === true) perPage('DIFFERS', fewer(bigItems.length));
			else perPage('UNKNOWN', `${got}: fewer than ${PAGE_SIZE} and nothing says more exist, so the list is too short to tell the page size`);
		}

		const orderIds = idsOf(orderRecords);
		const order = orderOf(orderIds);
		const orderLabel = `${orderIds.length} referrers read (IDs ${orderIds.length > 6 ? `${orderIds.slice(0, 3).join(', ')} … ${orderIds.slice(-2).join(', ')}` : orderIds.join(', ')})`;
		add(
			'list-order',
			'A list and a search come oldest first, by ID',
			`${TRIGGER_CHECK}, and the order Get Many returns`,
			order === undefined ? 'UNKNOWN' : order === 'oldest' ? 'CONFIRMED' : 'DIFFERS',
			order === undefined
				? `${orderIds.length} referrer(s) with an ID: too few to tell an order`
				: order === 'oldest'
					? `${orderLabel}: IDs ascend`
					: order === 'newest'
						? `${orderLabel}: newest first; the polling trigger reads from page 1 down to where its last check ended, and Get Many returns them in that order`
						: `${orderLabel}: in neither order; the polling trigger reads the whole list at every check`,
		);

		// Page 2 is not page 1 again, and how pages are found (A6, A7, A13): campaigns (the first answer, 2 a page), or
		// the referrers when there is one page of campaigns.
		let pages = await secondPage('GET', '/campaigns', undefined, campaigns);
		if (pages.status === 'UNKNOWN') {
			const byPeople = await secondPage('POST', '/users/search', referrersFilter);
			pages = byPeople.status === 'UNKNOWN' ? { ...byPeople, evidence: `${pages.evidence}; ${byPeople.evidence}` } : byPeople;
		}
		add('pages', 'Page 2 holds the records after page 1 (`page`, or the next link, moves on)', EVERY_LIST, pages.status, pages.evidence);

		const paging = pagingOf(campaigns.body) ?? pagingOf(big.body);
		const paginationText = 'A list is paged by number (`page`), as `meta.current_page`/`last_page` or `links.next` with `page=` say';
		const paginationAffects = "Get Many's Return All (with Max Concurrent Requests above 1, numbered pages are read several at once), the polling trigger (where its last check ended)";
		if (paging?.how === 'numbered') add('pagination', paginationText, paginationAffects, 'CONFIRMED', `numbered: ${paging.marker}`);
		else if (paging?.how === 'cursor') {
			add(
				'pagination',
				paginationText,
				paginationAffects,
				'DIFFERS',
				`a cursor (${paging.marker}, no page count): the node reads one page after another following the cursor; Return All cannot read pages at once, and the polling trigger keeps the cursor where its last check ended (or reads from page 1 when it is refused)`,
			);
		} else if (pages.byNumber) add('pagination', paginationText, paginationAffects, 'CONFIRMED', 'no marker in the answer, but page=2 held the next records');
		else add('pagination', paginationText, paginationAffects, 'UNKNOWN', 'no answer says how its list pages (no links.next, no meta), and page=2 could not tell');

		// A sorted search (A14): what the polling trigger asks for, `sort: [{field, direction: 'desc'}]`.
		const sortedAnswer = async (direction: 'asc' | 'desc') => await page('POST', '/users/search', SEARCH_PAGE, FIRST_PAGE, { ...referrersFilter, sort: [{ field: 'id', direction }] });
		const sortText = "A search's `sort: [{field, direction}]` is ignored, as the sandbox does by default (no syntax is published); applied or refused is DIFFERS";
		const sortAffects = TRIGGER_CHECK;
		const judgeSort = (direction: 'asc' | 'desc', answer: Answer) => {
			const label = `POST /users/search with sort id ${direction}`;
			if (isRefusal(answer.status)) {
				return { status: 'DIFFERS' as Status, evidence: `${label}: ${answer.status} ${show(answer.text || '(empty)')}: refused; the polling trigger stops asking for a sort while its settings stay, and reads the list unsorted (oldest first: from where its last check ended)` };
			}
			if (!ok(answer)) return { status: 'DIFFERS' as Status, evidence: `${status(label, answer)}: the polling trigger's check fails with that error` };
			const ids = idsOf(list(answer) ?? []);
			const seen = orderOf(ids);
			if (seen === undefined) return { status: 'UNKNOWN' as Status, evidence: `${label}: ${ids.length} record(s) with an ID, too few to tell an order` };
			const wanted: Order = direction === 'desc' ? 'newest' : 'oldest';
			if (order === undefined) return { status: 'UNKNOWN' as Status, evidence: `${label}: no unsorted order to compare with` };
			if (seen === wanted && order !== wanted) {
				return { status: 'DIFFERS' as Status, evidence: `${label}: applied (IDs ${idList(list(answer)!)}, unsorted ${order} first); the polling trigger reads newest first, down to where its last check ended: one request when nothing is new` };
			}
			if (seen === order) {
				return { status: 'CONFIRMED' as Status, evidence: `${label}: not applied (the same order as unsorted, ${order === 'none' ? 'neither' : `${order} first`}); the polling trigger sees that on the first answer, stops asking for a sort while its settings stay, and reads the list unsorted (oldest first: from where its last check ended)` };
			}
			return { status: 'DIFFERS' as Status, evidence: `${label}: in another order than asked or unsorted (IDs ${idList(list(answer)!)}); the polling trigger checks each answer's order, and reads the list unsorted instead` };
		};
		let sort = judgeSort('desc', await sortedAnswer('desc'));
		if (order === 'newest' && sort.status === 'CONFIRMED') {
			// Unsorted is newest first already: an applied desc looks the same, so ask for asc to tell.
			const asc = judgeSort('asc', await sortedAnswer('asc'));
			sort = asc.status === 'CONFIRMED' ? { status: 'CONFIRMED', evidence: `${sort.evidence}; with sort id asc too` } : asc;
		}
		add('search-sort', sortText, sortAffects, sort.status, sort.evidence);

		// One campaign (docs/referral-factory-api.md, A8, C1, C3).
		const first = records?.find(isObject);
		if (first?.id === undefined) {
			add('single-envelope', 'One record comes wrapped in `data`', 'Get by ID and every operation that answers with one record', 'UNKNOWN', 'no campaign to read');
			add('campaign-fields', "A campaign's form fields have an `id` and a `label`", "Add's and Update's custom fields", 'UNKNOWN', 'no campaign to read');
		} else {
			const campaign = await api('GET', `/campaigns/${encodeURIComponent(String(first.id))}`);
			const wrapped = isObject(campaign.body) && isObject(campaign.body.data);
			add(
				'single-envelope',
				'One record comes wrapped in `data`',
				'Get by ID and every operation that answers with one record',
				wrapped ? 'CONFIRMED' : 'DIFFERS',
				wrapped ? `GET /campaigns/${show(first.id, 40)}: data.id ${show(single(campaign)?.id)}` : `GET /campaigns/${show(first.id, 40)}: ${campaign.status}, ${keysOf(campaign.body)} (the node reads a bare record too)`,
			);
			const fields = single(campaign)?.fields;
			const referring = isObject(fields) && Array.isArray(fields.person_referring) ? (fields.person_referring as unknown[]).filter(isObject) : undefined;
			if (!referring) add('campaign-fields', "A campaign's form fields have an `id` and a `label`", "Add's and Update's custom fields", 'DIFFERS', `fields: ${show(fields ?? '(none)')}; custom fields can be given by label only`);
			else if (referring.length === 0) add('campaign-fields', "A campaign's form fields have an `id` and a `label`", "Add's and Update's custom fields", 'UNKNOWN', 'the campaign has no form fields to read');
			else {
				const slug = (label: unknown) => String(label ?? '').toLowerCase().replace(/\W+/g, '_');
				const unlike = referring.filter((field) => String(field.id) !== slug(field.label));
				add(
					'campaign-fields',
					"A campaign's form fields have an `id` and a `label` (the sandbox's IDs are the labels in snake case)",
					"Add's and Update's custom fields",
					unlike.length === 0 ? 'CONFIRMED' : 'DIFFERS',
					unlike.length === 0 ? `${referring.length} fields` : `IDs unlike their labels: ${unlike.slice(0, 3).map((field) => `${show(field.id, 40)} = ${show(field.label, 40)}`).join(', ')} (the node maps either to the label)`,
				);
			}
		}

		// People (docs/referral-factory-api.md, P1, P3, P4, P6, A11).
		const users = await page('GET', '/users', 1, FIRST_PAGE);
		const user = list(users)?.find(isObject);
		if (!user) {
			for (const [id, assumption, affects] of [
				['user-object', 'A person has id, code, url, email, campaign_id and type', "every person operation's output"],
				['user-by-code', 'GET /users/{code} finds a person by referral code', 'Get, Update and Delete By Code'],
				['dates', "Dates are written as a day (`2024-12-27`), as in the API's example", "Add's look-up after a lost answer, the polling trigger's window for qualifications and issued rewards"],
				['qualified', 'Qualification is `qualified_at` (a date, or null)', "Qualify, Get Many's Qualification filter, the polling trigger's Lead Qualified"],
				['search-email', 'A search by email and campaign returns only that person', BY_EMAIL],
			]) {
				add(id, assumption, affects, 'UNKNOWN', `no person in the account to read (GET /users: ${users.status}, ${keysOf(users.body)})`);
			}
		} else {
			const missing = ['id', 'code', 'url', 'email', 'campaign_id', 'type'].filter((key) => user[key] === undefined || user[key] === null);
			const typed = ['person_referring', 'person_invited'].includes(String(user.type));
			add(
				'user-object',
				'A person has id, code, url, email, campaign_id and type',
				"every person operation's output",
				missing.length === 0 && typed ? 'CONFIRMED' : 'DIFFERS',
				missing.length > 0 ? `missing: ${missing.join(', ')} (the node leaves them empty)` : typed ? `id ${show(user.id, 40)}, type ${show(user.type, 40)}` : `type ${show(user.type, 40)}`,
			);

			const byCode = user.code === undefined || user.code === null ? undefined : await api('GET', `/users/${encodeURIComponent(String(user.code))}`);
			const found = byCode && single(byCode);
			add(
				'user-by-code',
				'GET /users/{code} finds a person by referral code',
				'Get, Update and Delete By Code',
				!byCode ? 'UNKNOWN' : found && String(found.id) === String(user.id) ? 'CONFIRMED' : 'DIFFERS',
				!byCode ? 'the person has no code' : `GET /users/{code}: ${byCode.status}${found ? `, id ${show(found.id, 40)}` : ''}`,
			);

			const signedUp = user.signed_up_at;
			const form = typeof signedUp !== 'string' ? 'none' : /^\d{4}-\d{2}-\d{2}$/.test(signedUp) ? 'day' : /[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(signedUp) ? 'zoned' : /[T ]\d{2}:\d{2}/.test(signedUp) ? 'local' : 'other';
			add(
				'dates',
				"Dates are written as a day (`2024-12-27`), as in the API's example",
				"Add's look-up after a lost answer, the polling trigger's window for qualifications and issued rewards",
				form === 'day' ? 'CONFIRMED' : 'DIFFERS',
				`signed_up_at ${show(signedUp ?? '(none)', 60)}${form === 'zoned' ? ': with a time and zone, so after a lost answer Add can tell whether it added the person' : form === 'local' ? ': a time without a zone (the node allows for any zone)' : form === 'day' ? '' : ': not read as a date; after a lost answer Add says outcome unknown'}`,
			);
			add(
				'qualified',
				'Qualification is `qualified_at` (a date, or null)',
				"Qualify, Get Many's Qualification filter, the polling trigger's Lead Qualified",
				'qualified_at' in user ? 'CONFIRMED' : 'DIFFERS',
				'qualified_at' in user ? `qualified_at ${show(user.qualified_at, 60)}` : 'qualified' in user ? `a v1-style qualified: ${show(user.qualified, 40)} (the node reads it too)` : 'neither qualified_at nor qualified',
			);

			// Searches (P6): does the API apply the filters, or must the node check? The person's email, and an email no
			// one has (an ignored filter would answer that with people too).
			const email = String(user.email ?? '');
			const byEmail = (address: string) => ({
				filters: { value: [{ field: 'email', value: address, operator: '=' }, { field: 'campaign_id', value: String(user.campaign_id ?? ''), operator: '=' }], operator: 'AND' },
			});
			const search = await page('POST', '/users/search', SEARCH_PAGE, FIRST_PAGE, byEmail(email));
			const hits = list(search);
			const others = (hits ?? []).filter((hit) => !isObject(hit) || String(hit.email ?? '').toLowerCase() !== email.toLowerCase());
			const nobody = hits && others.length === 0 && hits.length > 0 ? await page('POST', '/users/search', SEARCH_PAGE, FIRST_PAGE, byEmail('rf-probe-nobody@example.invalid')) : undefined;
			const nobodyHits = nobody && list(nobody);
			const emailText = 'A search by email and campaign returns only that person';
			if (!hits) add('search-email', emailText, BY_EMAIL, 'DIFFERS', status('POST /users/search', search));
			else if (others.length > 0) add('search-email', emailText, BY_EMAIL, 'DIFFERS', `${others.length} of ${hits.length} results have another email: the filter is not applied (the node checks every record, reading more pages)`);
			else if (hits.length === 0) add('search-email', emailText, BY_EMAIL, 'DIFFERS', 'the search did not find the person just read by their email and campaign: the node would take them for absent');
			else if (!nobodyHits) add('search-email', emailText, BY_EMAIL, 'UNKNOWN', `${hits.length} result(s), that person; a search for an email no one has: ${status('', nobody!)}, so an ignored filter cannot be ruled out`);
			else if (nobodyHits.length > 0) add('search-email', emailText, BY_EMAIL, 'DIFFERS', `a search for an email no one has returned ${nobodyHits.length} people: the filter is not applied (the node checks every record, reading more pages)`);
			else add('search-email', emailText, BY_EMAIL, 'CONFIRMED', `${hits.length} result(s), that person; none for an email no one has`);
		}

		// A search by type (P6): the referrers read above, and the leads; an ignored filter answers both with everyone.
		const leads = await page('POST', '/users/search', SEARCH_PAGE, FIRST_PAGE, { filters: { value: [{ field: 'type', value: 'person_invited', operator: '=' }], operator: 'AND' } });
		const leadItems = list(leads);
		const typeText = 'A search by type returns only people of that type';
		const typeAffects = "Get Many's Referrer/Lead lists, the polling trigger's New Referrer and New Lead";
		if (!bigItems || !leadItems) add('search-type', typeText, typeAffects, 'DIFFERS', !bigItems ? status('POST /users/search (referrers)', big) : status('POST /users/search (leads)', leads));
		else {
			const wrongReferrers = bigItems.filter((hit) => !isObject(hit) || hit.type !== 'person_referring');
			const wrongLeads = leadItems.filter((hit) => !isObject(hit) || hit.type !== 'person_invited');
			if (wrongReferrers.length + wrongLeads.length > 0) {
				add('search-type', typeText, typeAffects, 'DIFFERS', `${wrongReferrers.length} of ${bigItems.length} in the referrers' search are not referrers, ${wrongLeads.length} of ${leadItems.length} in the leads' are not leads: the filter is not applied (the node checks every record)`);
			} else if (bigItems.length + leadItems.length === 0) add('search-type', typeText, typeAffects, 'UNKNOWN', 'no people to tell by');
			else add('search-type', typeText, typeAffects, 'CONFIRMED', `${bigItems.length} referrers, ${leadItems.length} leads, each search only its type`);
		}

		// Rewards (docs/referral-factory-api.md, R1, R2).
		const rewardLists: string[] = [];
		const rewardFields: string[] = [];
		let rewardsRead = 0;
		for (const state of ['due', 'issued']) {
			for (const metric of ['amount', 'commission', 'coupon', 'custom']) {
				const answer = await page('GET', `/rewards/${state}/${metric}`, 5, FIRST_PAGE);
				const rewards = list(answer);
				if (!rewards) rewardLists.push(status(`${state}/${metric}`, answer));
				for (const reward of rewards ?? []) {
					rewardsRead++;
					const missing = ['id', 'reward_id', 'recipient_id'].filter((key) => !isObject(reward) || reward[key] === undefined);
					if (missing.length > 0) rewardFields.push(`${state}/${metric}: a reward without ${missing.join(', ')}`);
				}
			}
		}
		const rewardAffects = "Issue's and Cancel's look-up of a reward (also after a lost answer), Get Many rewards, the polling trigger's reward events";
		add('reward-lists', 'The due and issued reward lists of each type answer with `data`', rewardAffects, rewardLists.length === 0 ? 'CONFIRMED' : 'DIFFERS', rewardLists.length === 0 ? `8 lists read, ${rewardsRead} rewards` : rewardLists.slice(0, 3).join('; '));
		add(
			'reward-fields',
			'A reward has id, reward_id and recipient_id',
			rewardAffects,
			rewardFields.length > 0 ? 'DIFFERS' : rewardsRead === 0 ? 'UNKNOWN' : 'CONFIRMED',
			rewardFields.length > 0 ? rewardFields.slice(0, 3).join('; ') : rewardsRead === 0 ? 'no reward in the account to read' : `all ${rewardsRead} rewards read have them`,
		);

		// Errors (docs/referral-factory-api.md, A9, A10): the body of a 404.
		const missing = await api('GET', '/users/rf-probe-no-such-person');
		const errorBody = isObject(missing.body) ? missing.body : undefined;
		add(
			'error-body',
			'An error answers `{code, message}` as documented',
			'the error messages every operation shows',
			missing.status === 404 && errorBody?.message !== undefined && errorBody.code !== undefined ? 'CONFIRMED' : 'DIFFERS',
			`GET /users/rf-probe-no-such-person: ${missing.status}, ${errorBody ? keysOf(errorBody) : show(missing.text || '(empty)')}${missing.status === 404 && errorBody?.message !== undefined ? ' (the node reads the message either way)' : ''}`,
		);

		// Pacing (docs/referral-factory-api.md, A3): the rate-limit headers the node uses when they are there.
		const limit = campaigns.headers.get('x-ratelimit-limit');
		const reset = campaigns.headers.get('x-ratelimit-reset');
		add(
			'rate-limit-headers',
			'No rate-limit headers are sent (none are documented)',
			'the pacing of every request',
			limit === null && campaigns.headers.get('x-ratelimit-remaining') === null ? 'CONFIRMED' : 'DIFFERS',
			limit === null ? 'none seen' : `X-RateLimit-Limit ${show(limit, 20)}, Reset ${show(reset ?? '(none)', 20)}${reset && Number(reset) > 1e9 ? ' (a Unix time)' : ''}: the node holds back when Remaining reaches 0`,
		);

		// The n8n endpoints the trigger and Qualify by coupon use (docs/referral-factory-api.md, N1, N2).
		const n8nAffects = "the webhook trigger's pickers and registration, Qualify by coupon";
		const n8nList = async (path: string, key: string) => {
			const answer = await read('GET', `${origin}${path}`);
			const entries = isObject(answer.body) && Array.isArray(answer.body[key]) ? (answer.body[key] as unknown[]) : undefined;
			const good = entries !== undefined && entries.every((entry) => isObject(entry) && entry.id !== undefined);
			add(
				`n8n-${path.slice(1)}`,
				`GET /api/n8n${path} answers {${key}: [{id, name}]}`,
				n8nAffects,
				!good ? 'DIFFERS' : entries.length === 0 ? 'UNKNOWN' : 'CONFIRMED',
				!good ? status('', answer).replace(/^: /, '') : entries.length === 0 ? `${key}: an empty list, no entry to read` : `${entries.length} entries`,
			);
		};
		const test = await read('GET', `${origin}/test`);
		add('n8n-test', 'The n8n endpoints take the same token (GET /api/n8n/test)', n8nAffects, ok(test) ? 'CONFIRMED' : 'DIFFERS', `${test.status}`);
		await n8nList('/campaigns', 'campaigns');
		await n8nList('/user-sources', 'sources');
		await n8nList('/rewards', 'rewards');
	} catch (error) {
		if (error instanceof Unreachable) {
			add('reach', 'Referral Factory answers at the Base URL', 'everything', 'DIFFERS', error.message);
			return report(findings.some((finding) => finding.id === 'auth' && finding.status !== 'DIFFERS'));
		}
		// An answer the probe could not read at all: that is a finding too, never a crash.
		add('readable', 'Every answer can be read', 'everything', 'DIFFERS', `the probe stopped on an answer it could not read: ${(error as Error).message}`);
		return report(true);
	}

	// What only a write would show: the probe sends none.
	for (const [id, assumption, affects] of [
		['duplicate-email', 'Adding an email already in the campaign answers with that person (or a 422 on email)', "Add's If Exists"],
		['issue-answer', 'Issuing a reward answers with the reward', "Issue's output and its look-up after a lost answer"],
		['n8n-registration', 'Registering a trigger answers {webhook: {id}}', "the webhook trigger's activation"],
		['deliveries', 'Deliveries carry the person flat beside `event`', "the webhook trigger's output"],
	]) {
		add(id, assumption, affects, 'UNKNOWN', 'only a write would show this; the probe sends none (the node accepts the other known answers)');
	}
	return report(true);
}

export const USAGE = [
	'Usage: REFERRAL_FACTORY_TOKEN=your-token npm run probe -- [--base-url https://referral-factory.com/api/v2] [--json report.json]',
	'The token is read from REFERRAL_FACTORY_TOKEN; when that is not set and this runs in a terminal, it is asked for (not shown as you type).',
	'It is never taken on the command line: npm prints a script\'s arguments.',
].join('\n');

/** Ends a run of the command with an exit code (thrown, so a test can run the command in its own process). */
class Exit extends Error {
	constructor(readonly code: number) {
		super(`exit ${code}`);
	}
}

/** Where the command reads and writes: the process's own, or a test's. */
export interface ProbeIo {
	out(text: string): void;
	err(text: string): void;
	/** Asks for the token in a terminal; undefined where there is none. */
	askToken?: () => Promise<string>;
}

const processIo: ProbeIo = {
	out: (text) => process.stdout.write(text),
	err: (text) => process.stderr.write(text),
	askToken: process.stdin.isTTY ? askToken : undefined,
};

function usage(io: ProbeIo, message: string): never {
	io.err(`${message}\n${USAGE}\n`);
	throw new Exit(2);
}

/** The token typed in a terminal, not shown (raw mode: nothing is echoed). Ctrl-C cancels. */
async function askToken(): Promise<string> {
	const input = process.stdin;
	process.stderr.write('Referral Factory API token (not shown): ');
	input.setRawMode(true);
	input.setEncoding('utf8');
	input.resume();
	return await new Promise((resolve, reject) => {
		let typed = '';
		const done = () => {
			input.off('data', onData);
			input.setRawMode(false);
			input.pause();
			process.stderr.write('\n');
		};
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n' || char === '\u0004') {
					done();
					resolve(typed.trim());
					return;
				}
				if (char === '\u0003') {
					done();
					process.stderr.write('Cancelled.\n');
					reject(new Exit(130));
					return;
				}
				if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
				else if (char >= ' ') typed += char;
			}
		};
		input.on('data', onData);
	});
}

/** The command line: `--base-url` and `--json` (each `--name value` or `--name=value`), `--help`; anything else is refused, never repeated. */
function parseArgs(io: ProbeIo, args: string[]): { baseUrl: string; json?: string } {
	// First, before anything else: a token on the command line is refused, and not repeated.
	if (args.some((arg) => /^--?token(=|$)/i.test(arg))) {
		usage(io, 'The token is not taken on the command line (npm prints a script\'s arguments, so it would be shown): set REFERRAL_FACTORY_TOKEN instead, or leave it unset in a terminal to be asked.');
	}
	if (args.some((arg) => arg === '--help' || arg === '-h')) {
		io.out(`${USAGE}\n`);
		throw new Exit(0);
	}
	const values: Record<string, string> = {};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		const match = /^(--base-url|--json)(?:=(.*))?$/.exec(arg);
		if (!match) usage(io, arg.startsWith('--') ? `Unknown option ${arg.split('=')[0].slice(0, 40)}.` : `Unknown argument (number ${i + 1}; not shown, in case it is a secret).`);
		const [, name, inline] = match;
		const given = inline ?? args[++i];
		if (given === undefined || given === '' || (inline === undefined && given.startsWith('--'))) usage(io, `${name} needs a value.`);
		values[name] = given;
	}
	const baseUrl = values['--base-url'] ?? 'https://referral-factory.com/api/v2';
	if (!/^https?:\/\/\S+$/i.test(baseUrl)) usage(io, '--base-url is not a web address (it starts with https:// or http://).');
	return { baseUrl, json: values['--json'] };
}

/**
 * `npm run probe`: the command's arguments and the token from REFERRAL_FACTORY_TOKEN (or asked for in a terminal);
 * resolves to the exit code (0 ran, 1 could not reach or the token was refused, 2 a usage error, 130 cancelled).
 */
export async function runProbeCommand(args: string[], tokenFromEnv: string | undefined, io: ProbeIo = processIo): Promise<number> {
	let redact = (text: string) => text;
	try {
		const { baseUrl, json } = parseArgs(io, args);
		let token = tokenFromEnv?.trim() ?? '';
		if (!token && io.askToken) token = await io.askToken();
		if (!token) usage(io, 'No token: set REFERRAL_FACTORY_TOKEN (or run in a terminal to be asked for it).');
		redact = redactor(token);

		const result = await probe({ baseUrl, token });
		io.out(`Referral Factory contract probe: ${result.baseUrl} (reads only; the token is not shown)\n`);
		for (const finding of result.findings) {
			io.out(redact(`${finding.status.padEnd(9)} ${finding.id.padEnd(20)} ${finding.assumption}${finding.evidence ? ` — ${finding.evidence}` : ''} [affects: ${finding.affects}]\n`));
		}
		const { CONFIRMED, DIFFERS, UNKNOWN } = result.summary;
		io.out(`${CONFIRMED} confirmed, ${DIFFERS} differ, ${UNKNOWN} unknown.\n`);
		if (json) {
			writeFileSync(json, redact(`${JSON.stringify(result, null, 2)}\n`));
			io.out(`Report: ${json}\n`);
		}
		if (!result.ran) {
			io.err('The probe could not reach Referral Factory, or the token was refused.\n');
			return 1;
		}
		return 0;
	} catch (error) {
		if (error instanceof Exit) return error.code;
		io.err(redact(`The probe failed: ${(error as Error).message}\n`));
		return 1;
	}
}

if (require.main === module) {
	void runProbeCommand(process.argv.slice(2), process.env.REFERRAL_FACTORY_TOKEN).then((code) => {
		process.exitCode = code;
	});
}
