/**
 * Customers (SPEC §4.4). The password is hashed with scrypt on every write (PUT replaces
 * it too) and never answered, nor is its hash.
 */
import { Type } from '@sinclair/typebox';
import { User } from '../models';
import { hashPassword } from '../passwords';
import { Timestamp, iso, type CatalogResource } from './catalog-resource';

const Username = Type.String({
  minLength: 1,
  maxLength: 50,
  description: 'Unique.',
  examples: ['retrogamer'],
});
const Email = Type.String({
  format: 'email',
  maxLength: 255,
  description: 'Unique.',
  examples: ['retro@example.com'],
});

export const UserBody = Type.Object(
  {
    username: Username,
    email: Email,
    password: Type.String({
      minLength: 8,
      maxLength: 1024,
      writeOnly: true,
      description: 'At least 8 characters; stored as a scrypt hash, never answered.',
    }),
    is_active: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

export const UserAnswer = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    username: Username,
    email: Type.String(),
    is_active: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

export const users: CatalogResource<typeof UserBody, User> = {
  plural: 'users',
  singular: 'user',
  model: User,
  body: UserBody,
  answer: UserAnswer,
  timestamps: true,
  async toRow({ username, email, password, is_active }) {
    return { username, email, is_active, hashed_password: await hashPassword(password) };
  },
  toAnswer: (user) => ({
    id: user.id,
    username: user.username,
    email: user.email,
    is_active: user.is_active,
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
  }),
  example: {
    username: 'retrogamer',
    email: 'retro@example.com',
    password: 'correct horse',
    is_active: true,
  },
};
