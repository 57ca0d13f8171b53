/** Shared by the catalog tests: a seeded API with admin credentials, and request helpers. */
import { randomUUID } from 'node:crypto';
import { startPipeline, type Pipeline } from './pipeline';
import type { RequestOptions } from './http';

export const ADMIN = { ADMIN_USER: 'admin', ADMIN_PASSWORD: 'catalog-secret' };

export const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

export const asAdmin = basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD);

/** A seeded API (no workers: the catalog needs none) whose mutations need ADMIN. */
export const startCatalogApi = () => startPipeline(ADMIN, { workers: false, seed: true });

/** `request` with the admin credentials. */
export const adminRequest =
  (api: Pipeline) =>
  (method: string, path: string, options: RequestOptions = {}) =>
    api.request(method, path, { ...options, headers: { ...asAdmin, ...options.headers } });

/** A name no seed nor other test uses. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
