import { qualification } from './qualification';

/**
 * Lead → Unqualify: sets a qualified lead back to pending (after a refund), dropping its due rewards. Shares its code
 * with Qualify (./qualification.ts).
 */
export const unqualify = qualification('unqualify');
