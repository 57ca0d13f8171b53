/** The demo data is dated relative to the moment the seed runs, so it is always recent. */
const HOUR = 3_600_000;

export const hoursAgo = (now: Date, hours: number) => new Date(now.getTime() - hours * HOUR);
export const daysAgo = (now: Date, days: number) => hoursAgo(now, days * 24);
