/** POST /api/v1/ingest — one interaction, answered 202 once durably queued (SPEC §4.1). */
import type { Middleware } from 'koa';
import { validationFailed } from '../http/http-error';
import { validateEvent } from '../ingest/validate-event';
import type { Ingestion } from '../ingest/ingestion';

export function ingestEvent(ingestion: Ingestion): Middleware {
  return async (ctx) => {
    const result = validateEvent(ctx.state.body, Date.now());
    if ('errors' in result) {
      ingestion.metrics.rejected(1);
      throw validationFailed(result.errors, 'The event is invalid.');
    }
    await ingestion.accept([result.event]);
    ctx.status = 202;
    ctx.body = {
      status: 'accepted',
      message: 'Event queued for processing',
      request_id: ctx.state.requestId,
      event_id: result.event.event_id,
    };
  };
}
