/**
 * One walk over a parsed JSON body, shared by the edge's checks (forbidden keys, depth,
 * strings PostgreSQL cannot store). Iterative, so a deep body cannot blow the stack. It
 * runs on every request, so a node is one small object and its JSON pointer is spelled
 * only when a check asks for it (once, on a problem).
 */
import { pointerSegment } from './http-error';

export class JsonNode {
  constructor(
    readonly value: unknown,
    /** The key under which the value sits in its parent; undefined for the root. */
    readonly key: string | undefined,
    readonly depth: number,
    private readonly parent: JsonNode | undefined,
  ) {}

  /** The node's JSON pointer (RFC 6901). */
  path(): string {
    return this.parent === undefined ? '' : this.parent.path() + pointerSegment(this.key!);
  }
}

/** Visits every node depth-first; returns the first non-undefined answer of `check`. */
export function findInJson<T>(
  root: unknown,
  check: (node: JsonNode) => T | undefined,
): T | undefined {
  const stack = [new JsonNode(root, undefined, 0, undefined)];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const found = check(node);
    if (found !== undefined) return found;
    const { value } = node;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      stack.push(new JsonNode(child, key, node.depth + 1, node));
    }
  }
  return undefined;
}
