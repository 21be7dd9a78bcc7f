import { qualification } from './qualification';

/**
 * Lead → Qualify: marks a lead as converted (a purchase, a signed contract), found by ID, referral code, email or a
 * coupon they redeemed; rewards follow the campaign's settings. Qualify and Unqualify share their code
 * (./qualification.ts): the lead is read first, and nothing is sent when it is in that state already.
 */
export const qualify = qualification('qualify');
