const HIDDEN = '[hidden]';

/**
 * A copy of `value` with every occurrence of `secret` in its strings (keys included) replaced. Used on answers
 * that end up in errors: a server or proxy that quotes the request back would otherwise put the token into the
 * execution data.
 */
export function redact<T>(value: T, secret: string): T {
	if (secret.length < 4) return value;
	const visit = (current: unknown, depth: number): unknown => {
		if (typeof current === 'string') return current.split(secret).join(HIDDEN);
		if (depth > 20 || current === null || typeof current !== 'object') return current;
		if (Array.isArray(current)) return current.map((entry) => visit(entry, depth + 1));
		return Object.fromEntries(
			Object.entries(current as Record<string, unknown>).map(([key, entry]) => [visit(key, depth + 1), visit(entry, depth + 1)]),
		);
	};
	return visit(value, 0) as T;
}
