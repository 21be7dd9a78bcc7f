/**
 * A local Referral Factory: a real HTTP server on 127.0.0.1 that answers like the public v2 API as described in
 * docs/referral-factory-api.md (where that is silent, the sandbox's own choices are marked INFERRED). Where the sources
 * disagree (duplicate e-mails, error body shape) a switch picks the behaviour, so the node can be tested against both.
 *
 * Besides /api/v2 (and the n8n endpoints under /api/n8n) it serves /__sandbox/* for tests and scripts: the requests it received, its users, a reset, and
 * its switches. Those routes need no token; the server only ever listens on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEFAULT_CONFIG, DEFAULT_TOKEN, mulberry32, type Chaos, type Fault, type RecordedRequest, type SandboxConfig, type SandboxStats } from './config';
import { createApi, HttpAnswer } from './routes';
import { Rewards } from './rewards';
import { Store } from './store';
import { controlRoutes } from './control';
import { Webhooks } from './webhooks';

export { DEFAULT_TOKEN };
export type { Chaos, Fault, RecordedRequest, SandboxConfig, SandboxStats };

export interface Sandbox {
	/** http://127.0.0.1:PORT */
	url: string;
	/** The URL to put in the credential's Base URL: http://127.0.0.1:PORT/api/v2 */
	baseUrl: string;
	token: string;
	store: Store;
	rewards: Rewards;
	webhooks: Webhooks;
	/** Bodies posted to /__sandbox/sink (by a workflow's HTTP Request node, in end-to-end checks). */
	sink: unknown[];
	config: SandboxConfig;
	faults: Fault[];
	requests: RecordedRequest[];
	stats: SandboxStats;
	close(): Promise<void>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSandbox(options: {
	port?: number;
	token?: string;
	config?: Partial<SandboxConfig>;
} = {}): Promise<Sandbox> {
	const token = options.token ?? DEFAULT_TOKEN;
	const config: SandboxConfig = { ...DEFAULT_CONFIG, ...options.config };
	const store = new Store(() => config);
	const rewards = new Rewards();
	rewards.reset(config.campaignCount);
	const webhooks = new Webhooks(
		() => config,
		(id) => {
			const user = store.users.find((candidate) => candidate.id === id);
			return user && store.present(user);
		},
	);
	const faults: Fault[] = [];
	const requests: RecordedRequest[] = [];
	const stats: SandboxStats = { requests: 0, rateLimited: 0, faults: {}, maxInFlight: 0 };
	let inFlight = 0;
	const hits = new Map<string, number[]>();
	let random = mulberry32(0);
	let chaosSeed: number | undefined;
	let origin = '';

	const { api, fail } = createApi(store, rewards, webhooks, config, () => origin);

	/** A Retry-After of at least `seconds`, as a number or as an HTTP date (whole seconds, so rounded up). */
	const retryAfter = (seconds: number): string =>
		config.retryAfterFormat === 'date' ? new Date((Math.ceil(Date.now() / 1000) + seconds) * 1000).toUTCString() : String(seconds);

	/** The token's count in its rolling window; `limited` is the 429 when it is full, `headers` the X-RateLimit-* ones. */
	const rateLimited = (key: string, now: number): { limited?: HttpAnswer; headers: Record<string, string> } => {
		const window = (hits.get(key) ?? []).filter((t) => t > now - config.rateWindowMs);
		hits.set(key, window);
		const full = window.length >= config.rateLimit;
		if (!full) window.push(now);
		const headers: Record<string, string> = {};
		if (config.rateLimitHeaders) {
			headers['X-RateLimit-Limit'] = String(config.rateLimit);
			headers['X-RateLimit-Remaining'] = String(Math.max(0, config.rateLimit - window.length));
			const resetIn = Math.max(1, Math.ceil((window[0] + config.rateWindowMs - now) / 1000));
			headers['X-RateLimit-Reset'] = String(config.rateLimitResetFormat === 'unix' ? Math.ceil(now / 1000) + resetIn : resetIn);
		}
		if (!full) return { headers };
		if (config.retryAfterHeader) headers['Retry-After'] = retryAfter(Math.max(1, Math.ceil((window[0] + config.rateWindowMs - now) / 1000)));
		return { limited: new HttpAnswer(429, fail(429, 'Too Many Attempts.').body, headers), headers };
	};

	const sink: unknown[] = [];
	const control = controlRoutes({ store, rewards, webhooks, config, faults, requests, stats, hits, sink });

	const readBody = async (req: IncomingMessage): Promise<{ parsed: unknown; invalid: boolean }> => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		if (!raw) return { parsed: undefined, invalid: false };
		try {
			return { parsed: JSON.parse(raw), invalid: false };
		} catch {
			return { parsed: raw, invalid: true };
		}
	};

	/** The answer as bytes on the wire; made before any latency is waited out, so that its cost is part of it. */
	const serialize = (answer: HttpAnswer): { status: number; headers: Record<string, string>; payload?: Buffer } => {
		const headers: Record<string, string> = { ...answer.headers };
		if (answer.text) {
			const payload = Buffer.from(answer.text.body);
			headers['Content-Type'] = answer.text.contentType ?? 'text/html';
			headers['Content-Length'] = String(payload.length);
			return { status: answer.status, headers, payload };
		}
		if (answer.body === undefined) return { status: answer.status, headers };
		const payload = Buffer.from(JSON.stringify(answer.body));
		headers['Content-Type'] = 'application/json';
		headers['Content-Length'] = String(payload.length);
		return { status: answer.status, headers, payload };
	};

	const send = (res: ServerResponse, answer: HttpAnswer | ReturnType<typeof serialize>) => {
		const { status, headers, payload } = answer instanceof HttpAnswer ? serialize(answer) : answer;
		res.writeHead(status, headers).end(payload);
	};

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		// The rate limit counts arrivals, as a server does: before the body is read.
		const arrived = Date.now();
		const url = new URL(req.url ?? '/', origin);
		const method = (req.method ?? 'GET').toUpperCase();
		const { parsed, invalid } = await readBody(req);

		if (url.pathname.startsWith('/__sandbox/')) {
			// Deliveries are sent in the background: their list waits for the ones under way.
			if (url.pathname === '/__sandbox/deliveries') await webhooks.settled();
			send(res, control(method, url.pathname.slice('/__sandbox'.length), parsed));
			return;
		}

		const query = Object.fromEntries(url.searchParams.entries());
		const record: RecordedRequest = {
			method,
			path: url.pathname,
			query,
			headers: req.headers,
			body: parsed,
			status: 0,
			at: arrived,
		};
		requests.push(record);

		const auth = req.headers.authorization ?? '';
		// The public API under /api/v2, Referral Factory's n8n endpoints (docs/referral-factory-api.md, N1) under
		// /api/n8n, seen by the routes (and by faults) as /n8n/….
		const surface = /^\/api\/(v2|n8n)(\/.*)$/.exec(url.pathname);
		const apiPath = surface ? `${surface[1] === 'n8n' ? '/n8n' : ''}${surface[2]}` : undefined;
		inFlight++;
		stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
		res.once('close', () => inFlight--);
		// The latency is the server's response time, counted from the request's arrival: the sandbox's own work on
		// the answer (a page of 250 users) is part of it, not added to it.
		let limitHeaders: Record<string, string> = {};
		const finish = async (answer: HttpAnswer, delayMs = config.latencyMs) => {
			const serialized = serialize(answer);
			Object.assign(serialized.headers, limitHeaders);
			const remaining = delayMs - (Date.now() - arrived);
			if (remaining > 0) await wait(remaining);
			record.status = answer.status;
			send(res, serialized);
		};
		if (apiPath === undefined) return finish(fail(404, 'Not Found -- The specified resource could not be found.'));
		// Its token, or the token with a `.name` suffix: several tokens, each with its own rate-limit count, for
		// measurements that must not share one token's limit.
		if (auth !== `Bearer ${token}` && !auth.startsWith(`Bearer ${token}.`)) return finish(fail(401, 'Unauthenticated.'));
		const counted = rateLimited(auth, arrived);
		const limited = counted.limited;
		limitHeaders = counted.headers;
		stats.requests++;
		if (limited) {
			stats.rateLimited++;
			return finish(limited);
		}

		const fault = takeFault(method, apiPath);
		const count = (kind: string) => (stats.faults[kind] = (stats.faults[kind] ?? 0) + 1);
		const faultAnswer = (f: Pick<Fault, 'status' | 'body' | 'text' | 'retryAfter' | 'echoAuthorization'>) => {
			const status = f.status ?? 500;
			const message = f.echoAuthorization ? `Upstream error. Request headers: Authorization: ${auth}` : status === 503 ? 'Service Unavailable' : 'Server Error';
			// A 422 that quotes the request back does it in its field errors, where a validation layer would.
			const errors = f.echoAuthorization && status === 422 ? { request: [message] } : undefined;
			const answer = new HttpAnswer(status, f.body ?? fail(status, f.echoAuthorization && status === 422 ? 'Validation errors in your request' : message, errors).body);
			if (f.retryAfter !== undefined) answer.headers['Retry-After'] = retryAfter(f.retryAfter);
			if (f.text) answer.text = f.text;
			return answer;
		};
		const drop = () => {
			record.status = -1;
			req.socket.destroy();
		};

		if (fault && (fault.when ?? 'before') === 'before') {
			count(fault.drop ? 'dropBefore' : 'errorBefore');
			if (fault.stallMs) await wait(fault.stallMs);
			return fault.drop ? drop() : finish(faultAnswer(fault));
		}
		const chaos = fault ? undefined : rollChaos();
		if (chaos === 'errorBefore') {
			count('errorBefore');
			return finish(faultAnswer({ status: 503 }));
		}

		let answer = invalid ? fail(400, 'Bad Request -- Your request is invalid.') : api(method, apiPath, query, parsed);
		if (answer.pending) {
			count('inProgress');
			await wait(answer.pending.ms);
			answer = answer.pending.settle();
		}
		const spike = config.chaos?.spike && random() < config.chaos.spike ? (config.chaos.spikeMs ?? 2_000) : 0;
		if (spike) count('spike');
		if (fault) {
			count(fault.drop ? 'dropAfter' : fault.stallMs && !fault.status ? 'stallAfter' : 'errorAfter');
			if (fault.stallMs) await wait(fault.stallMs);
			if (fault.drop) return drop();
			return finish(fault.status ? faultAnswer(fault) : answer);
		}
		if (chaos === 'errorAfter') {
			count('errorAfter');
			return finish(faultAnswer({ status: 500 }), config.latencyMs + spike);
		}
		if (chaos === 'dropAfter') {
			count('dropAfter');
			await wait(config.latencyMs + spike);
			return drop();
		}
		if (chaos === 'stallAfter') {
			count('stallAfter');
			return finish(answer, config.latencyMs + spike + (config.chaos?.stallMs ?? 5_000));
		}
		return finish(answer, config.latencyMs + spike);
	};

	const takeFault = (method: string, apiPath: string): Fault | undefined => {
		const fault = faults.find(
			(f) => f.times > 0 && (!f.method || f.method.toUpperCase() === method) && (!f.path || apiPath.startsWith(f.path)),
		);
		if (fault?.skip) {
			fault.skip--;
			return undefined;
		}
		if (fault) fault.times--;
		return fault;
	};

	const rollChaos = (): keyof Chaos | undefined => {
		const chaos = config.chaos;
		if (!chaos) return undefined;
		if (chaosSeed !== chaos.seed) {
			chaosSeed = chaos.seed;
			random = mulberry32(chaos.seed);
		}
		const roll = random();
		let edge = 0;
		for (const kind of ['errorBefore', 'errorAfter', 'dropAfter', 'stallAfter'] as const) {
			edge += chaos[kind] ?? 0;
			if (roll < edge) return kind;
		}
		return undefined;
	};

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			send(res, new HttpAnswer(500, { code: 500, message: `Sandbox bug: ${String(error)}` }));
		});
	});
	server.keepAliveTimeout = 5_000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	origin = `http://127.0.0.1:${port}`;

	return {
		url: origin,
		baseUrl: `${origin}/api/v2`,
		token,
		store,
		rewards,
		webhooks,
		sink,
		config,
		faults,
		requests,
		stats,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
