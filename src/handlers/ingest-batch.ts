/**
 * POST /api/v1/ingest/batch — up to 500 interactions. Valid events are queued, invalid
 * ones reported by index; an `event_id` seen earlier in the same request is queued once
 * and counted as a duplicate (SPEC §4.1).
 */
import type { Middleware } from 'koa';
import { HttpError, validationFailed, type ErrorDetail } from '../http/http-error';
import { assertValid, compile } from '../http/validate';
import { IngestBatch, MAX_BATCH_EVENTS } from '../ingest/event-schema';
import type { QueuedEvent } from '../ingest/queued-event';
import { validateEvent } from '../ingest/validate-event';
import type { Ingestion } from '../ingest/ingestion';

const checkBatch = compile(IngestBatch);

export function ingestBatch(ingestion: Ingestion): Middleware {
  return async (ctx) => {
    const body = ctx.state.body as { events?: unknown };
    if (Array.isArray(body?.events) && body.events.length > MAX_BATCH_EVENTS) {
      throw new HttpError(
        413,
        'payload_too_large',
        `A batch holds at most ${MAX_BATCH_EVENTS} events.`,
      );
    }
    const { events } = assertValid(checkBatch, body);

    const receivedAt = Date.now();
    const accepted: QueuedEvent[] = [];
    const rejected: Array<{ index: number; errors: ErrorDetail[] }> = [];
    const seen = new Set<string>();
    let duplicates = 0;
    events.forEach((raw, index) => {
      const result = validateEvent(raw, receivedAt);
      if ('errors' in result) {
        rejected.push({ index, errors: result.errors });
      } else if (seen.has(result.event.event_id)) {
        duplicates += 1;
      } else {
        seen.add(result.event.event_id);
        accepted.push(result.event);
      }
    });
    ingestion.metrics.rejected(rejected.length);
    ingestion.metrics.duplicate(duplicates);

    if (accepted.length === 0) {
      const details = rejected.flatMap(({ index, errors }) =>
        errors.map((error) => ({ ...error, path: `/events/${index}${error.path}` })),
      );
      throw validationFailed(details, 'No event of the batch is valid.');
    }
    await ingestion.accept(accepted);
    ctx.status = 202;
    ctx.body = { accepted: accepted.length, duplicates, rejected };
  };
}
