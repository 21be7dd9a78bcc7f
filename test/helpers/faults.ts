/**
 * The fault mix both fault suites run under: the ways the real service fails or may fail (5xx before the work; 5xx,
 * dropped connections and answers past the node's timeout after it; latency spikes), seeded so a failure can be
 * replayed, under a rate limit scaled down to a 1-second window.
 */
import { addCredential } from './engine';
import type { SandboxProcess } from './sandbox-process';

export const FAULT_LIMIT = { requests: 60, windowSeconds: 1 };

/** The sandbox's switches for one seeded run, plus `extra` (what it does with repeats). */
export function faultConfig(seed: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		rateLimit: FAULT_LIMIT.requests,
		rateWindowMs: FAULT_LIMIT.windowSeconds * 1000,
		latencyMs: 5,
		chaos: { seed, errorBefore: 0.05, errorAfter: 0.05, dropAfter: 0.04, stallAfter: 0.03, stallMs: 900, spike: 0.05, spikeMs: 250 },
		...extra,
	};
}

/** A credential paced to the sandbox's limit. */
export function faultCredential(sandbox: SandboxProcess) {
	return addCredential({ accessToken: sandbox.token, baseUrl: sandbox.baseUrl, rateLimit: FAULT_LIMIT.requests, rateLimitWindow: FAULT_LIMIT.windowSeconds });
}
