/**
 * The sandbox is what every other test trusts to behave like Referral Factory, so its own behaviour is specified
 * here, through plain HTTP (undici), against the facts listed in docs/referral-factory-api.md.
 */
import { request } from 'undici';

import { useSandbox } from './helpers/setup';

const t = useSandbox();

async function call(method: string, path: string, body?: unknown, token: string | null = t.sandbox.token) {
	const headers: Record<string, string> = { accept: 'application/json' };
	if (token) headers.authorization = `Bearer ${token}`;
	if (body !== undefined) headers['content-type'] = 'application/json';
	const response = await request(`${t.sandbox.url}${path}`, {
		method: method as 'GET',
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.body.text();
	return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('Referral Factory sandbox', () => {
	it('refuses a missing or wrong token with 401', async () => {
		expect(await call('GET', '/api/v2/campaigns', undefined, null)).toMatchObject({ status: 401, body: { code: 401, message: 'Unauthenticated.' } });
		expect((await call('GET', '/api/v2/campaigns', undefined, 'nope')).status).toBe(401);
	});

	it('accepts its token with a .name suffix as another token, counted on its own for the rate limit', async () => {
		await t.client.configure({ rateLimit: 1 });

		expect((await call('GET', '/api/v2/campaigns', undefined, `${t.sandbox.token}.first`)).status).toBe(200);
		expect((await call('GET', '/api/v2/campaigns', undefined, `${t.sandbox.token}.second`)).status).toBe(200);
		expect((await call('GET', '/api/v2/campaigns', undefined, `${t.sandbox.token}.first`)).status).toBe(429);
		expect((await call('GET', '/api/v2/campaigns', undefined, `${t.sandbox.token}x`)).status).toBe(401);
	});

	it('pages campaigns in the Laravel envelope', async () => {
		const { status, body } = await call('GET', '/api/v2/campaigns?page=2&per_page=10');

		expect(status).toBe(200);
		expect(body.data).toHaveLength(10);
		expect(body.data[0].id).toBe(11);
		expect(body.meta).toMatchObject({ current_page: 2, last_page: 3, per_page: 10, total: 30, from: 11, to: 20 });
		expect(body.links.next).toBe(`${t.sandbox.url}/api/v2/campaigns?page=3&per_page=10`);
		expect(body.links.prev).toBe(`${t.sandbox.url}/api/v2/campaigns?page=1&per_page=10`);
	});

	it.each(['per_page=1000', 'per_page=-5', 'per_page=0', 'per_page=2.5', 'per_page=ten', 'page=0', 'page=-1'])(
		'refuses a page query the API would refuse (%s) with 422',
		async (query) => {
			const { status, body } = await call('GET', `/api/v2/campaigns?${query}`);
			expect(status).toBe(422);
			expect(Object.keys(body.errors)).toEqual([query.split('=')[0]]);
		},
	);

	it.each([
		['no filters', {}],
		['filters without a list', { filters: { value: 'email' } }],
		['an unknown field', { filters: { value: [{ field: 'password', value: 'x', operator: '=' }] } }],
		['an unknown operator', { filters: { value: [{ field: 'email', value: 'x', operator: '~' }] } }],
		['an unknown group operator', { filters: { value: [], operator: 'XOR' } }],
	])('refuses a user search it cannot read (%s) with 422, never answering with everyone', async (_name, search) => {
		await t.client.createUser({ campaign_id: 1, first_name: 'Ann', email: 'ann@example.com' });

		const { status, body } = await call('POST', '/api/v2/users/search', search);

		expect(status).toBe(422);
		expect(body.data).toBeUndefined();
	});

	it('retrieves a campaign by id or code, and 404s an unknown one', async () => {
		const code = t.sandbox.store.campaigns[0].code;
		expect((await call('GET', '/api/v2/campaigns/1')).body.data.name).toBe('Acme Coffee Friends');
		expect((await call('GET', `/api/v2/campaigns/${code}`)).body.data.id).toBe(1);
		expect((await call('GET', '/api/v2/campaigns/404')).status).toBe(404);
	});

	it('creates a referrer with an 8-character code and a campaign link, 201', async () => {
		const { status, body } = await call('POST', '/api/v2/users', { campaign_id: 2, first_name: 'Jo', email: 'Jo@Example.com' });

		expect(status).toBe(201);
		expect(body.data).toMatchObject({
			campaign_id: 2,
			first_name: 'Jo',
			email: 'jo@example.com',
			source: 'Api',
			type: 'person_referring',
			referrer_id: null,
			qualified_at: null,
		});
		expect(body.data.code).toMatch(/^[A-Za-z0-9]{8}$/);
		expect(body.data.url).toBe(`https://bloom-yoga.referral-factory.com/${body.data.code}`);
	});

	it('answers the documented 422 body for invalid fields', async () => {
		const { status, body } = await call('POST', '/api/v2/users', { campaign_id: 1, email: 'x' });

		expect(status).toBe(422);
		expect(body).toEqual({
			code: 422,
			message: 'Validation errors in your request',
			errors: {
				first_name: [{ field: 'first_name', message: 'The first name field is required.' }],
				email: [{ field: 'email', message: 'The email must be a valid email address.' }],
			},
		});
	});

	it('answers {message, errors: {field: [text]}} in plain error style', async () => {
		await t.client.configure({ errorStyle: 'plain' });
		const { body } = await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A' });
		expect(body).toEqual({ message: 'Validation errors in your request', errors: { email: ['The email field is required.'] } });
	});

	it('404s a create for an unknown campaign', async () => {
		expect((await call('POST', '/api/v2/users', { campaign_id: 999, first_name: 'A', email: 'a@example.com' })).status).toBe(404);
	});

	it('keeps e-mails unique per campaign: returns the existing user, or rejects it when switched to', async () => {
		const first = await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'a@example.com' });
		const again = await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'A@example.com' });
		const otherCampaign = await call('POST', '/api/v2/users', { campaign_id: 2, first_name: 'A', email: 'a@example.com' });

		expect(again.status).toBe(200);
		expect(again.body.data.id).toBe(first.body.data.id);
		expect(otherCampaign.status).toBe(201);

		await t.client.configure({ duplicates: 'reject' });
		const rejected = await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'a@example.com' });
		expect(rejected.status).toBe(422);
		expect(rejected.body.errors.email[0].message).toBe('The email has already been taken.');
		expect(await t.client.users()).toHaveLength(2);

		// `allow` is no documented behaviour: it lets tests see whether the node itself avoids duplicates.
		await t.client.configure({ duplicates: 'allow' });
		const twice = await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'a@example.com' });
		expect(twice.status).toBe(201);
		expect((await t.client.users()).filter((u) => u.email === 'a@example.com' && u.campaign_id === 1)).toHaveLength(2);
	});

	it('updates a user with PUT /users/{id}, merging custom fields by label', async () => {
		const { body } = await call('POST', '/api/v2/users', {
			campaign_id: 3, first_name: 'Old', email: 'o@example.com', meta: [{ field: 'Company', value: 'Old Co' }],
		});
		const updated = await call('PUT', `/api/v2/users/${body.data.id}`, { first_name: 'New', meta: [{ field: 'Company', value: 'New Co' }, { field: 'Plan', value: 'Pro' }] });

		expect(updated.status).toBe(200);
		expect(updated.body.data).toMatchObject({ id: body.data.id, code: body.data.code, first_name: 'New', meta: [{ field: 'Company', value: 'New Co' }, { field: 'Plan', value: 'Pro' }] });
		expect((await call('PUT', '/api/v2/users/999999', { first_name: 'X' })).status).toBe(404);
		expect((await call('PUT', `/api/v2/users/${body.data.id}`, { email: 'nope' })).status).toBe(422);
	});

	it('finds users by id, code or e-mail, and searches them with filters', async () => {
		const { body } = await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'a@example.com' });
		await call('POST', '/api/v2/users', { campaign_id: 2, first_name: 'A', email: 'a@example.com' });

		expect((await call('GET', `/api/v2/users/${body.data.id}`)).body.data.code).toBe(body.data.code);
		expect((await call('GET', `/api/v2/users/${body.data.code}`)).body.data.id).toBe(body.data.id);
		expect((await call('GET', '/api/v2/users/nobody')).status).toBe(404);
		const search = await call('POST', '/api/v2/users/search', {
			filters: { value: [{ field: 'email', value: 'a@example.com', operator: '=' }, { field: 'campaign_id', value: '1', operator: '=' }], operator: 'AND' },
		});
		expect(search.body.data.map((u: { id: number }) => u.id)).toEqual([body.data.id]);
	});

	it('limits requests per token in a rolling window, with Retry-After', async () => {
		await t.client.configure({ rateLimit: 3, rateWindowMs: 60_000 });
		const statuses = [];
		for (let i = 0; i < 5; i++) statuses.push((await call('GET', '/api/v2/campaigns')).status);

		expect(statuses).toEqual([200, 200, 200, 429, 429]);
		const limited = await call('GET', '/api/v2/campaigns');
		expect(limited.body).toEqual({ code: 429, message: 'Too Many Attempts.' });
		expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
	});

	it('405s a wrong method, 404s an unknown route, 400s a body that is not JSON', async () => {
		expect((await call('DELETE', '/api/v2/campaigns')).status).toBe(405);
		expect((await call('GET', '/api/v2/nothing-here')).status).toBe(404);
		expect((await call('POST', '/api/v2/users', '{not json')).status).toBe(400);
	});

	it('injects faults before or after the work: 5xx, a dropped connection, a held answer', async () => {
		await t.client.addFault({ status: 500, when: 'after', path: '/users', method: 'POST' });
		expect((await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'a@example.com' })).status).toBe(500);
		expect(await t.client.users()).toHaveLength(1);

		await t.client.addFault({ drop: true, when: 'after', path: '/users', method: 'POST' });
		await expect(call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'B', email: 'b@example.com' })).rejects.toThrow();
		expect(await t.client.users()).toHaveLength(2);

		await t.client.addFault({ status: 503, path: '/users', method: 'POST' });
		expect((await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'C', email: 'c@example.com' })).status).toBe(503);
		expect(await t.client.users()).toHaveLength(2);
		expect((await t.client.stats()).faults).toEqual({ errorAfter: 1, dropAfter: 1, errorBefore: 1 });
	});

	it('answers a configured fault the given number of times', async () => {
		await t.client.addFault({ status: 503, path: '/campaigns', times: 2 });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await call('GET', '/api/v2/campaigns')).status);
		expect(statuses).toEqual([503, 503, 200]);
	});

	it('records what it received', async () => {
		await call('POST', '/api/v2/users', { campaign_id: 1, first_name: 'A', email: 'a@example.com' });
		const [recorded] = await t.client.requests();
		expect(recorded).toMatchObject({ method: 'POST', path: '/api/v2/users', status: 201, body: { campaign_id: 1, first_name: 'A', email: 'a@example.com' } });
	});
});
