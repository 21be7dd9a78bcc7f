/**
 * A time as Referral Factory writes it (docs/referral-factory-api.md, A11): a day (`2024-12-27`, the API reference's
 * example), or a day and time, with a zone (`2024-12-27T10:15:00+01:00`, `…Z`) or without one
 * (`2024-12-27 10:15:00`). Read as UTC where no zone is given; `hasTime` and `hasZone` say how precise it is.
 */
export interface ApiTime {
	/** ms since the epoch, reading a missing time as midnight and a missing zone as UTC. */
	at: number;
	hasTime: boolean;
	hasZone: boolean;
}

const TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

export function readApiTime(value: unknown): ApiTime | undefined {
	if (typeof value !== 'string') return undefined;
	const match = TIME.exec(value.trim());
	if (!match) return undefined;
	const [, day, time, zone] = match;
	const at = Date.parse(`${day}T${time ?? '00:00'}${zone ? zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'}`);
	return Number.isFinite(at) ? { at, hasTime: time !== undefined, hasZone: zone !== undefined } : undefined;
}
