/** The one error shape of every failed answer (SPEC §4, src/http/http-error.ts). */
import { Type } from '@sinclair/typebox';

export const ErrorDetail = Type.Object(
  {
    path: Type.String({
      description: 'JSON pointer to the problem ("" for the whole body).',
      examples: ['/user_id'],
    }),
    message: Type.String({ examples: ['must be >= 1'] }),
  },
  { additionalProperties: false },
);

export const ErrorAnswer = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({
          pattern: '^[a-z_]+$',
          description: 'A stable snake_case word.',
          examples: [
            'validation_failed',
            'malformed_json',
            'payload_too_large',
            'unsupported_media_type',
            'unauthorized',
            'not_found',
            'conflict',
            'unavailable',
          ],
        }),
        message: Type.String(),
        details: Type.Array(ErrorDetail, { description: 'Every problem found.' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
