/**
 * One walk over a parsed JSON body, shared by the edge's checks (forbidden keys, depth,
 * strings PostgreSQL cannot store). Iterative, so a deep body cannot blow the stack, and
 * a node's JSON pointer is spelled only when a check asks for it (once, on a problem).
 */
import { pointerSegment } from './http-error';

export interface JsonNode {
  value: unknown;
  /** The key under which the value sits in its parent; undefined for the root. */
  key: string | undefined;
  depth: number;
  /** The node's JSON pointer (RFC 6901). */
  path(): string;
}

interface Frame {
  value: unknown;
  key: string | undefined;
  depth: number;
  parent: Frame | undefined;
}

function pathOf(frame: Frame): string {
  const segments: string[] = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) {
    segments.push(pointerSegment(at.key));
  }
  return segments.reverse().join('');
}

/** Visits every node depth-first; returns the first non-undefined answer of `check`. */
export function findInJson<T>(
  root: unknown,
  check: (node: JsonNode) => T | undefined,
): T | undefined {
  const stack: Frame[] = [{ value: root, key: undefined, depth: 0, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const found = check({ ...frame, path: () => pathOf(frame) });
    if (found !== undefined) return found;
    const { value } = frame;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      stack.push({ value: child, key, depth: frame.depth + 1, parent: frame });
    }
  }
  return undefined;
}
