import type { Role } from '../../helpers/person';

/** How each kind of person is named in the node: the resource, its locator parameter and its label. */
export const ROLES: Record<Role, { resource: Role; locator: 'referrerId' | 'leadId'; label: string; plural: string; apiType: string }> = {
	referrer: { resource: 'referrer', locator: 'referrerId', label: 'Referrer', plural: 'referrers', apiType: 'person_referring' },
	lead: { resource: 'lead', locator: 'leadId', label: 'Lead', plural: 'leads', apiType: 'person_invited' },
};

export const SIMPLIFIED_PERSON = 'the referral link and code at the top level';

/** What Include Analytics adds to a person (docs/referral-factory-api.md, P15). */
export const PERSON_FIGURES = 'their reach, referrals and qualified referrals';
