/**
 * The five routes of each catalog resource (SPEC §4.4), listed in the API route table
 * (src/routes.ts): list, create, get, replace, delete, with their documentation.
 */
import type { TObject } from '@sinclair/typebox';
import type { Middleware } from 'koa';
import type { Model } from 'objection';
import type { AppDeps } from '../app-deps';
import { createItem } from '../handlers/catalog/create-item';
import { deleteItem } from '../handlers/catalog/delete-item';
import { getItem } from '../handlers/catalog/get-item';
import { listItems } from '../handlers/catalog/list-items';
import { updateItem } from '../handlers/catalog/update-item';
import { parseJsonBody } from '../http/parse-json-body';
import { failure, failures, json, type Tag } from '../openapi/route-doc';
import type { Route } from '../routes';
import { idParam, idParams, listAnswer, ListQuery, type CatalogResource } from './catalog-resource';

/** Reads are open; mutations need the admin credentials, checked before the body is read. */
export function catalogRoutes<B extends TObject, M extends Model & { id: number }>(
  resource: CatalogResource<B, M>,
  { db }: AppDeps,
  admin: Middleware,
): Route[] {
  const { plural, singular } = resource;
  const Singular = singular[0]!.toUpperCase() + singular.slice(1);
  const items = `/${plural}`;
  const item = `/${plural}/:${idParam(resource)}`;
  const params = idParams(resource);
  const body = {
    schema: resource.body,
    examples: { example: { summary: `A ${singular}`, value: resource.example } },
  };
  const readBody = parseJsonBody({ limit: '64kb' });
  const writeFailures = { ...failures(400, 401, 413, 415), ...failure(422, 'Invalid body or id.') };
  const tags = [plural as Tag];
  return [
    {
      method: 'GET',
      path: items,
      handlers: [listItems(resource, db)],
      doc: {
        operationId: `list${Singular}s`,
        summary: `List ${plural}`,
        tags,
        query: ListQuery,
        responses: {
          200: json(listAnswer(resource.answer), `One page of ${plural}, by id.`),
          ...failures(422),
        },
      },
    },
    {
      method: 'POST',
      path: items,
      handlers: [admin, readBody, createItem(resource, db)],
      doc: {
        operationId: `create${Singular}`,
        summary: `Create a ${singular}`,
        tags,
        security: 'admin',
        body,
        responses: {
          201: json(resource.answer, 'Created.'),
          ...writeFailures,
          ...failure(409, 'A unique field is taken.'),
        },
      },
    },
    {
      method: 'GET',
      path: item,
      handlers: [getItem(resource, db)],
      doc: {
        operationId: `get${Singular}`,
        summary: `Get a ${singular}`,
        tags,
        params,
        responses: { 200: json(resource.answer, `The ${singular}.`), ...failures(404, 422) },
      },
    },
    {
      method: 'PUT',
      path: item,
      handlers: [admin, readBody, updateItem(resource, db)],
      doc: {
        operationId: `update${Singular}`,
        summary: `Replace a ${singular}`,
        description: 'Replaces every writable field: one left out takes its default again.',
        tags,
        security: 'admin',
        params,
        body,
        responses: {
          200: json(resource.answer, 'Updated.'),
          ...writeFailures,
          ...failures(404),
          ...failure(409, 'A unique field is taken.'),
        },
      },
    },
    {
      method: 'DELETE',
      path: item,
      handlers: [admin, deleteItem(resource, db)],
      doc: {
        operationId: `delete${Singular}`,
        summary: `Delete a ${singular}`,
        tags,
        security: 'admin',
        params,
        responses: {
          204: { description: 'Deleted.' },
          ...failures(401, 404, 422),
          ...failure(409, `The ${singular} is still referenced.`),
        },
      },
    },
  ];
}
