/**
 * Password hashing with scrypt from node:crypto (no native add-on to build).
 *
 * A stored hash reads `scrypt$N$r$p$salt$hash` (salt and hash in base64), so the cost can be
 * raised later without invalidating the hashes already stored: each is verified with its own
 * parameters.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

interface Cost {
  N: number;
  r: number;
  p: number;
}

// N = 2^15 costs about 0.1 s and 32 MiB per hash: slow for guessing, fine for a login.
const COST: Cost = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Parameters read back from a row are bounded, so a corrupt one cannot exhaust memory or CPU.
const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
const isSmall = (n: number) => Number.isInteger(n) && n >= 1 && n <= 16;
const isSane = ({ N, r, p }: Cost) => isPowerOfTwo(N) && N <= 2 ** 17 && isSmall(r) && isSmall(p);

function derive(plain: string, salt: Buffer, keyBytes: number, cost: Cost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes, and Node's default cap (32 MiB) leaves no room for N = 2^15.
  const maxmem = 2 * 128 * cost.N * cost.r;
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFC'), salt, keyBytes, { ...cost, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain, salt, KEY_BYTES, COST);
  const { N, r, p } = COST;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** False for a wrong password and for anything that is not one of these hashes. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined || rest.length > 0) {
    return false;
  }
  const cost = { N: Number(N), r: Number(r), p: Number(p) };
  const expected = Buffer.from(hash, 'base64');
  if (!isSane(cost) || expected.length < 16) return false;

  const actual = await derive(plain, Buffer.from(salt, 'base64'), expected.length, cost);
  return timingSafeEqual(actual, expected);
}
