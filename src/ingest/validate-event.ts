/**
 * One request event → a queued event or the list of its problems (SPEC §4.1).
 * Problems are values here, not exceptions: the batch endpoint reports them per index.
 */
import { compile, toDetails } from '../http/validate';
import { IngestEvent, dropNulls } from './event-schema';
import { normalizeEvent, type Normalized } from './normalize-event';

const check = compile(IngestEvent);

export function validateEvent(raw: unknown, receivedAt: number): Normalized {
  const body = dropNulls(raw);
  if (!check(body)) return { errors: toDetails(check.errors) };
  return normalizeEvent(body, receivedAt);
}
